"""One recommendation per procedure and population, from the certainty table of the critical outcome."""

from __future__ import annotations

import pandas as pd

from analysis.recommendations.decision import decide
from analysis.recommendations.harms import harms_and_burden
from analysis.recommendations.rationale import rationale

COLUMNS = ["population", "procedure", "direction", "strength", "rationale"]


def recommend(certainty: pd.DataFrame, guideline: dict, rules: dict, outcome: str = "pain") -> pd.DataFrame:
    """``certainty``: rows of the certainty table (population, outcome, procedure, estimate, ci_low, ci_high,
    certainty, important_benefit, statement, mid, unit); one recommendation per row of ``outcome``."""
    harms = harms_and_burden(guideline, rules)
    rows = []
    for r in certainty[certainty["outcome"] == outcome].to_dict("records"):
        d = decide(r["certainty"], bool(r["important_benefit"]), harms.category, guideline, rules)
        rows.append({"population": r["population"], "procedure": r["procedure"], "direction": d.direction,
                     "strength": d.strength,
                     "rationale": rationale(r["procedure"], r["population"], r["statement"], r["certainty"],
                                            r["estimate"], r["ci_low"], r["ci_high"], r["unit"], r["mid"], harms, d)})
    return pd.DataFrame(rows, columns=COLUMNS)
