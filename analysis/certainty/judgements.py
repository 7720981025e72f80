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


def judgements_for(table: pd.DataFrame | None, estimate: str) -> list[dict]:
    if table is None or table.empty:
        return []
    return table[table["estimate"] == estimate].to_dict("records")


def apply_judgements(rating: CertaintyRating, table: pd.DataFrame | None) -> CertaintyRating:
    for j in judgements_for(table, rating.estimate):
        rule = rating.domain(j["domain"])
        levels = LEVELS_OF[j["rating"]]
        reason = (f"panel judgement: {j['rating']} (the rule said {CONCERN[min(rule.levels_down, 2)]}: "
                  f"{rule.reason}); {j['rationale']}")
        rating = rating.with_domain(replace(rule, levels_down=levels, reason=reason, by="panel",
                                            rule_levels=rule.levels_down))
    return rating
