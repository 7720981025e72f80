"""Heterogeneity and inconsistency of a network: Q decomposition and the design-by-treatment test.

Q of the consistency model splits into the heterogeneity within designs (the
studies that compare the same set of treatments) and the inconsistency between
designs (Krahn, Binder & König 2013; netmeta's ``decomp.design``):

- ``q_within``: Q of the full design-by-treatment interaction model, in which
  every design has its own treatment effects;
- ``q_between = q_total - q_within`` on ``df_total - df_within`` df, the
  common-effect design-by-treatment interaction test;
- the random-effects version of the same test (Higgins et al. 2012) uses
  weights ``(V + tau_w^2 P)^-1`` with ``tau_w^2`` the DerSimonian-Laird
  estimate under the interaction model, as netmeta's ``Q.inc.random``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

from analysis.models.network import NetworkData
from analysis.models.tau2 import projection, tau2_dl


@dataclass(frozen=True)
class QDecomposition:
    q_total: float
    df_total: int
    q_within: float
    df_within: int
    q_between: float
    df_between: int
    tau2_within: float  # DL estimate under the design-by-treatment interaction model
    q_between_random: float
    design_by_treatment_p: float | None  # random-effects test (netmeta's Q.inc.random)

    @property
    def q_total_p(self):
        return _p(self.q_total, self.df_total)

    @property
    def q_within_p(self):
        return _p(self.q_within, self.df_within)

    @property
    def q_between_p(self):
        return _p(self.q_between, self.df_between)

    def to_dict(self) -> dict:
        out = asdict(self)
        out.update(q_total_p=self.q_total_p, q_within_p=self.q_within_p, q_between_p=self.q_between_p)
        return out


def _p(q: float, df: int) -> float | None:
    return float(stats.chi2.sf(q, df)) if df > 0 else None


def interaction_design(net: NetworkData) -> np.ndarray:
    """Design matrix of the design-by-treatment interaction model: own effects per design."""
    blocks = []
    design_cols: dict[str, int] = {}
    ncols = 0
    col_of: list[np.ndarray] = []
    for s in net.studies:
        k = len(s.treatments)
        if s.design not in design_cols:
            design_cols[s.design] = ncols
            ncols += k
        col_of.append(np.arange(design_cols[s.design], design_cols[s.design] + k))
    for s, cols in zip(net.studies, col_of):
        block = np.zeros((len(s.treatments), ncols))
        block[np.arange(len(s.treatments)), cols] = 1
        blocks.append(block)
    return np.vstack(blocks)


def _q(y, X, V, P, tau2) -> float:
    _, R = projection(y, X, V, P, tau2)
    return float(y @ R @ y)


def decompose_q(net: NetworkData) -> QDecomposition:
    """Q total, within designs and between designs, and the design-by-treatment test."""
    y, V, P = net.y, net.V, net.P
    Xi = interaction_design(net)
    df_total = net.X.shape[0] - net.X.shape[1]
    df_within = Xi.shape[0] - Xi.shape[1]
    q_total = _q(y, net.X, V, P, 0.0)
    q_within = _q(y, Xi, V, P, 0.0)
    tau2_w = tau2_dl(y, Xi, V, P) if df_within > 0 else 0.0
    q_between_random = _q(y, net.X, V, P, tau2_w) - _q(y, Xi, V, P, tau2_w)
    df_between = df_total - df_within
    return QDecomposition(
        q_total=q_total, df_total=df_total, q_within=q_within, df_within=df_within,
        q_between=q_total - q_within, df_between=df_between, tau2_within=float(tau2_w),
        q_between_random=float(q_between_random),
        design_by_treatment_p=_p(q_between_random, df_between),
    )


__all__ = ["QDecomposition", "decompose_q", "interaction_design"]
