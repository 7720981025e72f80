"""Samples whose median and quartiles are given exactly (numpy's default, linear interpolation)."""

from __future__ import annotations

import math

import numpy as np


def anchor_positions(k: int, p: float) -> tuple[int, int]:
    """The order statistics (0-based) that the p-quantile of k values interpolates between."""
    h = (k - 1) * p
    return math.floor(h), math.ceil(h)


def quantile_sample(k: int, median: float, q1: float, q3: float, lo: float, hi: float,
                    rng: np.random.Generator, decimals: int = 0) -> np.ndarray:
    """k sorted values in [lo, hi] whose 25th, 50th and 75th percentiles are exactly q1, median, q3."""
    values = np.full(k, np.nan)
    anchors = []
    for p, v in ((0.25, q1), (0.5, median), (0.75, q3)):
        for i in anchor_positions(k, p):
            values[i] = v
        anchors.append(anchor_positions(k, p))
    bounds = [(-1, lo), (anchors[0][0], q1), (anchors[1][0], median), (anchors[2][0], q3), (k, hi)]
    edges = [(-1, lo), (anchors[0][1], q1), (anchors[1][1], median), (anchors[2][1], q3)]
    for (start, a), (end, b) in zip(edges, bounds[1:]):
        gap = range(start + 1, end)
        if len(gap):
            values[list(gap)] = np.sort(np.round(rng.uniform(a, b, len(gap)), decimals))
    return values


def with_total(values: np.ndarray, total: int, floor: float) -> np.ndarray:
    """Integer values whose entries above ``floor`` (the top segment) are rescaled so that they sum to ``total``."""
    out = np.round(values).astype(int)
    top = np.flatnonzero(out > floor)
    need = total - (out.sum() - out[top].sum())
    excess = out[top] - floor
    scaled = floor + excess * (need - floor * len(top)) / excess.sum()
    out[top] = np.round(scaled).astype(int)
    out[top[-1]] += total - out.sum()
    return np.sort(out)
