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
