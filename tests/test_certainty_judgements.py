"""data/judgements.csv: validated with the package, optional, and applied by the certainty stage."""

import shutil

from analysis.dataset import load_dataset, validate_dataset
from tests.certainty_helpers import ROOT


def test_committed_judgements_load():
    j = load_dataset(ROOT / "data").judgements
    assert list(j.columns[:4]) == ["estimate", "domain", "rating", "rationale"]
    assert len(j) >= 1 and j["rationale"].str.len().min() > 20


def test_bad_judgements_are_reported(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    with open(data / "judgements.csv", "a", encoding="utf-8") as fh:
        fh.write("pain/axial/no-such-node,risk_of_bias,serious,x\n")
        fh.write("pain/axial/joint-rf,bias,awful,x\n")
    issues = validate_dataset(data)
    text = "\n".join(str(i) for i in issues)
    assert "judgements.csv" in text and "no-such-node" in text and "awful" in text and "bias" in text


def test_package_without_judgements_is_valid(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "judgements.csv").unlink()
    assert validate_dataset(data) == []
    assert load_dataset(data).judgements.empty
