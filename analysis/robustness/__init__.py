"""What evidence would change the recommendations: threshold analysis, the new trial it would take,
and the correction it would take (leave-one-out).

    from analysis.robustness.analyse import robustness_analysis
    result = robustness_analysis(ds, settings, results.networks, results.assessments, rules)  # engine Results

Modules: :mod:`.shift` (thresholds of a pooled estimate, after Phillippo et al. 2018/2019),
:mod:`.influence` (per-study thresholds through the GLS influence matrix), :mod:`.trial` (the smallest
new sham-controlled trial that changes a recommendation), :mod:`.loo` (leave-one-out), :mod:`.analyse`
(all of it, in parallel; each re-run is :func:`analysis.engine.analyse_population` on a changed dataset),
:mod:`.stage` (the build stage that writes and registers it, cached).
"""

from analysis.robustness.influence import influence_matrix, study_thresholds
from analysis.robustness.shift import RANGE_CM, STEP_CM, Judge, State, first_change, judge_for
from analysis.robustness.trial import smallest_trial, trial_scenario, typical_trial_effect

__all__ = ["Judge", "RANGE_CM", "STEP_CM", "State", "first_change", "influence_matrix", "judge_for",
           "smallest_trial", "study_thresholds", "trial_scenario", "typical_trial_effect"]
