"""Imprecision: the 95% CI of the network estimate against the MID thresholds (minimally contextualised).

Core GRADE (Guyatt et al. BMJ 2025;389:e081904) and GRADE guidance 34: rate
down when the CI crosses the MID for benefit or for harm; crossing both (the CI
includes important benefit and important harm) is very serious. Thresholds
come from ``rules["imprecision"]["thresholds_mid"]`` in MID units.
"""

from __future__ import annotations

from analysis.certainty.rating import DomainRating
from analysis.certainty.thresholds import crossed, fmt, scaled


def rate_imprecision(ci_low: float, ci_high: float, mid: float, rules: dict) -> DomainRating:
    thresholds = scaled(rules["imprecision"]["thresholds_mid"], mid)
    hit = crossed(ci_low, ci_high, thresholds)
    ci = f"95% CI {fmt(ci_low)} to {fmt(ci_high)}"
    if not hit:
        reason = f"the {ci} crosses none of the thresholds {', '.join(fmt(t) for t in thresholds)}"
    else:
        reason = f"the {ci} crosses {' and '.join(fmt(t) for t in hit)} (the MID)"
    return DomainRating("imprecision", min(len(hit), 2), reason, summary=_imprecision_summary(hit))


def _imprecision_summary(hit: list[float]) -> str:
    """The thresholds the CI crosses, in words."""
    if not hit:
        return "the 95% CI lies on one side of each threshold of importance"
    if len(hit) >= 2:
        return "the 95% CI includes both an important benefit and an important harm"
    return "the 95% CI crosses the MID, so it includes both an important effect and one too small to matter"
