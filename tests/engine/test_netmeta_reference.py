"""Our engine against R's netmeta 3.3-1 (fixtures in tests/reference/netmeta/, made by make_fixtures.R).

Covers the generalised DerSimonian-Laird tau^2 and the DL and REML effects, decomp.design
(Q total / within / between designs and the random-effects design-by-treatment test),
netsplit (back-calculation), netrank (P-scores) and netcontrib (shortest-path study
contributions; shortest-path and random-walk direct-comparison contributions).
"""

import numpy as np
import pandas as pd
import pytest

from analysis.effects import contrasts_from_arms
from analysis.models.contribution import comparison_contributions, contribution_matrix
from analysis.models.inconsistency import decompose_q
from analysis.models.network import fit_network
from analysis.models.nodesplit import node_split
from analysis.models.ranking import p_scores
from tests.conftest import load_fixture, reference_data
from tests.engine import tolerances as tol

FIXTURE = load_fixture("netmeta")
CASES = [pytest.param(c, id=c["id"]) for c in FIXTURE["cases"]]
# netcontrib() takes over 20 minutes on the 320-study network: contributions are checked on the published ones
CONTRIBUTION_CASES = [c for c in CASES if c.values[0]["results"]["netcontrib_random"] is not None]
MODELS = {"random": None, "common": "FE"}


def test_reference_grid_is_complete():
    grid = {(c["dataset"], c["settings"]["method_tau"]) for c in FIXTURE["cases"]}
    assert grid == {(d, m) for d in ("senn2013", "hasselblad1998", "dogliotti2014", "large_network")
                    for m in ("DL", "REML")}
    assert {c.values[0]["dataset"] for c in CONTRIBUTION_CASES} == {"senn2013", "hasselblad1998", "dogliotti2014"}
    assert FIXTURE["package_versions"]["netmeta"] == "3.3.1"


def studies_of(case):
    s = case["settings"]
    data = reference_data(case["dataset"])
    data = data[data["study"].isin(s["studies_used"])].reset_index(drop=True)
    return contrasts_from_arms(data, s["sm"], s["reference_group"])


def fit_of(case, model="random"):
    s = case["settings"]
    method = MODELS[model] or s["method_tau"]
    return fit_network(studies_of(case), s["sm"], method, s["reference_group"])


@pytest.mark.parametrize("case", CASES)
def test_tau2_effects_and_q(case):
    r = case["results"]
    fit = fit_of(case)
    assert fit.tau2 == pytest.approx(r["tau2"], abs=tol.TAU2)
    assert fit.q == pytest.approx(r["q"], abs=tol.STAT)
    assert fit.q_df == r["q_df"]
    assert fit.i2 == pytest.approx(100 * r["i2"], abs=tol.I2)
    assert fit.i2_ci == pytest.approx((100 * r["i2_ci_low"], 100 * r["i2_ci_high"]), abs=tol.I2)
    for model in MODELS:
        eff = fit_of(case, model).effects_frame().set_index("treatment").loc[r["effects"]["treatment"]]
        np.testing.assert_allclose(eff["estimate"], r["effects"][f"estimate_{model}"], rtol=0, atol=tol.ESTIMATE)
        np.testing.assert_allclose(eff["se"], r["effects"][f"se_{model}"], rtol=0, atol=tol.SE)


@pytest.mark.parametrize("case", [c for c in CASES if c.values[0]["settings"]["method_tau"] == "DL"])
def test_dl_tau2_is_netmeta_formula(case):
    """Jackson's generalised DL (tau2_dl) equals netmeta's (Q - df) / tr((I - H)(BB' o E/2)W) form."""
    assert fit_of(case).tau2 == pytest.approx(case["results"]["tau2"], abs=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_decomp_design(case):
    d = case["results"]["decomp_design"]
    q = decompose_q(fit_of(case).data)
    for ours, ref in [((q.q_total, q.df_total, q.q_total_p), d["total"]),
                      ((q.q_within, q.df_within, q.q_within_p), d["within_designs"]),
                      ((q.q_between, q.df_between, q.q_between_p), d["between_designs"])]:
        assert ours[0] == pytest.approx(ref["q"], abs=tol.STAT)
        assert ours[1] == ref["df"]
        assert ours[2] == pytest.approx(ref["p"], abs=tol.PVALUE)
    inc = d["inc_random"]
    assert q.tau2_within == pytest.approx(inc["tau2_within"], abs=tol.TAU2)
    assert q.q_between_random == pytest.approx(inc["q"], abs=tol.STAT)
    assert q.design_by_treatment_p == pytest.approx(inc["p"], abs=tol.PVALUE)


def netsplit_frame(case, model):
    b = case["results"]["netsplit"]["back_calculation"]
    side = b[model]
    out = pd.DataFrame({"treat1": b["treat1"], "treat2": b["treat2"], "k": b["k"], "prop": b[f"prop_{model}"],
                        **{k: np.array(v, dtype=float) for k, v in side.items()}})
    return out[out["k"] > 0].reset_index(drop=True)  # our node_split covers the directly compared pairs


@pytest.mark.parametrize("model", list(MODELS))
@pytest.mark.parametrize("case", CASES)
def test_node_split_matches_netsplit(case, model):
    ours = node_split(fit_of(case, model)).set_index(["treat1", "treat2"])
    ref = netsplit_frame(case, model)
    assert len(ref) == len(ours)
    for row in ref.itertuples():
        sign = 1 if (row.treat1, row.treat2) in ours.index else -1
        o = ours.loc[(row.treat1, row.treat2) if sign == 1 else (row.treat2, row.treat1)]
        assert o["k"] == row.k
        assert o["prop_direct"] == pytest.approx(row.prop, abs=tol.PROPORTION)
        assert sign * o["direct"] == pytest.approx(row.direct_te, abs=tol.ESTIMATE)
        assert o["direct_se"] == pytest.approx(row.direct_se, abs=tol.SE)
        assert sign * o["network"] == pytest.approx(row.network_te, abs=tol.ESTIMATE)
        if np.isnan(row.indirect_te):  # direct evidence only: no indirect estimate on either side
            assert pd.isna(o["indirect"]) and pd.isna(o["p"])
            continue
        assert sign * o["indirect"] == pytest.approx(row.indirect_te, abs=tol.ESTIMATE)
        assert o["indirect_se"] == pytest.approx(row.indirect_se, abs=tol.SE)
        assert sign * o["z"] == pytest.approx(row.z, abs=tol.STAT)
        assert o["p"] == pytest.approx(row.p, abs=tol.PVALUE)


@pytest.mark.parametrize("model", list(MODELS))
@pytest.mark.parametrize("case", CASES)
def test_p_scores_match_netrank(case, model):
    nr = case["results"]["netrank"]
    small = "good" if nr["small_values"] == "desirable" else "bad"
    ours = p_scores(fit_of(case, model), small).set_index("treatment").loc[nr["treatment"], "p_score"]
    np.testing.assert_allclose(ours, nr[f"pscore_{model}"], rtol=0, atol=tol.PVALUE)


@pytest.mark.parametrize("case", CONTRIBUTION_CASES)
def test_study_contributions_match_netcontrib(case):
    ref = case["results"]["netcontrib_study_random"]
    assert ref["method"] == "shortestpath"
    ref = pd.DataFrame({"comparison": ref["comparison"], "study": ref["study"], "ref": ref["contribution_percent"]})
    ours = contribution_matrix(fit_of(case))
    ours["comparison"] = ours["treat1"] + ":" + ours["treat2"]
    merged = ref.merge(ours, on=["comparison", "study"], how="outer", validate="1:1", indicator=True)
    assert (merged["_merge"] == "both").all()
    np.testing.assert_allclose(merged["contribution"], merged["ref"], rtol=0, atol=tol.CONTRIBUTION)


@pytest.mark.parametrize("method", ["shortestpath", "randomwalk"])
@pytest.mark.parametrize("case", CONTRIBUTION_CASES)
def test_comparison_contributions_match_netcontrib(case, method):
    ref = case["results"]["netcontrib_random"][method]
    ref = pd.DataFrame({"comparison": ref["comparison"], "direct": ref["direct_comparison"],
                        "ref": ref["contribution_percent"]})
    pairs, edges, _, M, order = comparison_contributions(fit_of(case), method)
    ours = pd.DataFrame([(f"{order[i]}:{order[j]}", f"{order[a]}:{order[b]}", 100 * M[r, c])
                         for r, (i, j) in enumerate(pairs) for c, (a, b) in enumerate(edges)],
                        columns=["comparison", "direct", "ours"])
    merged = ref.merge(ours, on=["comparison", "direct"], how="outer", validate="1:1", indicator=True)
    assert (merged["_merge"] == "both").all()
    np.testing.assert_allclose(merged["ours"], merged["ref"], rtol=0, atol=tol.CONTRIBUTION)
