"""Incoherence: node-splitting (SIDE) where direct and indirect evidence exist, else design-by-treatment.

CINeMA as coded: SIDE p >= ``side_p`` -> no concerns; otherwise place the
direct and the indirect 95% CI against the zone between the MID thresholds by
three booleans (below the lower threshold; overlapping the zone; above the
upper threshold) and count agreements: 3 -> none, 2 -> one level, <= 1 -> two.
With only direct or only indirect evidence, the design-by-treatment test:
p > ``dbt_no_concerns_above`` -> none; > ``dbt_major_at_or_below`` -> one; else two;
not estimable -> ``not_estimable_levels``.
"""

from __future__ import annotations

from analysis.certainty.rating import DomainRating
from analysis.certainty.thresholds import fmt, scaled


def placement(lo: float, hi: float, lower: float, upper: float) -> tuple[bool, bool, bool]:
    return (lo < lower, hi > lower and lo < upper, hi > upper)


def rate_incoherence(split: dict | None, dbt_p: float | None, mid: float, rules: dict) -> DomainRating:
    """``split``: the node-split row (direct/indirect CI limits and p) or None without both kinds of evidence."""
    r = rules["incoherence"]
    if split is not None and split.get("p") is not None:
        p = float(split["p"])
        if p >= r["side_p"]:
            return DomainRating("incoherence", 0, f"direct and indirect evidence agree (node-splitting p = {fmt(p)})",
                                summary="direct and indirect evidence agree in node-splitting")
        lower, upper = scaled(r["thresholds_mid"], mid)[0], scaled(r["thresholds_mid"], mid)[-1]
        d = placement(split["direct_ci_low"], split["direct_ci_high"], lower, upper)
        i = placement(split["indirect_ci_low"], split["indirect_ci_high"], lower, upper)
        agree = sum(a == b for a, b in zip(d, i))
        levels = {3: 0, 2: 1}.get(agree, 2)
        return DomainRating("incoherence", levels,
                            f"node-splitting p = {fmt(p)}: direct {fmt(split['direct'])} "
                            f"({fmt(split['direct_ci_low'])} to {fmt(split['direct_ci_high'])}) vs indirect "
                            f"{fmt(split['indirect'])} ({fmt(split['indirect_ci_low'])} to "
                            f"{fmt(split['indirect_ci_high'])}), {agree} of 3 placements agree",
                            summary="direct and indirect evidence disagree in node-splitting, enough to lead to "
                                    "different conclusions")
    if dbt_p is None:
        return DomainRating("incoherence", r["not_estimable_levels"],
                            "coherence cannot be assessed (design-by-treatment test not estimable)",
                            summary="whether direct and indirect evidence agree cannot be assessed")
    levels = 0 if dbt_p > r["dbt_no_concerns_above"] else (1 if dbt_p > r["dbt_major_at_or_below"] else 2)
    return DomainRating("incoherence", levels,
                        f"only {'direct' if split is not None else 'indirect'} evidence; design-by-treatment "
                        f"test p = {fmt(dbt_p)}",
                        summary="the design-by-treatment test finds incoherence in the network as a whole" if levels
                        else "the design-by-treatment test finds no incoherence in the network as a whole")
