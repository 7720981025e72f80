"""Contribution of each study to each network estimate (the CINeMA contribution matrix).

The algorithm is that of netmeta's ``netcontrib(study = TRUE)`` (netmeta 3.3-1),
written from its description (Papakonstantinou et al. 2018, F1000Research;
Davies et al. 2022, Stat Med):

1. Aggregate the network into its direct comparisons (edges). Each study's
   arms enter through its Laplacian ``L_s = C' (V_s + tau^2 P_s)^-1 C`` (C maps
   arm effects to the study's contrasts); ``-L_s[a, b]`` is the study's
   adjusted inverse variance for the pair (a, b) (Rücker's multi-arm
   adjustment; for a two-arm study simply ``1 / (v + tau^2)``). An edge's
   weight is the sum over its studies.
2. The aggregate hat matrix ``H = B_full L^+ B' W`` (``L = B' W B``) gives, for
   every pair of treatments (row), the flow of evidence through each edge.
3. Each row is split into streams from treat1 to treat2:
   - ``"shortestpath"`` (default): repeatedly take the shortest path (fewest
     edges; ties broken as igraph's breadth-first search does, so the result
     is netmeta's), give it the smallest flow on it, subtract, drop the
     exhausted edges;
   - ``"randomwalk"``: a walker moves along positive flow with probability
     proportional to it; a path's flow is its probability.
   An edge's contribution is the sum over streams through it of flow / path length.
4. An edge's contribution is shared among its studies in proportion to their
   weights ``1 / (se_adj^2 + tau^2)`` with ``se_adj`` the common-effect
   adjusted SE, exactly as netmeta's ``getStudyContribution``.

Cost: steps 1 and 4 are sums over studies and steps 2 and 3 work on the aggregate network (treatments and
direct comparisons), so no matrix of all contrasts is formed. What grows with the studies is the share of each
edge per study (edges x studies) and the result (pairs x studies rows): memory and time linear in the number of
studies (about 17 MB and 1.4 s for 2,000 studies of 10 treatments, benchmarks/bench_scale.py's networks).

With ``fit.method == "FE"`` tau^2 is 0 (netmeta's common-effects matrix);
otherwise the fit's tau^2 is used (netmeta's random-effects matrix).
Treatments are ordered as ``treatment_order`` (default: sorted, as netmeta
sorts them in the C locale); a pair (treat1, treat2) has treat1 first.
"""

from __future__ import annotations

from collections import deque
from itertools import combinations

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.models.network import NetworkFit

CONTRIBUTION_METHODS = ("shortestpath", "randomwalk")
_ZERO = 10 * np.finfo(float).eps  # netmeta's is_zero()


def study_pair_weights(study, tau2: float) -> dict[tuple[str, str], float]:
    """Adjusted inverse variance of every pair of a study's arms: ``-L_s[a, b]``."""
    k = len(study.treatments)
    C = np.hstack([-np.ones((k, 1)), np.eye(k)])
    P = np.full((k, k), 0.5) + 0.5 * np.eye(k)
    L = C.T @ np.linalg.solve(np.asarray(study.V, dtype=float) + tau2 * P, C)
    arms = study.arms
    return {(a, b): -L[i, j] for (i, a), (j, b) in combinations(enumerate(arms), 2)}


def _edges(fit: NetworkFit, order: list[str]):
    """Direct comparisons (i < j by position) with per-study weights (random and common)."""
    pos = {t: i for i, t in enumerate(order)}
    edges: dict[tuple[int, int], list[tuple[str, float, float]]] = {}
    for s in fit.data.studies:
        w_r = study_pair_weights(s, fit.tau2)
        w_c = study_pair_weights(s, 0.0) if fit.tau2 > 0 else w_r
        for (a, b), w in w_r.items():
            i, j = sorted((pos[a], pos[b]))
            edges.setdefault((i, j), []).append((s.study, w, w_c[(a, b)]))
    return dict(sorted(edges.items()))


def hat_matrix(fit: NetworkFit, order: list[str]):
    """Aggregate hat matrix (rows: all pairs i < j; columns: direct comparisons) and the edges."""
    edges = _edges(fit, order)
    n = len(order)
    keys = list(edges)
    B = np.zeros((len(keys), n))
    for r, (i, j) in enumerate(keys):
        B[r, i], B[r, j] = 1, -1
    W = np.diag([sum(w for _, w, _ in edges[e]) for e in keys])
    L = B.T @ W @ B
    J = np.full((n, n), 1 / n)
    L_plus = np.linalg.inv(L + J) - J
    pairs = list(combinations(range(n), 2))
    B_full = np.zeros((len(pairs), n))
    for r, (i, j) in enumerate(pairs):
        B_full[r, i], B_full[r, j] = 1, -1
    return B_full @ L_plus @ B.T @ W, pairs, keys, edges


def _bfs_path(alive, oriented, vid, source: int, target: int):
    """Edge indices of the shortest source -> target path, ties broken as igraph does."""
    out: dict[int, list[int]] = {}
    for e in alive:
        out.setdefault(oriented[e][0], []).append(e)
    for u in out:
        out[u].sort(key=lambda e: (vid[oriented[e][1]], e))
    parent: dict[int, int] = {}
    seen, queue = {source}, deque([source])
    while queue and target not in seen:
        u = queue.popleft()
        for e in out.get(u, []):
            v = oriented[e][1]
            if v not in seen:
                seen.add(v)
                parent[v] = e
                queue.append(v)
    if target not in seen:
        return []
    path, v = [], target
    while v != source:
        e = parent[v]
        path.append(e)
        v = oriented[e][0]
    return path[::-1]


def _shortest_path_row(h, keys, source, target):
    oriented = [(i, j) if x > 0 else (j, i) for (i, j), x in zip(keys, h)]
    vid: dict[int, int] = {}
    for u, v in oriented:
        vid.setdefault(u, len(vid))
        vid.setdefault(v, len(vid))
    flow = list(np.abs(h))
    weight = np.zeros(len(keys))
    alive = list(range(len(keys)))
    while path := _bfs_path(alive, oriented, vid, source, target):
        f = min(flow[e] for e in path)
        for e in path:
            flow[e] -= f
            weight[e] += f / len(path)
        gone = {e for e in path if flow[e] == 0}
        alive = [e for e in alive if e not in gone]
    return weight


def _random_walk_row(h, keys, n, source, target):
    """Davies et al. (2022): expected flow / path length per edge, by dynamic programming."""
    Q = np.zeros((n, n))
    for (i, j), x in zip(keys, h):
        Q[i, j], Q[j, i] = x, -x
    Q[Q <= 0] = 0
    rs = Q.sum(axis=1)
    P = np.divide(Q, rs[:, None], out=np.zeros_like(Q), where=rs[:, None] > 0)
    P[target, :] = 0
    P[np.abs(P) < 1000 * np.finfo(float).eps] = 0
    # forward[l, v]: probability of paths source -> v of length l; backward[m, v]: v -> target
    fwd = np.zeros((n, n))
    bwd = np.zeros((n, n))
    fwd[0, source] = 1
    bwd[0, target] = 1
    for step in range(1, n):
        fwd[step] = fwd[step - 1] @ P
        bwd[step] = P @ bwd[step - 1]
    if np.any(fwd[n - 1] @ P != 0):  # a path with n edges must revisit a treatment
        raise AnalysisError("the evidence flow has a cycle; the random-walk contributions are undefined")
    weight = np.zeros(len(keys))
    lengths = np.arange(n)
    inv_len = 1 / (lengths[:, None] + lengths[None, :] + 1)
    for e, (i, j) in enumerate(keys):
        u, v = (i, j) if P[i, j] > 0 else (j, i)
        if P[u, v] > 0:
            weight[e] = P[u, v] * float(fwd[:, u] @ inv_len @ bwd[:, v])
    return weight


def comparison_contributions(fit: NetworkFit, method: str = "shortestpath", treatment_order=None,
                             against: str | None = None):
    """Proportion (0-1) contributed by each direct comparison to each pair: (pairs, edges, matrix).
    With ``against`` a treatment, only the pairs that include it (the other rows are not computed)."""
    method = method.lower()
    if method not in CONTRIBUTION_METHODS:
        raise AnalysisError(f"unknown contribution method {method!r}; expected one of {', '.join(CONTRIBUTION_METHODS)}")
    if fit.data is None:
        raise AnalysisError("the fit carries no data; fit the network with fit_network to get contributions")
    order = list(treatment_order) if treatment_order is not None else sorted(fit.treatments)
    if sorted(order) != sorted(fit.treatments):
        raise AnalysisError(
            f"treatment_order must list each of the network's treatments once: {', '.join(sorted(fit.treatments))}"
        )
    if against is not None and against not in order:
        raise AnalysisError(f"treatment {against!r} is not in this network; expected one of: {', '.join(order)}")
    H, pairs, keys, edges = hat_matrix(fit, order)
    if against is not None:
        keep = [r for r, (i, j) in enumerate(pairs) if against in (order[i], order[j])]
        H, pairs = H[keep], [pairs[r] for r in keep]
    M = np.zeros_like(H)
    for r, (i, j) in enumerate(pairs):
        if method == "shortestpath":
            M[r] = _shortest_path_row(H[r], keys, i, j)
        else:
            M[r] = _random_walk_row(H[r], keys, len(order), i, j)
    M[np.abs(M) < _ZERO] = 0
    return pairs, keys, edges, M, order


def contribution_matrix(fit: NetworkFit, method: str = "shortestpath", treatment_order=None,
                        against: str | None = None) -> pd.DataFrame:
    """Percentage contribution of every study to every pair's network estimate (with ``against`` a
    treatment, to the pairs that include it only).

    One row per (treat1, treat2, study) -- every study appears for every pair,
    with 0 where it contributes nothing; contributions sum to 100 per pair.
    """
    pairs, keys, edges, M, order = comparison_contributions(fit, method, treatment_order, against)
    tau2 = fit.tau2
    studies = sorted(s.study for s in fit.data.studies)
    col = {s: c for c, s in enumerate(studies)}
    share = np.zeros((len(keys), len(studies)))
    for e, key in enumerate(keys):
        w = np.array([1 / (1 / w_c + tau2) for _, _, w_c in edges[key]])
        for (study, _, _), x in zip(edges[key], w / w.sum()):
            share[e, col[study]] += x
    S = 100 * M @ share
    rows = [(order[i], order[j], study, float(S[r, c]))
            for r, (i, j) in enumerate(pairs) for c, study in enumerate(studies)]
    return pd.DataFrame(rows, columns=["treat1", "treat2", "study", "contribution"])


__all__ = ["CONTRIBUTION_METHODS", "comparison_contributions", "contribution_matrix", "hat_matrix",
           "study_pair_weights"]
