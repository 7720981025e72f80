"""A trial reported only as a mean difference with its SE or 95% CI (as letters often cite new trials) enters
the network as it is: the same pooled estimates as the same trial reported arm by arm, no invented arm means,
and none of its arms in the sham baseline."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.dataset import validate_dataset
from tests.certainty_helpers import add_sham_trial, copy_package, run_grade

TRIAL = dict(population="axial", procedure="joint-rf", n_per_arm=40, active_mm=38.0, sham_mm=55.0, sd_mm=21.0)


def _effects(ctx) -> pd.DataFrame:
    return pd.read_csv(ctx.out / "network" / "pain" / "axial" / "effects.csv").set_index("treatment")


@pytest.fixture(scope="module")
def arm_level(tmp_path_factory):
    data = copy_package(tmp_path_factory.mktemp("arms") / "data")
    add_sham_trial(data, "NEW-2026", **TRIAL)
    return run_grade(data)


@pytest.mark.parametrize("spread", ["se", "ci95"])
def test_a_difference_gives_the_pooled_estimates_of_the_arms(arm_level, tmp_path, spread):
    data = copy_package(tmp_path / "data")
    add_sham_trial(data, "NEW-2026", **TRIAL, as_difference=spread)
    assert validate_dataset(data) == []
    ctx = run_grade(data)
    a, b = _effects(arm_level), _effects(ctx)
    # se: the same contrast exactly; ci95: the SE recovered from the t-based CI, exact up to rounding
    pd.testing.assert_frame_equal(a[["estimate", "se"]], b[["estimate", "se"]], check_exact=False, atol=1e-9)
    arms = ctx.ds.analysis_arms("pain", "axial")
    added = arms[arms["study"] == "NEW-2026"]
    assert set(added["measure_type"]) == {"difference"}
    assert "difference of two arms reported" in added["conversion"].iloc[0]
    base = json.loads((ctx.out / "numbers.json").read_text())["numbers"]["pain/axial/sham/baseline"]
    assert "NEW-2026" not in base["studies"]  # a difference is not a level of pain
    assert arm_level.registry["pain/axial/sham/baseline"].studies != tuple(base["studies"])


def test_a_difference_needs_exactly_one_reference_arm(tmp_path):
    data = copy_package(tmp_path / "data")
    add_sham_trial(data, "NEW-2026", **TRIAL, as_difference="se")
    rows = (data / "outcomes.csv").read_text().splitlines()
    rows[-1] = rows[-1].replace(",reference,", ",mean_sd,")  # the other arm reported as an arm
    (data / "outcomes.csv").write_text("\n".join(rows) + "\n")
    issues = [i for i in validate_dataset(data) if i.column == "statistic"]
    assert issues and "exactly two arms, one difference_se or difference_ci95 and one reference" in issues[0].format()
