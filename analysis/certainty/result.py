"""One procedure's certainty of evidence, as the evidence-to-decision step and the book read it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Iterable

import pandas as pd


@dataclass(frozen=True)
class CertaintyResult:
    """The effect of a procedure versus the reference on one outcome in one population, its GRADE certainty
    and its classification against the MID (a row of ``certainty.csv``, with what later stages need)."""

    population: str
    outcome: str
    procedure: str  # the guideline's category name
    estimate: float
    ci_low: float
    ci_high: float
    certainty: str  # high, moderate, low, very low
    classification: str  # e.g. "little or no effect"
    reasons: str  # the reasons for rating down, in words
    code: str  # the node code
    id: str  # outcome/population/code
    important_benefit: bool
    statement: str  # GRADE's standard sentence for the finding
    levels_down: int
    pi_low: float
    pi_high: float
    mid: float
    unit: str
    reference: str


COLUMNS = [f.name for f in fields(CertaintyResult)]
WRITTEN = COLUMNS[:9]  # certainty.csv: population ... reasons


def certainty_frame(results: Iterable[CertaintyResult]) -> pd.DataFrame:
    """The results as a table with :data:`COLUMNS` (for writing and for the tests' look-ups)."""
    return pd.DataFrame([asdict(r) for r in results], columns=COLUMNS)
