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

from analysis.certainty.settings_check import settings_problems
from analysis.dataset.issues import problem_lines
from analysis.errors import AnalysisError
from analysis.yamlines import load_with_lines


def load_rules(path: Path | str, overrides: dict | None = None) -> dict:
    """The rules in ``path``, optionally with entries overridden (nested dicts merge)."""
    path = Path(path)
    try:
        if path.exists() and not path.is_file():
            raise AnalysisError(f"{path}: not a regular file; expected the rules file settings/guideline.yaml")
        rules, lines, duplicates = load_with_lines(path.read_text(encoding="utf-8"))  # no aliases, nesting bounded
    except FileNotFoundError:
        raise AnalysisError(f"{path}: the rules file is missing (every project has settings/guideline.yaml)") from None
    except UnicodeDecodeError as exc:
        raise AnalysisError(f"{path}: expected UTF-8 text (byte {exc.start} is not)") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise AnalysisError(f"{path}{where}: expected valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    except OSError as exc:
        raise AnalysisError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    problems = settings_problems(rules, str(path), lines, duplicates)
    if problems:
        raise AnalysisError(f"{len(problems)} problem(s) in the rules file; nothing was run:\n"
                            + "\n".join(problem_lines(problems)))
    rules = copy.deepcopy(rules)
    for key, value in (overrides or {}).items():
        if isinstance(value, dict) and isinstance(rules.get(key), dict):
            rules[key] = {**rules[key], **value}
        else:
            rules[key] = value
    return rules
