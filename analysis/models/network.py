"""Contrast-based network meta-analysis (consistency model).

Each study contributes the contrasts of its arms against its baseline arm
(:class:`analysis.effects.StudyContrasts`). The model is

    y = X d + delta + e,   e ~ N(0, V),   delta ~ N(0, tau^2 P)

with ``d`` the basic parameters (every treatment versus the reference), ``V``
block-diagonal within studies, and ``P`` the common-heterogeneity structure
(1 on the diagonal, 1/2 between contrasts of the same multi-arm study). The
fit works study by study (:mod:`analysis.models.blocks`): its cost grows
linearly with the number of studies. This is
metafor's ``rma.mv(yi, V, mods = X, random = ~ comp | study, rho = 1/2)`` and
netmeta's model. ``method``: "REML" (default), "DL" (generalised
DerSimonian-Laird, as netmeta), "PM" (Paule-Mandel: the tau^2 at which the
generalised Q equals its degrees of freedom, Jackson, White & Riley 2012), or
"FE" (common effect, tau^2 = 0).

``test``: "z" (default; normal-based intervals, as metafor's and netmeta's default) or
"knha" (Knapp-Hartung: the covariance scaled by ``s2 = Q(tau^2) / (k - p)``, the
generalised weighted residual sum of squares at the fitted tau^2 over its degrees of
freedom, not truncated at 1, and t on ``k - p`` df for CIs and prediction intervals;
the multivariate form of metafor's ``test = "knha"`` for ``rma.uni``). Node-splitting
keeps normal-based intervals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import permutations

import numpy as np
import pandas as pd

from analysis.effects.contrasts import StudyContrasts
from analysis.errors import AnalysisError, NetworkError
from analysis.models.blocks import BlockModel
from analysis.models.distributions import chi2_sf, normal_quantile, two_sided_critical
from analysis.models.tau2 import estimate_tau2, q_statistic

NETWORK_METHODS = ("REML", "DL", "PM", "FE")
NETWORK_TESTS = ("z", "knha")


@dataclass(frozen=True)
class NetworkData:
    """The stacked contrasts of a connected network, ready to fit."""

    studies: tuple[StudyContrasts, ...]
    treatments: tuple[str, ...]  # sorted
    reference: str
    model: BlockModel  # y, X (one column per non-reference treatment) and the per-study blocks of V and P
    row_study: tuple[str, ...]
    row_contrast: tuple[tuple[str, str], ...]  # (treatment, baseline) per row

    @property
    def y(self) -> np.ndarray:
        return self.model.y

    @property
    def X(self) -> np.ndarray:
        return self.model.X

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(t for t in self.treatments if t != self.reference)

    @property
    def designs(self) -> dict[str, list[int]]:
        """Design label -> indices of the studies with that design."""
        out: dict[str, list[int]] = {}
        for i, s in enumerate(self.studies):
            out.setdefault(s.design, []).append(i)
        return out


def components(studies) -> list[set[str]]:
    """Connected components of the network graph (treatments linked by a shared study)."""
    parent: dict[str, str] = {}

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for s in studies:
        for t in s.arms:
            parent.setdefault(t, t)
        for t in s.treatments:
            ra, rb = find(s.baseline), find(t)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, set[str]] = {}
    for t in parent:
        groups.setdefault(find(t), set()).add(t)
    return sorted(groups.values(), key=lambda g: sorted(g)[0])


def _studies_of(treatments: set[str], studies: list[StudyContrasts], at_most: int = 4) -> str:
    """'studies A (rows 2, 3), B (rows 4, 5)': the studies of one sub-network, with their input lines if known."""
    mine = [s for s in studies if s.baseline in treatments]
    named = [s.study + (f" (rows {', '.join(map(str, s.rows))})" if s.rows else "") for s in mine[:at_most]]
    more = f" and {len(mine) - at_most} more" if len(mine) > at_most else ""
    return f"{'study' if len(mine) == 1 else 'studies'} {', '.join(named)}{more}"


def build_network(studies: list[StudyContrasts], reference: str | None = None) -> NetworkData:
    """Stack study contrasts into a network; raises :class:`NetworkError` if it is not connected."""
    if not studies:
        raise NetworkError("the network has no studies; expected at least one study with two or more arms")
    studies = sorted(studies, key=lambda s: s.study)
    ids = [s.study for s in studies]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        raise NetworkError(f"study id(s) {', '.join(dup)} appear more than once")
    parts = components(studies)
    if len(parts) > 1:
        listing = "; ".join("{" + ", ".join(sorted(p)) + "}: " + _studies_of(p, studies) for p in parts)
        raise NetworkError(
            f"the network consists of {len(parts)} separate sub-networks: {listing}. "
            "Fit each sub-network on its own, or add studies that connect them"
        )
    treatments = tuple(sorted(parts[0]))
    if reference is None:
        reference = treatments[0]
    if reference not in treatments:
        raise NetworkError(
            f"reference treatment {reference!r} has no data in this network; "
            f"expected one of: {', '.join(treatments)}"
        )
    ys, Vs, Ps, row_study, row_contrast = [], [], [], [], []
    heterogeneity = {}  # number of contrasts -> P block: 1 on the diagonal, 1/2 between contrasts of one study
    for s in studies:
        k = len(s.treatments)
        if k not in heterogeneity:
            heterogeneity[k] = np.full((k, k), 0.5) + 0.5 * np.eye(k)
        ys.extend(s.y)
        Vs.append(s.V)
        Ps.append(heterogeneity[k])
        row_study += [s.study] * k
        row_contrast += [(t, s.baseline) for t in s.treatments]
    col = {t: i for i, t in enumerate(t for t in treatments if t != reference)}  # the columns of X
    plus = np.array([col.get(t, -1) for t, _ in row_contrast])
    minus = np.array([col.get(b, -1) for _, b in row_contrast])
    X = np.zeros((len(ys), len(treatments) - 1))
    at = np.arange(len(ys))
    X[at[plus >= 0], plus[plus >= 0]] += 1
    X[at[minus >= 0], minus[minus >= 0]] -= 1
    model = BlockModel.from_blocks(np.array(ys, dtype=float), X, Vs, Ps)
    return NetworkData(
        studies=tuple(studies), treatments=treatments, reference=reference, model=model,
        row_study=tuple(row_study), row_contrast=tuple(row_contrast),
    )


@dataclass(frozen=True)
class NetworkFit:
    """A fitted network: every treatment's effect versus the reference, with covariance."""

    measure: str
    method: str
    reference: str
    treatments: tuple[str, ...]
    d: np.ndarray  # effect versus reference, one per treatment (0 for the reference)
    cov: np.ndarray  # covariance of d (zero row/column for the reference)
    tau2: float
    q: float
    q_df: int
    n_studies: int
    n_contrasts: int
    level: float = 0.95
    data: NetworkData | None = field(default=None, repr=False, compare=False)
    test: str = "z"
    df: int | None = None  # the t distribution's degrees of freedom under Knapp-Hartung; None: normal

    @property
    def q_p(self) -> float | None:
        return float(chi2_sf(self.q, self.q_df)) if self.q_df > 0 else None

    @property
    def i2(self) -> float | None:
        """I^2 from Q (as netmeta): max(0, (Q - df) / Q), in percent."""
        if self.q_df <= 0:
            return None
        return 100 * max(0.0, (self.q - self.q_df) / self.q) if self.q > 0 else 0.0

    @property
    def i2_ci(self) -> tuple[float, float] | None:
        """The confidence interval of :attr:`i2` (percent), at the fit's level: :func:`i2_interval` of Q."""
        return i2_interval(self.q, self.q_df, self.level)

    def _index(self, t: str) -> int:
        try:
            return self.treatments.index(t)
        except ValueError:
            raise NetworkError(
                f"treatment {t!r} is not in this network; expected one of: {', '.join(self.treatments)}"
            ) from None

    def effect(self, t1: str, t2: str) -> tuple[float, float]:
        """Estimate and SE of t1 versus t2 (t1 minus t2 on the analysis scale)."""
        i, j = self._index(t1), self._index(t2)
        est = self.d[i] - self.d[j]
        var = self.cov[i, i] + self.cov[j, j] - 2 * self.cov[i, j]
        return float(est), float(np.sqrt(max(var, 0.0)))

    @cached_property
    def crit(self) -> float:
        """The CI's critical value: normal, or t on :attr:`df` under Knapp-Hartung."""
        return two_sided_critical(self.level, self.df)

    def effects_frame(self, reference: str | None = None) -> pd.DataFrame:
        """Every treatment versus ``reference`` (default: the fit's reference)."""
        ref = reference or self.reference
        self._index(ref)
        rows = []
        for t in self.treatments:
            if t == ref:
                continue
            est, se = self.effect(t, ref)
            rows.append((t, est, se, est - self.crit * se, est + self.crit * se))
        return pd.DataFrame(rows, columns=["treatment", "estimate", "se", "ci_low", "ci_high"])

    def prediction_interval(self, t1: str, t2: str, df: int | None = None) -> tuple[float, float]:
        """Where the effect of t1 versus t2 in a new study is expected: ``estimate +/- q sqrt(se^2 + tau^2)``,
        ``q`` the CI's quantile (``df`` None: normal, or t on the fit's df under Knapp-Hartung; the convention of
        :meth:`prediction_frame` and of the certainty rules by default) or that of t on ``df`` degrees of freedom."""
        est, se = self.effect(t1, t2)
        half = two_sided_critical(self.level, self.df if df is None else df) * float(np.sqrt(se**2 + self.tau2))
        return est - half, est + half

    def prediction_frame(self, reference: str | None = None) -> pd.DataFrame:
        """:meth:`effects_frame` with each estimate's prediction interval, where the effect of a new study is
        expected: ``estimate +/- z sqrt(se^2 + tau^2)`` (the network's common tau^2; normal quantile, the
        convention the certainty ratings use; equal to the CI for a common-effect fit)."""
        out = self.effects_frame(reference)
        half = self.crit * np.sqrt(out["se"] ** 2 + self.tau2)
        return out.assign(pi_low=out["estimate"] - half, pi_high=out["estimate"] + half)

    def league_frame(self) -> pd.DataFrame:
        """All ordered pairs: treat1 minus treat2."""
        rows = []
        for a, b in permutations(self.treatments, 2):
            est, se = self.effect(a, b)
            rows.append((a, b, est, se, est - self.crit * se, est + self.crit * se))
        return pd.DataFrame(rows, columns=["treat1", "treat2", "estimate", "se", "ci_low", "ci_high"])


def i2_interval(q: float, df: int, level: float = 0.95) -> tuple[float, float] | None:
    """Test-based confidence interval for I^2 = (H^2 - 1) / H^2, in percent, from H = sqrt(Q / df) (Higgins and
    Thompson 2002, appendix; as meta's ``isquared``, which netmeta reports beside its Q-based I^2): ln H is
    taken as normal with SE ``(ln Q - ln df) / (2 (sqrt(2Q) - sqrt(2k - 3)))`` when Q > k, and
    ``sqrt((1 - 1 / (3 (k - 2)^2)) / (2 (k - 2)))`` otherwise (k = df + 1), and H below 1 counts as 1. None
    when the SE is undefined (Q <= k = 2) or there is no df."""
    if df < 1:
        return None
    k = df + 1
    if q > k:
        se = 0.5 * (np.log(q) - np.log(df)) / (np.sqrt(2 * q) - np.sqrt(2 * k - 3))
    elif k > 2:
        se = np.sqrt(1 / (2 * (k - 2)) * (1 - 1 / (3 * (k - 2) ** 2)))
    else:
        return None
    z = float(normal_quantile(1 - (1 - level) / 2))
    centre = np.log(max(np.sqrt(q / df), 1.0))

    def i2_of(h: float) -> float:
        h = max(h, 1.0)
        return float(100 * (h * h - 1) / (h * h))

    return i2_of(np.exp(centre - z * se)), i2_of(np.exp(centre + z * se))


def fit_network(
    studies: list[StudyContrasts] | NetworkData,
    measure: str,
    method: str = "REML",
    reference: str | None = None,
    level: float = 0.95,
    tau2: float | None = None,
    test: str = "z",
) -> NetworkFit:
    """Fit the consistency model. ``tau2`` fixes the heterogeneity variance instead of estimating it; ``test``
    "knha" gives Knapp-Hartung intervals (module docstring)."""
    method, test = method.upper(), test.lower()
    if test not in NETWORK_TESTS:
        raise AnalysisError(f"unknown network test {test!r}; expected one of {', '.join(NETWORK_TESTS)}")
    if method in ("COMMON", "CE", "EE"):
        method = "FE"
    if method not in NETWORK_METHODS:
        raise AnalysisError(f"unknown network method {method!r}; expected one of {', '.join(NETWORK_METHODS)}")
    net = studies if isinstance(studies, NetworkData) else build_network(list(studies), reference)
    if reference is not None and reference != net.reference:
        net = build_network(list(net.studies), reference)
    if len(net.treatments) < 2:
        raise NetworkError("the network has fewer than two treatments")
    bad = np.flatnonzero(~np.isfinite(net.y) | ~(net.model.variances() > 0))
    if bad.size:
        raise NetworkError(
            f"study {net.row_study[bad[0]]} has a non-finite effect or a variance <= 0; "
            "every contrast needs a finite effect and a positive sampling variance"
        )
    n_rows, n_par = net.X.shape
    if tau2 is None:
        if method != "FE" and n_rows <= n_par:
            raise AnalysisError(
                f"heterogeneity cannot be estimated: {n_rows} contrast(s) for {n_par} treatment effect(s) "
                "(no study shares a comparison with another); use the common-effect model (`--method common`) or "
                "fix tau2"
            )
        tau2 = estimate_tau2(method, net.model)
    gls = net.model.gls(tau2)
    cov_par, beta = gls.A_inv, gls.beta
    df = None
    if test == "knha":
        df = n_rows - n_par
        if df < 1:
            raise AnalysisError(f"Knapp-Hartung needs more contrasts than treatment effects ({n_rows} for {n_par})")
        cov_par = cov_par * (gls.q / df)
    T = len(net.treatments)
    ref_i = net.treatments.index(net.reference)
    keep = [i for i in range(T) if i != ref_i]
    d = np.zeros(T)
    d[keep] = beta
    cov = np.zeros((T, T))
    cov[np.ix_(keep, keep)] = cov_par
    return NetworkFit(
        measure=measure, method=method, reference=net.reference, treatments=net.treatments,
        d=d, cov=cov, tau2=float(tau2), q=q_statistic(net.model),
        q_df=n_rows - n_par, n_studies=len(net.studies), n_contrasts=n_rows, level=level, data=net,
        test=test, df=df,
    )
