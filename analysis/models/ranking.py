"""Ranking treatments: P-scores, and rank probabilities with SUCRA and mean ranks by resampling.

The P-score of treatment i (Rücker & Schwarzer 2015) is the mean, over every
other treatment j, of the one-sided probability that i is better than j:
Phi((d_j - d_i) / se_ij) when smaller values are better, Phi((d_i - d_j) / se_ij)
when larger values are.

Rank probabilities draw the treatment effects from their joint normal
distribution (the fit's estimates and covariance; a fixed seed, so the same fit
gives the same numbers) and count each treatment's rank in every draw (rank 1 =
best). From them: SUCRA, the mean of the cumulative rank probabilities over
ranks 1 to T - 1, and the mean and median rank. SUCRA and the P-score estimate
the same quantity: by linearity, the expected rank of i is
1 + sum_j P(j better than i), so SUCRA converges to the P-score as the draws grow
(Rücker & Schwarzer 2015); the difference is resampling error only. (netmeta's
``rankogram`` instead draws each treatment independently, with variances fitted
to the pairwise variances, an approximation of the joint distribution.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.models.distributions import normal_cdf
from analysis.models.network import NetworkFit


def p_scores(fit: NetworkFit, small_values: str = "good") -> pd.DataFrame:
    """P-score per treatment, sorted best first (ties by name)."""
    if small_values not in ("good", "bad"):
        raise AnalysisError(f"small_values = {small_values!r}; expected 'good' or 'bad'")
    sign = 1 if small_values == "good" else -1
    rows = []
    for i in fit.treatments:
        probs = []
        for j in fit.treatments:
            if i == j:
                continue
            est, se = fit.effect(j, i)  # d_j - d_i
            probs.append(normal_cdf(sign * est / se) if se > 0 else 0.5)
        rows.append((i, sum(probs) / len(probs)))
    out = pd.DataFrame(rows, columns=["treatment", "p_score"])
    return out.sort_values(["p_score", "treatment"], ascending=[False, True], ignore_index=True)


RANK_SEED = 20261205
RANK_DRAWS = 100_000
_CHUNK = 20_000  # draws per block, so memory stays at CHUNK x treatments whatever the number of draws


@dataclass(frozen=True)
class RankProbabilities:
    """``probabilities[i, r]``: the share of draws in which ``treatments[i]`` has rank ``r + 1`` (1 = best)."""

    treatments: tuple[str, ...]
    probabilities: np.ndarray
    draws: int
    seed: int

    @property
    def cumulative(self) -> np.ndarray:
        return np.cumsum(self.probabilities, axis=1)

    @property
    def sucra(self) -> np.ndarray:
        T = len(self.treatments)
        return self.cumulative[:, :T - 1].sum(axis=1) / (T - 1)

    @property
    def mean_rank(self) -> np.ndarray:
        return self.probabilities @ np.arange(1, len(self.treatments) + 1)

    @property
    def median_rank(self) -> np.ndarray:
        return np.argmax(self.cumulative >= 0.5, axis=1) + 1

    def frame(self) -> pd.DataFrame:
        """treatment, sucra, mean_rank, median_rank and p_rank_1 .. p_rank_T, best SUCRA first (ties by name)."""
        out = pd.DataFrame({"treatment": self.treatments, "sucra": self.sucra, "mean_rank": self.mean_rank,
                            "median_rank": self.median_rank})
        for r in range(len(self.treatments)):
            out[f"p_rank_{r + 1}"] = self.probabilities[:, r]
        return out.sort_values(["sucra", "treatment"], ascending=[False, True], ignore_index=True)


def rank_probabilities(fit: NetworkFit, small_values: str = "good", draws: int = RANK_DRAWS,
                       seed: int = RANK_SEED) -> RankProbabilities:
    """Rank probabilities from ``draws`` draws of the effects' joint normal distribution (see the module)."""
    if small_values not in ("good", "bad"):
        raise AnalysisError(f"small_values = {small_values!r}; expected 'good' or 'bad'")
    if draws < 1:
        raise AnalysisError(f"draws = {draws}; expected at least 1")
    T = len(fit.treatments)
    keep = [i for i, t in enumerate(fit.treatments) if t != fit.reference]
    chol = np.linalg.cholesky(fit.cov[np.ix_(keep, keep)])
    sign = 1 if small_values == "good" else -1
    rng = np.random.default_rng(seed)
    counts = np.zeros((T, T))
    done = 0
    while done < draws:
        n = min(_CHUNK, draws - done)
        sample = np.zeros((n, T))
        sample[:, keep] = fit.d[keep] + rng.standard_normal((n, len(keep))) @ chol.T
        ranks = np.argsort(np.argsort(sign * sample, axis=1, kind="stable"), axis=1, kind="stable")  # 0 = best
        counts += np.stack([np.bincount(ranks[:, i], minlength=T) for i in range(T)])
        done += n
    return RankProbabilities(treatments=fit.treatments, probabilities=counts / draws, draws=draws, seed=seed)
