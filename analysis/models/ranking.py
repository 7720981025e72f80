"""P-scores (Rücker & Schwarzer 2015): a frequentist analogue of SUCRA.

The P-score of treatment i is the mean, over every other treatment j, of the
one-sided probability that i is better than j: Phi((d_j - d_i) / se_ij) when
smaller values are better, Phi((d_i - d_j) / se_ij) when larger values are.
"""

from __future__ import annotations

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
