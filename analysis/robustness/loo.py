"""The correction it would take: leave each study of a network out, alone, and see which
recommendations change.

Each study is excluded through :func:`analysis.scenarios.apply_scenario` (an ``exclude_studies``
operation) and the population's stages are re-run (:func:`analysis.engine.analyse_population`).
A recommendation changes when its direction or strength differs, or when no trial of the procedure is
left to base it on.
"""

from __future__ import annotations

from analysis.engine import analyse_population
from analysis.scenarios import apply_scenario, scenario_from_data


def exclusion_scenario(study: str):
    return scenario_from_data({
        "id": "robustness-leave-one-out", "title": f"Without {study}",
        "description": "Robustness analysis: one study left out.",
        "operations": [{"exclude_studies": {"ids": [study], "reason": "leave-one-out robustness analysis"}}],
    })


def describe(before: dict, after: dict | None) -> str:
    """What changes for one procedure, in words ('' when nothing that the recommendation rests on does)."""
    if after is None:
        return "no evidence left"
    parts = []
    if (after["strength"], after["direction"]) != (before["strength"], before["direction"]):
        parts.append(f"{before['strength']} {before['direction']} -> {after['strength']} {after['direction']}")
    if after["certainty"] != before["certainty"]:
        parts.append(f"certainty {before['certainty']} -> {after['certainty']}")
    if after["classification"] != before["classification"]:
        parts.append(f"{before['classification']} -> {after['classification']}")
    return "; ".join(parts)


def leave_one_out(ds, settings, population: str, study: str, base: dict, rules) -> list[dict]:
    """One row per procedure of the population whose recommendation, certainty or classification
    changes without ``study``: population, study, code, change (words), recommendation_changed."""
    ds2 = apply_scenario(ds, exclusion_scenario(study), check=False)
    now = analyse_population(ds2, settings, rules, population).by_code()
    rows = []
    for code, before in base.items():
        after = now.get(code)
        text = describe(before, after)
        if text:
            changed = after is None or (after["direction"], after["strength"]) != (before["direction"],
                                                                                    before["strength"])
            rows.append({"population": population, "study": study, "code": code, "change": text,
                         "recommendation_changed": changed,
                         "estimate_without": after["estimate"] if after else float("nan")})
    return rows
