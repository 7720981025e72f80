"""Scenarios: validation with file/line/field, pure application, builds under a scenario, the comparison."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.dataset import data_hash, load_dataset
from analysis.project import scenario_results_dir
from analysis.scenarios import (
    ScenarioInvalid,
    apply_scenario,
    load_scenario,
    parse_scenario,
)
from analysis.scenarios.compare import CHANGED, NOT_COMPARED, ONLY_BASE, ONLY_SCENARIO, UNCHANGED, compare_frames
from analysis.scenarios.run import run_scenario
from tests.conftest import ROOT, clone_project, rapidrec

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def ds():
    return load_dataset(ROOT / "data")


@pytest.fixture(scope="module")
def project(rendered_project, tmp_path_factory):
    """A clone of the session's built project (results and cache): its scenario results are this module's."""
    return clone_project(rendered_project.path, tmp_path_factory.mktemp("scenarios") / "project")


def test_committed_scenarios_exist():
    names = {p.stem for p in SCENARIOS}
    assert {"lumbar-only", "cervical-only", "split-joint-rf", "split-epidural-approach", "add-ghahreman-2010",
            "lord-1996-extraction", "exclude-pulsed-rf", "technical-fidelity"} <= names


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_committed_scenario_validates_and_runs(path, project):
    sc = load_scenario(path)
    assert sc.id == path.stem
    run = run_scenario(project, sc, figures=path.stem == "split-joint-rf")
    out = scenario_results_dir(project, sc.id)
    assert run.results == out
    for name in ("numbers.json", "comparison.csv", "summary.txt", "scenario.json", "sources.csv"):
        assert (out / name).exists(), name
    assert (out / "network" / "pain" / "axial" / "effects.csv").exists()
    assert set(run.comparison["change"]) <= {UNCHANGED, CHANGED, ONLY_BASE, ONLY_SCENARIO, NOT_COMPARED}
    assert (project / "_results" / "numbers.json").exists()  # the base case is still there
    if path.stem == "split-joint-rf":
        assert (out / "forest-pain-axial.svg").exists() and (out / "forest-pain-axial.png").exists()


def test_scenario_never_modifies_the_package(ds):
    before = data_hash(ROOT / "data")
    tables = {k: v.copy() for k, v in ds._tables.items()}
    applied = apply_scenario(ds, load_scenario(ROOT / "scenarios" / "split-joint-rf.yaml"))
    assert data_hash(ROOT / "data") == before
    for k, v in tables.items():
        pd.testing.assert_frame_equal(ds._tables[k], v)  # the base Dataset is untouched
    assert applied.data_hash != ds.data_hash
    assert "joint-rf-medial-branch" in set(applied.analysis_arms("pain", "axial")["treatment"])
    assert "joint-rf-medial-branch" not in set(ds.analysis_arms("pain", "axial")["treatment"])


def test_removing_every_trial_of_a_node_reports_it_without_evidence(project):
    sc = parse_scenario("""
id: no-joint-steroid
title: every joint steroid trial removed
description: test
operations:
  - exclude_studies:
      where: {node: joint-steroid}
      reason: test
""", "inline.yaml")
    run = run_scenario(project, sc, figures=False)
    gone = pd.read_csv(run.results / "without_evidence.csv")
    assert ("pain", "axial", "joint-steroid") in set(map(tuple, gone[["outcome", "population", "treatment"]]
                                                         .itertuples(index=False)))
    eff = pd.read_csv(run.results / "network" / "pain" / "axial" / "effects.csv")
    assert "joint-steroid" not in set(eff["treatment"]) and "joint-rf" in set(eff["treatment"])
    assert "no evidence" in run.summary


def test_a_scenario_that_disconnects_part_of_a_network_does_not_fail(project):
    # keep only the usual care vs epidural steroid trials of those two nodes: that pair is then cut off from sham
    ds = load_dataset(project / "data")
    arms = ds.analysis_arms("pain", "radicular")
    designs = arms.groupby("study")["treatment"].apply(set)
    pair = {"usual-care", "epidural-steroid"}
    ids = sorted(s for s, t in designs.items() if t & pair and not t <= pair)
    assert any(t == pair for t in designs)
    sc = parse_scenario("id: cut-usual-care\ntitle: t\ndescription: d\noperations:\n"
                        f"  - exclude_studies: {{ids: [{', '.join(ids)}], reason: test}}\n", "inline.yaml")
    run = run_scenario(project, sc, figures=False)
    where = run.results / "network" / "pain" / "radicular"
    eff = pd.read_csv(where / "effects.csv")
    assert not pair & set(eff["treatment"]) and "epidural-la-steroid" in set(eff["treatment"])
    cut = pd.read_csv(where / "without_evidence.csv")
    assert set(cut["treatment"]) == pair and set(cut["reason"]) == {"not connected to sham"}


BAD = """id: Bad Id
title: t
description: d
operations:
  - exclude_studies:
      where: {spinal_region: [lumbarr], year: {before: soon}}
      reason: r
  - split_node:
      node: joint-rf
      into:
        - {code: x, where: {rf_target: medial_branch}}
  - mid: {pain: 40, reason: r}
  - add_study:
      study: {id: NEW-1, year: 2001}
      arms: [{arm: a, procedure: sham, n_randomised: 10, source: s}]
      procedures: [{arm: a}]
"""


def test_malformed_scenario_lists_every_problem_with_line_and_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    with pytest.raises(ScenarioInvalid) as err:
        load_scenario(path)
    issues = err.value.issues
    where = {(i.row, i.column) for i in issues}
    assert (1, "id") in where
    assert (6, "operations[0].exclude_studies.where.spinal_region[0]") in where
    assert (6, "operations[0].exclude_studies.where.year.before") in where
    assert (11, "operations[1].split_node.into[0]") in where  # category missing
    assert (12, "operations[2].mid.pain") in where
    assert (14, "operations[3].add_study.study.year") in where  # a number without a source
    assert all(i.file == str(path) for i in issues)
    text = str(err.value)
    assert "line 6, field operations[0].exclude_studies.where.spinal_region[0]: value 'lumbarr'" in text
    assert "one of cervical, thoracic, lumbar, sacroiliac, multiple" in text


def test_scenario_errors_against_the_data_and_nothing_written(project, tmp_path):
    path = tmp_path / "wrong-data.yaml"
    path.write_text("""id: wrong-data
title: t
description: d
operations:
  - exclude_studies: {ids: [SYN-999], reason: r}
  - correct_value: {table: arms, study: SYN-001, arm: a, column: n_randomised, value: -3, source: s}
  - correct_value: {table: studies, study: SYN-001, column: block_threshold, was: unclear, value: relief_over_50, source: s}
  - split_node:
      node: no-such-node
      into: [{code: y, category: y, where: {rf_target: medial_branch}}]
""")
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    with pytest.raises(ScenarioInvalid) as err:
        run_scenario(project, path)
    got = {(i.row, i.column) for i in err.value.issues}
    assert (5, "operations[0].exclude_studies.ids[0]") in got
    assert (6, "operations[1].correct_value.value") in got
    assert (7, "operations[2].correct_value.was") in got
    assert (9, "operations[3].split_node.node") in got
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before
    assert not scenario_results_dir(project, "wrong-data").exists()


def test_added_rows_checked_and_traced_to_the_scenario(ds):
    text = (ROOT / "scenarios" / "add-ghahreman-2010.yaml").read_text()
    applied = apply_scenario(ds, parse_scenario(text, "ghahreman.yaml"))
    arms = applied.responder_arms("radicular")
    g = arms[arms["study"] == "GHAHREMAN-2010"]
    assert list(g["events"]) == [2, 16, 6] or sorted(g["events"]) == [2, 6, 16]
    assert set(g["source_file"]) == {"ghahreman.yaml"} and (g["source_row"] > 1).all()
    src = pd.DataFrame(applied.sources)
    sizes = src[(src["table"] == "arms") & (src["column"] == "n_randomised")]
    assert len(sizes) == 3 and sizes["assumed"].all()  # arm sizes were not found: labelled as assumed
    # the same study with an arm size that does not add up is rejected at the study's line
    broken = text.replace("enrolled_n: 90", "enrolled_n: 91")
    with pytest.raises(ScenarioInvalid) as err:
        apply_scenario(ds, parse_scenario(broken, "ghahreman.yaml"))
    assert any(i.column == "operations[0].add_study.study.enrolled_n" and i.row == 32 for i in err.value.issues), \
        [i.format() for i in err.value.issues]


def test_correction_of_lord_block_threshold(ds):
    applied = apply_scenario(ds, load_scenario(ROOT / "scenarios" / "lord-1996-extraction.yaml"))
    row = applied.studies[applied.studies["id"] == "LORD-1996"].iloc[0]
    assert row["block_threshold"] == "relief_over_80"
    resp = applied.responder_arms("axial")
    lord = resp[resp["study"] == "LORD-1996"].set_index("treatment")
    assert lord.loc["joint-rf", "events"] == 7 and lord.loc["sham", "events"] == 1
    assert lord.loc["joint-rf", "timepoint_weeks"] == 27
    # under the guideline's own rule the 27-week result would not be used
    assert "LORD-1996" not in set(ds.responder_arms("axial")["study"])


def test_comparison_marks_changes_on_a_constructed_case():
    base = pd.DataFrame({"treatment": ["a", "b", "c"], "estimate": [-0.50, 0.20, 1.0], "label": ["x", "y", "z"]})
    scen = pd.DataFrame({"treatment": ["a", "b", "d"], "estimate": [-0.501, 0.40, 2.0], "label": ["x", "w", "v"]})
    out = compare_frames("effects.csv", base, scen).set_index(["key", "column"])["change"]
    assert out[("treatment=a", "estimate")] == UNCHANGED  # -0.50 and -0.501 print the same
    assert out[("treatment=a", "label")] == UNCHANGED
    assert out[("treatment=b", "estimate")] == CHANGED
    assert out[("treatment=b", "label")] == CHANGED
    assert out[("treatment=c", "estimate")] == ONLY_BASE
    assert out[("treatment=d", "estimate")] == ONLY_SCENARIO
    full = compare_frames("effects.csv", base, scen)
    b = full[(full["key"] == "treatment=b") & (full["column"] == "estimate")].iloc[0]
    assert b["base"] == 0.20 and b["scenario"] == 0.40 and b["difference"] == pytest.approx(0.20)


def test_mid_and_timepoint_operations_change_settings(ds):
    sc = parse_scenario("id: m\ntitle: t\ndescription: d\noperations:\n  - mid: {pain: 1.0, reason: r}\n"
                        "  - timepoint_rule: {injection: 26, reason: r}\n")
    applied = apply_scenario(ds, sc)
    from analysis.settings import Settings

    assert Settings().with_guideline(applied.guideline).pain_mid_cm == 1.0
    assert applied.guideline["timepoint_rules"]["injection"]["max_weeks"] == 26
    assert ds.guideline["mids"]["pain"]["value"] == 1.5  # the base dataset is unchanged


def test_an_analysis_one_run_skipped_is_not_compared():
    """Robustness searches run only in the base case: 'not run' under a scenario is not a change."""
    base = pd.DataFrame({"treatment": ["a"], "trial_n_per_arm": ["none"]})
    scen = pd.DataFrame({"treatment": ["a"], "trial_n_per_arm": ["not run"]})
    out = compare_frames("robustness.csv", base, scen)
    assert list(out["change"]) == [NOT_COMPARED]


def test_a_scenario_run_again_unchanged_is_up_to_date(project):
    """The comparison `rapidrec scenario` writes beside the scenario's results does not make them stale."""
    sc = parse_scenario("id: rerun-mid\ntitle: t\ndescription: d\noperations:\n  - mid: {pain: 1.0, reason: r}\n")
    run_scenario(project, sc, figures=True)
    said: list[str] = []
    run_scenario(project, sc, progress=said.append, figures=True)
    assert f"{scenario_results_dir(project, 'rerun-mid').relative_to(project)}: up to date" in " ".join(said)
    assert not any("network meta-analysis" in m for m in said)  # nothing was refitted


@pytest.mark.parametrize("text, line", [
    ("id: laughs\ntitle: t\na: &a [lol, lol, lol]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n", 4),  # billion laughs
    ("id: loop\ntitle: t\nx: &x [1, *x]\n", 3),  # an alias inside its own anchor
])
def test_a_scenario_with_aliases_is_refused_at_the_alias(text, line):
    """YAML aliases repeat values by reference: a few hundred bytes can stand for billions of values, or an
    endless one. Scenarios (and letters and guideline.yaml, read the same way) refuse them, located."""
    from analysis.scenarios.spec import ScenarioInvalid, parse_scenario

    with pytest.raises(ScenarioInvalid) as err:
        parse_scenario(text, "s.yaml")
    assert [(i.row, "aliases are not accepted" in i.expected) for i in err.value.issues] == [(line, True)]


def test_a_scenario_whose_figures_fail_leaves_none_of_its_comparison(project, monkeypatch):
    """The comparison and figures are written together or not at all: a figure that fails leaves the built
    results as they were, without a half-written comparison or a scratch directory."""
    from analysis.project import SCENARIO_COMPARISON, SCENARIO_FIGURE_PREFIX
    from analysis.scenarios import outputs

    sc = parse_scenario("id: failing-figure\ntitle: t\ndescription: d\noperations:\n  - mid: {pain: 1.2, reason: r}\n")

    def boom(*args, **kwargs):
        raise RuntimeError("the figure failed")

    monkeypatch.setattr(outputs, "paired_forest", boom)
    with pytest.raises(RuntimeError, match="the figure failed"):
        run_scenario(project, sc, figures=True)
    out = scenario_results_dir(project, sc.id)
    assert (out / "numbers.json").is_file()  # the build itself is complete and stays
    left = sorted(p.name for p in out.iterdir() if p.name in SCENARIO_COMPARISON
                  or p.name.startswith(SCENARIO_FIGURE_PREFIX) or p.name.startswith(".") and p.is_dir())
    assert left == []
    monkeypatch.undo()
    run = run_scenario(project, sc, figures=True)  # and the next run writes them all
    assert all((out / name).is_file() for name in SCENARIO_COMPARISON) and len(run.figures) >= 2


def test_the_guide_lists_every_filter_column_with_the_values_the_data_allows():
    """scenarios/README.md's table of `where` columns is the one written from the data package (it cannot drift),
    and `rapidrec scenario --filters` prints it."""
    from analysis.scenarios.filters_guide import readme_section

    readme = (ROOT / "scenarios" / "README.md").read_text(encoding="utf-8")
    assert readme_section(ROOT / "data") in readme, "run `rapidrec scenario --filters` and paste the table"
    done = rapidrec("scenario", "--filters", cwd=ROOT)
    assert done.returncode == 0 and done.stdout in readme
    assert "| `spinal_region` | Spinal region treated | `cervical`, `thoracic`, `lumbar`, `sacroiliac`," in readme
    assert "| `node` | network node of any arm of the study | `drg-rf`," in readme
