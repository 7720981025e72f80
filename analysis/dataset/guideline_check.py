"""guideline.yaml checked: its shape (every section and field a known name with the expected type,
:data:`SHAPE`), and the entries the analysis reads for presence and range. Each problem names its line."""

from __future__ import annotations

import math

from analysis.dataset.issues import ValidationIssue, YamlIssue
from analysis.dataset.schema import SMALLEST_SPREAD
from analysis.yamlines import dotted, line_of

NODE_KINDS_WITH_RULES = ("injection", "ablation")


def _positive(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def check_recommendation_groups(g: dict, codes: set[str], file: str) -> list[ValidationIssue]:
    """``recommendation_groups``: per population, a list of {heading, procedures: [node codes]}."""
    groups = g.get("recommendation_groups")
    if groups is None:
        return []
    if not isinstance(groups, dict):
        return []  # check_shape reports it, at its line
    issues = []
    for population, items in groups.items():
        if population == "source":
            continue
        field = f"recommendation_groups.{population}"
        if population not in ("axial", "radicular"):
            issues.append(YamlIssue(file, None, field, population, "axial or radicular (or source)"))
            continue
        for i, item in enumerate(items if isinstance(items, list) else [items]):
            where = f"{field}[{i}]"
            if not (isinstance(item, dict) and isinstance(item.get("heading"), str) and item["heading"].strip()
                    and isinstance(item.get("procedures"), list) and item["procedures"]):
                issues.append(YamlIssue(file, None, where, str(item)[:60],
                                              "a heading (text) and procedures (a list of node codes)"))
                continue
            for j, code in enumerate(item["procedures"]):
                if code not in codes:
                    issues.append(YamlIssue(file, None, f"{where}.procedures[{j}]", code,
                                                  "a node code of nodes.csv"))
    return issues


REQUIRED_SECTIONS = {  # what the analysis reads, and what goes wrong without it
    "mids": "the minimal important differences the certainty ratings judge against",
    "timepoint_rules": "the follow-up each trial contributes",
    "analysis_scales": "the scale each outcome is analysed on",
    "harms_observational": "the harms whose certainty every recommendation weighs",
    "burden": "the burden every recommendation weighs",
    "values_and_preferences": "the panel's rules from evidence to recommendation",
}


def non_finite(value, path: str):
    """(path, value) of every NaN or infinite number in a YAML document."""
    if isinstance(value, float) and not math.isfinite(value):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from non_finite(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from non_finite(v, f"{path}[{i}]")


TEXT, NUMBER, BOOL, TEXT_OR_NUMBER = "text", "a number", "true or false", "text or a number"
NUMBER_OR_NULL = "a number or null"
ANY_KEY = "*"  # a mapping whose keys are names the file chooses (outcomes, harms, populations)

# The shape of guideline.yaml: a dict is a mapping with these fields (ANY_KEY: any name), a one-item list a list
# of that, a string the type of a value. Fields may be left out (what the analysis needs is checked below);
# a field not named here, or a value of another type, is a problem at its line.
SHAPE = {
    "mids": {ANY_KEY: {"value": NUMBER, "unit": TEXT, "scale": TEXT, "source": TEXT}},
    "analysis_scales": {ANY_KEY: {"min": NUMBER, "max": NUMBER, "higher_is_better": BOOL, "unit": TEXT,
                                  "note": TEXT}},
    "timepoint_rules": {"source": TEXT, ANY_KEY: {"max_weeks": NUMBER, "rule": TEXT}},
    "mixed_population_network": TEXT,
    "critical_outcomes": [TEXT],
    "important_outcomes": [TEXT],
    "harms_observational": {"source": TEXT, "incidence_percent": {ANY_KEY: {"value": NUMBER, "certainty": TEXT}},
                            "catastrophic": {"events": TEXT, "certainty": TEXT, "note": TEXT},
                            "randomised_trials_reporting_adverse_events": TEXT},
    "burden": {"certainty": TEXT, "description": TEXT},
    "costs_usd": {ANY_KEY: TEXT_OR_NUMBER},
    "values_and_preferences": {"statement": TEXT, "rules": [{"benefit_certainty": [TEXT], "benefit": TEXT,
                                                             "harm_or_burden": TEXT, "choice": TEXT}]},
    "consensus": {ANY_KEY: TEXT},
    "recommendation_groups": {"source": TEXT, ANY_KEY: [{"heading": TEXT, "procedures": [TEXT]}]},
}


def _fits(value, kind: str) -> bool:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return {TEXT: isinstance(value, str), NUMBER: number, BOOL: isinstance(value, bool),
            TEXT_OR_NUMBER: isinstance(value, str) or number, NUMBER_OR_NULL: value is None or number}[kind]


def check_shape(value, shape, file: str, lines: dict, path: tuple = ()) -> list[ValidationIssue]:
    """Every place where ``value`` departs from ``shape``, at its line."""
    field = dotted(path)
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return [YamlIssue(file, line_of(lines, path), field or None, _shown(value),
                              "a mapping of " + ", ".join(k for k in shape if k != ANY_KEY) if ANY_KEY not in shape
                              else "a mapping")]
        issues = []
        for key, item in value.items():
            if key in shape or ANY_KEY in shape:
                issues += check_shape(item, shape.get(key, shape.get(ANY_KEY)), file, lines, path + (key,))
            else:
                known = ", ".join(k for k in shape if k != ANY_KEY)
                issues.append(YamlIssue(file, line_of(lines, path + (key,)), dotted(path + (key,)), None,
                                        f"one of the known fields{' of ' + field if field else ''}: {known}"))
        return issues
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [YamlIssue(file, line_of(lines, path), field, _shown(value), "a list")]
        return [i for n, item in enumerate(value) for i in check_shape(item, shape[0], file, lines, path + (n,))]
    if not _fits(value, shape):
        return [YamlIssue(file, line_of(lines, path), field, _shown(value), shape)]
    return []


def _shown(value) -> str:
    return repr(value)[:60] if not isinstance(value, str) else value[:60]


def check_guideline(g: dict, file: str, lines: dict | None = None) -> list[ValidationIssue]:
    """The problems of guideline.yaml ``g``; ``lines`` ({path: line}, :func:`analysis.yamlines.load_with_lines`)
    locates them."""
    lines = lines or {}
    shaped = check_shape(g, SHAPE, file, lines)
    issues = [YamlIssue(file, None, name, None, f"a section {name}: {why}")
              for name, why in REQUIRED_SECTIONS.items() if not isinstance(g.get(name), dict)]
    issues += [YamlIssue(file, None, path, value, "a finite number") for path, value in non_finite(g, "")]
    mids = g.get("mids") if isinstance(g.get("mids"), dict) else {}
    for outcome in ("pain", "physical_function"):
        value = (mids.get(outcome) or {}).get("value") if isinstance(mids.get(outcome), dict) else None
        if not _positive(value):
            issues.append(YamlIssue(file, None, f"mids.{outcome}.value", value,
                                          "a minimal important difference > 0"))
    scales = g.get("analysis_scales") if isinstance(g.get("analysis_scales"), dict) else {}
    for outcome, mid in mids.items():
        scale = scales.get(outcome)
        value = mid.get("value") if isinstance(mid, dict) else None
        if not (_positive(value) and isinstance(scale, dict) and _fits(scale.get("min"), NUMBER)
                and _fits(scale.get("max"), NUMBER) and scale["max"] > scale["min"]):
            continue
        width = scale["max"] - scale["min"]
        if not SMALLEST_SPREAD * width <= value <= width:
            issues.append(YamlIssue(file, None, f"mids.{outcome}.value", value,
                                    f"a minimal important difference within the {outcome} scale's range "
                                    f"({SMALLEST_SPREAD * width:g} to {width:g}, analysis_scales.{outcome})"))
    rules = g.get("timepoint_rules") if isinstance(g.get("timepoint_rules"), dict) else {}
    for kind in NODE_KINDS_WITH_RULES:
        value = (rules.get(kind) or {}).get("max_weeks") if isinstance(rules.get(kind), dict) else None
        if not _positive(value):
            issues.append(YamlIssue(file, None, f"timepoint_rules.{kind}.max_weeks", value,
                                          "a number of weeks > 0"))
    scales = g.get("analysis_scales") if isinstance(g.get("analysis_scales"), dict) else {}
    for outcome, scale in scales.items():
        ok = isinstance(scale, dict) and all(k in scale for k in ("min", "max", "higher_is_better"))
        if not ok or not (_fits(scale["min"], NUMBER) and _fits(scale["max"], NUMBER) and scale["max"] > scale["min"]):
            issues.append(YamlIssue(file, None, f"analysis_scales.{outcome}", scale,
                                          "min < max and higher_is_better"))
    if g.get("mixed_population_network", "radicular") not in ("axial", "radicular"):
        issues.append(YamlIssue(file, None, "mixed_population_network", g.get("mixed_population_network"),
                                      "axial or radicular"))
    return shaped + located(issues, lines, {i.column for i in shaped if i.column})


def located(issues: list[ValidationIssue], lines: dict, typed: set[str]) -> list[ValidationIssue]:
    """Each issue at the line of its field; one about a field whose type is already reported is dropped."""
    out = []
    for issue in issues:
        col = issue.column
        if col and any(col == f or col.startswith(f + ".") or f.startswith(col + ".") for f in typed):
            continue
        if issue.row is None and issue.column and lines:
            path = tuple(int(p) if p.isdigit() else p
                         for p in issue.column.replace("[", ".").replace("]", "").split("."))
            while path and path not in lines:  # a missing field: the line of the mapping that lacks it
                path = path[:-1]
            issue = YamlIssue(issue.file, lines[path] if path else None, issue.column, issue.value, issue.expected)
        out.append(issue)
    return out
