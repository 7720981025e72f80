"""Effect measures for two arms of one study, on the analysis scale.

Conventions (those of metafor's ``escalc`` with its defaults, which the tests
check against): the effect is *treatment minus control* -- a difference in means
(MD), Hedges' g (SMD), or a log odds ratio (OR), log risk ratio (RR) or risk
difference (RD) of treatment versus control. Ratio measures stay on the log scale.

Zero cells (binary measures): when any arm of a study has no events or only
events, 1/2 is added to the events and to the non-events of *every* arm of that
study (metafor's ``add=1/2, to="only0"``, applied per study so that a multi-arm
study is corrected as a whole, as netmeta does).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from analysis.errors import DataError

MEASURES = ("MD", "SMD", "OR", "RR", "RD")
RATIO_MEASURES = ("OR", "RR")
CONTINUOUS_MEASURES = ("MD", "SMD")
BINARY_MEASURES = ("OR", "RR", "RD")
ZERO_CELL_INCREMENT = 0.5
# No randomised arm enrols a million patients: a larger n is a typing error (and would swamp every other study)
MAX_ARM_PATIENTS = 1_000_000
# Two arms of one trial measured on one scale: SDs a thousand-fold apart mean a typing error (a misplaced
# decimal point or a value copied from the wrong column), not a trial
MAX_SD_RATIO = 1000


@dataclass(frozen=True)
class Arm:
    """One arm's summary data: ``n`` plus ``mean`` and ``sd`` or ``events``."""

    treatment: str
    n: float
    mean: float | None = None
    sd: float | None = None
    events: float | None = None


def check_measure(measure: str) -> str:
    m = str(measure).upper()
    if m not in MEASURES:
        raise DataError(f"unknown effect measure {measure!r}; expected one of {', '.join(MEASURES)}")
    return m


def hedges_correction(df: np.ndarray | float) -> np.ndarray | float:
    """Exact small-sample correction J(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2))."""
    m = np.asarray(df, dtype=float)
    return np.exp(gammaln(m / 2) - 0.5 * np.log(m / 2) - gammaln((m - 1) / 2))


def validate_arm(arm: Arm, measure: str, where: str) -> None:
    """Raise a :class:`DataError` naming ``where`` when an arm cannot be used."""
    if not np.isfinite(arm.n) or arm.n <= 0 or arm.n > MAX_ARM_PATIENTS:
        raise DataError(f"{where}: n = {arm.n:g}; expected a number of patients > 0 and at most {MAX_ARM_PATIENTS:,}")
    if arm.n != int(arm.n):
        raise DataError(f"{where}: n = {arm.n:g}; expected a whole number of patients")
    if measure in CONTINUOUS_MEASURES:
        if arm.mean is None or not np.isfinite(arm.mean):
            raise DataError(f"{where}: mean = {arm.mean!r}; expected a finite number for measure {measure}")
        if arm.sd is None or not np.isfinite(arm.sd * arm.sd) or arm.sd * arm.sd <= 0:  # squares stay finite, > 0
            raise DataError(f"{where}: sd = {arm.sd!r}; expected a standard deviation > 0 whose square is a finite "
                            f"number > 0, for measure {measure}")
        if measure == "SMD" and arm.n < 2:
            raise DataError(f"{where}: n = {arm.n!r}; the SMD needs at least 2 patients per arm")
    else:
        if (arm.events is None or not np.isfinite(arm.events) or arm.events < 0 or arm.events > arm.n
                or arm.events != int(arm.events)):
            raise DataError(f"{where}: events = {arm.events!r}; expected a whole count between 0 and n = "
                            f"{arm.n:g} for measure {measure}")


def needs_zero_cell_correction(arms: list[Arm]) -> bool:
    """True when any arm has no events or only events."""
    return any(a.events == 0 or a.events == a.n for a in arms)


def corrected_counts(arms: list[Arm]) -> list[tuple[float, float]]:
    """(events, n) per arm after the study-level zero-cell correction."""
    add = ZERO_CELL_INCREMENT if needs_zero_cell_correction(arms) else 0.0
    return [(a.events + add, a.n + 2 * add) for a in arms]


def arm_components(arms: list[Arm], measure: str) -> tuple[np.ndarray, np.ndarray]:
    """Arm-level effect and variance components for decomposable measures.

    For MD, OR, RR and RD, the effect of arm j versus arm b is
    ``theta[j] - theta[b]`` with variance ``s[j] + s[b]``; two contrasts that
    share arm b have covariance ``s[b]``.
    """
    if measure == "MD":
        theta = np.array([a.mean for a in arms], dtype=float)
        s = np.array([a.sd**2 / a.n for a in arms], dtype=float)
        return theta, s
    counts = corrected_counts(arms)
    e = np.array([c[0] for c in counts], dtype=float)
    n = np.array([c[1] for c in counts], dtype=float)
    p = e / n
    if measure == "OR":
        return np.log(p / (1 - p)), 1 / e + 1 / (n - e)
    if measure == "RR":
        return np.log(p), 1 / e - 1 / n
    if measure == "RD":
        return p, p * (1 - p) / n
    raise DataError(f"measure {measure} has no arm-level decomposition")


def smd_pair(treat: Arm, control: Arm) -> tuple[float, float]:
    """Hedges' g (exact correction) and its large-sample variance (metafor vtype 'LS')."""
    m = treat.n + control.n - 2
    sd_pooled = np.sqrt(((treat.n - 1) * treat.sd**2 + (control.n - 1) * control.sd**2) / m)
    g = float(hedges_correction(m) * (treat.mean - control.mean) / sd_pooled)
    v = 1 / treat.n + 1 / control.n + g**2 / (2 * (treat.n + control.n))
    return g, float(v)


def smd_contrasts(base: Arm, others: list[Arm]) -> tuple[np.ndarray, np.ndarray]:
    """Hedges' g of each arm in ``others`` versus ``base`` and their covariance, for one study of any number of
    arms, with one standard deviation pooled over all its arms (df = N - arms) and N its total size.

    Each g is then a difference of arm components (J mean / SD), and the covariance (Gleser & Olkin 2009:
    var g_i = 1/n_i + 1/n_b + g_i^2 / 2N, cov(g_i, g_j) = 1/n_b + g_i g_j / 2N) transforms exactly when another
    arm is the baseline: the fit does not depend on the reference. With two arms this is :func:`smd_pair`.
    """
    arms = [base, *others]
    total_n = sum(a.n for a in arms)
    df = total_n - len(arms)
    sd = np.sqrt(sum((a.n - 1) * a.sd**2 for a in arms) / df)
    j = hedges_correction(df)
    y = np.array([float(j * (a.mean - base.mean) / sd) for a in others])
    V = 1 / base.n + np.outer(y, y) / (2 * total_n) + np.diag([1 / a.n for a in others])
    return y, V


def pairwise_effect(treat: Arm, control: Arm, measure: str) -> tuple[float, float]:
    """Effect of ``treat`` versus ``control`` and its sampling variance."""
    measure = check_measure(measure)
    for arm, role in ((treat, "treatment arm"), (control, "control arm")):
        validate_arm(arm, measure, f"{role} {arm.treatment!r}")
    if measure == "SMD":
        return smd_pair(treat, control)
    theta, s = arm_components([treat, control], measure)
    return float(theta[0] - theta[1]), float(s[0] + s[1])


def to_natural_scale(value, measure: str):
    """Back-transform ratio measures from the log scale (identity otherwise)."""
    return np.exp(value) if check_measure(measure) in RATIO_MEASURES else value


def to_analysis_scale(value, measure: str):
    """Inverse of :func:`to_natural_scale`."""
    return np.log(value) if check_measure(measure) in RATIO_MEASURES else value
