"""How each registry number was computed, in words a reviewer can check: the formula or rule, with its inputs.

The audit trail names the function that computed a number (``Computed by analysis.models.network.fit_network``);
this module says what that function computed for that number, keyed by the function and the last part of the
number's id (``estimate``, ``ci-low``, ``tau`` ...). A number whose kind has no entry here gets none (a test
checks that every kind the base build registers has one).
"""

from __future__ import annotations

NMA = ("a network meta-analysis of the analysis table's rows (every trial's contrasts, weighted by the inverse "
       "of their variances, generalised least squares; between-trial variance by {method})")

LIMITS = ("Confidence limits: the estimate minus (ci-low) or plus (ci-high) the two-sided {level} critical value "
          "times its standard error (the normal value, 1.96 for 95%; t only when the Knapp-Hartung adjustment is "
          "set).")
OR_LIMITS = ("Confidence limits: exp of the log odds ratio minus (or-low) or plus (or-high) the two-sided {level} "
             "critical value times its standard error.")
TAU = ("tau: the standard deviation of the true effects between trials, the square root of the between-trial "
       "variance tau\u00b2 (tau2), estimated by {method}")
Q = ("Cochran's generalised Q of the common-effect network model (q: the weighted sum of squared residuals), its "
     "degrees of freedom (q-df: independent contrasts minus treatments plus one) and its upper-tail chi-squared "
     "probability (q-p).")
I2 = "I\u00b2 = (Q \u2212 df) / Q \u00d7 100%, and 0 when Q is below its degrees of freedom."


def _heterogeneity(function: str) -> dict[tuple[str, str], str]:
    """The heterogeneity entries of a network fit: Cochran's Q, its degrees of freedom and p-value, and I\u00b2."""
    return {(function, "q"): Q, (function, "q-df"): Q, (function, "q-p"): Q, (function, "i2"): I2}


SHIFTS = ("The shift of the pooled estimate that would raise or lower its certainty by one level (certainty-up, "
          "-down) or move its size against the MID one class (classification-up, -down).")

FORMULAS: dict[tuple[str, str], str] = {
    # network meta-analysis of mean differences (analysis.models.network.fit_network)
    ("analysis.models.network.fit_network", "estimate"):
        "The pooled mean difference, first treatment minus second, from " + NMA + ".",
    ("analysis.models.network.fit_network", "ci-low"): LIMITS,
    ("analysis.models.network.fit_network", "ci-high"): LIMITS,
    ("analysis.models.network.fit_network", "tau2"): TAU + ".",
    ("analysis.models.network.fit_network", "tau"): TAU + ".",
    **_heterogeneity("analysis.models.network.fit_network"),
    ("analysis.models.network.fit_network", "design-by-treatment-p"):
        "p-value of the design-by-treatment interaction test: the chi-squared difference between the consistency "
        "model and a model with a separate effect for every design.",
    ("analysis.models.network.fit_network", "n-trials"): "For the whole network: the number of trials in its analysis table.",
    ("analysis.models.network.fit_network", "n-patients"):
        "The sum of the patients analysed in every arm of the network's analysis table.",
    # responders (analysis.engine.fit_responder_network)
    ("analysis.engine.fit_responder_network", "or"):
        "The pooled odds ratio of a response (at least 50% pain relief) versus sham: exp of the pooled log odds "
        "ratio from " + NMA + ".",
    ("analysis.engine.fit_responder_network", "or-low"): OR_LIMITS,
    ("analysis.engine.fit_responder_network", "or-high"): OR_LIMITS,
    ("analysis.engine.fit_responder_network", "tau"): TAU + " (on the log odds scale).",
    **_heterogeneity("analysis.engine.fit_responder_network"),
    ("analysis.engine.fit_responder_network", "design-by-treatment-p"):
        "p-value of the design-by-treatment interaction test of the responder network.",
    ("analysis.engine.fit_responder_network", "n-trials"): "For the whole responder network: the number of its trials.",
    ("analysis.pipeline.responders.responders", "n-trials"):
        "For a procedure: the number of trials in the responder network with an arm of it.",
    ("analysis.pipeline.networks.write_network", "n-mixed-trials"):
        "The number of the network's trials that enrolled axial and radicular pain together (studies.csv population "
        "'mixed'), analysed in the network data/guideline.yaml names (mixed_population_network).",
    ("analysis.pipeline.networks.write_network", "n-trials"):
        "For a procedure: the number of trials in the network's analysis table with an arm of it.",
    # subgroups (analysis.models.subgroup.subgroup_analysis)
    ("analysis.models.subgroup.subgroup_analysis", "estimate"):
        "The pooled mean difference versus sham within the subgroup's trials (random effects, {method}).",
    ("analysis.models.subgroup.subgroup_analysis", "ci-low"): LIMITS,
    ("analysis.models.subgroup.subgroup_analysis", "ci-high"): LIMITS,
    ("analysis.models.subgroup.subgroup_analysis", "n-trials"): "The number of trials in the subgroup.",
    ("analysis.models.subgroup.subgroup_analysis", "p-interaction"):
        "Test of interaction: Cochran's Q between the subgroups' estimates, its chi-squared p-value (for two "
        "subgroups, the two-sided z test of their difference).",
    # absolute effects (analysis.pipeline.certainty.certainty)
    ("analysis.pipeline.certainty.certainty", "baseline"):
        "Pain with sham at follow-up (GRADE's baseline for absolute effects, not pain before treatment): the "
        "patient-weighted mean of the final pain scores of the network's sham arms; arms reporting change from "
        "baseline are left out (a change is not a level).",
    ("analysis.pipeline.certainty.certainty", "baseline-arms"): "The number of sham arms whose final scores form the baseline.",
    ("analysis.pipeline.certainty.certainty", "baseline-change-arms"):
        "The number of sham arms left out of the baseline because they report change from baseline.",
    ("analysis.pipeline.certainty.certainty", "baseline-patients"): "The patients of the sham arms that form the baseline.",
    ("analysis.pipeline.certainty.certainty", "absolute"):
        "Pain with the procedure: the sham baseline as printed (as many decimals as the differences) plus the "
        "procedure's pooled mean difference versus sham, so that the printed numbers add up.",
    # the trials (analysis.characteristics, analysis.pipeline.dataset_summary)
    ("analysis.characteristics.characteristics", "trials"): "The number of analysed trials in this category (studies.csv).",
    ("analysis.characteristics.characteristics", "median"): "The median across analysed trials of each trial's value.",
    ("analysis.characteristics.characteristics", "q1"): "The first quartile across analysed trials of each trial's value.",
    ("analysis.characteristics.characteristics", "q3"): "The third quartile across analysed trials of each trial's value.",
    ("analysis.characteristics.trial_flow", "*"):
        "The number of eligible trials in this step of the flow (studies.csv: has_data, exclusion_reason, "
        "population).",
    ("analysis.pipeline.dataset_summary.dataset_summary", "trials-eligible"): "The rows of studies.csv: every eligible trial.",
    ("analysis.pipeline.dataset_summary.dataset_summary", "trials-analysed"):
        "The eligible trials whose data enter a meta-analysis (studies.csv has_data).",
    ("analysis.pipeline.dataset_summary.dataset_summary", "patients-analysed"):
        "The sum of the analysed trials' enrolment (studies.csv enrolled_n).",
    ("analysis.pipeline.harms.harms", "incidence"):
        "Taken from the observational review of harms cited in data/guideline.yaml (a constant with its source).",
    # settings and rules
    ("analysis.settings.Settings", "*"): "A setting of the build (its value as set; the guideline's MID from data/guideline.yaml).",
    ("analysis.dataset.load_dataset", "*"): "Taken from data/guideline.yaml (a constant of the guideline).",
    ("analysis.certainty.config.load_rules", "*"):
        "A rule of settings/guideline.yaml, as set there with its source.",
    # robustness (analysis.robustness)
    ("analysis.robustness.analyse.robustness_analysis", "flip-estimate"):
        "The pooled estimate at which the recommendation would change: the estimate moved, its confidence and "
        "prediction intervals moved with it, until the certainty assessment and the evidence-to-decision rules "
        "give another recommendation.",
    ("analysis.robustness.analyse.robustness_analysis", "recommendation-down"):
        "The shift of the pooled estimate (flip estimate minus current estimate) that would change the "
        "recommendation.",
    ("analysis.robustness.analyse.robustness_analysis", "certainty-up"): SHIFTS,
    ("analysis.robustness.analyse.robustness_analysis", "certainty-down"): SHIFTS,
    ("analysis.robustness.analyse.robustness_analysis", "classification-up"): SHIFTS,
    ("analysis.robustness.analyse.robustness_analysis", "classification-down"): SHIFTS,
    ("analysis.robustness.analyse.robustness_analysis", "typical-trial-effect"):
        "The mean difference a new sham-controlled trial of typical size (typical-n-per-arm patients per arm, "
        "with the sham arms' pooled SD, control-sd) would have to show to change the recommendation: found by adding such a trial "
        "and re-running the network meta-analysis, certainty and recommendation.",
    ("analysis.robustness.analyse.robustness_analysis", "typical-n-per-arm"):
        "Half the median enrolment (studies.csv enrolled_n) of the analysed trials, rounded up.",
    ("analysis.robustness.analyse.robustness_analysis", "max-n-per-arm"):
        "The largest new trial, per arm, the new-trial search tries.",
    ("analysis.robustness.analyse.robustness_analysis", "*"):
        "Counted from the robustness searches: each re-runs the network meta-analysis, certainty and "
        "recommendation with a trial removed (leave-one-out) or a hypothetical trial added.",
    ("analysis.robustness.influence.study_thresholds", "pivotal-study-observed"):
        "The study's own result for its contrast with the largest influence on the pooled estimate: its "
        "treatment minus its comparator arm.",
    ("analysis.robustness.influence.study_thresholds", "pivotal-study-required"):
        "The result that contrast would need for the recommendation to change: its own result plus the change "
        "below.",
    ("analysis.robustness.influence.study_thresholds", "pivotal-study-change"):
        "The change of this study's own estimate that would move the pooled estimate to the recommendation's "
        "threshold: the threshold shift divided by the study's influence on the pooled estimate (its weight in "
        "the network's hat matrix), with the heterogeneity variance held fixed.",
    ("analysis.robustness.trial.pooled_control_sd", "control-sd"):
        "The pooled standard deviation of the sham arms of the network: the square root of the sum of (n - 1) "
        "times each arm's variance over the sum of (n - 1).",
}


def how_computed(id: str, entry: dict) -> str | None:
    """The formula or rule behind a registry number, in words, with the settings it used filled in; None when
    its kind is not described here."""
    function = entry.get("function", "")
    kind = id.rsplit("/", 1)[-1]
    text = FORMULAS.get((function, kind)) or FORMULAS.get((function, "*"))
    if text is None:
        return None
    settings = entry.get("settings") or {}
    method = {"REML": "restricted maximum likelihood (REML)", "DL": "DerSimonian and Laird's method of moments",
              "FE": "none (a common-effect model)"}.get(str(settings.get("method", "REML")), str(settings.get("method")))
    return text.replace("{method}", method).replace("{level}", f"{float(settings.get('level', 0.95)):.0%}")


KIND_NAMES = {
    "analysis.models.network.fit_network": "network meta-analysis",
    "analysis.engine.fit_responder_network": "responder network",
    "analysis.pipeline.responders.responders": "responder network",
    "analysis.pipeline.networks.write_network": "network meta-analysis",
    "analysis.models.subgroup.subgroup_analysis": "subgroup analysis",
    "analysis.pipeline.certainty.certainty": "absolute effects",
    "analysis.characteristics.characteristics": "characteristics of the trials",
    "analysis.characteristics.trial_flow": "flow of trials",
    "analysis.pipeline.dataset_summary.dataset_summary": "the trials",
    "analysis.pipeline.harms.harms": "harms",
    "analysis.settings.Settings": "settings",
    "analysis.dataset.load_dataset": "the guideline's constants",
    "analysis.certainty.config.load_rules": "certainty rules",
    "analysis.robustness.analyse.robustness_analysis": "robustness",
    "analysis.robustness.influence.study_thresholds": "robustness",
    "analysis.robustness.trial.pooled_control_sd": "robustness",
}


def glossary(entries: dict[str, dict]) -> list[tuple[str, str, str]]:
    """(parts, kinds, how) for every kind of number among ``entries`` (id -> registry entry), the kinds and parts
    that share one description in one row, in a fixed order: the audit trail's "how each number is computed"
    section."""
    rows: dict[str, tuple[set[str], set[str]]] = {}  # how -> (the parts, the kinds it explains)
    for id_, e in sorted(entries.items()):
        function = e.get("function", "")
        kind = id_.rsplit("/", 1)[-1] if (function, id_.rsplit("/", 1)[-1]) in FORMULAS else "other numbers"
        words = how_computed(id_, e)
        if words is not None:
            parts, kinds = rows.setdefault(words, (set(), set()))
            parts.add(KIND_NAMES.get(function, function))
            kinds.add(kind)
    return sorted((", ".join(sorted(parts)), ", ".join(sorted(kinds)), how) for how, (parts, kinds) in rows.items())
