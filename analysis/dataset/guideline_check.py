"""The few entries of guideline.yaml that the analysis reads, checked for presence and range."""

from __future__ import annotations

import math

from analysis.dataset.issues import ValidationIssue, YamlIssue

NODE_KINDS_WITH_RULES = ("injection", "ablation")


def _positive(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def check_recommendation_groups(g: dict, codes: set[str], file: str) -> list[ValidationIssue]:
    """``recommendation_groups``: per population, a list of {heading, procedures: [node codes]}."""
    groups = g.get("recommendation_groups")
    if groups is None:
        return []
    if not isinstance(groups, dict):
        return [YamlIssue(file, None, "recommendation_groups", str(groups)[:60],
                                "a mapping of population (axial, radicular) to its groups")]
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


def _non_finite(value, path: str):
    """(path, value) of every NaN or infinite number in a YAML document."""
    if isinstance(value, float) and not math.isfinite(value):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _non_finite(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _non_finite(v, f"{path}[{i}]")


def check_guideline(g: dict, file: str) -> list[ValidationIssue]:
    issues = [YamlIssue(file, None, name, None, f"a section {name}: {why}")
              for name, why in REQUIRED_SECTIONS.items() if not isinstance(g.get(name), dict)]
    issues += [YamlIssue(file, None, path, value, "a finite number") for path, value in _non_finite(g, "")]
    mids = g.get("mids") or {}
    for outcome in ("pain", "physical_function"):
        value = (mids.get(outcome) or {}).get("value") if isinstance(mids.get(outcome), dict) else None
        if not _positive(value):
            issues.append(YamlIssue(file, None, f"mids.{outcome}.value", value,
                                          "a minimal important difference > 0"))
    rules = g.get("timepoint_rules") or {}
    for kind in NODE_KINDS_WITH_RULES:
        value = (rules.get(kind) or {}).get("max_weeks") if isinstance(rules.get(kind), dict) else None
        if not _positive(value):
            issues.append(YamlIssue(file, None, f"timepoint_rules.{kind}.max_weeks", value,
                                          "a number of weeks > 0"))
    for outcome, scale in (g.get("analysis_scales") or {}).items():
        ok = isinstance(scale, dict) and all(k in scale for k in ("min", "max", "higher_is_better"))
        if not ok or not scale["max"] > scale["min"]:
            issues.append(YamlIssue(file, None, f"analysis_scales.{outcome}", scale,
                                          "min < max and higher_is_better"))
    if g.get("mixed_population_network", "radicular") not in ("axial", "radicular"):
        issues.append(YamlIssue(file, None, "mixed_population_network", g.get("mixed_population_network"),
                                      "axial or radicular"))
    return issues
