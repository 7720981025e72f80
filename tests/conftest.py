import json
from pathlib import Path

import pandas as pd
import pytest

REFERENCE = Path(__file__).parent / "reference"
ROOT = Path(__file__).resolve().parents[1]


def load_fixture(engine: str) -> dict:
    with open(REFERENCE / engine / "fixtures.json", encoding="utf-8") as fh:
        return json.load(fh)


def reference_data(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "data" / f"{name}.csv")


@pytest.fixture(scope="session")
def metafor():
    return load_fixture("metafor")
