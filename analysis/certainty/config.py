"""The rules' thresholds: ``settings/guideline.yaml`` read once into a frozen mapping.

Every rule takes its thresholds from here (passed in as ``rules``), so that a
scenario or a robustness search can re-run the rules with other values.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

import yaml

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "settings" / "guideline.yaml"


@lru_cache(maxsize=8)
def _read(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_rules(path: Path | str | None = None, overrides: dict | None = None) -> dict:
    """The rules (a fresh copy), optionally with entries overridden (nested dicts merge)."""
    rules = copy.deepcopy(_read(str(path or SETTINGS_FILE)))
    for key, value in (overrides or {}).items():
        if isinstance(value, dict) and isinstance(rules.get(key), dict):
            rules[key] = {**rules[key], **value}
        else:
            rules[key] = value
    return rules
