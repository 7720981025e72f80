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


def _committed_rows() -> dict[str, list[dict]]:
    import csv

    from analysis.dataset.optional_tables import OPTIONAL_TABLES
    from analysis.dataset.schema import TABLES

    out = {}
    for table in (*TABLES, *OPTIONAL_TABLES):
        with open(DATA / table.filename, newline="", encoding="utf-8") as f:
            out[table.name] = list(csv.DictReader(f))
    return out


def test_a_scaled_package_is_valid_and_n_times_the_trials(tmp_path):
    """Two replicas of the committed package, merged as `rapidrec synthesize --scale 2` merges them: twice the
    trials and their rows, study ids suffixed with the replica, the shared tables once, and a valid package."""
    from analysis.dataset.optional_tables import OPTIONAL_TABLES
    from analysis.dataset.schema import DESCRIPTOR_FILE, GUIDELINE_FILE, TABLES
    from analysis.synthesize.scale import SHARED_TABLES, merge_replicas
    from analysis.synthesize.write import csv_text

    rows = _committed_rows()
    merged = merge_replicas([rows, rows])
    for table, table_rows in rows.items():
        assert len(merged[table]) == len(table_rows) * (1 if table in SHARED_TABLES else 2), table
    ids = [r["id"] for r in merged["studies"]]
    assert len(set(ids)) == len(ids) and {i.rsplit("-", 1)[1] for i in ids} == {"1", "2"}
    assert {r["study"] for r in merged["arms"]} == set(ids)
    for name in (DESCRIPTOR_FILE, GUIDELINE_FILE):
        (tmp_path / name).write_bytes((DATA / name).read_bytes())
    for table in (*TABLES, *OPTIONAL_TABLES):
        (tmp_path / table.filename).write_text(csv_text(table, merged[table.name]), encoding="utf-8")
    assert validate_dataset(tmp_path) == []


def test_scaled_rows_draw_each_replica_with_its_own_seed(monkeypatch):
    """Replica r is the package of seed + r - 1 (replica 1 is the embedded package); scale 1 is that package."""
    from analysis.synthesize import scale

    seeds = []

    def fake_build_rows(seed):
        seeds.append(seed)
        return {"studies": [{"id": "SYN-001", "year": seed}], "arms": [{"study": "SYN-001", "arm": "a"}],
                "nodes": [{"code": "sham"}]}

    monkeypatch.setattr(scale, "build_rows", fake_build_rows)
    assert scale.scaled_rows(100, 1) == fake_build_rows(100)
    seeds.clear()
    merged = scale.scaled_rows(100, 3)
    assert seeds == [100, 101, 102]
    assert [(r["id"], r["year"]) for r in merged["studies"]] == [("SYN-001-1", 100), ("SYN-001-2", 101),
                                                                 ("SYN-001-3", 102)]
    assert [r["study"] for r in merged["arms"]] == ["SYN-001-1", "SYN-001-2", "SYN-001-3"]
    assert merged["nodes"] == [{"code": "sham"}]
    with pytest.raises(ValueError, match="scale"):
        scale.scaled_rows(100, 0)
