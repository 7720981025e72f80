"""Inconsistency (heterogeneity): the 95% prediction interval against the MID thresholds, CINeMA-style.

CINeMA rates heterogeneity by the thresholds the prediction interval crosses
beyond those the confidence interval already crosses: none more -> no
concerns, one -> some (one level), two -> major (two levels). The prediction
interval (:meth:`analysis.models.network.NetworkFit.prediction_interval`) uses
the network's common tau^2.
"""

from __future__ import annotations

import math

from analysis.certainty.rating import DomainRating
from analysis.certainty.thresholds import crossed, fmt, scaled


def rate_inconsistency(ci_low: float, ci_high: float, pi_low: float, pi_high: float, mid: float, tau2: float,
                       rules: dict) -> DomainRating:
    thresholds = scaled(rules["inconsistency"]["thresholds_mid"], mid)
    by_ci = set(crossed(ci_low, ci_high, thresholds))
    by_pi = set(crossed(pi_low, pi_high, thresholds))
    extra = sorted(by_pi - by_ci)
    pi = f"95% prediction interval {fmt(pi_low)} to {fmt(pi_high)}, tau {fmt(math.sqrt(max(tau2, 0)))}"
    if not extra:
        reason = f"the {pi} crosses no threshold that the CI does not"
    else:
        reason = f"the {pi} also crosses {' and '.join(fmt(t) for t in extra)}"
    summary = ("the 95% prediction interval crosses no threshold of importance that the CI does not"
               if not extra else "the 95% prediction interval, where the effect of a new trial is expected, crosses "
               + ("both thresholds of importance" if len(extra) >= 2 else "a threshold of importance")
               + " that the CI does not, a sign of important heterogeneity")
    return DomainRating("inconsistency", min(len(extra), 2), reason, summary=summary)
