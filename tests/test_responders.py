"""The optional responders table: validation, loading and the responder network."""

from __future__ import annotations

import shutil
from pathlib import Path

from analysis.dataset import load_dataset, validate_dataset

ROOT = Path(__file__).resolve().parents[1]


def _copy(tmp_path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(ROOT / "data", d)
    return d


def test_package_without_responders_is_valid(tmp_path):
    d = _copy(tmp_path)
    (d / "responders.csv").unlink()
    assert validate_dataset(d) == []
    ds = load_dataset(d)
    assert ds.responders.empty and ds.responder_arms("axial").empty


def test_responder_rows_are_checked_with_file_line_and_column(tmp_path):
    d = _copy(tmp_path)
    lines = (d / "responders.csv").read_text().splitlines()
    cells = lines[1].split(",")
    cells[5], cells[6] = "99", "20"  # responders > n, n > the arm's n_randomised? (20 is fine)
    lines[1] = ",".join(cells)
    bad = lines[2].split(",")
    bad[3] = "half_relief"
    lines[2] = ",".join(bad)
    (d / "responders.csv").write_text("\n".join(lines) + "\n")
    issues = {(i.file, i.row, i.column) for i in validate_dataset(d)}
    assert ("data/responders.csv", 2, "responders") in issues
    assert ("data/responders.csv", 3, "definition") in issues


def test_responder_network_in_base_build(rendered_project):
    import pandas as pd

    out = rendered_project.path / "_results"
    eff = pd.read_csv(out / "network" / "pain_responder" / "axial" / "effects.csv")
    assert {"treatment", "n_trials", "odds_ratio", "or_low", "or_high"} <= set(eff.columns)
    cut = pd.read_csv(out / "network" / "pain_responder" / "axial" / "without_evidence.csv")
    assert "usual-care" in set(cut["treatment"])  # not connected to sham in the synthetic responder trials
