"""Pairwise (univariate) meta-analysis: common effect and random effects.

Matches metafor's ``rma.uni`` with its defaults: the Wald-type z-test, or the
Hartung-Knapp-Sidik-Jonkman adjustment (``test="knha"``: the SE scaled by the
weighted residual variance, not truncated at 1, with t on k-1 df); I^2 and H^2
from the 'typical' within-study variance; the prediction interval
``mu +/- crit * sqrt(se^2 + tau^2)`` with crit from the same distribution as
the CI (normal, or t on k-1 df under HKSJ) by default; no prediction interval
for the common-effect model.

The prediction interval's distribution is a choice (``pi_df``), stated in the result
(``pi_df`` field: its degrees of freedom, None for the normal):

- ``"ci"`` (default): as the CI, metafor's ``predict()`` default;
- ``"k-2"``: t on k-2 df, as Higgins, Thompson and Spiegelhalter (2009) and the
  Cochrane Handbook (section 10.10.4.3) propose (needs at least 3 studies);
- ``"k-1"``: t on k-1 df, metafor's ``predict(..., pi.type = "t")``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError, DataError
from analysis.models.blocks import BlockModel
from analysis.models.distributions import chi2_sf, normal_sf, t_sf, two_sided_critical
from analysis.models.tau2 import estimate_tau2

PAIRWISE_METHODS = ("FE", "DL", "REML", "PM")
TESTS = ("z", "knha")
PI_DF = ("ci", "k-2", "k-1")


@dataclass(frozen=True)
class PairwiseFit:
    """Result of a pairwise meta-analysis (on the analysis scale).

    With a single study, heterogeneity is not estimable: ``tau2`` is 0, ``q``
    is 0 on 0 df, and ``q_p``, ``i2``, ``h2`` and the prediction interval are None.
    """

    k: int
    method: str
    test: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    stat: float
    pval: float
    tau2: float
    q: float
    q_df: int
    q_p: float | None
    i2: float | None
    h2: float | None
    pi_low: float | None
    pi_high: float | None
    pi_df: int | None = None  # the prediction interval's t degrees of freedom; None: normal (or no interval)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(self)])


def fit_pairwise(yi, vi, method: str = "REML", test: str = "z", level: float = 0.95,
                 pi_df: str = "ci") -> PairwiseFit:
    """Fit a pairwise meta-analysis of effects ``yi`` with sampling variances ``vi``; ``pi_df`` chooses the
    prediction interval's distribution (module docstring)."""
    method, test = method.upper(), test.lower()
    if method in ("COMMON", "CE", "EE"):
        method = "FE"
    if method not in PAIRWISE_METHODS:
        raise AnalysisError(f"unknown method {method!r}; expected one of {', '.join(PAIRWISE_METHODS)}")
    if test not in TESTS:
        raise AnalysisError(f"unknown test {test!r}; expected one of {', '.join(TESTS)}")
    if pi_df not in PI_DF:
        raise AnalysisError(f"unknown prediction interval df {pi_df!r}; expected one of {', '.join(PI_DF)}")
    y = np.asarray(yi, dtype=float)
    v = np.asarray(vi, dtype=float)
    if y.ndim != 1 or y.shape != v.shape or y.size == 0:
        raise DataError("yi and vi must be non-empty vectors of the same length")
    bad = np.flatnonzero(~np.isfinite(y) | ~np.isfinite(v) | (v <= 0))
    if bad.size:
        i = int(bad[0])
        raise DataError(
            f"study {i + 1}: yi = {y[i]!r}, vi = {v[i]!r}; expected a finite effect and a sampling variance > 0"
        )
    k = y.size
    if k == 1 and test == "knha":
        raise AnalysisError("the Hartung-Knapp adjustment needs at least 2 studies; use test 'z'")
    tau2 = estimate_tau2(method, BlockModel.independent(y, np.ones(k), v)) if k > 1 else 0.0

    w = 1 / (v + tau2)
    mu = float(np.sum(w * y) / np.sum(w))
    se = float(np.sqrt(1 / np.sum(w)))
    if test == "knha":
        s2w = float(np.sum(w * (y - mu) ** 2) / (k - 1))
        if s2w <= np.finfo(float).eps:
            s2w = 0.0
        se = float(se * np.sqrt(s2w))
    df = k - 1 if test == "knha" else None
    crit = two_sided_critical(level, df)
    stat = mu / se if se > 0 else np.inf * np.sign(mu)
    pval = float(2 * (normal_sf(abs(stat)) if df is None else t_sf(abs(stat), df)))

    w0 = 1 / v
    mu0 = np.sum(w0 * y) / np.sum(w0)
    q = float(np.sum(w0 * (y - mu0) ** 2))
    q_df = k - 1
    if k > 1:
        q_p = float(chi2_sf(q, q_df))
        if method == "FE":
            i2 = max(0.0, 100 * (q - q_df) / q) if q > 0 else 0.0
            h2 = q / q_df
        else:
            vt = q_df * np.sum(w0) / (np.sum(w0) ** 2 - np.sum(w0**2))
            i2 = float(100 * tau2 / (vt + tau2))
            h2 = float(tau2 / vt + 1)
        pi_dist_df = {"ci": df, "k-2": k - 2, "k-1": k - 1}[pi_df]
        if method == "FE" or pi_dist_df == 0:  # no between-study distribution to predict from (or k = 2 for k-2)
            pi_low = pi_high = pi_dist_df = None
        else:
            pi_half = two_sided_critical(level, pi_dist_df) * np.sqrt(se**2 + tau2)
            pi_low, pi_high = mu - pi_half, mu + pi_half
    else:
        q_p = i2 = h2 = pi_low = pi_high = pi_dist_df = None
    return PairwiseFit(
        k=k, method=method, test=test, estimate=mu, se=se,
        ci_low=float(mu - crit * se), ci_high=float(mu + crit * se), stat=float(stat), pval=pval,
        tau2=float(tau2), q=q, q_df=q_df, q_p=q_p, i2=i2, h2=h2,
        pi_low=None if pi_low is None else float(pi_low),
        pi_high=None if pi_high is None else float(pi_high), pi_df=pi_dist_df,
    )
