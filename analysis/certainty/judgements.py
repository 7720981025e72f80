"""Panel judgements (data/judgements.csv) replace a domain's rule-based rating, visibly.

Each row names an estimate (``outcome/population/procedure-code``), a domain,
the panel's rating (not serious / serious / very serious) and its rationale.
The replaced domain keeps what the rule said (``rule_levels``) and its reason
records both, so the certainty table shows every override.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from analysis.certainty.levels import CONCERN, LEVELS_OF
from analysis.certainty.rating import CertaintyRating


def judgements_by_estimate(table: pd.DataFrame | None) -> dict[str, list[dict]]:
    """The rows of ``data/judgements.csv`` grouped by the estimate they judge (file order kept)."""
    out: dict[str, list[dict]] = {}
    if table is not None and not table.empty:
        for j in table.to_dict("records"):
            out.setdefault(j["estimate"], []).append(j)
    return out


def apply_judgements(rating: CertaintyRating, judgements: pd.DataFrame | dict[str, list[dict]] | None
                     ) -> CertaintyRating:
    """``rating`` with the panel's judgements of its estimate in force (``judgements``: the table, or
    :func:`judgements_by_estimate` of it when many ratings are judged against the same table)."""
    if not isinstance(judgements, dict):
        judgements = judgements_by_estimate(judgements)
    for j in judgements.get(rating.estimate, ()):
        rule = rating.domain(j["domain"])
        levels = LEVELS_OF[j["rating"]]
        reason = (f"panel judgement: {j['rating']} (the rule said {CONCERN[min(rule.levels_down, 2)]}: "
                  f"{rule.reason}); {j['rationale']}")
        rating = rating.with_domain(replace(rule, levels_down=levels, reason=reason, by="panel",
                                            rule_levels=rule.levels_down, rationale=str(j["rationale"])))
    return rating
