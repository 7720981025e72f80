"""Rank probabilities, SUCRA and mean ranks (analysis.models.ranking.rank_probabilities).

References: netmeta 3.3-1's P-scores (tests/reference/netmeta/fixtures.json), which SUCRA estimates (the
expected rank is 1 + sum_j P(j better), so SUCRA converges to the P-score); and the exact probabilities of
the best and the worst rank, integrals of the multivariate normal distribution of the differences
(scipy.stats.multivariate_normal, Genz's algorithm, absolute error about 1e-5).
Tolerance for resampling: 0.007, about 4.4 times the largest Monte Carlo standard error of a probability or a
SUCRA with 100,000 draws (0.5 / sqrt(100,000) = 0.0016).
"""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.effects import contrasts_from_arms
from analysis.models.network import fit_network
from analysis.models.ranking import rank_probabilities
from tests.conftest import load_fixture, reference_data

RESAMPLING = 0.007
NETMETA = [pytest.param(c, id=c["id"]) for c in load_fixture("netmeta")["cases"]]


def hasselblad():
    arms = reference_data("hasselblad1998")
    return fit_network(contrasts_from_arms(arms, "OR", "no_contact"), "OR", "REML", "no_contact")


@pytest.mark.parametrize("case", NETMETA)
def test_sucra_estimates_netmeta_p_scores(case):
    s, r = case["settings"], case["results"]
    data = reference_data(case["dataset"])
    data = data[data["study"].isin(s["studies_used"])].reset_index(drop=True)
    fit = fit_network(contrasts_from_arms(data, s["sm"], s["reference_group"]), s["sm"], s["method_tau"],
                      s["reference_group"])
    small = "good" if r["netrank"]["small_values"] == "desirable" else "bad"
    ours = rank_probabilities(fit, small).frame().set_index("treatment")["sucra"]
    ref = pd.Series(r["netrank"]["pscore_random"], index=r["netrank"]["treatment"])
    np.testing.assert_allclose(ours.loc[ref.index], ref, rtol=0, atol=RESAMPLING)


def test_best_and_worst_rank_probabilities_are_the_normal_integrals():
    fit = hasselblad()
    ranks = rank_probabilities(fit)
    T = len(fit.treatments)
    for i, t in enumerate(fit.treatments):
        others = [j for j in range(T) if j != i]
        C = np.zeros((T - 1, T))  # d_i - d_j for every other j
        C[np.arange(T - 1), i] = 1
        C[np.arange(T - 1), others] = -1
        mean, cov = C @ fit.d, C @ fit.cov @ C.T
        best = stats.multivariate_normal(mean, cov).cdf(np.zeros(T - 1))  # d_i below every other
        worst = stats.multivariate_normal(-mean, cov).cdf(np.zeros(T - 1))  # d_i above every other
        assert ranks.probabilities[i, 0] == pytest.approx(best, abs=RESAMPLING), t
        assert ranks.probabilities[i, -1] == pytest.approx(worst, abs=RESAMPLING), t


def test_probabilities_are_deterministic_and_mirror_when_larger_is_better():
    fit = hasselblad()
    good, again, bad = rank_probabilities(fit), rank_probabilities(fit), rank_probabilities(fit, "bad")
    np.testing.assert_array_equal(good.probabilities, again.probabilities)
    np.testing.assert_allclose(good.probabilities.sum(axis=0), 1, atol=1e-12)
    np.testing.assert_allclose(good.probabilities.sum(axis=1), 1, atol=1e-12)
    np.testing.assert_array_equal(bad.probabilities, good.probabilities[:, ::-1])
    T = len(fit.treatments)
    np.testing.assert_allclose(good.sucra, (T - good.mean_rank) / (T - 1), atol=1e-12)
    frame = good.frame()
    assert list(frame.columns[:4]) == ["treatment", "sucra", "mean_rank", "median_rank"]
    assert frame["sucra"].is_monotonic_decreasing
