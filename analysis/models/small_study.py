"""Small-study effects in a network: comparison-adjusted funnel plot and Egger's test.

Comparison-adjusted funnel plot (Chaimani et al. 2013, PLoS One 8:e76654):
every pair of arms of every study gives one point. The pair is oriented by a
treatment ``order`` (treat1 is the one listed first, e.g. newer treatments
first and placebo last, so that every point is "active versus older"), and
its effect is centred at the pooled effect of that comparison:

- ``centre="network"`` (default): the network (consistency-model) estimate;
- ``centre="direct"``: the pooled direct estimate of the comparison (with the
  network's tau^2 for a random-effects fit), as netmeta's ``funnel.netmeta``.

The point's SE is the study's own SE of that contrast (a multi-arm study's
correlated pairs enter as separate points, as in Chaimani's ``netfunnel`` and
netmeta). Under no small-study effects the centred effects scatter
symmetrically around 0.

Egger's test (Egger et al. 1997): ordinary least squares (statsmodels' ``OLS``) of the standardized
effect ``y / se`` on the precision ``1 / se``; the intercept measures funnel
asymmetry, tested with t on n - 2 df. This equals metafor's
``regtest(yi, vi, model = "lm", predictor = "sei")`` (the classical weighted
regression of y on se: its slope is our intercept) and meta's
``metabias(method.bias = "Egger")``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS

from analysis.errors import AnalysisError, DataError
from analysis.models.distributions import t_sf
from analysis.models.network import NetworkFit
from analysis.models.nodesplit import node_split

CENTRES = ("network", "direct")


@dataclass(frozen=True)
class EggerTest:
    """Egger's regression test: intercept (asymmetry) with its t test; slope (the limit effect)."""

    n: int
    intercept: float
    intercept_se: float
    t: float
    df: int
    p: float
    slope: float
    slope_se: float

    def to_dict(self) -> dict:
        return asdict(self)


def egger_test(effects, se) -> EggerTest:
    """Egger's test on effects with their standard errors (no centring)."""
    y = np.asarray(effects, dtype=float)
    s = np.asarray(se, dtype=float)
    if y.ndim != 1 or y.shape != s.shape:
        raise DataError("effects and se must be vectors of the same length")
    bad = np.flatnonzero(~np.isfinite(y) | ~np.isfinite(s) | (s <= 0))
    if bad.size:
        i = int(bad[0])
        raise DataError(f"point {i + 1}: effect = {y[i]!r}, se = {s[i]!r}; expected a finite effect and se > 0")
    n = y.size
    if n < 3:
        raise AnalysisError(f"Egger's test needs at least 3 estimates; got {n}")
    X = np.column_stack([np.ones(n), 1 / s])
    z = y / s
    if np.linalg.matrix_rank(X) < 2:
        raise AnalysisError("Egger's test is undefined when every estimate has the same standard error")
    ols = OLS(z, X).fit()
    (b0, b1), (se0, se1) = (float(v) for v in ols.params), (float(v) for v in ols.bse)
    if se0 == 0:
        raise AnalysisError("Egger's regression fits the points exactly; the test is undefined")
    t = b0 / se0
    df = int(ols.df_resid)
    return EggerTest(n=n, intercept=b0, intercept_se=se0, t=t, df=df, p=float(2 * t_sf(abs(t), df)),
                     slope=b1, slope_se=se1)


def _check_order(fit: NetworkFit, order) -> list[str]:
    if order is None:
        return sorted(fit.treatments)
    order = list(order)
    missing = [t for t in fit.treatments if t not in order]
    unknown = [t for t in order if t not in fit.treatments]
    if missing or unknown or len(set(order)) != len(order):
        raise AnalysisError(
            "order must list every treatment of the network once "
            f"(missing: {', '.join(missing) or 'none'}; unknown: {', '.join(unknown) or 'none'})"
        )
    return order


def comparison_adjusted(fit: NetworkFit, order=None, centre: str = "network") -> pd.DataFrame:
    """Comparison-adjusted funnel-plot data: one row per pair of arms of each study.

    Columns: study, treat1, treat2 (treat1 listed first in ``order``), estimate
    (the study's treat1 - treat2), se, centre (the pooled effect it is centred
    at), adjusted (estimate - centre). Rows are sorted by comparison (in the
    order of ``order``), then study.
    """
    if centre not in CENTRES:
        raise AnalysisError(f"centre = {centre!r}; expected one of {', '.join(CENTRES)}")
    if fit.data is None:
        raise AnalysisError("the fit carries no data; fit the network with fit_network")
    order = _check_order(fit, order)
    pos = {t: i for i, t in enumerate(order)}
    direct = {}
    if centre == "direct":
        direct = {(r.treat1, r.treat2): r.direct for r in node_split(fit).itertuples()}
    rows = []
    for s in fit.data.studies:
        for a, b, eff, var in s.pairs():  # a < b alphabetically, eff = a - b
            if pos[a] > pos[b]:
                a, b, eff = b, a, -eff
            if centre == "network":
                c = fit.effect(a, b)[0]
            else:
                c = direct[(a, b)] if (a, b) in direct else -direct[(b, a)]
            rows.append((pos[a], pos[b], s.study, a, b, eff, float(np.sqrt(var)), c, eff - c))
    out = pd.DataFrame(rows, columns=["p1", "p2", "study", "treat1", "treat2", "estimate", "se", "centre",
                                      "adjusted"])
    return out.sort_values(["p1", "p2", "study"], ignore_index=True).drop(columns=["p1", "p2"])


def small_study_test(fit: NetworkFit, order=None, centre: str = "network") -> EggerTest:
    """Egger's test on the comparison-adjusted data (asymmetry of the comparison-adjusted funnel)."""
    data = comparison_adjusted(fit, order, centre)
    return egger_test(data["adjusted"], data["se"])


__all__ = ["CENTRES", "EggerTest", "comparison_adjusted", "egger_test", "small_study_test"]
