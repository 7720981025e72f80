"""The project's ``settings/guideline.yaml`` checked before anything runs: every problem at its line and field.

The file holds the GRADE and evidence-to-decision rules; a wrong type there used to surface as an internal
error in the last stages of a build (a list where a mapping was expected), or not at all (a share of 7, a
duplicated key whose second value silently won). :data:`SHAPE` is the file's schema in the vocabulary of
:func:`analysis.dataset.guideline_check.check_shape`; every rule below it is required unless listed in
:data:`OPTIONAL`; the ranges are those a scenario's change of a rule must also respect
(:func:`analysis.certainty.rule_paths.check_range`).
"""

from __future__ import annotations

from analysis.certainty.rule_paths import RulePathError, check_range
from analysis.dataset.guideline_check import ANY_KEY, NUMBER, NUMBER_OR_NULL, TEXT, check_shape, located, non_finite
from analysis.dataset.issues import ValidationIssue, YamlIssue

_RULE = {"benefit_certainty": [TEXT], "benefit": TEXT, "harm_or_burden": TEXT, "choice": TEXT, "source": TEXT}
SHAPE = {
    "certainty": {"levels": [TEXT], "start": TEXT, "source": TEXT, "same_cause_domains": [TEXT],
                  "same_cause_source": TEXT},
    "risk_of_bias": {"high_risk_domain_ratings": [TEXT], "domains": [TEXT], "serious_share": NUMBER,
                     "very_serious_share": NUMBER_OR_NULL, "source": TEXT},
    "indirectness": {"indirect_when": {ANY_KEY: [TEXT]}, "serious_share": NUMBER,
                     "very_serious_share": NUMBER_OR_NULL, "source": TEXT},
    "imprecision": {"thresholds_mid": [NUMBER], "source": TEXT},
    "inconsistency": {"thresholds_mid": [NUMBER], "prediction_interval": TEXT, "source": TEXT},
    "publication_bias": {"min_trials": NUMBER, "egger_p": NUMBER, "source": TEXT},
    "incoherence": {"side_p": NUMBER, "thresholds_mid": [NUMBER], "dbt_no_concerns_above": NUMBER,
                    "dbt_major_at_or_below": NUMBER, "not_estimable_levels": NUMBER, "source": TEXT},
    "classification": {"small": NUMBER, "moderate": NUMBER, "large": NUMBER, "source": TEXT},
    "wording": {"source": TEXT, "certainty_verbs": {ANY_KEY: TEXT}, "very_low": TEXT},
    "evidence_to_decision": {"moderate_to_high": [TEXT], "choices": {ANY_KEY: {"direction": TEXT, "strength": TEXT}},
                             "implied_rules": [_RULE]},
}
OPTIONAL = {"indirectness.indirect_when", "evidence_to_decision.implied_rules"}  # read with a default
DIRECTIONS, STRENGTHS = ("for", "against"), ("strong", "conditional")


def _required(shape: dict, prefix: str = ""):
    for key, kind in shape.items():
        path = f"{prefix}.{key}" if prefix else key
        if key == ANY_KEY or key == "source" or key.endswith("_source") or path in OPTIONAL:
            continue
        yield path
        if isinstance(kind, dict) and ANY_KEY not in kind:
            yield from _required(kind, path)


def _get(rules, path: str):
    node = rules
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return None, False
        node = node[key]
    return node, True


def settings_problems(rules, file: str, lines: dict | None = None,
                      duplicates=()) -> list[ValidationIssue]:
    """Every problem of the settings ``rules`` (parsed), located with ``lines`` (:func:`load_with_lines`);
    ``duplicates``: its ``(line, problem)`` list of keys given twice."""
    lines = lines or {}
    issues: list[ValidationIssue] = [YamlIssue(file, line, None, None, f"unique keys ({problem})")
                                     for line, problem in duplicates]
    if not isinstance(rules, dict):
        return issues + [YamlIssue(file, 1, None, None, "a mapping of rule sections: " + ", ".join(SHAPE))]
    shaped = check_shape(rules, SHAPE, file, lines)
    typed = {i.column for i in shaped if i.column}
    found: list[ValidationIssue] = []
    for path in _required(SHAPE):
        parent = path.rsplit(".", 1)[0] if "." in path else None
        if not _get(rules, path)[1] and (parent is None or isinstance(_get(rules, parent)[0], dict)):
            found.append(YamlIssue(file, None, path, None, "this rule (it is required)"))
    infinite = dict(non_finite(rules, ""))
    found += [YamlIssue(file, None, p, v, "a finite number") for p, v in infinite.items()]
    for path in _leaves(rules, SHAPE):
        value = _get(rules, path)[0]
        if any(path == t or path.startswith(t + ".") or path.startswith(t + "[") for t in typed):
            continue  # its type is reported
        if path in infinite:
            continue  # reported as not finite
        try:
            check_range(path, value)
        except RulePathError as exc:
            found.append(YamlIssue(file, None, path, _shown(value), str(exc)))
        if path.endswith("thresholds_mid") and isinstance(value, list) and value != sorted(value, key=_order):
            found.append(YamlIssue(file, None, path, _shown(value), "numbers in ascending order"))
    found += _classification(rules, file) + _choices(rules, file)
    return issues + shaped + located(found, lines, typed)


def _order(v):
    return v if isinstance(v, (int, float)) else 0


def _leaves(rules: dict, shape: dict, prefix: str = ""):
    """Paths of the values the shape declares as numbers or lists of words or numbers."""
    for key, kind in shape.items():
        if key == ANY_KEY or not isinstance(rules, dict) or key not in rules:
            continue
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(kind, dict):
            yield from _leaves(rules[key], kind, path)
        elif key != "source" and not key.endswith("_source"):
            yield path


def _classification(rules: dict, file: str) -> list[ValidationIssue]:
    c = rules.get("classification")
    sizes = [c.get(k) for k in ("small", "moderate", "large")] if isinstance(c, dict) else []
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in sizes)
    if sizes and numbers and not 0 < sizes[0] <= sizes[1] <= sizes[2]:
        return [YamlIssue(file, None, "classification", f"{sizes[0]}, {sizes[1]}, {sizes[2]}",
                          "MID multiples 0 < small <= moderate <= large")]
    return []


def _choices(rules: dict, file: str) -> list[ValidationIssue]:
    etd = rules.get("evidence_to_decision")
    if not isinstance(etd, dict) or not isinstance(etd.get("choices"), dict):
        return []
    out = []
    for choice, c in etd["choices"].items():
        if not isinstance(c, dict):
            continue
        if c.get("direction") not in DIRECTIONS:
            out.append(YamlIssue(file, None, f"evidence_to_decision.choices.{choice}.direction",
                                 _shown(c.get("direction")), " or ".join(DIRECTIONS)))
        if c.get("strength") not in STRENGTHS:
            out.append(YamlIssue(file, None, f"evidence_to_decision.choices.{choice}.strength",
                                 _shown(c.get("strength")), " or ".join(STRENGTHS)))
    for i, rule in enumerate(etd.get("implied_rules") or [] if isinstance(etd.get("implied_rules"), list) else []):
        if isinstance(rule, dict) and isinstance(rule.get("choice"), str) and rule["choice"] not in etd["choices"]:
            out.append(YamlIssue(file, None, f"evidence_to_decision.implied_rules[{i}].choice", rule["choice"],
                                 "one of evidence_to_decision.choices"))
    return out


def _shown(value) -> str | None:
    return None if value is None else (value if isinstance(value, str) else repr(value))[:60]


__all__ = ["SHAPE", "settings_problems"]
