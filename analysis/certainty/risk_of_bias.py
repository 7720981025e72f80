"""Risk of bias, weighted by each study's contribution to the network estimate (CINeMA).

A trial is at high risk when any of its domains is rated as in
``rules["risk_of_bias"]["high_risk_domain_ratings"]``. The share of the
estimate's evidence from high-risk trials (study-level contribution matrix)
is compared with ``serious_share`` (and ``very_serious_share`` if set).
"""

from __future__ import annotations

from analysis.certainty.rating import DomainRating


def study_risk(studies, rules: dict) -> dict[str, bool]:
    """Study id -> True when at high risk of bias (``studies``: the studies table)."""
    r = rules["risk_of_bias"]
    high = set(r["high_risk_domain_ratings"])
    cols = [f"rob_{d}" for d in r["domains"]]
    return {str(row["id"]): any(row[c] in high for c in cols) for row in studies[["id", *cols]].to_dict("records")}


def share_of(shares: dict[str, float], flagged: dict[str, bool]) -> float:
    """Fraction (0-1) of the total contribution that comes from flagged studies."""
    total = sum(shares.values())
    if total <= 0:
        return 0.0
    return sum(v for s, v in shares.items() if flagged.get(s, False)) / total


def levels_for_share(share: float, serious: float | None, very_serious: float | None) -> int:
    if very_serious is not None and share >= very_serious:
        return 2
    if serious is not None and share >= serious:
        return 1
    return 0


def rate_risk_of_bias(shares: dict[str, float], high_risk: dict[str, bool], rules: dict) -> DomainRating:
    r = rules["risk_of_bias"]
    share = share_of(shares, high_risk)
    levels = levels_for_share(share, r.get("serious_share"), r.get("very_serious_share"))
    n_high = sum(1 for s, v in shares.items() if v > 0 and high_risk.get(s, False))
    reason = (f"{100 * share:.0f}% of the evidence comes from {n_high} trial(s) at high risk of bias "
              f"(threshold {100 * r['serious_share']:.0f}%)")
    summary = ("most of the evidence comes from trials at high risk of bias" if levels else
               "most of the evidence comes from trials at low risk of bias")
    return DomainRating("risk_of_bias", levels, reason, summary=summary)
