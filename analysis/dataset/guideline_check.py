"""The few entries of guideline.yaml that the analysis reads, checked for presence and range."""

from __future__ import annotations

from analysis.dataset.issues import ValidationIssue

NODE_KINDS_WITH_RULES = ("injection", "ablation")


def _positive(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


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
