"""Network meta-regression on a study-level covariate, and subgroup networks.

Network meta-regression extends the consistency model of
:mod:`analysis.models.network` with treatment-by-covariate interactions:

    y = X d + Z beta + delta + e

where the contrast "t versus b" of study s has interaction term
``beta_t x_s - beta_b x_s`` (``beta_reference = 0``):

- ``interaction="shared"`` (default; the usual assumption, NICE DSU TSD 3):
  one coefficient ``beta`` common to every treatment versus the reference, so
  the column of Z is ``x_s (1[t != ref] - 1[b != ref])``; a contrast of two
  non-reference treatments carries no interaction. The result depends on the
  choice of reference (usually placebo or standard care).
- ``interaction="treatment"``: one coefficient per non-reference treatment,
  ``Z = X * x_s``, with the omnibus Wald test that all are 0.

Treatment effects ``d`` are those at covariate value 0 (code a binary
covariate 0/1, or centre a continuous one beforehand). tau^2 is estimated by
REML under the regression model (or DL, or FE = 0). Tests are Wald z tests
(metafor's ``rma.mv(..., mods = cbind(X, Z), random = ~ comp | study,
struct = "CS", rho = 1/2)`` with its default ``test = "z"``).

Subgroup networks (:func:`subgroup_networks`) fit one network per level of a
categorical covariate and compare each treatment's effect versus the
reference between levels: difference, SE sqrt(se_1^2 + se_2^2), z test
(independent subgroups, each with its own tau^2).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.effects.contrasts import StudyContrasts
from analysis.errors import AnalysisError, DataError, NetworkError
from analysis.models.distributions import chi2_sf, normal_sf, two_sided_critical
from analysis.models.network import NetworkData, NetworkFit, build_network, fit_network
from analysis.models.tau2 import estimate_tau2

INTERACTIONS = ("shared", "treatment")


@dataclass(frozen=True)
class NetworkRegressionFit:
    """A fitted network meta-regression."""

    measure: str
    method: str
    interaction: str
    reference: str
    treatments: tuple[str, ...]
    d: np.ndarray  # effect versus reference at covariate 0 (0 for the reference)
    d_cov: np.ndarray
    terms: tuple[str, ...]  # interaction term names: ("covariate",) or one per non-reference treatment
    beta: np.ndarray
    beta_cov: np.ndarray
    d_beta_cov: np.ndarray  # covariance of d (rows) with beta (columns)
    tau2: float
    n_studies: int
    n_contrasts: int
    level: float = 0.95
    data: NetworkData | None = field(default=None, repr=False, compare=False)

    @property
    def crit(self) -> float:
        return two_sided_critical(self.level)

    def interaction_frame(self) -> pd.DataFrame:
        """Each interaction coefficient: estimate, se, z, p, CI."""
        se = np.sqrt(np.diag(self.beta_cov))
        z = self.beta / se
        return pd.DataFrame({
            "term": list(self.terms), "estimate": self.beta, "se": se, "z": z,
            "p": 2 * normal_sf(np.abs(z)),
            "ci_low": self.beta - self.crit * se, "ci_high": self.beta + self.crit * se,
        })

    @property
    def qm(self) -> float:
        """Wald chi^2 of all interaction coefficients (omnibus test of effect modification)."""
        return float(self.beta @ np.linalg.solve(self.beta_cov, self.beta))

    @property
    def qm_df(self) -> int:
        return len(self.beta)

    @property
    def qm_p(self) -> float:
        return float(chi2_sf(self.qm, self.qm_df))

    def effect(self, t1: str, t2: str, x: float = 0.0) -> tuple[float, float]:
        """Estimate and SE of t1 versus t2 at covariate value ``x``."""
        for t in (t1, t2):
            if t not in self.treatments:
                raise NetworkError(f"treatment {t!r} is not in this network; expected one of: {', '.join(self.treatments)}")
        T = len(self.treatments)
        a = np.zeros(T + len(self.beta))
        i, j = self.treatments.index(t1), self.treatments.index(t2)
        a[i] += 1
        a[j] -= 1
        a[T:] = x * self._interaction_row(t1, t2)
        theta = np.concatenate([self.d, self.beta])
        cov = np.zeros((T + len(self.beta),) * 2)
        cov[:T, :T] = self.d_cov
        cov[T:, T:] = self.beta_cov
        cov[:T, T:] = self.d_beta_cov
        cov[T:, :T] = self.d_beta_cov.T
        return float(a @ theta), float(np.sqrt(max(a @ cov @ a, 0.0)))

    def _interaction_row(self, t1: str, t2: str) -> np.ndarray:
        params = [t for t in self.treatments if t != self.reference]
        x = np.array([float(t == t1) - float(t == t2) for t in params])
        return np.array([x.sum()]) if self.interaction == "shared" else x


def _covariate_vector(net: NetworkData, covariate: dict) -> np.ndarray:
    missing = sorted({s for s in net.row_study if s not in covariate})
    if missing:
        raise DataError(f"covariate has no value for study(ies): {', '.join(missing)}; give one value per study")
    values = []
    for s in net.row_study:
        v = covariate[s]
        try:
            v = float(v)
        except (TypeError, ValueError):
            raise DataError(
                f"covariate value {v!r} of study {s} is not a number; code a binary covariate as 0/1 "
                "(or use subgroup_networks for a categorical one)"
            ) from None
        if not np.isfinite(v):
            raise DataError(f"covariate value of study {s} is {v!r}; expected a finite number")
        values.append(v)
    return np.array(values)


def interaction_design(net: NetworkData, covariate: dict, interaction: str = "shared") -> tuple[np.ndarray, tuple[str, ...]]:
    """The interaction columns Z and their names."""
    if interaction not in INTERACTIONS:
        raise AnalysisError(f"interaction = {interaction!r}; expected one of {', '.join(INTERACTIONS)}")
    x = _covariate_vector(net, covariate)
    if interaction == "shared":
        return (net.X.sum(axis=1) * x)[:, None], ("covariate",)
    return net.X * x[:, None], tuple(f"covariate:{t}" for t in net.parameters)


def fit_network_regression(
    studies: list[StudyContrasts] | NetworkData,
    covariate: dict,
    measure: str,
    method: str = "REML",
    reference: str | None = None,
    interaction: str = "shared",
    level: float = 0.95,
) -> NetworkRegressionFit:
    """Fit the consistency model with treatment-by-covariate interaction(s)."""
    method = method.upper()
    if method not in ("REML", "DL", "FE"):
        raise AnalysisError(f"unknown method {method!r}; expected REML, DL or FE")
    net = studies if isinstance(studies, NetworkData) else build_network(list(studies), reference)
    if reference is not None and reference != net.reference:
        net = build_network(list(net.studies), reference)
    Z, terms = interaction_design(net, covariate, interaction)
    XZ = np.hstack([net.X, Z])
    n_rows, n_par = XZ.shape
    if np.linalg.matrix_rank(XZ) < n_par:
        raise AnalysisError(
            "the interaction is not estimable: the covariate does not vary within the comparisons that "
            "inform it (for a shared interaction, studies against the reference need both covariate values)"
        )
    if method != "FE" and n_rows <= n_par:
        raise AnalysisError(
            f"heterogeneity cannot be estimated: {n_rows} contrast(s) for {n_par} coefficient(s); use the "
            "common-effect model (method common)"
        )
    model = net.model.with_design(XZ)
    tau2 = estimate_tau2(method, model)
    gls = model.gls(tau2)
    cov_all, coef = gls.A_inv, gls.beta
    T = len(net.treatments)
    p = net.X.shape[1]
    keep = [i for i, t in enumerate(net.treatments) if t != net.reference]
    d = np.zeros(T)
    d[keep] = coef[:p]
    d_cov = np.zeros((T, T))
    d_cov[np.ix_(keep, keep)] = cov_all[:p, :p]
    cross = np.zeros((T, len(terms)))
    cross[keep] = cov_all[:p, p:]
    return NetworkRegressionFit(
        measure=measure, method=method, interaction=interaction, reference=net.reference,
        treatments=net.treatments, d=d, d_cov=d_cov, terms=terms, beta=coef[p:], beta_cov=cov_all[p:, p:],
        d_beta_cov=cross, tau2=float(tau2), n_studies=len(net.studies), n_contrasts=n_rows, level=level,
        data=net,
    )


@dataclass(frozen=True)
class SubgroupNetworks:
    """One network per covariate level and the test of interaction between levels."""

    fits: dict[str, NetworkFit]
    interaction: pd.DataFrame  # treatment, level, reference_level, difference, se, z, p, ci_low, ci_high
    not_estimable: tuple[tuple[str, str], ...]  # (treatment, level) without an effect in that level


def subgroup_networks(
    studies: list[StudyContrasts],
    covariate: dict,
    measure: str,
    reference: str,
    method: str = "REML",
    level: float = 0.95,
) -> SubgroupNetworks:
    """Fit a network per covariate level; compare each treatment vs ``reference`` against the first level.

    Levels are sorted (as strings); the first is the comparator level. A
    treatment that is not in the network of a level (or of the first level)
    has no test for that level and is listed in ``not_estimable``.
    """
    missing = sorted(s.study for s in studies if s.study not in covariate)
    if missing:
        raise DataError(f"covariate has no value for study(ies): {', '.join(missing)}; give one value per study")
    levels = sorted({str(covariate[s.study]) for s in studies})
    if len(levels) < 2:
        raise AnalysisError(f"the covariate has a single level ({', '.join(levels)}); subgroups need at least two")
    fits = {}
    for lv in levels:
        sub = [s for s in studies if str(covariate[s.study]) == lv]
        try:
            fits[lv] = fit_network(sub, measure, method=method, reference=reference, level=level)
        except AnalysisError as err:
            raise type(err)(f"subgroup {lv!r}: {err}") from None
    crit = two_sided_critical(level)
    base = fits[levels[0]]
    rows, skipped = [], []
    all_treatments = sorted({t for f in fits.values() for t in f.treatments} - {reference})
    for lv in levels[1:]:
        for t in all_treatments:
            if t not in fits[lv].treatments or t not in base.treatments:
                skipped.append((t, lv))
                continue
            e1, s1 = base.effect(t, reference)
            e2, s2 = fits[lv].effect(t, reference)
            diff, se = e2 - e1, float(np.hypot(s1, s2))
            z = diff / se
            rows.append((t, lv, levels[0], e2, s2, e1, s1, diff, se, z, float(2 * normal_sf(abs(z))),
                         diff - crit * se, diff + crit * se))
    frame = pd.DataFrame(rows, columns=["treatment", "level", "reference_level", "estimate", "se",
                                        "reference_estimate", "reference_se", "difference", "difference_se",
                                        "z", "p", "ci_low", "ci_high"])
    return SubgroupNetworks(fits=fits, interaction=frame, not_estimable=tuple(skipped))


__all__ = ["INTERACTIONS", "NetworkRegressionFit", "SubgroupNetworks", "fit_network_regression",
           "interaction_design", "subgroup_networks"]
