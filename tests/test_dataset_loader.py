"""Loader: normalisation rules, the timepoint rule, provenance, hashing and overrides."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from analysis.dataset import Dataset, load_dataset
from analysis.dataset.normalise import analysis_values
from analysis.dataset.timepoints import select_timepoints

DATA = Path(__file__).resolve().parents[1] / "data"
PAIN = {"min": 0, "max": 10, "higher_is_better": False}
FUNCTION = {"min": 0, "max": 100, "higher_is_better": True}


def row(**kw) -> dict:
    base = {"statistic": "mean_sd", "n_analysed": 25, "mean": None, "sd": None, "se": None, "ci_low": None,
            "ci_high": None, "median": None, "q1": None, "q3": None, "scale_min": 0, "scale_max": 10,
            "higher_is_better": False, "measure_type": "final"}
    return {**base, **kw}


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset(DATA)


def test_mm_to_cm():
    mean, sd, conv = analysis_values(row(mean=62.0, sd=21.0, scale_max=100), PAIN)
    assert (mean, sd) == pytest.approx((6.2, 2.1))
    assert "0-100 -> 0-10" in conv


def test_sd_from_se():
    mean, sd, conv = analysis_values(row(statistic="mean_se", mean=5.0, se=0.4, n_analysed=36), PAIN)
    assert sd == pytest.approx(2.4) and "se*sqrt(n)" in conv


def test_sd_from_ci_uses_t():
    n, sd_true = 20, 2.0
    half = stats.t.ppf(0.975, n - 1) * sd_true / math.sqrt(n)
    _, sd, conv = analysis_values(row(statistic="mean_ci95", mean=5, ci_low=5 - half, ci_high=5 + half,
                                      n_analysed=n), PAIN)
    assert sd == pytest.approx(sd_true) and "ci_high-ci_low" in conv


def test_mean_sd_from_median_iqr():
    mean, sd, conv = analysis_values(row(statistic="median_iqr", median=5.0, q1=4.0, q3=7.0), PAIN)
    assert mean == pytest.approx(16 / 3) and sd == pytest.approx(3 / 1.35)
    assert "(q1+median+q3)/3" in conv


def test_direction_reversed_for_final_and_change():
    # function instrument where higher = worse (e.g. ODI) -> 0-100 higher = better
    mean, _, conv = analysis_values(row(mean=30.0, sd=10.0, scale_max=100), FUNCTION)
    assert mean == pytest.approx(70.0) and "direction reversed" in conv
    mean, _, _ = analysis_values(row(mean=-12.0, sd=10.0, scale_max=100, measure_type="change"), FUNCTION)
    assert mean == pytest.approx(12.0)
    mean, sd, _ = analysis_values(row(mean=6.0, sd=4.0, scale_max=24, measure_type="change"), FUNCTION)
    assert (mean, sd) == pytest.approx((-25.0, 100 / 6))


def test_reported_as_is_says_none():
    assert analysis_values(row(mean=5.0, sd=2.0), PAIN)[2] == "none"


def frame(study, weeks_by_arm):
    return pd.DataFrame([{"study": study, "arm": arm, "timepoint_weeks": float(w)}
                         for arm, weeks in weeks_by_arm.items() for w in weeks])


def test_timepoint_rule_injection_and_ablation():
    limits = {"injection": 13.0, "ablation": 26.0}
    out = pd.concat([frame("A", {"a": [4, 12, 26], "b": [4, 12, 26]}),
                     frame("B", {"a": [12, 24, 52], "b": [12, 24, 52]}),
                     frame("C", {"a": [26, 52], "b": [26, 52]})])
    chosen = select_timepoints(out, {"A": "injection", "B": "ablation", "C": "injection"}, limits)
    got = chosen.groupby("study")["timepoint_weeks"].first().to_dict()
    assert got == {"A": 12.0, "B": 24.0}  # C has nothing at or before 13 weeks


def test_timepoint_needs_two_arms():
    out = frame("A", {"a": [4, 12], "b": [4]})
    assert set(select_timepoints(out, {"A": "injection"}, {"injection": 13.0})["timepoint_weeks"]) == {4.0}


def test_analysis_arms_shape_and_provenance(ds):
    arms = ds.analysis_arms("pain", "axial")
    for col in ("study", "treatment", "n", "mean", "sd", "source_file", "source_row", "conversion"):
        assert col in arms.columns
    assert arms["study"].nunique() == 45
    assert (arms["sd"] > 0).all() and arms["mean"].between(-10, 10).all()
    lines = (DATA / "outcomes.csv").read_text().splitlines()
    first = arms.iloc[0]
    assert lines[int(first["source_row"]) - 1].startswith(f"{first['study']},")


def test_timepoint_rule_in_loaded_data(ds):
    kind = dict(zip(ds.nodes["code"], ds.nodes["kind"]))
    for pop in ("axial", "radicular"):
        arms = ds.analysis_arms("pain", pop)
        for study, rows in arms.groupby("study"):
            ablation = any(kind[t] == "ablation" for t in ds.arms.loc[ds.arms["study"] == study, "procedure"])
            assert rows["timepoint_weeks"].max() <= (26 if ablation else 13)


def test_usable_studies_and_mixed_population(ds):
    axial = set(ds.analysis_arms("pain", "axial")["study"])
    radicular = set(ds.analysis_arms("pain", "radicular")["study"])
    assert len(axial) + len(radicular) == 81 and not axial & radicular
    mixed = set(ds.studies.loc[ds.studies["population"] == "mixed", "id"])
    assert mixed <= radicular


def test_settings_override_timepoint_rule():
    ds = load_dataset(DATA, settings={"timepoint_rules": {"injection": {"max_weeks": 4}}})
    weeks = ds.analysis_arms("pain", "radicular")["timepoint_weeks"]
    kind = dict(zip(ds.nodes["code"], ds.nodes["kind"]))
    injection_only = ds.analysis_arms("pain", "radicular").groupby("study")["treatment"].apply(
        lambda t: all(kind[x] != "ablation" for x in t))
    assert weeks[ds.analysis_arms("pain", "radicular")["study"].map(injection_only)].max() <= 4


def test_function_scale(ds):
    fn = ds.analysis_arms("physical_function", "axial")
    assert len(fn) and fn["mean"].between(0, 100).all()


def test_data_hash_changes_with_content(tmp_path, ds):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    assert load_dataset(copy).data_hash == ds.data_hash
    text = (copy / "arms.csv").read_text().replace("physiotherapy", "physio therapy", 1)
    (copy / "arms.csv").write_text(text)
    assert load_dataset(copy).data_hash != ds.data_hash


def test_category_names(ds):
    assert ds.category("joint-rf") == "joint radiofrequency nerve ablation"
    assert int((ds.nodes["kind"] != "control").sum()) == 13
