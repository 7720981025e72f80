"""What evidence would change the recommendations: threshold analysis, the new trial it would take,
and the correction it would take (leave-one-out).

    from analysis.robustness import robustness_analysis
    result = robustness_analysis(ds, settings, networks, certainty_table, recommendations_details)

Modules: :mod:`.shift` (thresholds of a pooled estimate, after Phillippo et al. 2018/2019),
:mod:`.influence` (per-study thresholds through the GLS influence matrix), :mod:`.rerun` (the
networks -> certainty -> recommendations stages for one population, on any dataset), :mod:`.trial`
(the smallest new sham-controlled trial that changes a recommendation), :mod:`.loo` (leave-one-out),
:mod:`.analyse` (all of it, in parallel).
"""

from analysis.robustness.influence import influence_matrix, study_thresholds
from analysis.robustness.shift import RANGE_CM, STEP_CM, Judge, State, first_change, judge_for
from analysis.robustness.trial import smallest_trial, trial_scenario, typical_trial_effect

__all__ = ["Judge", "RANGE_CM", "STEP_CM", "State", "first_change", "influence_matrix", "judge_for",
           "smallest_trial", "study_thresholds", "trial_scenario", "typical_trial_effect"]
