"""The rules' thresholds: a project's ``settings/guideline.yaml``, read into a fresh mapping.

Every rule takes its thresholds from here (passed in as ``rules``), so that a
scenario or a robustness search can re-run the rules with other values. The file
is the project's own (:data:`analysis.project.SETTINGS_FILE`): a copied project
can change its rules without touching the package.
"""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from analysis.errors import AnalysisError
from analysis.yamlines import load_with_lines


def load_rules(path: Path | str, overrides: dict | None = None) -> dict:
    """The rules in ``path``, optionally with entries overridden (nested dicts merge)."""
    path = Path(path)
    try:
        rules = load_with_lines(path.read_text(encoding="utf-8"))[0]  # as every YAML input: no aliases
    except FileNotFoundError:
        raise AnalysisError(f"{path}: the rules file is missing (every project has settings/guideline.yaml)") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise AnalysisError(f"{path}: cannot be read as YAML: {exc}") from None
    if not isinstance(rules, dict):
        raise AnalysisError(f"{path}: expected a mapping of rules at the top level")
    rules = copy.deepcopy(rules)
    for key, value in (overrides or {}).items():
        if isinstance(value, dict) and isinstance(rules.get(key), dict):
            rules[key] = {**rules[key], **value}
        else:
            rules[key] = value
    return rules
