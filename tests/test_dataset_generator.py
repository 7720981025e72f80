"""The synthetic data generator: deterministic, byte-identical to the committed data/, valid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.dataset import validate_dataset
from analysis.dataset.schema import datapackage_descriptor
from analysis.synthesize import GENERATED_FILES, generate

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, Path]:
    first, second = tmp_path_factory.mktemp("gen1"), tmp_path_factory.mktemp("gen2")
    generate(first)
    generate(second)
    return first, second


def test_generate_is_deterministic(generated):
    first, second = generated
    for name in GENERATED_FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_generated_equals_committed_data(generated):
    for name in GENERATED_FILES:
        assert (generated[0] / name).read_bytes() == (DATA / name).read_bytes(), (
            f"data/{name} differs from the generator's output; run `rapidrec synthesize --out data/`")


def test_generated_package_is_valid(generated):
    assert validate_dataset(generated[0]) == []


def test_descriptor_matches_schema():
    assert json.loads((DATA / "datapackage.json").read_text()) == datapackage_descriptor()


def test_synthetic_rows_are_marked():
    import pandas as pd

    studies = pd.read_csv(DATA / "studies.csv")
    assert studies["id"].str.startswith("SYN-").all()
    assert studies["citation"].str.contains(r"\[SYNTHETIC\]").all()
    assert studies["synthetic"].all()
