"""A scenario changes a rule of settings/guideline.yaml by its path: checked against the rules file, and it
changes exactly the ratings the rule governs."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from analysis.certainty import load_rules
from analysis.certainty.rule_paths import RulePathError, check_rule_value, with_rule
from analysis.dataset import load_dataset
from analysis.engine import analyse
from analysis.scenarios import ScenarioInvalid, apply_scenario, parse_scenario, scenario_from_data
from analysis.settings import Settings
from tests.conftest import ROOT

RULES = load_rules(ROOT / "settings" / "guideline.yaml")


@pytest.fixture(scope="module")
def ds():
    return load_dataset(ROOT / "data")


def scenario(*ops: str):
    return parse_scenario("id: r\ntitle: t\ndescription: d\noperations:\n" + "".join(f"  - {op}\n" for op in ops))


@pytest.mark.parametrize("path, value, expected", [
    ("risk_of_bias.serious_shar", 0.6, "risk_of_bias has high_risk_domain_ratings, domains, serious_share"),
    ("risk_of_bias.serious_share", "half", "a finite number"),
    ("risk_of_bias.serious_share", 1.5, "a proportion from 0 to 1"),
    ("risk_of_bias.serious_share", float("nan"), "a finite number"),
    ("risk_of_bias.very_serious_share", True, "a finite number (or null)"),
    ("risk_of_bias.source", "mine", "not the source"),
    ("risk_of_bias", 0.5, "one value inside this section"),
    ("imprecision.thresholds_mid", [1.0, -1.0], "ascending order"),
    ("imprecision.thresholds_mid", ["a"], "a list of finite numbers"),
    ("risk_of_bias.domains", ["sequence", "blinding"], "only sequence, concealment"),
    ("risk_of_bias.high_risk_domain_ratings", ["very_high"], "only low, probably_low"),
    ("incoherence.not_estimable_levels", 3, "0, 1 or 2"),
    ("publication_bias.min_trials", 0, "a whole number of 1 or more"),
    ("certainty.start", "excellent", "only high, moderate, low, very low"),
])
def test_a_rule_value_that_does_not_fit_the_rules_file_is_refused(path, value, expected):
    with pytest.raises(RulePathError, match=None) as err:
        check_rule_value(RULES, path, value)
    assert expected in str(err.value)


def test_a_rule_that_fits_is_set_in_a_copy():
    changed = with_rule(RULES, "risk_of_bias.very_serious_share", 0.9)
    assert changed["risk_of_bias"]["very_serious_share"] == 0.9
    assert RULES["risk_of_bias"]["very_serious_share"] is None  # the project's rules are untouched
    assert with_rule(RULES, "risk_of_bias.domains", ["sequence", "concealment"])["risk_of_bias"]["domains"] == [
        "sequence", "concealment"]


def test_a_malformed_rule_operation_is_located_by_line_and_field(ds):
    with pytest.raises(ScenarioInvalid) as err:  # the path's form: with the file's structure, before any data
        scenario("mid: {pain: 1.0, reason: r}", "rule: {path: 'not a path', value: 1, reason: r}")
    assert (6, "operations[1].rule.path") in {(i.row, i.column) for i in err.value.issues}
    with pytest.raises(ScenarioInvalid) as err:
        apply_scenario(ds, scenario("rule: {path: risk_of_bias.serious_share, value: 2, reason: r}",
                                    "rule: {path: imprecision.no_such_rule, value: 1, reason: r}"), rules=RULES)
    issues = {(i.row, i.column): i for i in err.value.issues}
    assert "a proportion from 0 to 1" in issues[(5, "operations[0].rule.value")].expected
    assert "thresholds_mid" in issues[(6, "operations[1].rule.path")].expected


def _domains(ds, rules) -> pd.DataFrame:
    results = analyse(ds, Settings().with_guideline(ds.guideline), rules)
    frames = [a.rating.to_frame() for key in sorted(results.assessments) for a in results.assessments[key]]
    return pd.concat(frames, ignore_index=True).set_index(["estimate", "domain"])


def test_a_rule_change_moves_exactly_the_ratings_it_governs(ds):
    """A stricter majority rule for risk of bias (95% of the evidence instead of half): only risk-of-bias
    ratings by the rule change, each down to not serious where the share is below 95%; panel judgements and
    every other domain keep theirs."""
    applied = apply_scenario(ds, scenario("rule: {path: risk_of_bias.serious_share, value: 0.95, reason: r}"),
                             rules=RULES)
    assert applied.rule_changes == [("risk_of_bias.serious_share", 0.5, 0.95)]
    assert "rule risk_of_bias.serious_share: 0.5 -> 0.95 (r)" in applied.log
    base, after = _domains(ds, RULES), _domains(applied, applied.rules(RULES))
    moved = base.index[base["levels_down"] != after["levels_down"]]
    assert len(moved) > 0
    assert set(moved.get_level_values("domain")) == {"risk_of_bias"}
    assert (base.loc[moved, "by"] == "rule").all() and (after.loc[moved, "levels_down"] == 0).all()
    panel = base.index[base["by"] == "panel"]
    assert (base.loc[panel, "levels_down"] == after.loc[panel, "levels_down"]).all()


def test_a_rule_operation_needs_the_projects_rules(ds):
    with pytest.raises(ScenarioInvalid) as err:
        apply_scenario(ds, scenario("rule: {path: risk_of_bias.serious_share, value: 0.6, reason: r}"))
    assert "without the project's rules" in str(err.value)


def test_a_judgement_removed_leaves_the_rule_to_decide_and_one_replaced_decides(ds):
    applied = apply_scenario(ds, scenario(
        "judgement: {estimate: pain/axial/joint-rf, domain: risk_of_bias, rating: rule, reason: the letter}",
        "judgement: {estimate: pain/axial/im-la, domain: imprecision, rating: very serious, reason: the letter}"))
    assert applied.judgement_changes == [("pain/axial/joint-rf", "risk_of_bias", "serious", "rule"),
                                         ("pain/axial/im-la", "imprecision", "rule", "very serious")]
    base, after = _domains(ds, RULES), _domains(applied, RULES)
    moved = set(base.index[base["levels_down"] != after["levels_down"]])
    assert moved == {("pain/axial/joint-rf", "risk_of_bias"), ("pain/axial/im-la", "imprecision")}
    rob = after.loc[("pain/axial/joint-rf", "risk_of_bias")]
    assert rob["by"] == "rule" and rob["levels_down"] == base.loc[("pain/axial/joint-rf", "risk_of_bias"), "rule_levels"]
    imp = after.loc[("pain/axial/im-la", "imprecision")]
    assert imp["by"] == "panel" and imp["levels_down"] == 2 and "not the panel" in imp["rationale"]
    assert len(ds.judgements) == len(applied.judgements)  # one removed, one added; the package is untouched


def test_a_malformed_judgement_operation_is_located(ds):
    with pytest.raises(ScenarioInvalid) as err:
        scenario("judgement: {estimate: pain/lumbar/joint-rf, domain: blinding, rating: fatal, reason: r}")
    where = {i.column for i in err.value.issues}
    assert {"operations[0].judgement.estimate", "operations[0].judgement.domain",
            "operations[0].judgement.rating"} <= where
    with pytest.raises(ScenarioInvalid) as err:  # nothing to remove
        apply_scenario(ds, scenario("judgement: {estimate: pain/axial/im-la, domain: imprecision, rating: rule, "
                                    "reason: r}"))
    issue = err.value.issues[0]
    assert issue.column == "operations[0].judgement.estimate" and "pain/axial/joint-rf risk_of_bias" in issue.expected


def test_filters_can_negate_and_test_for_missing_values(ds):
    """`not` selects the complement of a value; `missing` the trials that did not report a column."""
    studies = ds.studies
    guided = set(studies.loc[studies["image_guidance"] == "fluoroscopy", "id"])
    unreported = set(studies.loc[studies["image_guidance"].isin(["not_reported"]) | studies["image_guidance"].isna(),
                                 "id"])
    assert guided and unreported
    kept = apply_scenario(ds, scenario("keep_studies: {where: {image_guidance: {not: fluoroscopy}}, reason: r}"))
    assert set(kept.studies["id"]) == set(studies["id"]) - guided
    kept = apply_scenario(ds, scenario("keep_studies: {where: {image_guidance: {missing: true}}, reason: r}"))
    assert set(kept.studies["id"]) == unreported
    kept = apply_scenario(ds, scenario("keep_studies: {where: {image_guidance: {missing: false, not: [ct]}}, "
                                       "reason: r}"))
    assert set(kept.studies["id"]) == set(studies["id"]) - unreported - set(
        studies.loc[studies["image_guidance"] == "ct", "id"])


def test_a_malformed_filter_test_is_located():
    with pytest.raises(ScenarioInvalid) as err:
        scenario("keep_studies: {where: {image_guidance: {not: laser}, region: {missing: maybe}, "
                 "population: {min: 3}}, reason: r}")
    where = {i.column: i.expected for i in err.value.issues}
    assert "one of fluoroscopy" in where["operations[0].keep_studies.where.image_guidance.not"]
    assert "true (empty or not reported)" in where["operations[0].keep_studies.where.region.missing"]
    assert "a mapping of not, missing" in where["operations[0].keep_studies.where.population"]


def test_one_correction_applies_to_every_trial_a_filter_selects(ds):
    """`correct_value` with `where`: one operation for all the rows it selects (not one per trial)."""
    target = set(ds.studies.loc[ds.studies["image_guidance"].isin(["not_reported"]), "id"])
    applied = apply_scenario(ds, scenario(
        "correct_value: {table: studies, where: {image_guidance: {missing: true}}, column: image_guidance, "
        "value: fluoroscopy, source: the letter's reading of the methods sections}"))
    after = applied.studies.set_index("id")["image_guidance"]
    assert (after[sorted(target)] == "fluoroscopy").all()
    before = ds.studies.set_index("id")["image_guidance"]
    others = sorted(set(before.index) - target)
    assert after[others].equals(before[others])  # nothing else changes
    assert sorted(s["study"] for s in applied.sources) == sorted(target)
    assert f"the {len(target)} studies the filter selects" in applied.log[0]
    with pytest.raises(ScenarioInvalid) as err:
        scenario("correct_value: {table: studies, study: SYN-001, where: {year: 2000}, column: year, value: 2001, "
                 "source: s}")
    assert "either 'study' (one trial) or 'where'" in str(err.value)


@pytest.mark.parametrize("op", [
    "timepoint_rule: {injection: 13, ablation: 26, reason: r}",   # the guideline's own follow-up rule
    "mid: {pain: 1.5, reason: r}",
    "rule: {path: risk_of_bias.serious_share, value: 0.5, reason: r}",
    "judgement: {estimate: pain/axial/joint-rf, domain: risk_of_bias, rating: serious, reason: r}",
    "exclude_studies: {where: {year: {before: 1900}}, reason: r}",
    "correct_value: {table: studies, study: SYN-001, column: year, value: SYN_YEAR, source: s}",
])
def test_a_scenario_that_reproduces_the_guideline_is_recognised(ds, op):
    year = int(ds.studies.set_index("id").loc["SYN-001", "year"])
    applied = apply_scenario(ds, scenario(op.replace("SYN_YEAR", str(year))), rules=RULES)
    assert applied.reproduces_guideline and [i for i, _, _ in applied.no_ops] == [0]
    assert applied.guideline == ds.guideline and applied.rules(RULES) == RULES
    changed = apply_scenario(ds, scenario(op.replace("SYN_YEAR", str(year)), "mid: {pain: 1.0, reason: r}"),
                             rules=RULES)
    assert not changed.reproduces_guideline  # one real change: not the guideline's analysis


def test_the_answer_says_the_guideline_already_does_it():
    from analysis.responses.facts import scenario_facts
    from analysis.responses.paragraphs import claim_verdict
    from tests.test_responses import _comparison

    f = scenario_facts(_comparison(-0.62, "low", "strong"), {"joint-rf": "joint radiofrequency"}, "s",
                       operations=[("timepoint_rule", {"injection": 13, "reason": "r"})],
                       no_ops=[(0, "timepoint_rule", "the guideline already uses this follow-up")])
    assert f.verdict == "already"
    assert claim_verdict([f]).startswith("**Verdict.** The guideline's analysis already does what this claim asks")


def test_what_an_added_trial_does_not_report_is_recorded_as_not_reported(ds):
    """A letter rarely reports every column: those that can say so are 'not_reported' (listed in sources.csv
    as such), never a required guess."""
    spec = yaml.safe_load((ROOT / "scenarios" / "add-ghahreman-2010.yaml").read_text(encoding="utf-8"))
    study = spec["operations"][0]["add_study"]["study"]
    for column in ("funding", "condition", "image_guidance"):
        study.pop(column, None)
        study.get("assumed", {}).pop(column, None)
        study.get("sources", {}).pop(column, None)
    applied = apply_scenario(ds, scenario_from_data(spec))
    row = applied.studies.set_index("id").loc["GHAHREMAN-2010"]
    assert (row["funding"], row["condition"], row["image_guidance"]) == ("not_reported",) * 3
    said = {s["column"] for s in applied.sources if s["source"].startswith("not reported")}
    assert {"funding", "condition", "image_guidance"} <= said


@pytest.mark.parametrize("bad", ["lumbar-only\n", "lumbar\x07only", "a" * 81, "Upper"])
def test_an_identifier_with_a_trailing_newline_or_control_character_is_refused(bad):
    with pytest.raises(ScenarioInvalid) as err:
        scenario_from_data({"id": bad, "title": "t", "description": "d",
                            "operations": [{"mid": {"pain": 1.0, "reason": "r"}}]})
    assert any(i.column == "id" for i in err.value.issues)


@pytest.mark.parametrize("operation, field, expected", [
    ("timepoint_rule: {injection: .nan, reason: r}", "timepoint_rule.injection", "a number of weeks from 0.005"),
    ("timepoint_rule: {ablation: 1.0e-300, reason: r}", "timepoint_rule.ablation", "a number of weeks from 0.005"),
    ("timepoint_rule: {ablation: 5000, reason: r}", "timepoint_rule.ablation", "to 1040"),
    ("exclude_studies: {where: {year: {min: .nan}}, reason: r}", "exclude_studies.where.year.min", "a finite number"),
    ("exclude_studies: {where: {year: .inf}, reason: r}", "exclude_studies.where.year", "a finite number for year"),
])
def test_a_number_no_follow_up_or_filter_could_mean_is_refused(operation, field, expected):
    """NaN compares false with everything: a filter on it would silently select nothing, a follow-up rule of NaN
    weeks would silently drop every time point."""
    with pytest.raises(ScenarioInvalid) as err:
        scenario(operation)
    where = {i.column: i.expected for i in err.value.issues}
    assert expected in where[f"operations[0].{field}"], where
