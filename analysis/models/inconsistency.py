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

from analysis.models.distributions import chi2_sf
from analysis.models.network import NetworkData
from analysis.models.tau2 import tau2_dl


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
    return float(chi2_sf(q, df)) if df > 0 else None


class WithinDesigns:
    """The design-by-treatment interaction model, in which every design has its own treatment effects.

    Its parameters are disjoint between designs and each study's design matrix is the identity on its design's
    effects, so its GLS fit is a weighted mean per design, ``beta_d = (sum_s W_s)^-1 sum_s W_s y_s`` over the
    studies of design ``d``, and its ``tr(RP) = sum_s tr(W_s P_s) - sum_d tr(A_d^-1 sum_s W_s P_s W_s)``: sums of
    per-study blocks, with no design matrix formed (it would have one column per design and contrast). It offers
    what :func:`analysis.models.tau2.tau2_dl` reads of a model: ``df`` and ``gls(tau2)``.
    """

    def __init__(self, net: NetworkData):
        self.model = net.model
        ids: dict[str, int] = {}
        self.design = np.array([ids.setdefault(s.design, len(ids)) for s in net.studies])  # per study (block)
        self.n_designs = len(ids)
        effects = {s.design: len(s.treatments) for s in net.studies}  # each design's own effects
        self.df = self.model.n_rows - sum(effects.values())

    def gls(self, tau2: float) -> _DesignMeans:
        return _DesignMeans(self, float(tau2))


class _DesignMeans:
    def __init__(self, within: WithinDesigns, tau2: float):
        m, design = within.model, within.design
        S = m.V + tau2 * m.P
        self._W = W = 1.0 / S if S.shape[1] == 1 else np.linalg.inv(S)
        self._P, self._design = m.P, design
        y = m.blocks_y
        A = np.zeros((within.n_designs, *W.shape[1:]))  # padded rows of a design's block carry 1s: invertible
        np.add.at(A, design, W)
        b = np.zeros((within.n_designs, W.shape[1]))
        np.add.at(b, design, (W @ y[..., None])[..., 0])
        self._A_inv = np.linalg.inv(A)
        e = y - (self._A_inv @ b[..., None])[design, :, 0]
        self.q = float(np.sum(e * (W @ e[..., None])[..., 0]))

    def trace_rp(self) -> float:
        W, P = self._W, self._P
        C = np.zeros_like(self._A_inv)
        np.add.at(C, self._design, W @ P @ W)
        return float(np.einsum("sij,sji->", W, P)) - float(np.einsum("dij,dji->", self._A_inv, C))


def decompose_q(net: NetworkData) -> QDecomposition:
    """Q total, within designs and between designs, and the design-by-treatment test."""
    consistency = net.model
    interaction = WithinDesigns(net)
    df_total, df_within = consistency.df, interaction.df
    q_total = consistency.gls(0.0).q
    q_within = interaction.gls(0.0).q
    tau2_w = tau2_dl(interaction) if df_within > 0 else 0.0
    q_between_random = consistency.gls(tau2_w).q - interaction.gls(tau2_w).q
    df_between = df_total - df_within
    return QDecomposition(
        q_total=q_total, df_total=df_total, q_within=q_within, df_within=df_within,
        q_between=q_total - q_within, df_between=df_between, tau2_within=float(tau2_w),
        q_between_random=float(q_between_random),
        design_by_treatment_p=_p(q_between_random, df_between),
    )


__all__ = ["QDecomposition", "WithinDesigns", "decompose_q"]
