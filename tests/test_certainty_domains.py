"""Each GRADE domain rule on constructed inputs, at and around its boundaries."""

import numpy as np
import pandas as pd
import pytest

from analysis.certainty import load_rules
from analysis.certainty.imprecision import rate_imprecision
from analysis.certainty.incoherence import rate_incoherence
from analysis.certainty.inconsistency import rate_inconsistency
from analysis.certainty.indirectness import rate_indirectness, study_indirect
from analysis.certainty.publication_bias import rate_publication_bias
from analysis.certainty.risk_of_bias import rate_risk_of_bias, study_risk
from analysis.models.network import NetworkFit
from tests.conftest import RULES_FILE

RULES = load_rules(RULES_FILE)
MID = 1.5


@pytest.mark.parametrize("lo, hi, levels", [
    (-1.0, 1.0, 0),     # inside the MID zone
    (-1.5, 1.5, 0),     # ending on a threshold is not crossing it
    (-1.51, 1.0, 1),    # crosses the MID for benefit
    (-1.0, 1.51, 1),    # crosses the MID for harm
    (-1.6, 1.6, 2),     # both: important benefit and important harm
    (-3.0, -1.6, 0),    # wholly beyond the MID
    (-3.0, 0.5, 1),     # an important benefit, but the CI reaches little or no effect
])
def test_imprecision_counts_mid_thresholds_crossed(lo, hi, levels):
    r = rate_imprecision(lo, hi, MID, RULES)
    assert r.levels_down == levels and r.domain == "imprecision" and r.reason


def test_imprecision_follows_the_mid():
    assert rate_imprecision(-1.2, 0.5, 1.0, RULES).levels_down == 1
    assert rate_imprecision(-1.2, 0.5, 1.5, RULES).levels_down == 0


@pytest.mark.parametrize("ci, pi, levels", [
    ((-0.5, 0.5), (-1.4, 1.4), 0),   # PI inside the zone
    ((-0.5, 0.5), (-1.6, 1.4), 1),   # PI adds one threshold
    ((-0.5, 0.5), (-1.6, 1.6), 2),   # PI adds both
    ((-1.6, 0.5), (-2.5, 1.4), 0),   # the PI crosses only what the CI already crosses
    ((-1.6, 0.5), (-2.5, 1.6), 1),
])
def test_inconsistency_counts_thresholds_beyond_the_ci(ci, pi, levels):
    assert rate_inconsistency(*ci, *pi, MID, 0.5, RULES).levels_down == levels


def test_prediction_interval():
    """estimate +/- q sqrt(se^2 + tau^2): normal q by default, t on df when given; the CI is inside it."""
    fit = NetworkFit(measure="MD", method="REML", reference="A", treatments=("A", "B"), d=np.array([0.0, 0.2]),
                     cov=np.array([[0.0, 0.0], [0.0, 0.09]]), tau2=0.16, q=0.0, q_df=0, n_studies=3, n_contrasts=3)
    lo, hi = fit.prediction_interval("B", "A")
    assert hi - 0.2 == pytest.approx(1.959964 * 0.5, rel=1e-6) and lo == pytest.approx(0.2 - (hi - 0.2))
    assert fit.prediction_interval("B", "A", df=5)[1] == pytest.approx(0.2 + 2.570582 * 0.5, rel=1e-6)
    frame = fit.prediction_frame().iloc[0]
    assert (frame["pi_low"], frame["pi_high"]) == pytest.approx((lo, hi), abs=1e-15)


def _studies(levels: dict[str, str], population=None):
    rows = []
    for sid, worst in levels.items():
        row = {"id": sid, "population": (population or {}).get(sid, "axial")}
        for d in RULES["risk_of_bias"]["domains"]:
            row[f"rob_{d}"] = "low"
        row["rob_concealment"] = worst
        rows.append(row)
    return pd.DataFrame(rows)


def test_risk_of_bias_majority_of_contributions():
    st = _studies({"A": "probably_high", "B": "low", "C": "high"})
    risk = study_risk(st, RULES)
    assert risk == {"A": True, "B": False, "C": True}
    assert rate_risk_of_bias({"A": 25, "B": 50, "C": 25}, risk, RULES).levels_down == 1  # exactly half
    assert rate_risk_of_bias({"A": 24, "B": 52, "C": 24}, risk, RULES).levels_down == 0
    assert rate_risk_of_bias({"B": 100}, risk, RULES).levels_down == 0
    rules = load_rules(RULES_FILE, overrides={"risk_of_bias": {"very_serious_share": 0.9}})
    assert rate_risk_of_bias({"A": 50, "C": 50}, risk, rules).levels_down == 2


def test_indirectness_from_population():
    st = _studies({"A": "low", "B": "low"}, population={"A": "mixed"})
    flags = study_indirect(st, RULES)
    assert flags == {"A": True, "B": False}
    assert rate_indirectness({"A": 60, "B": 40}, flags, RULES).levels_down == 1
    assert rate_indirectness({"A": 40, "B": 60}, flags, RULES).levels_down == 0


def test_publication_bias_needs_ten_trials():
    se = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1]
    skewed = [-0.1 - 2 * s for s in se]  # smaller trials, larger effects
    assert rate_publication_bias(skewed[:9], se[:9], RULES).levels_down == 0  # 9 trials: not assessed
    noisy = [e + (0.01 if i % 2 else -0.01) for i, e in enumerate(skewed)]
    assert rate_publication_bias(noisy, se, RULES).levels_down == 1
    symmetric = [(-1) ** i * 0.3 for i in range(10)]
    assert rate_publication_bias(symmetric, se, RULES).levels_down == 0


def _split(p, d, i):
    return {"p": p, "direct": sum(d) / 2, "direct_ci_low": d[0], "direct_ci_high": d[1],
            "indirect": sum(i) / 2, "indirect_ci_low": i[0], "indirect_ci_high": i[1]}


def test_incoherence_node_split():
    assert rate_incoherence(_split(0.10, (-3, -2), (2, 3)), 0.5, MID, RULES).levels_down == 0  # p at the cut-off
    assert rate_incoherence(_split(0.05, (-1, 1), (-1.2, 1.2)), 0.5, MID, RULES).levels_down == 0  # 3 agree
    assert rate_incoherence(_split(0.05, (-1, 1), (-2, 1)), 0.5, MID, RULES).levels_down == 1  # 2 agree
    assert rate_incoherence(_split(0.01, (-3.4, -0.1), (-0.7, 2.5)), 0.5, MID, RULES).levels_down == 2


def test_incoherence_design_by_treatment_when_one_kind_of_evidence():
    only_direct = {"p": None}
    assert rate_incoherence(only_direct, 0.11, MID, RULES).levels_down == 0
    assert rate_incoherence(None, 0.10, MID, RULES).levels_down == 1
    assert rate_incoherence(None, 0.06, MID, RULES).levels_down == 1
    assert rate_incoherence(None, 0.05, MID, RULES).levels_down == 2
    assert rate_incoherence(None, None, MID, RULES).levels_down == RULES["incoherence"]["not_estimable_levels"]
