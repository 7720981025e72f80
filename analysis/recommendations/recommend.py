"""One recommendation per procedure and population, from the certainty of the critical outcome's evidence."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Iterable

import pandas as pd

from analysis.certainty.result import CertaintyResult
from analysis.recommendations.decision import decide
from analysis.recommendations.groups import groups, populations
from analysis.recommendations.harms import harms_and_burden
from analysis.recommendations.rationale import rationale

COLUMNS = ["population", "procedure", "direction", "strength", "rationale"]
# what the book needs to compose a rationale with linked numbers: the inputs of each decision
DETAIL_COLUMNS = ["population", "group", "code", "procedure", "direction", "strength", "statement", "certainty",
                  "choice", "harms_certainty", "burden_certainty", "id"]


@dataclass(frozen=True)
class Recommendation:
    """The panel's recommendation on one procedure in one population, with the inputs of its decision."""

    population: str
    code: str
    procedure: str
    direction: str  # "for" or "against"
    strength: str  # "strong" or "conditional"
    statement: str  # the finding it rests on, in GRADE's words
    certainty: str  # of the benefit
    choice: str  # the choice the values-and-preferences rules infer
    harms_certainty: str
    burden_certainty: str
    id: str  # the certainty result it rests on (outcome/population/code)
    rationale: str
    group: str = ""  # the heading of its group (data/guideline.yaml recommendation_groups)


def recommend(certainty: Iterable[CertaintyResult], guideline: dict, rules: dict,
              outcome: str = "pain") -> tuple[Recommendation, ...]:
    """One recommendation per certainty result of ``outcome`` (the critical outcome), in the guideline's order:
    by population and group (:mod:`analysis.recommendations.groups`), ungrouped procedures after the groups."""
    harms = harms_and_burden(guideline, rules)
    out = []
    for r in certainty:
        if r.outcome != outcome:
            continue
        d = decide(r.certainty, bool(r.important_benefit), harms.category, guideline, rules)
        out.append(Recommendation(
            population=r.population, code=r.code, procedure=r.procedure, direction=d.direction,
            strength=d.strength, statement=r.statement, certainty=r.certainty, choice=d.choice,
            harms_certainty=harms.harms_certainty, burden_certainty=harms.burden_certainty, id=r.id,
            rationale=rationale(r.procedure, r.population, r.statement, r.certainty, r.estimate, r.ci_low,
                                r.ci_high, r.unit, r.mid, harms, d)))
    return _in_groups(out, guideline)


def _in_groups(recs: list[Recommendation], guideline: dict) -> tuple[Recommendation, ...]:
    ordered = []
    for population in populations(guideline):
        mine = {r.code: r for r in recs if r.population == population}
        for g in groups(guideline, population, {c: r.procedure for c, r in mine.items()}):
            ordered += [replace(mine[c], group=g.heading) for c in g.codes]
    return tuple(ordered + [r for r in recs if r.population not in populations(guideline)])


def recommendations_frame(recommendations: Iterable[Recommendation], details: bool = False) -> pd.DataFrame:
    """``recommendations.csv`` (:data:`COLUMNS`) or, with ``details``, ``recommendation_details.csv``
    (:data:`DETAIL_COLUMNS`: the inputs of each decision)."""
    return pd.DataFrame([asdict(r) for r in recommendations], columns=DETAIL_COLUMNS if details else COLUMNS)
