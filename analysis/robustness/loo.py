"""The correction it would take: leave each study of a network out, alone, and see which
recommendations change.

Each study is excluded through :func:`analysis.scenarios.apply_scenario` (an ``exclude_studies``
operation) and the population's stages are re-run (:func:`analysis.robustness.rerun.rerun_population`).
A recommendation changes when its direction or strength differs, or when no trial of the procedure is
left to base it on.
"""

from __future__ import annotations

from analysis.robustness.rerun import rerun_population


def exclusion_scenario(study: str):
    from analysis.scenarios import scenario_from_data

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


def leave_one_out(ds, settings, population: str, study: str, base: dict, scratch, rules) -> list[dict]:
    """One row per procedure of the population whose recommendation, certainty or classification
    changes without ``study``: population, study, code, change (words), recommendation_changed."""
    from analysis.scenarios import apply_scenario

    ds2 = apply_scenario(ds, exclusion_scenario(study), check=False)
    now = rerun_population(ds2, settings, population, scratch, rules).by_code()
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
