"""The new trial it would take: the smallest sham-controlled trial that, added to the dataset, changes a
recommendation; and the effect a trial of typical size would have to show.

The hypothetical trial is a two-arm trial of the procedure against sham in the population, at low risk of
bias in every domain, blinded, reporting pain on the 10 cm VAS at the follow-up its procedure's timepoint
rule selects, with the pooled control-arm (sham) standard deviation of the population's network in both
arms and an observed mean difference equal to ``effect`` (default: the MID in favour of the procedure). Its
descriptive fields (condition, region, spinal region, ...) are copied from a trial of the procedure in the
network; its procedures rows from that trial's procedure and sham arms. It enters through
:func:`analysis.scenarios.apply_scenario` (an ``add_study`` operation), and the population's stages are
re-run (:func:`analysis.engine.analyse_population`) for every candidate size: the search re-runs the
analysis, it does not use a formula.

Search (:func:`smallest_trial`): the largest size (2000 per arm) first -- if it does not change the
recommendation, none does; otherwise sizes 8, 16, 32, ... until one does, then bisection to one patient per
arm. The boundary found is exact: the reported size changes the recommendation, one patient per arm fewer
does not. (The judgements are monotone in size in all but contrived cases; where they are not, the
boundary is the first one the doubling meets.) :func:`typical_trial_effect` searches the effect the same
way, on the 0.01 cm grid, from the MID to the largest benefit a trial could show (its procedure arm at 0 cm
when its sham arm ends where the network's sham arms do: :class:`analysis.robustness.shift.EffectRange`), at
half the median enrolment of the included trials.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from analysis.engine import analyse_population
from analysis.robustness.shift import RANGE_CM, STEP_CM, EffectRange, effect_range
from analysis.scenarios import apply_scenario, scenario_from_data

TRIAL_ID = "HYPOTHETICAL-TRIAL"
MAX_PER_ARM = 2000
SOURCE = "hypothetical trial of the robustness analysis (analysis.robustness.trial)"
LOW_ROB = ("rob_sequence", "rob_concealment", "rob_blinding_patients", "rob_blinding_providers",
           "rob_blinding_assessors", "rob_missing_data")
BLINDING = ("blinding_patients", "blinding_providers", "blinding_assessors")


def pooled_control_sd(arms: pd.DataFrame, reference: str) -> float:
    """Pooled SD of the reference arms of an analysis table: sqrt(sum (n-1) sd^2 / sum (n-1))."""
    ref = arms[arms["treatment"] == reference]
    df = ref["n"].astype(float) - 1
    return float(np.sqrt((df * ref["sd"].astype(float) ** 2).sum() / df.sum()))


@dataclass(frozen=True)
class TrialTemplate:
    """What a hypothetical trial of ``code`` in ``population`` copies from the dataset."""

    population: str
    code: str
    reference: str
    study: dict  # studies.csv row of the template trial
    active_procedure: dict  # procedures.csv row of an arm of the procedure
    control_procedure: dict  # procedures.csv row of an arm of the reference
    timepoint_weeks: float
    sd: float  # pooled control-arm SD (cm)
    plausible: EffectRange = EffectRange()  # sham's final-score mean and the effects a trial could show


def _clean(row: dict) -> dict:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()
            if k not in ("source_row", "_line")}


def trial_template(ds, arms: pd.DataFrame, population: str, code: str, reference: str) -> TrialTemplate:
    """The template for a hypothetical trial of ``code`` (``arms``: the population's analysis table)."""
    with_code = arms[arms["treatment"] == code]
    with_ref = set(arms.loc[arms["treatment"] == reference, "study"])
    candidates = sorted(set(with_code["study"]) & with_ref) or sorted(set(with_code["study"]))
    sid = candidates[0]
    study = _clean(ds.studies[ds.studies["id"] == sid].iloc[0].to_dict())
    proc, arm_rows = ds.procedures, ds.arms
    node_of = dict(zip(zip(arm_rows["study"], arm_rows["arm"]), arm_rows["procedure"]))

    def procedure_row(node: str, prefer: str) -> dict:
        rows = [r for r in proc.to_dict("records") if node_of.get((r["study"], r["arm"])) == node]
        rows.sort(key=lambda r: (r["study"] != prefer, r["study"], r["arm"]))
        return _clean(rows[0])

    ref_study = sid if sid in with_ref else sorted(with_ref)[0]
    tp = float(with_code.loc[with_code["study"] == sid, "timepoint_weeks"].iloc[0])
    return TrialTemplate(population, code, reference, study, procedure_row(code, sid),
                         procedure_row(reference, ref_study), tp, pooled_control_sd(arms, reference),
                         effect_range(arms, reference))


def trial_scenario(t: TrialTemplate, n_per_arm: int, effect: float):
    """The ``add_study`` scenario of a hypothetical trial with ``n_per_arm`` patients per arm and mean
    difference ``effect`` (cm, procedure minus sham; negative favours the procedure on pain); its sham arm
    ends where the network's sham arms do (5 cm when that is not known)."""
    n = int(n_per_arm)
    control_mean = round(t.plausible.sham, 2) if t.plausible.sham is not None else RANGE_CM / 2
    study = dict(t.study, id=TRIAL_ID, enrolled_n=2 * n, population=t.population, synthetic=True,
                 has_data=True, exclusion_reason=None,
                 citation=f"Hypothetical sham-controlled trial of {t.code}, {n} patients per arm (not a real trial)",
                 source=SOURCE, **{c: "low" for c in LOW_ROB}, **{c: "yes" for c in BLINDING})
    procs = []
    for arm, row in (("a", t.active_procedure), ("b", t.control_procedure)):
        procs.append({k: v for k, v in row.items() if k not in ("study", "arm")} | {"arm": arm, "source": SOURCE})
    outcome = {"outcome": "pain", "timepoint_weeks": t.timepoint_weeks, "instrument": "vas_10cm", "scale_min": 0,
               "scale_max": 10, "higher_is_better": False, "measure_type": "final", "statistic": "mean_sd",
               "n_analysed": n, "sd": round(t.sd, 6), "source": SOURCE}
    data = {
        "id": "robustness-new-trial",
        "title": "A hypothetical new sham-controlled trial",
        "description": "Robustness analysis: the smallest new trial that would change a recommendation.",
        "operations": [{"add_study": {
            "study": study,
            "arms": [{"arm": "a", "procedure": t.code, "n_randomised": n, "co_interventions": "none", "source": SOURCE},
                     {"arm": "b", "procedure": t.reference, "n_randomised": n, "co_interventions": "none",
                      "source": SOURCE}],
            "procedures": procs,
            "outcomes": [dict(outcome, arm="a", mean=round(control_mean + effect, 6)),
                         dict(outcome, arm="b", mean=control_mean)],
        }}],
    }
    return scenario_from_data(data)


def changes_recommendation(ds, settings, t: TrialTemplate, base: dict, n_per_arm: int, effect: float,
                           rules) -> bool:
    """Does adding the trial change the recommendation on ``t.code`` (``base``: its direction and strength)?"""
    ds2 = apply_scenario(ds, trial_scenario(t, n_per_arm, effect), check=False)
    now = analyse_population(ds2, settings, rules, t.population).by_code().get(t.code)
    return now is None or (now["direction"], now["strength"]) != (base["direction"], base["strength"])


def boundary(flips: Callable[[int], bool], low: int, high: int, start: int) -> int | None:
    """The smallest k in (low, high] with flips(k), by checking ``high``, doubling from ``start``, then
    bisecting; ``low`` is taken not to flip. None when ``flips(high)`` is false."""
    if not flips(high):
        return None
    k = max(start, low + 1)
    while k < high and not flips(k):
        low, k = k, min(2 * k, high)
    high = k
    while high - low > 1:
        m = (low + high) // 2
        if flips(m):
            high = m
        else:
            low = m
    return high


def smallest_trial(ds, settings, t: TrialTemplate, base: dict, effect: float, rules,
                   max_per_arm: int = MAX_PER_ARM) -> int | None:
    """Patients per arm of the smallest trial with mean difference ``effect`` that changes the
    recommendation (None: not even ``max_per_arm``)."""
    return boundary(lambda n: changes_recommendation(ds, settings, t, base, n, effect, rules),
                    1, max_per_arm, 8)


def typical_trial_effect(ds, settings, t: TrialTemplate, base: dict, n_per_arm: int, mid: float, rules) -> float | None:
    """The smallest mean difference in favour of the procedure (cm, returned negative) that a trial of
    ``n_per_arm`` per arm would have to show to change the recommendation, on the 0.01 cm grid between
    the MID and the largest benefit a trial could show (its procedure arm at 0 cm: ``t.plausible``);
    None when no plausible trial does."""
    k_mid = int(round(mid / STEP_CM))
    k_max = int(math.floor(round(-t.plausible.low / STEP_CM, 9)))
    if k_max < k_mid:
        return None
    k = boundary(lambda k: changes_recommendation(ds, settings, t, base, n_per_arm, -k * STEP_CM, rules),
                 k_mid - 1, k_max, k_mid)
    return None if k is None else -round(k * STEP_CM, 2)
