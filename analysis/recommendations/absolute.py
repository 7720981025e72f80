"""Absolute effects: the control baseline from the trials' reference (sham) arms.

Continuous outcomes: the baseline is the patient-weighted mean follow-up value
of the reference arms in the analysis table that report *final* values; arms
reporting change from baseline are left out (a change is not a level: mixing
them in would pull the baseline towards zero). The absolute value with the
procedure is baseline + mean difference. Binary outcomes: risk differences per
1000 from the baseline risk and an odds ratio or risk ratio.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Baseline:
    value: float
    arms: int  # reference arms averaged
    patients: int  # their patients
    studies: tuple[str, ...]
    change_arms: int = 0  # reference arms left out because they report change from baseline


def control_baseline(arms: pd.DataFrame, reference: str, value: str = "mean") -> Baseline | None:
    """Patient-weighted mean of ``value`` over the reference arms reporting final values (None when there
    are none). A table without ``measure_type`` is taken to hold final values only."""
    ref = arms[arms["treatment"] == reference]
    final = ref[ref["measure_type"] == "final"] if "measure_type" in ref.columns else ref
    if final.empty:
        return None
    n = final["n"].astype(float)
    change = int((ref["measure_type"] == "change").sum()) if "measure_type" in ref.columns else 0
    return Baseline(float((final[value].astype(float) * n).sum() / n.sum()), int(len(final)), int(n.sum()),
                    tuple(sorted(final["study"].astype(str).unique())), change)


def control_risk(arms: pd.DataFrame, reference: str) -> Baseline | None:
    """Pooled event risk of the reference arms (``events`` of ``n``) of a binary outcome."""
    ref = arms[arms["treatment"] == reference]
    if ref.empty or ref["n"].sum() == 0:
        return None
    return Baseline(float(ref["events"].sum() / ref["n"].sum()), int(len(ref)), int(ref["n"].sum()),
                    tuple(sorted(ref["study"].astype(str).unique())))


def risk_difference_per_1000(baseline_risk: float, ratio: float, measure: str = "OR") -> float:
    """Events per 1000 more (+) or fewer (-) with the treatment, from the control risk and an OR or RR."""
    p0 = float(baseline_risk)
    if not 0 <= p0 <= 1:
        raise ValueError(f"baseline risk {p0!r}; expected a proportion between 0 and 1")
    if measure.upper() == "RR":
        p1 = min(p0 * ratio, 1.0)
    elif measure.upper() == "OR":
        odds = p0 / (1 - p0) * ratio if p0 < 1 else float("inf")
        p1 = 1.0 if odds == float("inf") else odds / (1 + odds)
    else:
        raise ValueError(f"measure {measure!r}; expected OR or RR")
    return 1000 * (p1 - p0)
