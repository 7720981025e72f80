"""The project's settings/guideline.yaml (the GRADE and evidence-to-decision rules) is checked before anything
runs: a wrong type, a value out of range, a missing rule or a key given twice is one message naming the line and
the field, instead of an internal error at the end of a build or a silently different analysis."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analysis.certainty.config import load_rules
from analysis.errors import AnalysisError
from analysis.yamlines import MAX_DEPTH, load_with_lines

RULES = Path(__file__).resolve().parents[1] / "settings" / "guideline.yaml"
TEXT = RULES.read_text(encoding="utf-8")


def _line(fragment: str) -> int:
    return TEXT[:TEXT.index(fragment)].count("\n") + 1


def test_the_committed_rules_are_valid():
    assert load_rules(RULES)["risk_of_bias"]["serious_share"] == 0.5


@pytest.mark.parametrize("old, new, expected", [
    ("serious_share: 0.5 ", "serious_share: 7 ", "field risk_of_bias.serious_share: value '7'; expected a proportion"),
    ("serious_share: 0.5 ", "serious_share: .nan ", "field risk_of_bias.serious_share: value 'nan'; expected a finite"),
    ("  high_risk_domain_ratings: [high, probably_high]\n", "",
     "field risk_of_bias.high_risk_domain_ratings: expected this rule (it is required)"),
    ("  high_risk_domain_ratings: [high, probably_high]\n", "  high_risk_domain_ratings: [high, probably_high]\n"
     "  high_risk_domain_ratings: [high]\n", "expected unique keys (key 'high_risk_domain_ratings' appears twice"),
    ("  small: 1.0", "  small: 5.0", "field classification: value '5.0, 2.0, 3.0'; expected MID multiples"),
    ("prediction_interval: normal", "prediction_interval: wide",
     "field inconsistency.prediction_interval: value 'wide'; expected only normal, t"),
    ("{direction: for, strength: strong}", "{direction: up, strength: strong}", "direction: value 'up'; expected for"),
    ("min_trials: 10", "min_trials: [10]", "field publication_bias.min_trials: value '[10]'; expected a number"),
])
def test_a_broken_rule_is_named_at_its_line_before_anything_runs(tmp_path, old, new, expected):
    assert old in TEXT
    path = tmp_path / "guideline.yaml"
    path.write_text(TEXT.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(AnalysisError) as err:
        load_rules(path)
    message = str(err.value)
    assert message.count(f"{path}, line ") == 1, message  # one problem, located at a line
    assert expected in message, message


def test_a_section_that_is_a_list_is_named_at_its_line(tmp_path):
    path = tmp_path / "guideline.yaml"
    path.write_text(TEXT.replace("risk_of_bias:\n", "risk_of_bias: [1]\nformer_risk_of_bias:\n", 1), encoding="utf-8")
    with pytest.raises(AnalysisError, match=rf"line {_line('risk_of_bias:')}, field risk_of_bias: value '\[1\]'; "
                                            "expected a mapping of high_risk_domain_ratings"):
        load_rules(path)


def test_nesting_deeper_than_any_of_our_files_is_a_yaml_problem_not_a_recursion_error():
    with pytest.raises(yaml.YAMLError, match=f"nested more than {MAX_DEPTH} levels"):
        load_with_lines("a: " + "[" * 50_000 + "]" * 50_000)
    load_with_lines("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))  # just within the bound
