"""The synthetic dataset reproduces every published aggregate within tolerance."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.dataset import load_dataset
from analysis.dataset.calibration import COLUMNS, calibration_table

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def table():
    return calibration_table(load_dataset(DATA))


def test_every_target_within_tolerance(table):
    bad = table[~table["within_tolerance"]]
    assert bad.empty, "out of tolerance:\n" + bad.to_string()


def test_table_covers_all_targets(table):
    assert list(table.columns) == COLUMNS
    targets = " | ".join(table["target"])
    for words in ("trials eligible", "patients in meta-analyses", "presenting complaint axial: facet_joint_syndrome",
                  "region: north_america", "funding: industry", "block_threshold: relief_over_80",
                  "pain_duration_reporting: chronic_only", "enrolled_n: median", "baseline_pain_cm: q3",
                  "pain axial im-la-steroid vs sham: ci_high", "providers unblinded: estimate",
                  "interaction p", "Egger"):
        assert words in targets, words
    assert len(table) >= 100
