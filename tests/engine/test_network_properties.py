"""Properties every network fit must have, and the documented behaviour on degenerate input."""

import numpy as np
import pandas as pd
import pytest

from analysis.effects import contrasts_from_arms, contrasts_from_pairs
from analysis.effects.measures import to_analysis_scale, to_natural_scale
from analysis.errors import AnalysisError, DataError, NetworkError
from analysis.models.network import fit_network
from analysis.models.pairwise import fit_pairwise
from tests.conftest import reference_data


@pytest.fixture(scope="module")
def senn():
    return reference_data("senn2013")


def fit(data, measure="MD", method="REML", reference="placebo"):
    return fit_network(contrasts_from_arms(data, measure, reference), measure, method, reference)


@pytest.mark.parametrize("method", ["REML", "DL", "FE"])
def test_league_is_consistent(senn, method):
    f = fit(senn, method=method)
    for a, b, c in [("acarbose", "metformin", "sitagliptin"), ("placebo", "miglitol", "vildagliptin")]:
        ab, _ = f.effect(a, b)
        bc, _ = f.effect(b, c)
        ac, _ = f.effect(a, c)
        assert ac == pytest.approx(ab + bc, abs=1e-12)
        assert f.effect(b, a)[0] == pytest.approx(-ab, abs=1e-12)


def test_results_do_not_depend_on_row_order(senn):
    shuffled = senn.sample(frac=1, random_state=7).reset_index(drop=True)
    a, b = fit(senn).league_frame(), fit(shuffled).league_frame()
    pd.testing.assert_frame_equal(a, b, check_exact=False, atol=1e-10)


@pytest.mark.parametrize("method", ["REML", "DL", "FE"])
def test_results_do_not_depend_on_reference(senn, method):
    a = fit(senn, method=method, reference="placebo")
    b = fit(senn, method=method, reference="metformin")
    assert a.tau2 == pytest.approx(b.tau2, abs=1e-10)
    pd.testing.assert_frame_equal(a.league_frame(), b.league_frame(), check_exact=False, atol=1e-9)


@pytest.mark.parametrize("dataset, measure, references", [
    ("senn2013", "MD", ("placebo", "metformin")), ("senn2013", "SMD", ("placebo", "metformin")),
    ("hasselblad1998", "OR", ("no_contact", "ind_counseling")), ("hasselblad1998", "RR", ("no_contact", "grp_counseling")),
    ("hasselblad1998", "RD", ("no_contact", "self_help")), ("dogliotti2014", "OR", ("Placebo/Control", "VKAs")),
])
def test_every_measure_is_reference_invariant_with_multi_arm_studies(dataset, measure, references):
    """Changing the reference re-expresses the same fit: tau² to 1e-10 and every league-table cell to 1e-9 (SMD
    included: one SD pooled per study, so a multi-arm study's contrasts do not depend on its baseline arm)."""
    data = reference_data(dataset)
    assert data.groupby("study")["treatment"].nunique().max() >= 3  # the case that used to differ
    a, b = (fit(data, measure=measure, reference=r) for r in references)
    assert a.tau2 == pytest.approx(b.tau2, abs=1e-10)
    pd.testing.assert_frame_equal(a.league_frame(), b.league_frame(), check_exact=False, atol=1e-9)


def test_arm_level_and_contrast_level_input_agree(senn):
    studies = contrasts_from_arms(senn, "MD", "placebo")
    rows = [(s.study, a, b, y, np.sqrt(v)) for s in studies for a, b, y, v in s.pairs()]
    pairs = pd.DataFrame(rows, columns=["study", "treat1", "treat2", "yi", "se"])
    f1 = fit_network(studies, "MD", "REML", "placebo")
    f2 = fit_network(contrasts_from_pairs(pairs, "placebo"), "MD", "REML", "placebo")
    assert f1.tau2 == pytest.approx(f2.tau2, abs=1e-10)
    pd.testing.assert_frame_equal(f1.league_frame(), f2.league_frame(), check_exact=False, atol=1e-9)


@pytest.mark.parametrize("measure", ["OR", "RR"])
def test_ratio_scale_round_trips(measure):
    x = np.array([0.05, 0.5, 1.0, 3.7])
    np.testing.assert_allclose(to_natural_scale(to_analysis_scale(x, measure), measure), x, rtol=1e-14)


def test_disconnected_network_names_its_parts():
    data = pd.DataFrame({"study": ["s1", "s1", "s2", "s2"], "treatment": ["A", "B", "C", "D"],
                         "n": [10, 10, 10, 10], "mean": [1, 2, 3, 4], "sd": [1, 1, 1, 1]})
    with pytest.raises(NetworkError, match=r"2 separate sub-networks: \{A, B\}: study s1 \(rows 2, 3\); \{C, D\}: study s2 \(rows 4, 5\)"):
        fit(data, reference="A")


def test_reference_without_data_is_an_error(senn):
    with pytest.raises(NetworkError, match="reference treatment 'surgery' has no data"):
        fit(senn, reference="surgery")


def test_unknown_treatment_in_a_query_is_an_error(senn):
    with pytest.raises(NetworkError, match="not in this network"):
        fit(senn).effect("surgery", "placebo")


def test_zero_sd_is_rejected_with_its_row(senn):
    bad = senn.copy()
    bad.loc[3, "sd"] = 0
    with pytest.raises(DataError, match=r"row 5 .*sd = 0.0; expected a standard deviation > 0"):
        fit(bad)


@pytest.mark.parametrize("column, value, words", [
    ("sd", 1e200, r"row 5 .*sd = 1e\+200; expected a standard deviation > 0 whose square is a finite number"),
    ("sd", 1e-300, r"row 5 .*sd = 1e-300; expected a standard deviation > 0 whose square"),
    ("sd", 1e-5, r"row 5 .*beside sd = .* on row 4; expected the SDs of one trial's arms within a factor of 1000"),
    ("n", 1e20, r"row 5 .*n = 1e\+20; expected a number of patients > 0 and at most 1,000,000"),
    ("mean", 1e300, r"rows 4, 5 \(study .*\): the effect of .* expected an effect within 1e\+06 standard errors"),
])
def test_overflow_sized_and_implausible_arm_values_are_rejected_with_their_row(senn, column, value, words):
    bad = senn.copy()
    bad[column] = bad[column].astype(float)
    bad.loc[3, column] = value
    with pytest.raises(DataError, match=words):
        fit(bad)


def _pairs(*rows):
    return pd.DataFrame(list(rows), columns=["study", "treat1", "treat2", "yi", "se"])


@pytest.mark.parametrize("row, words", [
    (("A", "x", "y", 1.0, 1e200), r"row 2 \(study A\), column se: value 1e\+200; expected a standard error > 0"),
    (("A", "x", "y", "fifty", 0.2), r"row 2 \(study A\), column yi: value 'fifty'; expected a finite effect"),
    (("A", "x", "y", 1e300, 0.1), r"row 2 \(study A\): the effect of y versus x is -1e\+300 with SE 0.1"),
    (("A", "x", "y", 0.0, 1e-7), r"row 2 \(study A\): an SE of 1e-07 beside 0.3 in study C \(row 4\)"),
])
def test_overflow_sized_and_implausible_contrasts_are_rejected_with_their_row(row, words):
    with pytest.raises(DataError, match=words):
        contrasts_from_pairs(_pairs(row, ("B", "x", "z", 1.0, 0.2), ("C", "y", "z", 0.5, 0.3)), source="p.csv")


def test_zero_variance_in_pairwise_input_is_rejected():
    with pytest.raises(DataError, match="study 2"):
        fit_pairwise([0.1, 0.2], [0.1, 0.0])


def test_single_study_pairwise_has_no_heterogeneity():
    f = fit_pairwise([0.3], [0.04], method="REML")
    assert (f.estimate, f.tau2, f.q_df) == (0.3, 0.0, 0)
    assert f.q_p is None and f.i2 is None and f.pi_low is None
    with pytest.raises(AnalysisError, match="at least 2 studies"):
        fit_pairwise([0.3], [0.04], test="knha")


def test_single_study_network_needs_common_effect():
    data = pd.DataFrame({"study": ["s1", "s1"], "treatment": ["A", "B"], "n": [10, 12],
                         "mean": [1.0, 2.0], "sd": [1.0, 1.5]})
    with pytest.raises(AnalysisError, match="heterogeneity cannot be estimated"):
        fit(data, reference="A")
    f = fit(data, method="FE", reference="A")
    assert f.effect("B", "A")[0] == pytest.approx(1.0)
    assert f.q_p is None and f.i2 is None


def test_zero_cells_are_corrected_for_the_whole_study():
    data = pd.DataFrame({"study": ["s1"] * 3, "treatment": ["A", "B", "C"], "n": [20, 20, 20],
                         "events": [0, 5, 7]})
    (s,) = contrasts_from_arms(data, "OR", "A")
    assert s.y[0] == pytest.approx(np.log(5.5 / 15.5) - np.log(0.5 / 20.5))
    assert s.V[0, 1] == pytest.approx(1 / 0.5 + 1 / 20.5)


def test_node_split_direct_proportion_is_clamped_and_nearly_direct_pairs_have_no_indirect():
    """netmeta's tol.direct (0.0005): a pair whose direct evidence is within it of all the evidence has no
    indirect estimate; no proportion exceeds 1 (rounding used to print 1.0000000000000002)."""
    from analysis.models.nodesplit import TOL_DIRECT, node_split

    data = pd.DataFrame({"study": ["big", "big", "ac", "ac", "bc", "bc"], "treatment": ["A", "B", "A", "C", "B", "C"],
                         "n": [200000, 200000, 10, 10, 10, 10], "mean": [0.0, 1.0, 0.0, 0.5, 0.0, -0.5],
                         "sd": [1.0] * 6})
    split = node_split(fit(data, method="FE", reference="A")).set_index(["treat1", "treat2"])
    ab = split.loc[("A", "B")]
    assert 1 - TOL_DIRECT < ab["prop_direct"] <= 1 and pd.isna(ab["indirect"]) and pd.isna(ab["p"])
    assert split.loc[("A", "C")]["indirect"] is not None and not pd.isna(split.loc[("A", "C")]["p"])
    assert (split["prop_direct"] <= 1).all()


def test_reml_without_information_on_tau2_is_an_error():
    from analysis.models.blocks import BlockModel
    from analysis.models.tau2 import tau2_reml

    model = BlockModel.independent([0.1, 0.3, -0.2], np.ones(3), [0.1, 0.2, 0.3], p=np.zeros(3))
    with pytest.raises(NetworkError, match="carries no information on tau"):
        tau2_reml(model)


def test_i2_interval_edges():
    """meta's isquared: H below 1 counts as 1 (a bound of 0%), no interval where its SE is undefined (k = 2 with
    Q <= 2) or there are no df, and the interval always holds the point estimate."""
    from analysis.models.network import i2_interval

    assert i2_interval(5.0, 0) is None and i2_interval(1.5, 1) is None
    low, high = i2_interval(2.0, 10)
    assert low == 0.0 and 0 < high < 100
    for q, df in [(96.98, 18), (3.0, 1), (12.0, 11), (400.0, 3)]:
        low, high = i2_interval(q, df)
        point = max(0.0, 100 * (q - df) / q)
        assert low <= point <= high
