"""Indirectness: the contribution-weighted share of trials whose attributes differ from the question.

A trial is indirect when one of its attributes takes a value listed in
``rules["indirectness"]["indirect_when"]`` (for example a mixed axial and
radicular population analysed in the radicular network). Same majority rule
as risk of bias.
"""

from __future__ import annotations

from analysis.certainty.rating import DomainRating
from analysis.certainty.risk_of_bias import levels_for_share, share_of


def study_indirect(studies, rules: dict) -> dict[str, bool]:
    """Study id -> True when indirect for the network it is analysed in."""
    when = rules["indirectness"].get("indirect_when") or {}
    out = {}
    for row in studies.to_dict("records"):
        out[str(row["id"])] = any(row.get(col) in set(values) for col, values in when.items())
    return out


def rate_indirectness(shares: dict[str, float], indirect: dict[str, bool], rules: dict) -> DomainRating:
    r = rules["indirectness"]
    share = share_of(shares, indirect)
    levels = levels_for_share(share, r.get("serious_share"), r.get("very_serious_share"))
    what = ", ".join(f"{k} {'/'.join(v)}" for k, v in (r.get("indirect_when") or {}).items()) or "none defined"
    reason = f"{100 * share:.0f}% of the evidence from indirect trials ({what}; threshold {100 * r['serious_share']:.0f}%)"
    summary = ("most of the evidence comes from trials whose patients differ from those the recommendation "
               "is for" if levels else "most of the evidence comes from trials in the population of interest")
    return DomainRating("indirectness", levels, reason, summary=summary)
