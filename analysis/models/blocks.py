"""The linear model ``y ~ N(X beta, V + tau^2 P)`` worked study by study.

In every model the engine fits (network, pairwise, meta-regression, design-by-treatment interaction) the
covariance ``V + tau^2 P`` is block-diagonal by study: one block per study, of the size of its number of
contrasts (1 for a two-arm study). So every quantity a fit needs is a sum over studies of small per-study
terms:

- the GLS normal equations ``A = X'WX = sum_s X_s' W_s X_s`` and ``X'Wy``, with ``W_s = (V_s + tau^2 P_s)^-1``;
- the residual sum of squares ``Q = y'Ry = sum_s e_s' W_s e_s`` (``e = y - X beta``, ``R = W - WXA^-1X'W``);
- the REML score and information, through ``Ry = We`` and the traces
  ``tr(RP) = sum_s tr(W_s P_s) - tr(A^-1 C)`` and
  ``tr(RPRP) = sum_s tr(W_s P_s W_s P_s) - 2 tr(A^-1 D) + tr(A^-1 C A^-1 C)``, with
  ``C = sum_s X_s' W_s P_s W_s X_s`` and ``D = sum_s X_s' W_s P_s W_s P_s W_s X_s`` (p x p matrices).

Each study's block is padded to the size of the largest (an identity block of ``V``, zeros in ``P``, ``y`` and
``X``, which adds exact zeros to every sum) so that all studies are handled together by numpy's batched linear
algebra. The cost of a fit grows linearly with the number of studies; no matrix of the size of all contrasts is
ever formed (the largest are the stacked design, contrasts x parameters, and p x p sums).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class BlockModel:
    """``y`` and ``X`` stacked (one row per contrast), and the same data as one padded block per study."""

    y: np.ndarray  # (N,)
    X: np.ndarray  # (N, p)
    rows: np.ndarray  # (S, K) each block's rows in the stacked model; -1 where a block is padded
    V: np.ndarray  # (S, K, K) sampling covariance blocks (identity where padded)
    P: np.ndarray  # (S, K, K) heterogeneity structure blocks (zero where padded)

    @classmethod
    def from_blocks(cls, y, X, V_blocks, P_blocks) -> BlockModel:
        """``V_blocks`` and ``P_blocks``: one square block per study, in the order of the stacked rows."""
        y = np.asarray(y, dtype=float)
        X = np.asarray(X, dtype=float).reshape(len(y), -1)
        sizes = [len(v) for v in V_blocks]
        if sum(sizes) != len(y):
            raise ValueError(f"the blocks cover {sum(sizes)} rows; the model has {len(y)}")
        S, K = len(sizes), max(sizes, default=1)
        rows = np.full((S, K), -1)
        V = np.broadcast_to(np.eye(K), (S, K, K)).copy()
        P = np.zeros((S, K, K))
        at = 0
        for i, (k, v, p) in enumerate(zip(sizes, V_blocks, P_blocks)):
            rows[i, :k] = np.arange(at, at + k)
            V[i, :k, :k] = v
            P[i, :k, :k] = p
            at += k
        return cls(y=y, X=X, rows=rows, V=V, P=P)

    @classmethod
    def independent(cls, y, X, v, p=None) -> BlockModel:
        """Independent estimates (pairwise meta-analysis): ``V = diag(v)``, ``P = diag(p)`` (default ``I``)."""
        y = np.asarray(y, dtype=float)
        n = len(y)
        p = np.ones(n) if p is None else np.asarray(p, dtype=float)
        return cls(y=y, X=np.asarray(X, dtype=float).reshape(n, -1), rows=np.arange(n).reshape(n, 1),
                   V=np.asarray(v, dtype=float).reshape(n, 1, 1), P=p.reshape(n, 1, 1))

    def with_design(self, X) -> BlockModel:
        """The same data and covariance blocks with another design (one row per contrast)."""
        return BlockModel(y=self.y, X=np.asarray(X, dtype=float).reshape(len(self.y), -1), rows=self.rows,
                          V=self.V, P=self.P)

    def with_response(self, y) -> BlockModel:
        """The same design and covariance blocks with other estimates ``y`` (one per contrast)."""
        return BlockModel(y=np.asarray(y, dtype=float).reshape(len(self.y)), X=self.X, rows=self.rows,
                          V=self.V, P=self.P)

    @cached_property
    def _padded(self) -> np.ndarray:
        return self.rows >= 0

    @cached_property
    def blocks_y(self) -> np.ndarray:
        """``y`` as blocks, (S, K), zero where padded."""
        out = np.zeros(self.rows.shape)
        out[self._padded] = self.y[self.rows[self._padded]]
        return out

    @cached_property
    def blocks_X(self) -> np.ndarray:
        """``X`` as blocks, (S, K, p), zero where padded."""
        out = np.zeros((*self.rows.shape, self.n_par))
        out[self._padded] = self.X[self.rows[self._padded]]
        return out

    @property
    def n_rows(self) -> int:
        return self.X.shape[0]

    @property
    def n_par(self) -> int:
        return self.X.shape[1]

    @property
    def df(self) -> int:
        return self.n_rows - self.n_par

    def variances(self) -> np.ndarray:
        """The sampling variance of every contrast (the diagonal of ``V``), in the order of the stacked rows."""
        out = np.empty(self.n_rows)
        out[self.rows[self._padded]] = np.diagonal(self.V, axis1=1, axis2=2)[self._padded]
        return out

    def gls(self, tau2: float) -> GLS:
        """The generalised least-squares fit with the heterogeneity variance fixed at ``tau2``."""
        return self.common_effect if tau2 == 0 else GLS(self, float(tau2))

    @cached_property
    def common_effect(self) -> GLS:
        """The fit at ``tau2 = 0`` (Q, the DerSimonian-Laird moment), computed once per model."""
        return GLS(self, 0.0)


class GLS:
    """Generalised least squares at a fixed ``tau2``, study by study (see the module's docstring)."""

    def __init__(self, model: BlockModel, tau2: float):
        self.model, self.tau2 = model, tau2
        S = model.V + tau2 * model.P
        self._W = W = 1.0 / S if S.shape[1] == 1 else np.linalg.inv(S)  # two-arm studies only: scalars
        X, y = model.blocks_X, model.blocks_y
        self._WX = WX = W @ X
        flat_X, flat_WX = X.reshape(-1, model.n_par), WX.reshape(-1, model.n_par)
        self.A = flat_X.T @ flat_WX
        self.A_inv = np.linalg.inv(self.A)
        self.beta = self.A_inv @ (flat_WX.T @ y.ravel())
        self._e = y - X @ self.beta  # residuals (S, K)
        self._r = (W @ self._e[..., None])[..., 0]  # R y = W e

    @cached_property
    def q(self) -> float:
        """``y'Ry``: Cochran's generalised Q at ``tau2 = 0``; the weighted residual sum of squares otherwise."""
        return float(np.sum(self._e * self._r))

    def influence(self) -> np.ndarray:
        """The hat matrix of the estimates, ``A^-1 X'W``: parameters x contrasts."""
        H = np.zeros((self.model.n_par, self.model.n_rows))
        keep = self.model._padded
        H[:, self.model.rows[keep]] = self.A_inv @ self._WX[keep].T
        return H

    def trace_rp(self) -> float:
        """``tr(RP)``, the denominator of the generalised DerSimonian-Laird estimator at ``tau2 = 0``."""
        P, WX = self.model.P, self._WX
        C = _cross(WX, P @ WX)
        return float(np.einsum("sij,sji->", self._W, P)) - float(np.sum(self.A_inv * C))

    def reml_derivatives(self) -> tuple[float, float, float]:
        """The restricted log-likelihood's score in ``tau2``, its observed and its expected (Fisher) information:
        ``(y'RPRy - tr(RP)) / 2``, ``y'RPRPRy - tr(RPRP) / 2`` and ``tr(RPRP) / 2``."""
        P, W, WX, r = self.model.P, self._W, self._WX, self._r
        WP = W @ P
        u = (P @ r[..., None])[..., 0]  # P R y
        Wu = (W @ u[..., None])[..., 0]
        PWX = P @ WX
        C, D = _cross(WX, PWX), _cross(PWX, W @ PWX)
        g_u = WX.reshape(-1, WX.shape[-1]).T @ u.ravel()
        AiC = self.A_inv @ C
        trace_rp = float(np.einsum("sii->", WP)) - float(np.trace(AiC))
        trace_rprp = float(np.einsum("sij,sji->", WP, WP)) - 2 * float(np.sum(self.A_inv * D)) \
            + float(np.sum(AiC * AiC.T))
        yrprpry = float(np.sum(u * Wu)) - float(g_u @ self.A_inv @ g_u)
        return 0.5 * (float(np.sum(r * u)) - trace_rp), yrprpry - 0.5 * trace_rprp, 0.5 * trace_rprp


def _cross(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``sum_s A_s' B_s`` for stacks of (K x p) blocks: a p x p matrix."""
    p = A.shape[-1]
    return A.reshape(-1, p).T @ B.reshape(-1, p)


__all__ = ["BlockModel", "GLS"]
