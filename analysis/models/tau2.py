"""Estimators of the between-study variance tau^2 for a linear model.

One model serves both the pairwise case (X a column of ones, V diagonal) and
the network case (X the treatment design, V block-diagonal, P the
within-study correlation of the random effects):

    y ~ N(X beta, V + tau^2 P)

Each estimator returns tau^2 >= 0 at full precision (iterations converge to
1e-12 or better) so that results match a reference run with tight tolerances.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from analysis.errors import AnalysisError, NetworkError

TAU2_METHODS = ("REML", "DL", "PM", "FE")
_TOL = 1e-13
_MAXITER = 10_000


def _solve(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    return np.linalg.solve(A, B)


def projection(y: np.ndarray, X: np.ndarray, V: np.ndarray, P: np.ndarray, tau2: float):
    """W = (V + tau2 P)^-1 and the residual-forming matrix R = W - W X (X'WX)^-1 X'W."""
    W = np.linalg.inv(V + tau2 * P)
    WX = W @ X
    XtWX = X.T @ WX
    R = W - WX @ _solve(XtWX, WX.T)
    return W, R


def q_statistic(y: np.ndarray, X: np.ndarray, V: np.ndarray) -> float:
    """Generalised Cochran's Q: residual sum of squares of the common-effect fit."""
    _, R = projection(y, X, V, np.zeros_like(V), 0.0)
    return float(y @ R @ y)


def tau2_dl(y, X, V, P) -> float:
    """DerSimonian-Laird method of moments, generalised (Jackson, White & Riley 2012)."""
    _, R0 = projection(y, X, V, P, 0.0)
    q = float(y @ R0 @ y)
    df = X.shape[0] - X.shape[1]
    denom = float(np.trace(R0 @ P))
    if denom <= 0:
        return 0.0
    return max(0.0, (q - df) / denom)


def tau2_reml(y, X, V, P) -> float:
    """Restricted maximum likelihood by Fisher scoring with step halving (as metafor)."""
    tau2 = tau2_dl(y, X, V, P)

    def restricted_loglik(t2):
        S = V + t2 * P
        W = np.linalg.inv(S)
        XtWX = X.T @ W @ X
        _, R = projection(y, X, V, P, t2)
        return -0.5 * (np.linalg.slogdet(S)[1] + np.linalg.slogdet(XtWX)[1] + float(y @ R @ y))

    ll = restricted_loglik(tau2)
    for _ in range(_MAXITER):
        _, R = projection(y, X, V, P, tau2)
        RP = R @ P
        score = 0.5 * (float(y @ RP @ R @ y) - float(np.trace(RP)))
        info = 0.5 * float(np.sum(RP * RP.T))
        if info <= 0:
            raise NetworkError(f"REML estimation of tau^2 failed: the restricted likelihood carries no information "
                               f"on tau^2 (Fisher information {info:.3g} at tau^2 = {tau2:.4g}); use method DL or FE, "
                               "or fix tau2")
        step = score / info
        new = max(0.0, tau2 + step)
        new_ll = restricted_loglik(new)
        halvings = 0
        while new_ll < ll - 1e-14 * max(1.0, abs(ll)) and halvings < 60:
            step /= 2
            new = max(0.0, tau2 + step)
            new_ll = restricted_loglik(new)
            halvings += 1
        if abs(new - tau2) <= _TOL * max(1.0, tau2):
            tau2, ll = new, new_ll
            break
        tau2, ll = new, new_ll
    else:  # pragma: no cover - the likelihood is smooth and concave near the optimum
        raise AnalysisError("REML estimation of tau^2 did not converge; try method DL")
    return tau2


def tau2_pm(y, X, V, P) -> float:
    """Paule-Mandel: tau^2 at which the generalised Q equals its degrees of freedom."""
    df = X.shape[0] - X.shape[1]

    def excess(t2):
        _, R = projection(y, X, V, P, t2)
        return float(y @ R @ y) - df

    if excess(0.0) <= 0:
        return 0.0
    hi = max(1.0, tau2_dl(y, X, V, P))
    while excess(hi) > 0:
        hi *= 4
    return brentq(excess, 0.0, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=1000)


def estimate_tau2(method: str, y, X, V, P) -> float:
    method = method.upper()
    if method == "FE":
        return 0.0
    if X.shape[0] <= X.shape[1]:
        raise AnalysisError(
            f"tau^2 cannot be estimated with {X.shape[0]} estimate(s) for {X.shape[1]} parameter(s); "
            "use the common-effect model (method FE) or add studies"
        )
    if method == "DL":
        return tau2_dl(y, X, V, P)
    if method == "REML":
        return tau2_reml(y, X, V, P)
    if method == "PM":
        return tau2_pm(y, X, V, P)
    raise AnalysisError(f"unknown tau^2 method {method!r}; expected one of {', '.join(TAU2_METHODS)}")
