"""Subgroup analysis of one direct comparison by a study-level covariate, with the test of interaction.

For each level of the covariate, a random-effects pairwise meta-analysis of
the trials that compare ``treatment`` with ``reference`` directly; the test of
interaction compares the subgroup estimates (z test on their difference, for
two levels; Cochran's Q between subgroups on levels minus one df for more).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.effects.measures import Arm, pairwise_effect
from analysis.errors import AnalysisError
from analysis.models.distributions import chi2_sf
from analysis.models.pairwise import PairwiseFit, fit_pairwise


@dataclass(frozen=True)
class SubgroupAnalysis:
    levels: tuple[str, ...]
    fits: dict[str, PairwiseFit]
    studies: dict[str, tuple[str, ...]]
    q_between: float
    df: int
    p_interaction: float


def subgroup_analysis(effects: pd.DataFrame, covariate: str, method: str = "REML") -> SubgroupAnalysis:
    """``effects``: one row per trial with ``study, yi, vi`` and the covariate column."""
    levels = tuple(sorted(effects[covariate].astype(str).unique()))
    if len(levels) < 2:
        raise AnalysisError(f"subgroups by {covariate} need at least two levels; found {', '.join(levels) or 'none'}")
    fits, studies = {}, {}
    for lv in levels:
        sub = effects[effects[covariate].astype(str) == lv]
        fits[lv] = fit_pairwise(sub["yi"].to_numpy(float), sub["vi"].to_numpy(float), method)
        studies[lv] = tuple(sorted(sub["study"].astype(str)))
    q, df, p = interaction_test([fits[lv] for lv in levels])
    return SubgroupAnalysis(levels, fits, studies, q, df, p)


def interaction_test(fits: list[PairwiseFit]) -> tuple[float, int, float]:
    """Cochran's Q between subgroup estimates: (Q, df, p). For two subgroups Q is the squared z of their
    difference, so p equals the two-sided z test."""
    est = np.array([f.estimate for f in fits])
    w = 1 / np.array([f.se for f in fits]) ** 2
    q = float(np.sum(w * (est - np.sum(w * est) / np.sum(w)) ** 2))
    df = len(fits) - 1
    return q, df, float(chi2_sf(q, df))


def direct_effects(arms: pd.DataFrame, treatment: str, reference: str, measure: str = "MD") -> pd.DataFrame:
    """Two-arm trials of ``treatment`` versus ``reference`` in an arm-level table: study, yi, vi."""
    rows = []
    for study, group in arms.groupby("study", sort=True):
        if sorted(group["treatment"]) != sorted([treatment, reference]):
            continue
        by = {r.treatment: Arm(r.treatment, float(r.n), mean=float(r.mean), sd=float(r.sd)) for r in group.itertuples()}
        yi, vi = pairwise_effect(by[treatment], by[reference], measure)
        rows.append((str(study), yi, vi))
    return pd.DataFrame(rows, columns=["study", "yi", "vi"])
