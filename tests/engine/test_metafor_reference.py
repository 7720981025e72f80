"""Our engine against R's metafor (fixtures in tests/reference/metafor/, made by make_fixtures.R)."""

import numpy as np
import pandas as pd
import pytest

from analysis.effects import contrasts_from_arms, pairwise_effect
from analysis.effects.measures import Arm
from analysis.models.network import fit_network
from analysis.models.pairwise import fit_pairwise
from tests.conftest import load_fixture, reference_data
from tests.engine import tolerances as tol

FIXTURE = load_fixture("metafor")
CASES = {c["id"]: c for c in FIXTURE["cases"]}
EXPECTED_DATASETS = {
    "escalc": {"bcg", "zero_cells", "normand1999"},
    "pairwise": {"bcg", "normand1999"},
    "network": {"senn2013", "hasselblad1998", "dogliotti2014", "large_network"},
}


def cases(kind):
    return [pytest.param(c, id=c["id"]) for c in FIXTURE["cases"] if c["kind"] == kind]


def test_reference_grid_is_complete():
    """The grid cannot quietly shrink to the cases that pass."""
    for kind, datasets in EXPECTED_DATASETS.items():
        assert {c["dataset"] for c in FIXTURE["cases"] if c["kind"] == kind} == datasets
    pairwise = {(c["dataset"], c["settings"]["method"], c["settings"]["test"])
                for c in FIXTURE["cases"] if c["kind"] == "pairwise"}
    for ds in EXPECTED_DATASETS["pairwise"]:
        for method in ("FE", "DL", "REML", "PM"):
            assert (ds, method, "z") in pairwise
            if method != "FE":
                assert (ds, method, "knha") in pairwise
    networks = {(c["dataset"], c["settings"]["method"]) for c in FIXTURE["cases"] if c["kind"] == "network"}
    assert networks == {(d, m) for d in EXPECTED_DATASETS["network"] for m in ("REML", "common")}


def two_arm_effects(case):
    s = case["settings"]
    data = reference_data(case["dataset"])
    out = []
    for study, rows in data.groupby("study", sort=False):
        arms = {r.treatment: Arm(r.treatment, r.n, mean=getattr(r, "mean", None), sd=getattr(r, "sd", None),
                                 events=getattr(r, "events", None)) for r in rows.itertuples()}
        out.append((study, *pairwise_effect(arms[s["treatment"]], arms[s["control"]], s["measure"])))
    return pd.DataFrame(out, columns=["study", "yi", "vi"]).set_index("study")


@pytest.mark.parametrize("case", cases("escalc"))
def test_effect_sizes_match_escalc(case):
    ours = two_arm_effects(case)
    ref = pd.DataFrame(case["results"]).set_index("study")
    ours = ours.loc[ref.index]
    np.testing.assert_allclose(ours["yi"], ref["yi"], rtol=0, atol=tol.ESTIMATE)
    np.testing.assert_allclose(ours["vi"], ref["vi"], rtol=0, atol=tol.SE)


@pytest.mark.parametrize("case", cases("pairwise"))
def test_pairwise_matches_rma_uni(case):
    s, r = case["settings"], case["results"]
    eff = two_arm_effects(case)
    fit = fit_pairwise(eff["yi"], eff["vi"], method=s["method"], test=s["test"])
    assert fit.k == r["k"]
    assert fit.tau2 == pytest.approx(r["tau2"], abs=tol.TAU2)
    for ours, key, t in [(fit.estimate, "estimate", tol.ESTIMATE), (fit.se, "se", tol.SE),
                         (fit.ci_low, "ci_low", tol.ESTIMATE), (fit.ci_high, "ci_high", tol.ESTIMATE),
                         (fit.pi_low, "pi_low", tol.ESTIMATE), (fit.pi_high, "pi_high", tol.ESTIMATE),
                         (fit.stat, "tval" if s["test"] == "knha" else "zval", tol.STAT),
                         (fit.pval, "pval", tol.PVALUE), (fit.q, "q", tol.STAT), (fit.q_p, "q_p", tol.PVALUE),
                         (fit.i2, "i2", tol.I2), (fit.h2, "h2", tol.STAT)]:
        assert ours == pytest.approx(r[key], abs=t), key
    assert fit.q_df == r["q_df"]


def network_studies(case):
    s = case["settings"]
    data = reference_data(case["dataset"])
    data = data[~data["study"].isin(s.get("dropped_studies", []))].reset_index(drop=True)
    return contrasts_from_arms(data, s["measure"], s["reference"])


@pytest.mark.parametrize("case", cases("network"))
def test_network_matches_rma_mv(case):
    s, r = case["settings"], case["results"]
    studies = network_studies(case)
    fit = fit_network(studies, s["measure"], method="FE" if s["method"] == "common" else s["method"],
                      reference=s["reference"])
    assert fit.n_studies == r["n_studies"]
    assert fit.n_contrasts == r["k"]
    assert fit.tau2 == pytest.approx(r["tau2"], abs=tol.TAU2)
    eff = fit.effects_frame().set_index("treatment")
    ref = pd.DataFrame(r["effects"]).set_index("treatment")
    assert set(eff.index) == set(ref.index)
    np.testing.assert_allclose(eff.loc[ref.index, "estimate"], ref["estimate"], rtol=0, atol=tol.ESTIMATE)
    np.testing.assert_allclose(eff.loc[ref.index, "se"], ref["se"], rtol=0, atol=tol.SE)
    league = fit.league_frame().set_index(["treat1", "treat2"])
    ref_league = pd.DataFrame(r["league"]).set_index(["treat1", "treat2"])
    np.testing.assert_allclose(league.loc[ref_league.index, "estimate"], ref_league["estimate"], atol=tol.ESTIMATE)
    np.testing.assert_allclose(league.loc[ref_league.index, "se"], ref_league["se"], atol=tol.SE)
    assert fit.q == pytest.approx(r["q"], abs=tol.STAT)
    assert fit.q_df == r["q_df"]
    assert fit.q_p == pytest.approx(r["q_p"], abs=tol.PVALUE)


@pytest.mark.parametrize("case", cases("network"))
def test_network_contrasts_match_escalc(case):
    """Our study contrasts are the ones metafor fitted (same baseline rule, same variances)."""
    ref = pd.DataFrame(case["settings"]["contrasts"])
    ours = [(s.study, t, s.baseline, y, s.V[i, i]) for s in network_studies(case)
            for i, (t, y) in enumerate(zip(s.treatments, s.y))]
    ours = pd.DataFrame(ours, columns=["study", "treat1", "treat2", "yi", "vi"])
    merged = ref.merge(ours, on=["study", "treat1", "treat2"], suffixes=("_ref", "_ours"), validate="1:1")
    assert len(merged) == len(ref) == len(ours)
    np.testing.assert_allclose(merged["yi_ours"], merged["yi_ref"], atol=tol.ESTIMATE)
    np.testing.assert_allclose(merged["vi_ours"], merged["vi_ref"], atol=tol.SE)


EXTRA = load_fixture("extra")


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in EXTRA["cases"] if c["kind"] == "network_pm"])
def test_network_paule_mandel_matches_r(case):
    """PM for networks: tau^2 the root of the generalised Q (R, dense algebra), effects rma.mv's at that tau^2."""
    s, r = case["settings"], case["results"]
    data = reference_data(case["dataset"])
    data = data[~data["study"].isin(s["dropped_studies"])].reset_index(drop=True)
    fit = fit_network(contrasts_from_arms(data, s["measure"], s["reference"]), s["measure"], "PM", s["reference"])
    assert fit.tau2 == pytest.approx(r["tau2"], abs=tol.TAU2)
    assert fit.data.model.gls(fit.tau2).q == pytest.approx(r["df"], abs=tol.STAT)
    eff = fit.effects_frame().set_index("treatment").loc[r["treatment"]]
    np.testing.assert_allclose(eff["estimate"], r["estimate"], rtol=0, atol=tol.ESTIMATE)
    np.testing.assert_allclose(eff["se"], r["se"], rtol=0, atol=tol.SE)


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in EXTRA["cases"]
                                  if c["kind"] in ("network_pm", "tau2_q_profile")])
def test_q_profile_interval_for_tau2_matches_r(case):
    """Q-profile 95% CI for tau^2: metafor's confint() on two-treatment data (through the network code), and the
    same roots of the generalised Q computed in R for networks with multi-arm studies. Both sides find the root
    to machine precision (they agree to about 1e-15), so the tolerance is 1e-9 relative."""
    from analysis.models.tau2 import tau2_q_profile

    s, r = case["settings"], case["results"]
    data = reference_data(case["dataset"])
    data = data[~data["study"].isin(s.get("dropped_studies", []))].reset_index(drop=True)
    fit = fit_network(contrasts_from_arms(data, s["measure"], s["reference"]), s["measure"], "REML", s["reference"])
    low, high = tau2_q_profile(fit.data.model)
    assert low == pytest.approx(r["tau2_ci_low"], rel=1e-9)
    assert high == pytest.approx(r["tau2_ci_high"], rel=1e-9)
    assert low <= fit.tau2 <= high


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in EXTRA["cases"] if c["kind"] == "pi_df"])
def test_prediction_interval_degrees_of_freedom_match_r(case):
    """The pairwise prediction interval on t with k-1 df (metafor's pi.type = "t") and k-2 df (Higgins 2009 and
    the Cochrane Handbook; the formula from rma.uni's own estimate, SE and tau^2), stated in the result."""
    s, r = case["settings"], case["results"]
    eff = two_arm_effects({"settings": {**s, "control": s["reference"]}, "dataset": case["dataset"]})
    for choice, suffix, df in (("k-1", "k1", r["k"] - 1), ("k-2", "k2", r["k"] - 2)):
        fit = fit_pairwise(eff["yi"], eff["vi"], method=s["method"], pi_df=choice)
        assert fit.k == r["k"] and fit.pi_df == df
        assert fit.pi_low == pytest.approx(r[f"pi_low_{suffix}"], abs=tol.ESTIMATE)
        assert fit.pi_high == pytest.approx(r[f"pi_high_{suffix}"], abs=tol.ESTIMATE)
    default = fit_pairwise(eff["yi"], eff["vi"], method=s["method"])
    assert default.pi_df is None and default.pi_low > fit.pi_low  # normal by default: narrower than t on k-2


def test_prediction_interval_degrees_of_freedom_are_checked():
    from analysis.errors import AnalysisError

    with pytest.raises(AnalysisError, match="unknown prediction interval df 'k-3'; expected one of ci, k-2, k-1"):
        fit_pairwise([0.1, 0.2, 0.3], [0.01, 0.02, 0.03], pi_df="k-3")
    two = fit_pairwise([0.1, 0.3], [0.01, 0.02], pi_df="k-2")  # t on 0 df: no interval, said so
    assert two.pi_low is None and two.pi_high is None and two.pi_df is None
    knha = fit_pairwise([0.1, 0.2, 0.5], [0.01, 0.02, 0.03], test="knha")
    assert knha.pi_df == 2  # the CI's t on k-1 df


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in EXTRA["cases"] if c["kind"] == "network_knha"])
def test_network_knapp_hartung_matches_r(case):
    """Knapp-Hartung for networks: rma.mv's REML covariance scaled by Q(tau^2) / (k - p), computed in R with
    dense algebra, and t on k - p df; the estimates are those of the z-based fit."""
    s, r = case["settings"], case["results"]
    data = reference_data(case["dataset"])
    data = data[~data["study"].isin(s["dropped_studies"])].reset_index(drop=True)
    studies = contrasts_from_arms(data, s["measure"], s["reference"])
    fit = fit_network(studies, s["measure"], "REML", s["reference"], test="knha")
    plain = fit_network(studies, s["measure"], "REML", s["reference"])
    assert fit.test == "knha" and fit.df == r["df"] and plain.df is None
    assert fit.tau2 == pytest.approx(r["tau2"], abs=tol.TAU2)
    eff = fit.effects_frame().set_index("treatment").loc[r["treatment"]]
    np.testing.assert_allclose(eff["estimate"], r["estimate"], rtol=0, atol=tol.ESTIMATE)
    np.testing.assert_allclose(eff["se"], r["se"], rtol=0, atol=tol.SE)
    np.testing.assert_allclose(eff["ci_low"], r["ci_low"], rtol=0, atol=tol.ESTIMATE)
    np.testing.assert_allclose(eff["ci_high"], r["ci_high"], rtol=0, atol=tol.ESTIMATE)
    ratio = eff["se"].to_numpy() / plain.effects_frame().set_index("treatment").loc[r["treatment"], "se"].to_numpy()
    np.testing.assert_allclose(ratio ** 2, r["s2"], rtol=1e-9)  # one scale factor for every estimate
    low, high = fit.prediction_interval(r["treatment"][0], s["reference"])  # t on k - p df for the PI too
    est, se = fit.effect(r["treatment"][0], s["reference"])
    from scipy.stats import t as t_dist

    assert high - est == pytest.approx(t_dist.ppf(0.975, r["df"]) * np.sqrt(se**2 + fit.tau2), rel=1e-12)


def test_network_test_is_checked():
    from analysis.errors import AnalysisError

    data = reference_data("senn2013")
    studies = contrasts_from_arms(data, "MD", "placebo")
    with pytest.raises(AnalysisError, match="unknown network test 'hk'; expected one of z, knha"):
        fit_network(studies, "MD", "REML", "placebo", test="hk")
