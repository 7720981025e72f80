"""All of the robustness analysis for the fitted networks of a build, with independent re-runs in parallel.

:func:`robustness_analysis` returns a :class:`RobustnessResult`: ``rows`` (one :class:`Robustness` per
population and procedure), ``studies`` (per-study thresholds), ``loo`` (what leaving each study out
changes) and the seconds each part took. The threshold analysis needs no re-run (it reuses the fitted
networks and their assessments); the leave-one-out pass and the trial searches re-run
:func:`analysis.engine.analyse_population` on changed datasets, spread over ``workers`` processes (fork;
the dataset is shared, not copied per task).
"""

from __future__ import annotations

import math
import time
from concurrent.futures import as_completed
from dataclasses import dataclass, field, replace

import pandas as pd

from analysis.engine import analyse_population
from analysis.robustness.influence import influence_matrix, study_thresholds
from analysis.robustness.loo import leave_one_out
from analysis.robustness.shift import CRITERIA, effect_range, judge_for, thresholds
from analysis.robustness.trial import smallest_trial, trial_template, typical_trial_effect
from analysis.workers import can_fork, worker_pool

SUMMARY_COLUMNS = [
    "population", "procedure", "code", "estimate", "ci_low", "ci_high", "certainty", "classification",
    "recommendation", "classification_down", "classification_up", "certainty_down", "certainty_up",
    "recommendation_down", "recommendation_up", "recommendation_after", "certainty_after", "flip_estimate",
    "pivotal_study", "pivotal_study_change", "pivotal_contrast", "pivotal_study_observed", "studies_plausible",
    "trial_n_per_arm", "trial_effect",
    "typical_n_per_arm", "typical_trial_effect", "loo_changes"]
NOT_RUN = "not run"  # in robustness.csv: a search that was not run (a build under a scenario)
NONE = "none"  # in robustness.csv: no plausible shift, study or trial changes it


@dataclass(frozen=True)
class Robustness:
    """What would change one recommendation. ``None`` means that nothing plausible does (no shift to an
    effect a trial could show, no study, no trial up to the largest size searched); the searches' fields are
    ``None`` too when they were not run (``searched`` is false)."""

    population: str
    procedure: str
    code: str
    estimate: float
    ci_low: float
    ci_high: float
    certainty: str
    classification: str
    recommendation: str
    classification_down: float | None  # shifts of the pooled estimate (cm) that change each, either way
    classification_up: float | None
    certainty_down: float | None
    certainty_up: float | None
    recommendation_down: float | None
    recommendation_up: float | None
    recommendation_after: str | None  # after the shift that changes the recommendation
    certainty_after: str | None
    flip_estimate: float | None  # the pooled estimate at which the recommendation changes
    pivotal_study: str | None  # the study whose own estimate would need the smallest change
    pivotal_study_change: float | None
    studies_plausible: int  # studies for which a plausible change of their own estimate suffices
    searched: bool  # the leave-one-out pass and the trial searches were run
    trial_n_per_arm: int | None = None  # the smallest new trial at the MID that changes it
    trial_effect: float | None = None  # the effect that trial shows (the MID, in favour of the procedure)
    typical_n_per_arm: int | None = None
    typical_trial_effect: float | None = None  # the effect a trial of typical size would have to show
    loo_changes: tuple[str, ...] = ()  # "study: change" for each single exclusion that changes it
    pivotal_contrast: str | None = None  # the pivotal study's contrast, "treatment vs its comparator" (codes)
    pivotal_study_observed: float | None = None  # that contrast's own result (treatment minus comparator, cm)


def summary_frame(rows) -> pd.DataFrame:
    """``robustness.csv``: one row per recommendation, "none" where nothing plausible changes it and
    "not run" for the searches a build under a scenario skips."""
    def value(v):
        return NONE if v is None else v

    records = []
    for r in rows:
        rec = {c: getattr(r, c) for c in SUMMARY_COLUMNS[:SUMMARY_COLUMNS.index("trial_n_per_arm")]}
        for c in ("classification_down", "classification_up", "certainty_down", "certainty_up",
                  "recommendation_down", "recommendation_up", "flip_estimate", "pivotal_study_change",
                  "pivotal_study_observed"):
            rec[c] = value(rec[c])
        for c in ("recommendation_after", "certainty_after", "pivotal_study", "pivotal_contrast"):
            rec[c] = rec[c] or ""
        if r.searched:
            rec.update(trial_n_per_arm=value(r.trial_n_per_arm), trial_effect=r.trial_effect,
                       typical_trial_effect=value(r.typical_trial_effect), loo_changes="; ".join(r.loo_changes))
        else:
            rec.update(trial_n_per_arm=NOT_RUN, trial_effect=NOT_RUN, typical_trial_effect=NOT_RUN,
                       loo_changes=NOT_RUN)
        rec["typical_n_per_arm"] = r.typical_n_per_arm
        records.append(rec)
    return pd.DataFrame(records, columns=SUMMARY_COLUMNS)


@dataclass(frozen=True)
class RobustnessResult:
    rows: tuple[Robustness, ...]
    studies: pd.DataFrame  # every study's threshold for every estimate
    loo: pd.DataFrame  # every change a single exclusion makes
    seconds: dict = field(default_factory=dict)
    typical_n_per_arm: int | None = None
    control_sd: dict = field(default_factory=dict)  # population -> pooled control-arm SD (cm)
    full: bool = True  # the leave-one-out pass and the trial searches were run


_SHARED: dict = {}  # set before the workers fork: dataset, settings, rules, bases, templates


def _task(task: tuple):
    s = _SHARED
    if task[0] == "loo":
        _, pop, study = task
        return task, leave_one_out(s["ds"], s["settings"], pop, study, s["bases"][pop], s["rules"])
    _, pop, code = task
    t, base, mid = s["templates"][(pop, code)], s["bases"][pop][code], s["mid"]
    n = smallest_trial(s["ds"], s["settings"], t, base, -mid, s["rules"])
    eff = typical_trial_effect(s["ds"], s["settings"], t, base, s["typical_n"], mid, s["rules"])
    return task, (n, eff)


def describe_task(task: tuple) -> str:
    kind, population, what = task
    return (f"leave-one-out without {what} ({population})" if kind == "loo"
            else f"new-trial search for {what} ({population})")


def _run(tasks: list[tuple], workers: int, progress=lambda m: None, every: float = 3.0) -> dict:
    """Every task's result; says at least every ``every`` seconds what has just finished and what remains."""
    t0 = last = time.perf_counter()
    done = {}

    def report(task) -> None:
        nonlocal last
        now = time.perf_counter()
        if now - last >= every or len(done) == len(tasks):
            left = (now - t0) / len(done) * (len(tasks) - len(done))
            progress(f"robustness: {len(done)} of {len(tasks)} re-runs done (last: {describe_task(task)})"
                     + (f", about {left:.0f} s left" if len(done) < len(tasks) else ""))
            last = now

    if workers > 1 and can_fork() and len(tasks) > 1:
        with worker_pool(workers) as pool:
            for future in as_completed([pool.submit(_task, t) for t in tasks]):
                task, result = future.result()
                done[task] = result
                report(task)
    else:
        for t in tasks:
            task, result = _task(t)
            done[task] = result
            report(task)
    return done


def median_enrolment(ds, networks) -> float:
    ids = sorted({s for net in networks for s in net.studies})
    enrolled = ds.studies.set_index("id").loc[ids, "enrolled_n"].astype(float)
    return float(enrolled.median())


def robustness_analysis(ds, settings, networks: dict, assessments: dict, rules: dict, outcome: str = "pain",
                        full: bool = True, workers: int = 2, progress=lambda m: None) -> RobustnessResult:
    """``networks`` and ``assessments``: the build's fitted networks and their GRADE assessments (``ctx.networks``,
    ``ctx.results.assessments``, both by network key); only those of ``outcome`` are used."""
    seconds = {}
    t0 = time.perf_counter()
    mid = float(settings.pain_mid_cm)
    hib = bool(((ds.guideline.get("analysis_scales") or {}).get(outcome) or {}).get("higher_is_better", False))
    benefit = 1 if hib else -1
    nets = {k: n for k, n in sorted(networks.items()) if n.outcome == outcome and n.fit.measure == "MD"}
    rows, study_rows = [], []
    for key, net in nets.items():
        fit = net.fit
        H = influence_matrix(fit)
        reachable = effect_range(net.arms, fit.reference)  # the effects a trial could show
        for a in assessments[key]:
            judge = judge_for(a, fit.tau2, mid, hib, rules, ds.guideline, reachable)
            th = thresholds(judge)
            base = judge.state(0.0)
            flip = th[("recommendation", "down" if benefit < 0 else "up")]
            shift = flip[0] if flip else None
            st = study_thresholds(fit, a.treatment, shift, H, reachable)
            st.insert(0, "code", a.treatment)
            st.insert(0, "population", net.population)
            study_rows.append(st)
            plausible = st[st["plausible"]]
            pivot = plausible.loc[plausible["change"].abs().idxmin()] if not plausible.empty else None
            shifts = {f"{criterion}_{side}": th[(criterion, side)][0] if th[(criterion, side)] else None
                      for criterion in CRITERIA for side in ("down", "up")}
            rows.append(Robustness(
                population=net.population, procedure=ds.category(a.treatment), code=a.treatment,
                estimate=a.estimate, ci_low=a.ci_low, ci_high=a.ci_high, certainty=base.certainty,
                classification=base.classification, recommendation=base.recommendation, **shifts,
                recommendation_after=flip[1].recommendation if flip else None,
                certainty_after=flip[1].certainty if flip else None,
                flip_estimate=a.estimate + shift if flip else None,
                pivotal_study=pivot["study"] if pivot is not None else None,
                pivotal_study_change=float(pivot["change"]) if pivot is not None else None,
                pivotal_contrast=pivot["contrast"] if pivot is not None else None,
                pivotal_study_observed=float(pivot["observed"]) if pivot is not None else None,
                studies_plausible=int(len(plausible)), searched=False))
    seconds["thresholds"] = time.perf_counter() - t0
    studies = pd.concat(study_rows, ignore_index=True) if study_rows else pd.DataFrame()
    typical_n = math.ceil(median_enrolment(ds, nets.values()) / 2) if nets else None
    control_sd = {}
    loo = pd.DataFrame(columns=["population", "study", "code", "change", "recommendation_changed",
                                "estimate_without"])
    if not full or not nets:
        rows = [replace(r, typical_n_per_arm=typical_n) for r in rows]
        return RobustnessResult(tuple(rows), studies, loo, seconds, typical_n, control_sd, full=False)

    t1 = time.perf_counter()
    bases, templates = {}, {}
    for net in nets.values():
        pop = net.population
        bases[pop] = analyse_population(ds, settings, rules, pop, outcome).by_code()
        for r in (r for r in rows if r.population == pop):
            templates[(pop, r.code)] = trial_template(ds, net.arms, pop, r.code, net.fit.reference)
            control_sd[pop] = templates[(pop, r.code)].sd
    _SHARED.clear()
    _SHARED.update(ds=ds, settings=settings, rules=rules, bases=bases, templates=templates, mid=mid,
                   typical_n=typical_n)
    tasks = [("trial", p, c) for (p, c) in templates]
    tasks += [("loo", net.population, s) for net in nets.values() for s in net.studies]
    progress(f"robustness: {len(templates)} new-trial searches and {len(tasks) - len(templates)} "
             f"leave-one-out re-runs on {workers} worker(s)")
    try:
        done = _run(tasks, workers, progress)
    finally:
        _SHARED.clear()
    seconds["reruns"] = time.perf_counter() - t1
    loo_rows = [r for t in tasks if t[0] == "loo" for r in done[t]]
    if loo_rows:
        loo = pd.DataFrame(loo_rows, columns=loo.columns).sort_values(["population", "study", "code"],
                                                                      ignore_index=True)
    searched = []
    for r in rows:
        n, eff = done[("trial", r.population, r.code)]
        hit = loo[(loo["population"] == r.population) & (loo["code"] == r.code) & loo["recommendation_changed"]]
        searched.append(replace(r, searched=True, trial_n_per_arm=None if n is None else int(n),
                                trial_effect=benefit * mid, typical_n_per_arm=typical_n, typical_trial_effect=eff,
                                loo_changes=tuple(f"{x.study}: {x.change}" for x in hit.itertuples())))
    return RobustnessResult(tuple(searched), studies, loo, seconds, typical_n, control_sd, full=True)
