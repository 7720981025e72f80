"""Combining domains, panel judgements, classification against the MID and the GRADE wording."""

import pandas as pd
import pytest

from analysis.certainty import classify, load_rules, rate, statement
from analysis.certainty.judgements import apply_judgements
from analysis.certainty.rating import DomainRating
from tests.conftest import RULES_FILE

RULES = load_rules(RULES_FILE)


def _rating(**levels):
    names = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias", "incoherence")
    return rate("pain/axial/x", [DomainRating(n, levels.get(n, 0), "r") for n in names], RULES)


def test_start_high_and_rate_down():
    assert _rating().certainty == "high"
    assert _rating().reasons() == "no serious concerns in any domain"
    assert _rating(risk_of_bias=1).certainty == "moderate"
    assert _rating(risk_of_bias=1, publication_bias=1).certainty == "low"
    assert _rating(risk_of_bias=2, indirectness=1, publication_bias=1).certainty == "very low"  # floor


def test_no_double_counting_across_imprecision_heterogeneity_incoherence():
    r = _rating(imprecision=1, inconsistency=1, incoherence=1)
    assert r.levels_down == 1 and r.certainty == "moderate"
    assert "rated down once" in r.reasons()
    assert _rating(imprecision=1, incoherence=2).certainty == "low"
    assert _rating(imprecision=1, risk_of_bias=1).certainty == "low"


def test_rating_is_frozen_and_tabulates():
    r = _rating(imprecision=1)
    with pytest.raises(Exception):
        r.start = "low"
    frame = r.to_frame()
    assert list(frame["domain"])[0] == "risk_of_bias" and len(frame) == 6


def test_panel_judgement_overrides_visibly():
    table = pd.DataFrame([{"estimate": "pain/axial/x", "domain": "risk_of_bias", "rating": "serious",
                           "rationale": "unblinded providers"},
                          {"estimate": "pain/axial/other", "domain": "imprecision", "rating": "very serious",
                           "rationale": "not this one"}])
    r = apply_judgements(_rating(imprecision=1), table)
    d = r.domain("risk_of_bias")
    assert d.by == "panel" and d.levels_down == 1 and d.rule_levels == 0
    assert "panel judgement: serious" in r.reasons() and "unblinded providers" in r.reasons()
    assert r.certainty == "low"
    assert apply_judgements(_rating(), None).certainty == "high"


@pytest.mark.parametrize("est, label", [
    (0.0, "little or no effect"), (-1.49, "little or no effect"), (1.49, "little or no effect"),
    (-1.5, "small benefit"), (1.5, "small harm"), (-2.99, "small benefit"), (-3.0, "moderate benefit"),
    (-4.5, "large benefit"), (4.6, "large harm"),
])
def test_classification_against_the_mid_pain(est, label):
    assert classify(est, 1.5, higher_is_better=False, rules=RULES).label == label


def test_classification_higher_is_better():
    assert classify(12.0, 10.0, higher_is_better=True, rules=RULES).label == "small benefit"
    assert classify(-25.0, 10.0, higher_is_better=True, rules=RULES).label == "moderate harm"


def test_wording_by_certainty():
    none = classify(0.2, 1.5, False, RULES)
    benefit = classify(-2.0, 1.5, False, RULES)
    harm = classify(1.8, 1.5, False, RULES)
    assert statement("X", "pain", none, "high", RULES) == \
        "X results in little or no difference in pain compared with sham procedure."
    assert statement("X", "pain", none, "moderate", RULES).startswith("X probably results in little or no")
    assert statement("X", "pain", benefit, "high", RULES) == "X reduces pain slightly compared with sham procedure."
    assert statement("X", "pain", benefit, "moderate", RULES).startswith("X probably reduces pain slightly")
    assert statement("X", "pain", harm, "low", RULES).startswith("X may increase pain slightly")
    assert statement("x", "pain", benefit, "very low", RULES) == \
        "The evidence is very uncertain about the effect of x on pain compared with sham procedure."
