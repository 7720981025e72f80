"""Network meta-regression against metafor's rma.mv with mods (tests/reference/extra/), and subgroup networks."""

import numpy as np
import pandas as pd
import pytest

from analysis.effects import contrasts_from_arms, contrasts_from_pairs
from analysis.errors import AnalysisError, DataError
from analysis.models.metaregression import fit_network_regression, subgroup_networks
from analysis.models.network import fit_network
from tests.conftest import REFERENCE, load_fixture, reference_data
from tests.engine import tolerances as tol

FIXTURE = load_fixture("extra")
CASES = [pytest.param(c, id=c["id"]) for c in FIXTURE["cases"] if c["kind"] == "metaregression"]
COVARIATES = pd.read_csv(REFERENCE / "extra" / "covariates.csv")


def blinded(dataset):
    cov = COVARIATES[COVARIATES["dataset"] == dataset]
    return dict(zip(cov["study"], cov["blinded"]))


def studies(dataset, measure, reference, dropped=()):
    data = reference_data(dataset)
    data = data[~data["study"].isin(dropped)].reset_index(drop=True)
    return contrasts_from_arms(data, measure, reference)


def test_reference_grid_is_complete():
    assert {c.id for c in CASES} == {"nmr-senn2013-shared", "nmr-hasselblad1998-shared",
                                     "nmr-hasselblad1998-treatment"}


@pytest.mark.parametrize("case", CASES)
def test_network_regression_matches_rma_mv(case):
    s, r = case["settings"], case["results"]
    fit = fit_network_regression(studies(case["dataset"], s["measure"], s["reference"], s["dropped_studies"]),
                                 blinded(case["dataset"]), s["measure"], method="REML",
                                 reference=s["reference"], interaction=s["interaction"])
    assert fit.n_contrasts == r["k"]
    assert fit.tau2 == pytest.approx(r["tau2"], abs=tol.TAU2)
    eff = r["effects"]
    for t, est, se in zip(eff["treatment"], eff["estimate"], eff["se"]):
        ours = fit.effect(t, s["reference"])
        assert ours[0] == pytest.approx(est, abs=tol.ESTIMATE)
        assert ours[1] == pytest.approx(se, abs=tol.SE)
    inter = fit.interaction_frame()
    ref = r["interaction"]
    assert list(inter["term"]) == ref["term"]
    for col, t in [("estimate", tol.ESTIMATE), ("se", tol.SE), ("z", tol.STAT), ("p", tol.PVALUE),
                   ("ci_low", tol.ESTIMATE), ("ci_high", tol.ESTIMATE)]:
        np.testing.assert_allclose(inter[col], ref[col], rtol=0, atol=t, err_msg=col)
    assert fit.qm == pytest.approx(r["qm"], abs=tol.STAT)
    assert fit.qm_df == r["qm_df"]


@pytest.fixture(scope="module")
def senn():
    return studies("senn2013", "MD", "placebo")


def test_effect_at_covariate_adds_the_interaction(senn):
    fit = fit_network_regression(senn, blinded("senn2013"), "MD", reference="placebo")
    d0, _ = fit.effect("metformin", "placebo")
    d1, _ = fit.effect("metformin", "placebo", x=1)
    assert d1 - d0 == pytest.approx(fit.beta[0], abs=1e-12)
    # shared interaction: no effect modification between two active treatments
    assert fit.effect("metformin", "acarbose", x=1)[0] == pytest.approx(fit.effect("metformin", "acarbose")[0])


def test_zero_covariate_is_not_estimable(senn):
    with pytest.raises(AnalysisError, match="not estimable"):
        fit_network_regression(senn, {s.study: 0 for s in senn}, "MD", reference="placebo")


def test_covariate_must_cover_every_study(senn):
    cov = blinded("senn2013")
    cov.pop("Willms (1999)")
    with pytest.raises(DataError, match=r"no value for study\(ies\): Willms \(1999\)"):
        fit_network_regression(senn, cov, "MD", reference="placebo")


def test_text_covariate_asks_for_coding(senn):
    cov = {s.study: "yes" for s in senn}
    with pytest.raises(DataError, match="code a binary covariate as 0/1"):
        fit_network_regression(senn, cov, "MD", reference="placebo")


def test_subgroup_networks_compare_each_level():
    data = studies("hasselblad1998", "OR", "no_contact")
    cov = {k: ("yes" if v else "no") for k, v in blinded("hasselblad1998").items()}
    res = subgroup_networks(data, cov, "OR", reference="no_contact", method="DL")
    assert set(res.fits) == {"no", "yes"}
    own = fit_network([s for s in data if cov[s.study] == "yes"], "OR", "DL", "no_contact")
    row = res.interaction.set_index("treatment").loc["self_help"]
    e_yes, s_yes = own.effect("self_help", "no_contact")
    e_no, s_no = res.fits["no"].effect("self_help", "no_contact")
    assert row["difference"] == pytest.approx(e_yes - e_no, abs=1e-12)
    assert row["difference_se"] == pytest.approx(np.hypot(s_yes, s_no), abs=1e-12)
    assert row["z"] == pytest.approx(row["difference"] / row["difference_se"])
    assert res.interaction["p"].between(0, 1).all()


def pairs(rows):
    return contrasts_from_pairs(pd.DataFrame(rows, columns=["study", "treat1", "treat2", "yi", "se"]), "A")


def test_subgroup_without_a_treatment_lists_it():
    data = pairs([("s1", "B", "A", 0.3, 0.2), ("s2", "C", "A", 0.5, 0.25), ("s3", "C", "B", 0.1, 0.3),
                  ("s4", "B", "A", 0.2, 0.2), ("s5", "B", "A", 0.6, 0.3), ("s6", "B", "A", 0.4, 0.25)])
    cov = {"s1": "a", "s2": "a", "s3": "a", "s4": "b", "s5": "b", "s6": "b"}
    res = subgroup_networks(data, cov, "MD", reference="A", method="FE")
    assert res.not_estimable == (("C", "b"),)
    assert list(res.interaction["treatment"]) == ["B"]


def test_disconnected_subgroup_names_the_level():
    data = pairs([("s1", "B", "A", 0.3, 0.2), ("s2", "C", "A", 0.5, 0.25), ("s3", "C", "B", 0.1, 0.3),
                  ("s4", "B", "A", 0.2, 0.2), ("s5", "D", "C", 0.6, 0.3)])
    cov = {"s1": "a", "s2": "a", "s3": "a", "s4": "b", "s5": "b"}
    with pytest.raises(AnalysisError, match="subgroup 'b': the network consists of 2 separate sub-networks"):
        subgroup_networks(data, cov, "MD", reference="A", method="FE")
