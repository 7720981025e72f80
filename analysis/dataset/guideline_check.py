"""The few entries of guideline.yaml that the analysis reads, checked for presence and range."""

from __future__ import annotations

from analysis.dataset.issues import ValidationIssue

NODE_KINDS_WITH_RULES = ("injection", "ablation")


def _positive(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def check_recommendation_groups(g: dict, codes: set[str], file: str) -> list[ValidationIssue]:
    """``recommendation_groups``: per population, a list of {heading, procedures: [node codes]}."""
    groups = g.get("recommendation_groups")
    if groups is None:
        return []
    if not isinstance(groups, dict):
        return [ValidationIssue(file, None, "recommendation_groups", str(groups)[:60],
                                "a mapping of population (axial, radicular) to its groups")]
    issues = []
    for population, items in groups.items():
        if population == "source":
            continue
        field = f"recommendation_groups.{population}"
        if population not in ("axial", "radicular"):
            issues.append(ValidationIssue(file, None, field, population, "axial or radicular (or source)"))
            continue
        for i, item in enumerate(items if isinstance(items, list) else [items]):
            where = f"{field}[{i}]"
            if not (isinstance(item, dict) and isinstance(item.get("heading"), str) and item["heading"].strip()
                    and isinstance(item.get("procedures"), list) and item["procedures"]):
                issues.append(ValidationIssue(file, None, where, str(item)[:60],
                                              "a heading (text) and procedures (a list of node codes)"))
                continue
            for j, code in enumerate(item["procedures"]):
                if code not in codes:
                    issues.append(ValidationIssue(file, None, f"{where}.procedures[{j}]", code,
                                                  "a node code of nodes.csv"))
    return issues


def check_guideline(g: dict, file: str) -> list[ValidationIssue]:
    issues = []
    mids = g.get("mids") or {}
    for outcome in ("pain", "physical_function"):
        value = (mids.get(outcome) or {}).get("value") if isinstance(mids.get(outcome), dict) else None
        if not _positive(value):
            issues.append(ValidationIssue(file, None, f"mids.{outcome}.value", value,
                                          "a minimal important difference > 0"))
    rules = g.get("timepoint_rules") or {}
    for kind in NODE_KINDS_WITH_RULES:
        value = (rules.get(kind) or {}).get("max_weeks") if isinstance(rules.get(kind), dict) else None
        if not _positive(value):
            issues.append(ValidationIssue(file, None, f"timepoint_rules.{kind}.max_weeks", value,
                                          "a number of weeks > 0"))
    for outcome, scale in (g.get("analysis_scales") or {}).items():
        ok = isinstance(scale, dict) and all(k in scale for k in ("min", "max", "higher_is_better"))
        if not ok or not scale["max"] > scale["min"]:
            issues.append(ValidationIssue(file, None, f"analysis_scales.{outcome}", scale,
                                          "min < max and higher_is_better"))
    if g.get("mixed_population_network", "radicular") not in ("axial", "radicular"):
        issues.append(ValidationIssue(file, None, "mixed_population_network", g.get("mixed_population_network"),
                                      "axial or radicular"))
    return issues
