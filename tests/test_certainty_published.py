"""Acceptance (issue 5): on the synthetic dataset the certainty of each pain effect equals the published one.

Expected values: tests/fixtures/published_certainty.csv, copied from
../shared/published/nma_pain_vs_sham.csv (sources in its last column).
"""

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis import show
from analysis.audit.links import NoteMarks
from analysis.book import reading
from analysis.certainty import certainty_frame
from analysis.certainty.levels import DOMAIN_WORDS
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
    assert entries["pain/axial/joint-rf/vs-sham/absolute"].value == pytest.approx(
        round(entries[base_id].value, 2) + est, abs=1e-12)  # pain: two decimals, as its differences


def test_printed_absolute_values_add_up(base):
    """What a reader of a summary-of-findings table checks: printed baseline + printed mean difference =
    printed value with the procedure, for every procedure (1-decimal values once printed 5.2 and 4.5 beside a
    difference of -0.62)."""
    entries = base.registry._entries
    absolute = [i for i in entries if i.endswith("/absolute")]
    assert len(absolute) > 10
    for id_ in absolute:
        outcome, population, code, vs = id_.split("/")[:4]
        baseline = entries[f"{outcome}/{population}/{vs.removeprefix('vs-')}/baseline"].text
        md = entries[f"{outcome}/{population}/{code}/{vs}/estimate"].text
        printed = entries[id_].text
        assert len(printed.split(".")[1]) == len(md.split(".")[1]) == len(baseline.split(".")[1]), id_
        assert float(printed) == pytest.approx(float(baseline) + float(md.replace("\u2212", "-")), abs=1e-9), (
            id_, baseline, md, printed)


@pytest.mark.parametrize("population", ["axial", "radicular"])
def test_every_rating_down_has_a_footnote_naming_its_domain(base, population):
    """GRADE summary-of-findings footnotes: each certainty below high carries letters, and the notes they point
    to name exactly the domains rated down (and every panel judgement, with its rationale as text)."""
    with reading(base.out):
        sof = show.summary_of_findings(population)
        listing = show.sof_footnotes(population)
    notes = dict(line.split(". ", 1) for line in listing.splitlines() if re.match(r"[a-z]+\. ", line))
    domains = pd.read_csv(base.out / "certainty_domains.csv")
    treatments = pd.read_csv(base.out / "treatments.csv")
    codes = dict(zip(treatments["name"], treatments["code"]))
    checked = 0
    for row in sof.rows:
        procedure, certainty_cell = row[0].text, row[3]
        letters = [p for p in certainty_cell.parts if isinstance(p, NoteMarks)]
        marks = letters[0].split(",") if letters and letters[0] else []
        assert all(m in notes for m in marks), (procedure, marks)
        mine = domains[domains["estimate"] == f"pain/{population}/{codes[procedure]}"]
        down = {DOMAIN_WORDS[d] for d in mine.loc[mine["levels_down"] > 0, "domain"]}
        named = {name for k in marks
                 for m in [re.match(r"Rated down (?:one level|two levels) for (.+?)(?: together|:| by)", notes[k])] if m
                 for name in m.group(1).split(" and ")}
        assert named == down, procedure
        for j in mine[mine["by"] == "panel"].itertuples():
            assert any(j.rationale.split()[0] in notes[k] and "panel judgement" in notes[k] for k in marks)
        if "High" not in certainty_cell.text:
            assert marks and f"^{','.join(marks)}^" in certainty_cell.markdown
            checked += 1
    assert checked >= 5  # the published tables rate most procedures down


def test_the_mixed_trials_count_is_the_networks_trials_of_mixed_population(base):
    """The evidence chapter's sentence on trials of axial and radicular pain together: recomputed from the data
    package, they are analysed where data/guideline.yaml says (radicular) and nowhere else."""
    studies = base.ds.studies
    mixed = set(studies.loc[studies["population"] == "mixed", "id"].astype(str))
    for population in ("axial", "radicular"):
        expected = sorted(mixed & set(base.ds.analysis_arms("pain", population)["study"].astype(str)))
        entry = base.registry[f"pain/{population}/n-mixed-trials"]
        assert entry.value == len(expected) and list(entry.studies) == expected
    assert base.registry["pain/axial/n-mixed-trials"].value == 0
    assert base.registry["pain/radicular/n-mixed-trials"].value == len(mixed & set(
        studies.loc[studies["has_data"].astype(bool), "id"].astype(str))) > 0
