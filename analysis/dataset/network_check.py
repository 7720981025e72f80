"""Connectivity of each outcome's network, per population, as the analysis will see it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.dataset.analysis_table import build_analysis_arms
from analysis.dataset.issues import ValidationIssue
from analysis.models.network import components

POPULATIONS = ("axial", "radicular")


@dataclass(frozen=True)
class _Design:
    """The treatments of one study, shaped as the engine's graph function expects."""

    baseline: str
    treatments: tuple[str, ...]

    @property
    def arms(self) -> tuple[str, ...]:
        return (self.baseline, *self.treatments)


def network_parts(arms: pd.DataFrame) -> list[set[str]]:
    designs = []
    for _, rows in arms.groupby("study", sort=True):
        nodes = sorted(set(rows["treatment"]))
        if len(nodes) >= 2:
            designs.append(_Design(nodes[0], tuple(nodes[1:])))
    return components(designs)


def connectivity(tables: dict[str, pd.DataFrame], guideline: dict | None, display) -> list[ValidationIssue]:
    issues = []
    for outcome in sorted(set(tables["outcomes"]["outcome"].dropna())):
        for population in POPULATIONS:
            arms = build_analysis_arms(tables, guideline, outcome, population)
            parts = network_parts(arms)
            if len(parts) > 1:
                listing = " | ".join("{" + ", ".join(sorted(p)) + "}" for p in parts)
                issues.append(ValidationIssue(
                    display("outcomes.csv"), None, "outcome", outcome,
                    f"one connected {population} network for {outcome}; it has {len(parts)} separate parts "
                    f"({listing}): add a trial that links them or set has_data false for the isolated trials"))
    return issues
