"""Which thresholds an interval crosses (shared by imprecision, inconsistency and incoherence)."""

from __future__ import annotations

from analysis.registry import format_number


def scaled(thresholds_mid, mid: float) -> tuple[float, ...]:
    """Thresholds given in MID units, on the outcome scale."""
    return tuple(sorted(float(t) * float(mid) for t in thresholds_mid))


def crossed(lo: float, hi: float, thresholds) -> tuple[float, ...]:
    """The thresholds lying strictly inside the interval (lo, hi): an interval ending on one does not cross it."""
    return tuple(t for t in thresholds if lo < t < hi)


def fmt(x: float) -> str:
    """A number for a reason in words, as the book prints numbers (2 decimals, true minus, no negative zero)."""
    return format_number(x, 2)
