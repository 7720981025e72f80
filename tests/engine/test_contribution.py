"""Properties of the study contribution matrix (netmeta agreement: test_netmeta_reference.py)."""

import numpy as np
import pandas as pd
import pytest

from analysis.effects import contrasts_from_arms, contrasts_from_pairs
from analysis.errors import AnalysisError
from analysis.models.contribution import CONTRIBUTION_METHODS, contribution_matrix
from analysis.models.network import fit_network
from tests.conftest import reference_data


@pytest.fixture(scope="module")
def senn_fit():
    return fit_network(contrasts_from_arms(reference_data("senn2013"), "MD", "placebo"), "MD", "REML", "placebo")


@pytest.mark.parametrize("method", CONTRIBUTION_METHODS)
def test_contributions_are_percentages_summing_to_100(senn_fit, method):
    cm = contribution_matrix(senn_fit, method)
    T = len(senn_fit.treatments)
    assert len(cm) == T * (T - 1) // 2 * senn_fit.n_studies
    assert (cm["contribution"] >= 0).all()
    np.testing.assert_allclose(cm.groupby(["treat1", "treat2"])["contribution"].sum(), 100, atol=1e-9)


@pytest.mark.parametrize("method", CONTRIBUTION_METHODS)
def test_contributions_against_one_treatment_are_the_full_matrix_rows_with_it(senn_fit, method):
    full = contribution_matrix(senn_fit, method)
    some = contribution_matrix(senn_fit, method, against="placebo")
    expected = full[(full["treat1"] == "placebo") | (full["treat2"] == "placebo")].reset_index(drop=True)
    assert len(some) == (len(senn_fit.treatments) - 1) * senn_fit.n_studies
    pd.testing.assert_frame_equal(some, expected, check_exact=True)


def pairs(rows):
    return contrasts_from_pairs(pd.DataFrame(rows, columns=["study", "treat1", "treat2", "yi", "se"]), "A")


@pytest.mark.parametrize("method", CONTRIBUTION_METHODS)
def test_a_bridge_is_informed_by_its_own_studies_only(method):
    studies = pairs([("s1", "B", "A", 0.3, 0.2), ("s2", "B", "A", 0.1, 0.4), ("s3", "C", "B", 0.2, 0.3)])
    fit = fit_network(studies, "MD", "FE", "A")
    cm = contribution_matrix(fit, method).set_index(["treat1", "treat2", "study"])["contribution"]
    w = np.array([1 / 0.2**2, 1 / 0.4**2])
    assert cm[("A", "B", "s1")] == pytest.approx(100 * w[0] / w.sum())
    assert cm[("A", "B", "s3")] == 0
    # A-C runs through both edges: half the flow per edge (path of length 2)
    assert cm[("A", "C", "s3")] == pytest.approx(50)
    assert cm[("A", "C", "s1")] + cm[("A", "C", "s2")] == pytest.approx(50)


def test_methods_agree_when_each_row_has_one_path_per_edge():
    studies = pairs([("s1", "B", "A", 0.3, 0.2), ("s2", "C", "A", 0.5, 0.25), ("s3", "C", "B", 0.1, 0.3)])
    fit = fit_network(studies, "MD", "FE", "A")
    sp = contribution_matrix(fit, "shortestpath")
    rw = contribution_matrix(fit, "randomwalk")
    np.testing.assert_allclose(sp["contribution"], rw["contribution"], atol=1e-10)  # a triangle: 2 paths per row


def test_bad_arguments_are_errors(senn_fit):
    with pytest.raises(AnalysisError, match="unknown contribution method"):
        contribution_matrix(senn_fit, "magic")
    with pytest.raises(AnalysisError, match="treatment_order must list"):
        contribution_matrix(senn_fit, treatment_order=["placebo"])
    with pytest.raises(AnalysisError, match="'magic' is not in this network"):
        contribution_matrix(senn_fit, against="magic")
