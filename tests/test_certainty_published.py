"""Acceptance (issue 5): on the synthetic dataset the certainty of each pain effect equals the published one.

Expected values: tests/fixtures/published_certainty.csv, copied from
../shared/published/nma_pain_vs_sham.csv (sources in its last column).
"""

from pathlib import Path

import pandas as pd
import pytest

from analysis.certainty import certainty_frame
from tests.certainty_helpers import ROOT, run_grade

EXPECTED = pd.read_csv(Path(__file__).parent / "fixtures" / "published_certainty.csv")


@pytest.fixture(scope="module")
def base():
    return run_grade(ROOT / "data")


def test_certainty_matches_published(base):
    table = certainty_frame(base.results.certainty)
    got = {(r.population, r.procedure): r.certainty for r in table[table["outcome"] == "pain"].itertuples()}
    for row in EXPECTED.itertuples():
        assert got[(row.population, row.procedure)] == row.certainty, (row.population, row.procedure)


def test_certainty_csv_columns_and_names(base):
    out = pd.read_csv(base.out / "certainty.csv")
    assert list(out.columns) == ["population", "outcome", "procedure", "estimate", "ci_low", "ci_high", "certainty",
                                 "classification", "reasons"]
    assert set(out["procedure"]) <= set(base.ds.nodes["category"])
    assert out["reasons"].str.len().min() > 0


def test_panel_judgements_are_visible(base):
    table = certainty_frame(base.results.certainty)
    for est in base.ds.judgements["estimate"].unique():
        assert "panel judgement" in table.loc[table["id"] == est, "reasons"].iloc[0]


def test_absolute_effects_registered(base):
    reg = base.registry
    entries = reg._entries
    base_id = "pain/axial/sham/baseline"
    assert base_id in entries and 0 < entries[base_id].value < 10
    table = certainty_frame(base.results.certainty)
    est = table.loc[table["id"] == "pain/axial/joint-rf", "estimate"].iloc[0]
    assert entries["pain/axial/joint-rf/vs-sham/absolute"].value == pytest.approx(entries[base_id].value + est)
