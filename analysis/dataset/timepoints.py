"""The timepoint rule: per study, the follow-up closest to but not exceeding the rule's limit.

A study follows the ablation rule if any of its arms is an ablation node
(``kind`` in nodes.csv), otherwise the injection rule. Among the study's
timepoints for the outcome that are at or before the limit and have at least
two arms, the latest is used. A study with no such timepoint contributes
nothing to that outcome.
"""

from __future__ import annotations

import pandas as pd

DEFAULT_RULES = {"injection": {"max_weeks": 13}, "ablation": {"max_weeks": 26}}


def rule_limits(guideline: dict | None) -> dict[str, float]:
    rules = {**DEFAULT_RULES, **((guideline or {}).get("timepoint_rules") or {})}
    return {kind: float(spec["max_weeks"]) for kind, spec in rules.items()
            if isinstance(spec, dict) and "max_weeks" in spec}


def study_rules(arms: pd.DataFrame, nodes: pd.DataFrame) -> dict[str, str]:
    """Study id -> 'ablation' or 'injection'."""
    kind = dict(zip(nodes["code"], nodes["kind"]))
    ablation = arms["procedure"].map(kind).eq("ablation").groupby(arms["study"], sort=True).any()
    return {study: "ablation" if any_ablation else "injection" for study, any_ablation in ablation.items()}


def select_timepoints(outcomes: pd.DataFrame, rules: dict[str, str], limits: dict[str, float]) -> pd.DataFrame:
    """The rows of one outcome at each study's timepoint chosen by rule (in order of study)."""
    if outcomes.empty:
        return outcomes.iloc[0:0]
    weeks, study = outcomes["timepoint_weeks"], outcomes["study"]
    limit = study.map(lambda s: limits[rules.get(s, "injection")])
    arms_at = outcomes.groupby(["study", "timepoint_weeks"])["arm"].transform("nunique")
    eligible = (weeks <= limit) & (arms_at >= 2)
    latest = weeks.where(eligible).groupby(study).transform("max")
    return outcomes[eligible & (weeks == latest)].sort_values("study", kind="mergesort")
