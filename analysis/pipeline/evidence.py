"""Which part of a network has evidence: the treatments connected to the reference.

A scenario may remove every trial of a node, or the trials that linked part of a
network to the reference. The stages then fit the part connected to the
reference and report the rest as without evidence instead of failing.
"""

from __future__ import annotations

import pandas as pd

from analysis.dataset.network_check import network_parts
from analysis.results_io import write_csv


def reference_component(arms: pd.DataFrame, reference: str) -> tuple[pd.DataFrame, list[str]]:
    """(the arms of the studies in the reference's connected part, the treatments left out)."""
    if arms.empty:
        return arms, []
    parts = network_parts(arms)
    keep = next((p for p in parts if reference in p), set())
    if len(parts) == 1 and reference in keep:
        return arms, []
    dropped = sorted(set(arms["treatment"]) - keep)
    in_part = arms.groupby("study")["treatment"].transform(lambda t: set(t) <= keep)
    return arms[in_part & arms["treatment"].isin(keep)].reset_index(drop=True), dropped


def write_without_evidence(out, outcome: str, population: str, dropped: list[str], reason: str) -> None:
    """``network/<outcome>/<population>/without_evidence.csv`` (only when something was left out)."""
    if dropped:
        write_csv(pd.DataFrame({"treatment": dropped, "reason": reason}),
                  out / "network" / outcome / population / "without_evidence.csv")


def fit_or_common(studies, measure: str, method: str, reference: str, level: float):
    """``fit_network``; when heterogeneity cannot be estimated (too few trials, as a scenario may leave),
    the common-effect model instead (the fit's ``method`` then says FE)."""
    from analysis.errors import AnalysisError
    from analysis.models.network import fit_network

    try:
        return fit_network(studies, measure, method, reference, level)
    except AnalysisError as exc:
        if "heterogeneity cannot be estimated" not in str(exc):
            raise
        return fit_network(studies, measure, "FE", reference, level)
