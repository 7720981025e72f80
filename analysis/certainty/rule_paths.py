"""One rule of ``settings/guideline.yaml`` by its dotted path: read it, check a new value, replace it.

A scenario changes a rule or threshold by its path (``risk_of_bias.serious_share``,
``imprecision.thresholds_mid``, ``risk_of_bias.domains``). The rules file is its
own schema: a new value must have the shape of the value it replaces (a number
for a number, a list of numbers for a list of numbers, ...), and the kinds of
values below have their ranges. Only values can change, not whole sections, and
not the ``source`` that cites where a rule comes from.
"""

from __future__ import annotations

import copy
import math
import re

from analysis.certainty.levels import CERTAINTY
from analysis.dataset.schema import ROB, ROB_DOMAINS

PATH_RE = re.compile(r"[a-z][a-z0-9_]*(\.[A-Za-z0-9_]+)*")

# ranges by the last key of a path (or its ending), beyond the shape of the value replaced
PROPORTION_KEYS = ("_share", "_p", "_above", "_below")  # a proportion or probability: 0 to 1
ALLOWED_WORDS = {
    "risk_of_bias.domains": ROB_DOMAINS,               # risk-of-bias domains that can make a trial high risk
    "risk_of_bias.high_risk_domain_ratings": ROB,      # ratings that make a domain high risk
    "certainty.start": CERTAINTY,
    "certainty.same_cause_domains": ("imprecision", "inconsistency", "incoherence"),
    "inconsistency.prediction_interval": ("normal", "t"),  # the prediction interval's distribution
    "evidence_to_decision.moderate_to_high": CERTAINTY,
}


class RulePathError(ValueError):
    """The path or the value does not fit the rules file; ``str()`` says what was expected."""


def is_number(v) -> bool:
    """A finite int or float, not a bool (the kind of value a numeric rule holds)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def rule_value(rules: dict, path: str):
    """The value at ``path``; :class:`RulePathError` when there is none."""
    if not isinstance(path, str) or not PATH_RE.fullmatch(path):
        raise RulePathError("a dotted path into settings/guideline.yaml, e.g. risk_of_bias.serious_share")
    node, walked = rules, []
    for key in path.split("."):
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            where = ".".join(walked) or "the top level"
            options = ", ".join(map(str, node)) if isinstance(node, dict) else "none (not a section)"
            raise RulePathError(f"a rule of settings/guideline.yaml; {where} has {options}")
        walked.append(key)
    return node


def check_rule_value(rules: dict, path: str, value) -> None:
    """Raise :class:`RulePathError` unless ``value`` may replace the rule at ``path``."""
    old = rule_value(rules, path)
    last = path.rsplit(".", 1)[-1]
    if last == "source" or last.endswith("_source"):
        raise RulePathError("a rule, not the source that cites where it comes from")
    if isinstance(old, dict):
        raise RulePathError(f"one value inside this section, e.g. {path}.{next(iter(old), 'name')}")
    if old is None or is_number(old):
        if not is_number(value) and not (old is None and value is None):
            raise RulePathError("a finite number" + (" (or null)" if old is None else ""))
    elif isinstance(old, bool):
        if not isinstance(value, bool):
            raise RulePathError("true or false")
    elif isinstance(old, str):
        if not isinstance(value, str) or not value.strip():
            raise RulePathError("text")
    elif isinstance(old, list):
        numbers = bool(old) and all(is_number(v) for v in old)
        if not isinstance(value, list) or not value:
            raise RulePathError("a non-empty list" + (" of numbers" if numbers else ""))
        if numbers and not all(is_number(v) for v in value):
            raise RulePathError("a list of finite numbers")
        if numbers and value != sorted(value):
            raise RulePathError("numbers in ascending order")
        if not numbers and all(isinstance(v, str) for v in old) and not all(isinstance(v, str) for v in value):
            raise RulePathError("a list of words")
    check_range(path, value)


def check_range(path: str, value) -> None:
    """Raise :class:`RulePathError` unless ``value`` is in the range of the rule at ``path`` (by its key's name:
    proportions, levels, minimum counts; by its path: the words allowed)."""
    last = path.rsplit(".", 1)[-1]
    if last.endswith(PROPORTION_KEYS) and value is not None and not 0 <= value <= 1:
        raise RulePathError("a proportion from 0 to 1")
    if last.endswith("_levels") and not (isinstance(value, int) and 0 <= value <= 2):
        raise RulePathError("a number of levels: 0, 1 or 2")
    if last.startswith("min_") and not (isinstance(value, int) and value >= 1):
        raise RulePathError("a whole number of 1 or more")
    allowed = ALLOWED_WORDS.get(path)
    if allowed is not None:
        words = value if isinstance(value, list) else [value]
        wrong = [w for w in words if w not in allowed]
        if wrong:
            raise RulePathError(f"only {', '.join(allowed)} (not {', '.join(map(str, wrong))})")


def with_rule(rules: dict, path: str, value) -> dict:
    """A copy of ``rules`` with ``path`` set to ``value`` (checked)."""
    check_rule_value(rules, path, value)
    out = copy.deepcopy(rules)
    keys = path.split(".")
    node = rule_value(out, ".".join(keys[:-1])) if len(keys) > 1 else out
    node[int(keys[-1]) if isinstance(node, list) else keys[-1]] = copy.deepcopy(value)
    return out


def numeric_rules(rules, path: str = "") -> list[tuple[str, float]]:
    """(dotted path, value) of every number of the rules file, list items by their index (a ``source`` is
    text, never a number); ``rules`` may be any value of the file at ``path`` (a number: itself)."""
    if is_number(rules):
        return [(path, rules)]
    out: list[tuple[str, float]] = []
    items = rules.items() if isinstance(rules, dict) else enumerate(rules) if isinstance(rules, list) else ()
    for key, value in items:
        out += numeric_rules(value, f"{path}.{key}" if path else str(key))
    return out


def rule_id(path: str) -> str:
    """The registry id of a number of the rules file: ``imprecision.thresholds_mid.0`` ->
    ``rules/imprecision/thresholds-mid/0``."""
    return "rules/" + path.replace("_", "-").replace(".", "/")
