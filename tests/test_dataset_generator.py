"""The synthetic data generator: deterministic, byte-identical to the committed data/, valid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.dataset import validate_dataset
from analysis.dataset.descriptor import datapackage_descriptor
from analysis.synthesize import GENERATED_FILES, generate

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """The generator, run once (about 20 s)."""
    out = tmp_path_factory.mktemp("generated")
    generate(out)
    return out


def test_generate_is_deterministic_and_equals_the_committed_data(generated):
    """Byte-identical to data/ as another process, on another day, generated it: deterministic across runs."""
    for name in GENERATED_FILES:
        assert (generated / name).read_bytes() == (DATA / name).read_bytes(), (
            f"data/{name} differs from the generator's output; run `rapidrec synthesize --out data/`")


def test_generated_package_is_valid(generated):
    assert validate_dataset(generated) == []


def test_descriptor_matches_schema():
    assert json.loads((DATA / "datapackage.json").read_text()) == datapackage_descriptor()


def test_synthetic_rows_are_marked():
    import pandas as pd

    studies = pd.read_csv(DATA / "studies.csv")
    assert studies["id"].str.startswith("SYN-").all()
    assert studies["citation"].str.contains(r"\[SYNTHETIC\]").all()
    assert studies["synthetic"].all()
