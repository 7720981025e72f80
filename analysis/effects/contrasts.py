"""Study contrasts with their within-study covariance.

Every study enters a model as the contrasts of its non-baseline arms against
one baseline arm, ``y`` (length k-1), with covariance ``V`` (k-1 by k-1).
For a multi-arm study the contrasts share the baseline arm, so ``V`` has the
baseline arm's variance component off the diagonal.

Baseline rule: the arm given the network's reference treatment when the study
has one, otherwise the arm whose treatment sorts first. The consistency model
with a common heterogeneity variance (correlation 1/2 between a study's random
effects) gives the same fit whichever arm is the baseline, so this rule only
makes the stored contrasts deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import combinations

import numpy as np
import pandas as pd

from analysis.effects.measures import (
    BINARY_MEASURES,
    MAX_SD_RATIO,
    Arm,
    arm_components,
    check_measure,
    smd_contrasts,
    validate_arm,
)
from analysis.errors import DataError
from analysis.numbers import parse_number


@dataclass(frozen=True)
class StudyContrasts:
    """One study's contrasts against its baseline arm."""

    study: str
    baseline: str
    treatments: tuple[str, ...]  # the non-baseline arms, in order
    y: np.ndarray  # effect of treatments[i] versus baseline
    V: np.ndarray  # within-study covariance of y
    n: tuple[float, ...] = ()  # patients per arm: baseline first, then treatments (if known)
    rows: tuple[int, ...] = ()  # the lines of the input file the study was read from (if read from a file)

    @property
    def arms(self) -> tuple[str, ...]:
        return (self.baseline, *self.treatments)

    @property
    def design(self) -> str:
        """The set of treatments compared, as a sorted ':'-joined label."""
        return ":".join(sorted(self.arms))

    def pairs(self) -> list[tuple[str, str, float, float]]:
        """Every pair of arms (t1, t2, effect t1 - t2, variance), t1 < t2 alphabetically."""
        eff = {self.baseline: 0.0}
        eff.update(zip(self.treatments, self.y))
        idx = {t: i for i, t in enumerate(self.treatments)}
        out = []
        for a, b in combinations(sorted(self.arms), 2):
            va = self.V[idx[a], idx[a]] if a in idx else 0.0
            vb = self.V[idx[b], idx[b]] if b in idx else 0.0
            cab = self.V[idx[a], idx[b]] if (a in idx and b in idx) else 0.0
            out.append((a, b, float(eff[a] - eff[b]), float(va + vb - 2 * cab)))
        return out


def choose_baseline(treatments: list[str], reference: str | None) -> str:
    if reference is not None and reference in treatments:
        return reference
    return sorted(treatments)[0]


def _require_columns(df: pd.DataFrame, columns: list[str], source: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{source}: missing column(s) {', '.join(missing)}; found {', '.join(map(str, df.columns))}")


# An effect a million standard errors from no effect, or two studies whose SEs differ a million-fold, is a typing
# error (a misplaced exponent, a variance given as an SE), not a trial; and such values leave no numerical room
# in a fit (weights spanning 1e12 and more make its normal equations singular)
MAX_Z = 1e6
MAX_SE_RATIO = 1e6


def _rows(rows: list[int]) -> str:
    return f"row {rows[0]}" if len(rows) == 1 else f"rows {', '.join(map(str, rows))}"


def _check_magnitudes(c: StudyContrasts, rows: list[int], source: str) -> None:
    """Each of a study's contrasts within ``MAX_Z`` of its SEs from no effect, with a finite positive variance."""
    se = np.sqrt(np.diag(c.V))
    if not (np.all(np.isfinite(c.y)) and np.all(np.isfinite(se)) and np.all(se > 0)):
        raise DataError(f"{source}, {_rows(rows)} (study {c.study}): expected effects and variances that are finite "
                        "numbers (a value too large or too small for arithmetic)")
    z = np.abs(c.y) / se
    if np.any(z > MAX_Z):
        i = int(np.argmax(z))
        raise DataError(f"{source}, {_rows(rows)} (study {c.study}): the effect of {c.treatments[i]} versus "
                        f"{c.baseline} is {c.y[i]:g} with SE {se[i]:g}; expected an effect within {MAX_Z:g} standard "
                        "errors of no effect (a misplaced exponent or decimal point?)")


def check_precision_spread(contrasts: list[StudyContrasts], rows: dict[str, list[int]], source: str) -> None:
    """The studies' SEs within ``MAX_SE_RATIO`` of each other, or an error naming the two studies."""
    if len(contrasts) < 2:
        return
    se = [float(np.sqrt(np.min(np.diag(c.V)))) for c in contrasts]
    lo, hi = int(np.argmin(se)), int(np.argmax(se))
    if se[hi] > MAX_SE_RATIO * se[lo]:
        a, b = contrasts[lo], contrasts[hi]
        raise DataError(f"{source}, {_rows(rows[a.study])} (study {a.study}): an SE of {se[lo]:g} beside "
                        f"{se[hi]:g} in study {b.study} ({_rows(rows[b.study])}); expected the studies' SEs within a "
                        f"factor of {MAX_SE_RATIO:g} of each other (a variance given as an SE, or a misplaced "
                        "exponent?)")


def _arm_number(v, where: str, column: str) -> float | None:
    """A cell of an arm-level file as a float (None when empty), or an error naming its row and column."""
    if v is None or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip()):
        return None
    number = parse_number(v)
    if number is None:
        raise DataError(f"{where}, column {column}: value {v!r}; expected a number")
    return number


def _check_name(value, where: str, column: str) -> None:
    """A study or treatment name: text that is not empty (an empty cell would become a treatment named "nan")."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or not str(value).strip():
        noun = "study" if column == "study" else "treatment"
        raise DataError(f"{where}, column {column}: empty; expected a {noun} name")


def without_information(arms: pd.DataFrame, measure: str) -> list[str]:
    """Studies that carry no information on an odds or risk ratio: no events in any arm, or (odds ratio) only
    events in every arm (sorted ids). netmeta (``pairwise(allstudies = FALSE)``) and the Cochrane Handbook
    (10.4.4.2) leave them out; a zero-cell correction would otherwise give them an arbitrary estimate of no
    effect. Empty for other measures."""
    measure = check_measure(measure)
    if measure not in ("OR", "RR") or arms.empty:
        return []
    events, n = (arms[c].map(parse_number) for c in ("events", "n"))  # cells may be text as in the file
    by = arms.assign(_none=events == 0, _all=events == n).groupby(arms["study"].astype(str))
    out = by["_none"].all() | (by["_all"].all() if measure == "OR" else False)
    return sorted(out[out].index)


def contrasts_from_arms(
    arms: pd.DataFrame, measure: str, reference: str | None = None, source: str = "arm-level data"
) -> list[StudyContrasts]:
    """Study contrasts from arm-level rows (``study, treatment, n`` plus ``mean, sd`` or ``events``).

    Rows are grouped by study in order of first appearance; studies are returned
    sorted by id so that the result does not depend on the order of rows.
    """
    measure = check_measure(measure)
    value_cols = ["events"] if measure in BINARY_MEASURES else ["mean", "sd"]
    _require_columns(arms, ["study", "treatment", "n", *value_cols], source)
    column = {c: arms[c].tolist() if c in arms.columns else [None] * len(arms)
              for c in ("treatment", "n", "mean", "sd", "events")}
    rows_of: dict[str, list[int]] = {}
    for pos, study in enumerate(arms["study"].astype(str).tolist()):
        rows_of.setdefault(study, []).append(pos)
    index = arms.index.tolist()
    out = []
    for study in sorted(rows_of):
        study_arms = []
        for pos in rows_of[study]:
            where = f"{source}, row {index[pos] + 2} (study {study}, treatment {column['treatment'][pos]})"
            _check_name(study, where, "study")
            _check_name(column["treatment"][pos], where, "treatment")
            value = {c: _arm_number(column[c][pos], where, c) for c in ("n", "mean", "sd", "events")}
            arm = Arm(str(column["treatment"][pos]), float("nan") if value["n"] is None else value["n"],
                      mean=value["mean"], sd=value["sd"], events=value["events"])
            validate_arm(arm, measure, where)
            study_arms.append(arm)
        names = [a.treatment for a in study_arms]
        dup = sorted({t for t in names if names.count(t) > 1})
        lines = [index[pos] + 2 for pos in rows_of[study]]
        if dup:
            raise DataError(
                f"{source}, {_rows(lines)} (study {study}): more than one arm of treatment {', '.join(dup)}; "
                "combine those arms (pool their n, means and SDs) or give them distinct treatments"
            )
        if len(study_arms) < 2:
            raise DataError(f"{source}, {_rows(lines)} (study {study}): {len(study_arms)} arm; expected at least 2 "
                            "arms (a single-arm study compares nothing)")
        if measure not in BINARY_MEASURES:
            _check_sd_ratio(study, study_arms, lines, source)
        out.append(_study_contrasts(study, study_arms, measure, reference, tuple(lines)))
        _check_magnitudes(out[-1], lines, source)
    check_precision_spread(out, {study: [index[p] + 2 for p in rows_of[study]] for study in rows_of}, source)
    return out


def _check_sd_ratio(study: str, arms: list[Arm], rows: list[int], source: str) -> None:
    """SDs of one trial's arms within ``MAX_SD_RATIO`` of each other, or a located error naming both rows."""
    small = min(range(len(arms)), key=lambda i: arms[i].sd)
    large = max(range(len(arms)), key=lambda i: arms[i].sd)
    if arms[large].sd > MAX_SD_RATIO * arms[small].sd:
        raise DataError(f"{source}, row {rows[small]} (study {study}, treatment {arms[small].treatment}): sd = "
                        f"{arms[small].sd:g} beside sd = {arms[large].sd:g} on row {rows[large]}; expected the SDs of "
                        f"one trial's arms within a factor of {MAX_SD_RATIO} of each other (a misplaced decimal point "
                        "or a value from another column?)")


def _study_contrasts(study: str, arms: list[Arm], measure: str, reference: str | None,
                     rows: tuple[int, ...] = ()) -> StudyContrasts:
    base_name = choose_baseline([a.treatment for a in arms], reference)
    base = next(a for a in arms if a.treatment == base_name)
    others = sorted((a for a in arms if a.treatment != base_name), key=lambda a: a.treatment)
    k = len(others)
    if measure == "SMD":
        y, V = smd_contrasts(base, others)
    else:
        ordered = [base, *others]
        theta, s = arm_components(ordered, measure)
        y = theta[1:] - theta[0]
        V = np.full((k, k), s[0]) + np.diag(s[1:])
    return StudyContrasts(
        study, base_name, tuple(a.treatment for a in others), y, V, n=(base.n, *(a.n for a in others)), rows=rows
    )


def contrasts_from_pairs(
    pairs: pd.DataFrame, reference: str | None = None, source: str = "contrast-level data"
) -> list[StudyContrasts]:
    """Study contrasts from contrast-level rows (``study, treat1, treat2, yi, se``; yi = treat1 - treat2).

    A multi-arm study must give every pair of its arms. Its arm-level variance
    components are recovered from the pairwise variances (v_ij = s_i + s_j,
    solved by least squares, as netmeta does), and the pairwise effects must be
    consistent within the study (y_ac = y_ab + y_bc, to 1e-8).
    """
    _require_columns(pairs, ["study", "treat1", "treat2", "yi", "se"], source)
    out, lines_of = [], {}
    for study, rows in pairs.groupby(pairs["study"].astype(str), sort=True):
        recs = []
        lines = [int(i) + 2 for i in rows.index]
        for i, row in rows.iterrows():
            where = f"{source}, row {i + 2} (study {study})"
            yi, se = parse_number(row["yi"]), parse_number(row["se"])
            if yi is None or not np.isfinite(yi):
                raise DataError(f"{where}, column yi: value {row['yi']!r}; expected a finite effect")
            if se is None or not np.isfinite(se * se) or se <= 0:
                raise DataError(f"{where}, column se: value {row['se']!r}; expected a standard error > 0 whose square "
                                "is a finite number > 0")
            _check_name(study, where, "study")
            _check_name(row["treat1"], where, "treat1")
            _check_name(row["treat2"], where, "treat2")
            t1, t2 = str(row["treat1"]), str(row["treat2"])
            if t1 == t2:
                raise DataError(f"{where}: treat1 and treat2 are both {t1!r}; expected two different treatments")
            recs.append((t1, t2, yi, se * se))
        out.append(replace(_study_from_pairs(str(study), recs, reference, f"{source}, {_rows(lines)}"),
                           rows=tuple(lines)))
        _check_magnitudes(out[-1], lines, source)
        lines_of[str(study)] = lines
    check_precision_spread(out, lines_of, source)
    return out





def _study_from_pairs(study, recs, reference, source) -> StudyContrasts:
    treatments = sorted({t for r in recs for t in r[:2]})
    k = len(treatments)
    expected = k * (k - 1) // 2
    keys = {frozenset(r[:2]) for r in recs}
    if len(keys) != len(recs):
        raise DataError(f"{source}: study {study} gives the same pair of treatments more than once")
    if len(recs) != expected:
        raise DataError(
            f"{source}: study {study} has {k} treatments but {len(recs)} contrast(s); "
            f"a multi-arm study must give all {expected} pairs of its arms"
        )
    idx = {t: i for i, t in enumerate(treatments)}
    if k == 2:
        t1, t2, yi, vi = recs[0]
        base = choose_baseline(treatments, reference)
        other = t1 if base == t2 else t2
        y = np.array([yi if base == t2 else -yi])
        return StudyContrasts(study, base, (other,), y, np.array([[vi]]))
    # arm variance components: v_ij = s_i + s_j
    A = np.zeros((len(recs), k))
    for r, (t1, t2, _, _) in enumerate(recs):
        A[r, idx[t1]] = A[r, idx[t2]] = 1
    s = np.linalg.lstsq(A, np.array([r[3] for r in recs]), rcond=None)[0]
    if np.any(s <= 0):
        raise DataError(
            f"{source}: the variances of study {study}'s contrasts imply a non-positive arm variance; "
            "check its standard errors"
        )
    # arm effects relative to the first treatment, checked for consistency
    B = np.zeros((len(recs), k))
    for r, (t1, t2, _, _) in enumerate(recs):
        B[r, idx[t1]], B[r, idx[t2]] = 1, -1
    yv = np.array([r[2] for r in recs])
    theta = np.linalg.lstsq(B[:, 1:], yv, rcond=None)[0]
    theta = np.concatenate([[0.0], theta])
    if np.max(np.abs(B @ theta - yv)) > 1e-8:
        raise DataError(
            f"{source}: study {study}'s contrasts are not consistent within the study "
            "(y_ac must equal y_ab + y_bc); give effects computed from the same arms"
        )
    base = choose_baseline(treatments, reference)
    others = [t for t in treatments if t != base]
    y = np.array([theta[idx[t]] - theta[idx[base]] for t in others])
    V = np.full((k - 1, k - 1), s[idx[base]]) + np.diag([s[idx[t]] for t in others])
    return StudyContrasts(study, base, tuple(others), y, V)
