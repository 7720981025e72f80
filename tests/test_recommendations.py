"""Evidence to decision: rules on constructed inputs, and issue 5's acceptance tests on the synthetic data."""


import re

import pandas as pd
import pytest
import yaml

from analysis.certainty import certainty_frame, load_rules
from analysis.errors import AnalysisError
from analysis.recommendations import decide, harms_and_burden, recommendations_frame, risk_difference_per_1000
from analysis.recommendations.absolute import control_baseline
from tests.certainty_helpers import ROOT, add_sham_trial, copy_package, run_grade
from tests.conftest import RULES_FILE

RULES = load_rules(RULES_FILE)
GUIDELINE = yaml.safe_load((ROOT / "data" / "guideline.yaml").read_text())
HIGH = "moderate_to_high"

# The guideline's strong recommendations against (Busse et al. BMJ 2025;388:e079970,
# ../shared/published/guideline_facts.yaml `recommendations`), expanded to the categories they cover.
COVERED = {
    "axial": {
        "joint radiofrequency nerve ablation",
        "joint radiofrequency nerve ablation with joint-targeted injection of local anaesthetic and steroids",
        "epidural injection of local anaesthetic", "epidural steroid injection",
        "epidural injection of local anaesthetic and steroids",
        "joint-targeted injection of local anaesthetic", "joint-targeted steroid injection",
        "joint-targeted injection of local anaesthetic and steroids",
        "intramuscular injection of local anaesthetic", "intramuscular injection of local anaesthetic and steroids",
    },
    "radicular": {
        "dorsal root ganglion radiofrequency",
        "dorsal root ganglion radiofrequency with epidural injection of local anaesthetic",
        "dorsal root ganglion radiofrequency with epidural injection of local anaesthetic with steroids",
        "epidural injection of local anaesthetic", "epidural steroid injection",
        "epidural injection of local anaesthetic and steroids",
    },
}


@pytest.mark.parametrize("certainty, benefit, direction, strength", [
    ("high", True, "for", "conditional"),        # most would choose
    ("moderate", True, "for", "conditional"),
    ("low", True, "against", "conditional"),     # a minority would choose
    ("low", False, "against", "strong"),         # almost all would decline
    ("very low", True, "against", "strong"),
    ("very low", False, "against", "strong"),
    ("moderate", False, "against", "strong"),    # implied rule (settings/guideline.yaml)
    ("high", False, "against", "strong"),
])
def test_values_and_preferences_rules(certainty, benefit, direction, strength):
    d = decide(certainty, benefit, HIGH, GUIDELINE, RULES)
    assert (d.direction, d.strength) == (direction, strength)


def test_uncovered_combination_is_an_error():
    with pytest.raises(AnalysisError, match="no values-and-preferences rule"):
        decide("moderate", True, "low_to_very_low", GUIDELINE, RULES)


def test_harms_and_burden_from_guideline():
    h = harms_and_burden(GUIDELINE, RULES)
    assert (h.certainty, h.burden_certainty, h.harms_certainty, h.category) == ("high", "high", "low", HIGH)
    g = {**GUIDELINE, "burden": {"certainty": "low"}}
    assert harms_and_burden(g, RULES).category == "low_to_very_low"


def test_absolute_effects():
    arms = pd.DataFrame({"study": ["a", "a", "b", "b"], "treatment": ["x", "sham", "x", "sham"],
                         "n": [10, 10, 30, 30], "mean": [3.0, 6.0, 4.0, 5.0]})
    b = control_baseline(arms, "sham")
    assert b.value == pytest.approx(5.25) and b.patients == 40 and b.studies == ("a", "b")
    assert control_baseline(arms, "none") is None
    assert risk_difference_per_1000(0.2, 1.0) == pytest.approx(0.0)
    assert risk_difference_per_1000(0.2, 0.5, "RR") == pytest.approx(-100.0)
    assert risk_difference_per_1000(0.5, 3.0, "OR") == pytest.approx(250.0)


@pytest.fixture(scope="module")
def base():
    return run_grade(ROOT / "data")


def test_the_sham_baseline_averages_final_scores_only():
    """A change from baseline (here -2 cm) is not a level of pain: averaging it in would put sham at 3.4 cm."""
    arms = pd.DataFrame({"study": ["a", "a", "b", "b", "c", "c"], "treatment": ["x", "sham"] * 3,
                         "n": [10, 10, 30, 30, 20, 20], "mean": [3.0, 6.0, 4.0, 5.0, -3.0, -2.0],
                         "measure_type": ["final", "final", "final", "final", "change", "change"]})
    b = control_baseline(arms, "sham")
    assert b.value == pytest.approx(5.25) and (b.arms, b.patients, b.change_arms) == (2, 40, 1)
    assert b.studies == ("a", "b")
    assert control_baseline(arms[arms["study"] == "c"], "sham") is None  # change scores only: no baseline


@pytest.mark.parametrize("population", ["axial", "radicular"])
def test_the_registered_sham_baseline_is_the_final_score_mean_of_the_data(base, population):
    """Recomputed here from the analysis table: the patient-weighted mean of the sham arms reporting final
    scores. The data hold change-score sham arms too, so a baseline that mixed them in would fail."""
    arms = base.ds.analysis_arms("pain", population)
    sham = arms[arms["treatment"] == "sham"]
    final = sham[sham["measure_type"] == "final"]
    assert (sham["measure_type"] == "change").sum() > 0
    expected = float((final["mean"] * final["n"]).sum() / final["n"].sum())
    entry = base.registry[f"pain/{population}/sham/baseline"]
    assert entry.value == pytest.approx(expected, rel=1e-12)
    assert 3.5 < entry.value < 7  # sham patients end where they started, in the trials' 5-7 cm range
    assert set(entry.studies) == set(final["study"])
    assert base.registry[f"pain/{population}/sham/baseline-change-arms"].value == (
        sham["measure_type"] == "change").sum()


def test_recommendations_are_the_guidelines(base):
    recs = pd.read_csv(base.out / "recommendations.csv")
    assert list(recs.columns) == ["population", "procedure", "direction", "strength", "rationale"]
    for population, categories in COVERED.items():
        got = recs[recs["population"] == population]
        assert set(got["procedure"]) == categories
        assert (got["direction"] == "against").all() and (got["strength"] == "strong").all()
    assert set(recs["population"]) == set(COVERED)
    first = recs.iloc[0]
    assert first["procedure"] in first["rationale"] and "certainty" in first["rationale"]


def test_new_evidence_of_benefit_changes_only_that_recommendation(tmp_path, base):
    data = copy_package(tmp_path / "data")
    for i in range(4):  # four large low-risk sham-controlled trials: 3 cm less pain with epidural steroid
        add_sham_trial(data, f"ADDED-{i + 1}", "axial", "epidural-steroid", 100, active_mm=30, sham_mm=60, sd_mm=20)
    new = run_grade(data)
    cert = certainty_frame(new.results.certainty).set_index("id")
    assert cert.loc["pain/axial/epidural-steroid", "certainty"] == "moderate"
    assert cert.loc["pain/axial/epidural-steroid", "classification"].endswith("benefit")
    before = recommendations_frame(base.results.recommendations).set_index(["population", "procedure"])
    after = recommendations_frame(new.results.recommendations).set_index(["population", "procedure"])
    changed = [k for k in before.index if tuple(before.loc[k, ["direction", "strength"]])
               != tuple(after.loc[k, ["direction", "strength"]])]
    assert changed == [("axial", "epidural steroid injection")]
    assert tuple(after.loc[changed[0], ["direction", "strength"]]) == ("for", "conditional")


def test_recommendations_follow_the_guidelines_groups_axial_then_radicular(base):
    """The published order (data/guideline.yaml recommendation_groups): every recommendation in a group, the
    groups and their procedures in that order, and the summary of findings in the same order."""
    from analysis import show
    from analysis.book import reading

    details = pd.read_csv(base.out / "recommendation_details.csv")
    given = base.ds.guideline["recommendation_groups"]
    expected = [(population, g["heading"], code) for population in ("axial", "radicular")
                for g in given[population] for code in g["procedures"]]
    assert list(zip(details["population"], details["group"], details["code"])) == expected
    with reading(base.out):
        for population in ("axial", "radicular"):
            mine = details[details["population"] == population]
            sof = show.summary_of_findings(population).frame()["Procedure"].tolist()
            assert sof[:len(mine)] == mine["procedure"].tolist()
            text = show.recommendations_markdown(population)
            headings = [re.sub(r"\\(.)", r"\1", line) for line in text.splitlines()  # Markdown escapes undone
                        if line.startswith("**The panel makes")]
            assert [h.split(" against ", 1)[1].rstrip(".*") for h in headings] == list(dict.fromkeys(mine["group"]))
            assert text.count("the panel weighed") == 1  # said once when it is the same for every group


def test_a_procedure_in_no_group_follows_the_groups_and_an_empty_group_is_left_out():
    from analysis.recommendations.groups import groups

    guideline = {"recommendation_groups": {"axial": [{"heading": "a or b", "procedures": ["a", "b"]},
                                                     {"heading": "gone", "procedures": ["merged-away"]}]}}
    got = groups(guideline, "axial", {"new": "a new node", "b": "b", "a": "a"})
    assert [(g.heading, g.codes) for g in got] == [("a or b", ("a", "b")), ("a new node", ("new",))]


def test_a_group_naming_an_unknown_procedure_is_a_located_error(tmp_path):
    from analysis.dataset import validate_dataset

    pkg = copy_package(tmp_path / "data")
    path = pkg / "guideline.yaml"
    text = path.read_text()
    assert text.count("- im-la-steroid\n") == 1
    path.write_text(text.replace("- im-la-steroid\n", "- im-magic\n"))
    issues = validate_dataset(pkg)
    assert [(i.column, i.value) for i in issues] == [("recommendation_groups.axial[3].procedures[1]", "im-magic")]
    assert "a node code of nodes.csv" in issues[0].format()
