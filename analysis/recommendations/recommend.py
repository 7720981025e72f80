"""One recommendation per procedure and population, from the certainty table of the critical outcome."""

from __future__ import annotations

import pandas as pd

from analysis.recommendations.decision import decide
from analysis.recommendations.harms import harms_and_burden
from analysis.recommendations.rationale import rationale

COLUMNS = ["population", "procedure", "direction", "strength", "rationale"]
# what the book needs to compose a rationale with linked numbers: the inputs of each decision
DETAIL_COLUMNS = ["population", "code", "procedure", "direction", "strength", "statement", "certainty", "choice",
                  "harms_certainty", "burden_certainty", "id"]


def recommend(certainty: pd.DataFrame, guideline: dict, rules: dict, outcome: str = "pain",
              details: bool = False) -> pd.DataFrame:
    """``certainty``: rows of the certainty table (population, outcome, procedure, estimate, ci_low, ci_high,
    certainty, important_benefit, statement, mid, unit, code, id); one recommendation per row of ``outcome``.
    With ``details``, the frame has :data:`DETAIL_COLUMNS` (the inputs of each decision) instead."""
    harms = harms_and_burden(guideline, rules)
    rows = []
    for r in certainty[certainty["outcome"] == outcome].to_dict("records"):
        d = decide(r["certainty"], bool(r["important_benefit"]), harms.category, guideline, rules)
        rows.append({"population": r["population"], "procedure": r["procedure"], "direction": d.direction,
                     "strength": d.strength, "code": r.get("code"), "statement": r["statement"],
                     "certainty": r["certainty"], "choice": d.choice, "harms_certainty": harms.harms_certainty,
                     "burden_certainty": harms.burden_certainty, "id": r.get("id"),
                     "rationale": rationale(r["procedure"], r["population"], r["statement"], r["certainty"],
                                            r["estimate"], r["ci_low"], r["ci_high"], r["unit"], r["mid"], harms, d)})
    return pd.DataFrame(rows, columns=DETAIL_COLUMNS if details else COLUMNS)
