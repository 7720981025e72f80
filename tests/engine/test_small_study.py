"""Comparison-adjusted funnel data and Egger's test against metafor's regtest (tests/reference/extra/)."""

import numpy as np
import pandas as pd
import pytest

from analysis.effects import contrasts_from_arms, contrasts_from_pairs
from analysis.errors import AnalysisError, DataError
from analysis.models.network import fit_network
from analysis.models.nodesplit import node_split
from analysis.models.small_study import comparison_adjusted, egger_test, small_study_test
from tests.conftest import load_fixture, reference_data
from tests.engine import tolerances as tol

FIXTURE = load_fixture("extra")


def cases(kind):
    return [pytest.param(c, id=c["id"]) for c in FIXTURE["cases"] if c["kind"] == kind]


def assert_egger(test, r):
    assert test.df == r["df"]
    for ours, key, t in [(test.t, "t", tol.STAT), (test.p, "p", tol.PVALUE),
                         (test.intercept, "intercept", tol.ESTIMATE), (test.intercept_se, "intercept_se", tol.SE),
                         (test.slope, "slope", tol.ESTIMATE), (test.slope_se, "slope_se", tol.SE)]:
        assert ours == pytest.approx(r[key], abs=t), key


@pytest.mark.parametrize("case", cases("egger"))
def test_egger_matches_regtest(case):
    r = case["results"]
    assert_egger(egger_test(r["yi"], np.sqrt(r["vi"])), r)


@pytest.mark.parametrize("case", cases("funnel"))
def test_comparison_adjusted_funnel_matches_metafor(case):
    s, r = case["settings"], case["results"]
    data = reference_data(case["dataset"])
    fit = fit_network(contrasts_from_arms(data, s["measure"], s["reference"]), s["measure"], "REML", s["reference"])
    assert fit.tau2 == pytest.approx(r["tau2"], abs=tol.TAU2)
    ours = comparison_adjusted(fit, order=s["order"], centre="network")
    assert list(zip(ours["study"], ours["treat1"], ours["treat2"])) == list(zip(r["study"], r["treat1"], r["treat2"]))
    for col in ("estimate", "se", "centre", "adjusted"):
        np.testing.assert_allclose(ours[col], r[col], rtol=0, atol=tol.ESTIMATE, err_msg=col)
    assert_egger(small_study_test(fit, order=s["order"]), r)


def test_direct_centre_is_the_pooled_direct_estimate():
    data = reference_data("senn2013")
    fit = fit_network(contrasts_from_arms(data, "MD", "placebo"), "MD", "REML", "placebo")
    adj = comparison_adjusted(fit, order=["placebo", *sorted(set(fit.treatments) - {"placebo"})], centre="direct")
    direct = node_split(fit).set_index(["treat1", "treat2"])["direct"]
    for row in adj.itertuples():
        d = direct.get((row.treat1, row.treat2), None)
        d = -direct[(row.treat2, row.treat1)] if d is None else d
        assert row.centre == pytest.approx(d, abs=1e-12)
        assert row.treat1 == "placebo" or row.treat2 != "placebo"


def test_orientation_follows_the_order():
    rows = [("s1", "B", "A", 0.3, 0.2), ("s2", "C", "A", 0.5, 0.25), ("s3", "C", "B", 0.1, 0.3)]
    studies = contrasts_from_pairs(pd.DataFrame(rows, columns=["study", "treat1", "treat2", "yi", "se"]), "A")
    fit = fit_network(studies, "MD", "FE", "A")
    adj = comparison_adjusted(fit, order=["C", "B", "A"])
    assert list(zip(adj["treat1"], adj["treat2"], adj["estimate"])) == [
        ("C", "B", pytest.approx(0.1)), ("C", "A", pytest.approx(0.5)), ("B", "A", pytest.approx(0.3))]
    with pytest.raises(AnalysisError, match="missing: A"):
        comparison_adjusted(fit, order=["C", "B"])
    with pytest.raises(AnalysisError, match="centre"):
        comparison_adjusted(fit, centre="median")
    with pytest.raises(AnalysisError, match="at least 3 estimates"):
        egger_test([1, 2], [1, 1])


def test_egger_rejects_bad_input():
    with pytest.raises(DataError, match="point 2"):
        egger_test([0.1, 0.2, 0.3], [0.1, 0.0, 0.2])
    with pytest.raises(AnalysisError, match="same standard error"):
        egger_test([0.1, 0.2, 0.3], [0.1, 0.1, 0.1])
