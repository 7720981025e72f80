"""Threshold analysis of a pooled estimate: how far it must move for its classification, certainty and
recommendation to change.

After Phillippo et al. (J R Stat Soc A 2018;181:1203-27; Ann Intern Med 2019;170:538-46; R package
nmathresh): the estimate is shifted by ``delta`` with its uncertainty held fixed (the same standard error
and heterogeneity, so the CI and the prediction interval move with it), and everything that depends on
where the estimate lies is judged again with the project's own functions: the classification against the
MID (:func:`analysis.certainty.classify`), imprecision (the CI against the MID) and inconsistency (the
prediction interval), the rating, and the evidence-to-decision step (:func:`analysis.recommendations.decide`).
Domains that do not depend on the location (risk of bias, indirectness, publication bias, incoherence from
the node split) and every panel judgement are held as they are.

These judgements are step functions of ``delta`` whose steps lie where the point estimate, a CI limit or a
prediction-interval limit meets a threshold (a classification boundary or an imprecision/inconsistency
threshold). The threshold in each direction is the first such step, placed on the 0.01 cm grid of the
printed numbers: the reported shift changes the judgement and a shift 0.01 cm shorter does not.

What is plausible (:class:`EffectRange`): an effect (procedure minus sham) is one a trial could show only if
the procedure's patients end inside the instrument's range when sham patients end where they do in the
trials -- the patient-weighted mean final score of the sham arms, B (:func:`analysis.recommendations.absolute.
control_baseline`): between -B and 10 - B cm. A shift that would put the estimate outside that range is
reported as none ("no plausible change"), never as a number no trial could show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd

from analysis.certainty.assess import Assessment
from analysis.certainty.classification import classify
from analysis.certainty.imprecision import rate_imprecision
from analysis.certainty.inconsistency import rate_inconsistency
from analysis.certainty.thresholds import scaled
from analysis.recommendations.absolute import control_baseline
from analysis.recommendations.decision import decide
from analysis.recommendations.harms import harms_and_burden

STEP_CM = 0.01  # the printed precision: thresholds are placed on this grid
RANGE_CM = 10.0  # the instrument's range (10 cm VAS)
CRITERIA = ("classification", "certainty", "recommendation")


@dataclass(frozen=True)
class EffectRange:
    """The effects (procedure minus sham, cm) a trial could show: the procedure's patients end within the
    instrument's range [0, RANGE_CM] when sham patients end at ``sham`` (None: not known; then any effect
    within the instrument's range)."""

    sham: float | None = None

    @property
    def low(self) -> float:
        return -self.sham if self.sham is not None else -RANGE_CM

    @property
    def high(self) -> float:
        return RANGE_CM - self.sham if self.sham is not None else RANGE_CM

    def contains(self, effect: float) -> bool:
        return self.low - 1e-9 <= effect <= self.high + 1e-9


def effect_range(arms: pd.DataFrame, reference: str) -> EffectRange:
    """The plausible effects of a network (``arms``: its analysis table; sham: its final-score baseline)."""
    base = control_baseline(arms, reference)
    return EffectRange(base.value if base is not None else None)


@dataclass(frozen=True)
class State:
    """The judgements of one estimate at one location."""

    estimate: float
    classification: str
    certainty: str
    direction: str
    strength: str

    @property
    def recommendation(self) -> str:
        return f"{self.strength} {self.direction}"

    def key(self, criterion: str) -> str:
        return getattr(self, criterion)


@dataclass(frozen=True)
class Judge:
    """Re-judges one assessed estimate at a shifted location (see the module docstring)."""

    assessment: Assessment
    tau2: float
    mid: float
    higher_is_better: bool
    rules: dict
    guideline: dict
    harm_category: str  # analysis.recommendations.harms_and_burden(...).category
    plausible: EffectRange = EffectRange()  # where the shifted estimate may go

    def rated(self, delta: float = 0.0):
        """The certainty rating (:class:`analysis.certainty.CertaintyRating`) at the shifted location."""
        a, rules = self.assessment, self.rules
        lo, hi = a.ci_low + delta, a.ci_high + delta
        pi_lo, pi_hi = a.pi_low + delta, a.pi_high + delta
        domains = []
        for d in a.rating.domains:
            if d.by == "panel":  # a panel judgement stands
                domains.append(d)
            elif d.domain == "imprecision":
                domains.append(rate_imprecision(lo, hi, self.mid, rules))
            elif d.domain == "inconsistency":
                domains.append(rate_inconsistency(lo, hi, pi_lo, pi_hi, self.mid, self.tau2, rules))
            else:
                domains.append(d)
        return replace(a.rating, domains=tuple(domains))

    def state(self, delta: float = 0.0) -> State:
        rules = self.rules
        est = self.assessment.estimate + delta
        rating = self.rated(delta)
        cls = classify(est, self.mid, self.higher_is_better, rules)
        dec = decide(rating.certainty, cls.important_benefit, self.harm_category, self.guideline, rules)
        return State(est, cls.label, rating.certainty, dec.direction, dec.strength)

    def breakpoints(self) -> list[float]:
        """Every shift at which a location-dependent judgement can change."""
        a, rules, mid = self.assessment, self.rules, self.mid
        c = rules["classification"]
        ts = set(scaled(rules["imprecision"]["thresholds_mid"], mid)) | set(
            scaled(rules["inconsistency"]["thresholds_mid"], mid))
        for k in ("small", "moderate", "large"):
            ts |= {float(c[k]) * mid, -float(c[k]) * mid}
        qs = (a.estimate, a.ci_low, a.ci_high, a.pi_low, a.pi_high)
        return sorted(t - q for t in ts for q in qs)


def _grid(b: float, sign: int) -> float:
    """The first point of the 0.01 cm grid at or beyond ``b`` in direction ``sign`` (never 0)."""
    k = math.ceil(round(abs(b) / STEP_CM, 9))
    return sign * max(k, 1) * STEP_CM


def first_change(judge: Judge, sign: int, criterion: str = "recommendation") -> tuple[float, State] | None:
    """(shift, state there) of the first change of ``criterion`` moving in direction ``sign`` (-1: lower,
    towards benefit on a lower-is-better scale; +1: higher), or None when no plausible estimate
    (``judge.plausible``) changes it."""
    base = judge.state(0.0).key(criterion)
    grid = sorted({round(_grid(b, sign), 2) for b in judge.breakpoints() if sign * b >= 0}, key=abs)
    grid = [g for g in grid if judge.plausible.contains(judge.assessment.estimate + g)]
    for g in grid:
        st = judge.state(g)
        if st.key(criterion) != base:
            if judge.state(round(g - sign * STEP_CM, 2)).key(criterion) == base:
                return g, st
            return _scan(judge, sign, criterion, base)
    return None


def _scan(judge: Judge, sign: int, criterion: str, base: str):
    """Fallback: walk the grid (only when two steps fall within one grid cell)."""
    for k in range(1, int(round(2 * RANGE_CM / STEP_CM)) + 1):
        g = round(sign * k * STEP_CM, 2)
        if not judge.plausible.contains(judge.assessment.estimate + g):
            return None
        st = judge.state(g)
        if st.key(criterion) != base:
            return g, st
    return None


def judge_for(assessment: Assessment, tau2: float, mid: float, higher_is_better: bool, rules: dict,
              guideline: dict, plausible: EffectRange = EffectRange()) -> Judge:
    return Judge(assessment, tau2, mid, higher_is_better, rules, guideline,
                 harms_and_burden(guideline, rules).category, plausible)


def thresholds(judge: Judge) -> dict:
    """For each criterion and direction: the shift (cm) and the state after it, or None."""
    out = {}
    for criterion in CRITERIA:
        for sign, side in ((-1, "down"), (1, "up")):
            hit = first_change(judge, sign, criterion)
            out[(criterion, side)] = hit
    return out


def threshold_frame(judges: dict) -> pd.DataFrame:
    """One row per estimate id: base state and every threshold (NaN where none within the range)."""
    rows = []
    for key, judge in judges.items():
        base = judge.state(0.0)
        row = {"id": key, "estimate": base.estimate, "classification": base.classification,
               "certainty": base.certainty, "recommendation": base.recommendation}
        for (criterion, side), hit in thresholds(judge).items():
            row[f"{criterion}_{side}"] = hit[0] if hit else float("nan")
            if criterion == "recommendation":
                row[f"recommendation_{side}_to"] = hit[1].recommendation if hit else ""
                row[f"recommendation_{side}_certainty"] = hit[1].certainty if hit else ""
        rows.append(row)
    return pd.DataFrame(rows)
