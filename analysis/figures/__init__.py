"""Figures drawn from result tables (never from raw data): forest plots and others."""
