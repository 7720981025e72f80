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
    out = {}
    for study, rows in arms.groupby("study", sort=True):
        out[study] = "ablation" if any(kind.get(p) == "ablation" for p in rows["procedure"]) else "injection"
    return out


def select_timepoints(outcomes: pd.DataFrame, rules: dict[str, str], limits: dict[str, float]) -> pd.DataFrame:
    """The rows of one outcome at each study's timepoint chosen by rule."""
    keep = []
    for study, rows in outcomes.groupby("study", sort=True):
        limit = limits[rules.get(study, "injection")]
        arms_at = rows.groupby("timepoint_weeks")["arm"].nunique()
        eligible = [t for t, k in arms_at.items() if t <= limit and k >= 2]
        if eligible:
            keep.append(rows[rows["timepoint_weeks"] == max(eligible)])
    if not keep:
        return outcomes.iloc[0:0]
    return pd.concat(keep)
