"""Stage: what evidence would change each recommendation (:func:`analysis.robustness.analyse.robustness_analysis`).

Writes ``robustness.csv`` (one row per population and procedure: the estimate and its CI, the thresholds
of the pooled estimate for its classification, certainty and recommendation in each direction -- "none"
where no plausible shift changes it (:class:`analysis.robustness.shift.EffectRange`) --, the study whose own estimate would need the
smallest change to flip the recommendation, the smallest new sham-controlled trial showing the MID that
changes it or "none", the effect a trial of typical size would have to show, and the studies whose
exclusion alone changes it), ``robustness_studies.csv`` (every study's threshold for every estimate) and
``robustness_loo.csv`` (every change a single exclusion makes), and registers the numbers the chapter
prints under ``robustness/<population>/...``.

``robustness_stage(full=True)`` runs all of it: the threshold analysis (no re-run: milliseconds), the
leave-one-out pass and the trial searches (re-runs of the engine's stages, about a minute on 2 cores);
``full=False`` only the threshold analysis, and the other columns say "not run". Which one a build runs is
the project build's choice (:mod:`analysis.build`). The result is computed once and kept in the build's
cache under the data, settings and rules it reads.
"""

from __future__ import annotations

from functools import partial

import pandas as pd

from analysis.pipeline.context import BuildContext
from analysis.results_io import write_csv
from analysis.robustness.analyse import robustness_analysis, summary_frame

FUNCTION = "analysis.robustness.analyse.robustness_analysis"
WORKERS = 2
THRESHOLD_COLUMNS = ("classification_down", "classification_up", "certainty_down", "certainty_up",
                     "recommendation_down", "recommendation_up")


def register(ctx: BuildContext, res, nets: dict) -> None:
    reg = ctx.registry
    pops = {n.population: n for n in nets.values() if n.outcome == "pain"}
    if res.typical_n_per_arm is not None:
        reg.add("robustness/typical-n-per-arm", res.typical_n_per_arm, unit="patients per arm", function=FUNCTION,
                decimals=0)
        reg.add("robustness/max-n-per-arm", 2000, unit="patients per arm", function=FUNCTION, decimals=0)
    rows = res.rows
    # counts over every recommendation depend on every study of every network analysed
    every = dict(studies=sorted({s for net in pops.values() for s in net.studies}))
    reg.add("robustness/recommendations", len(rows), unit="recommendations", function=FUNCTION, decimals=0, **every)
    reg.add("robustness/plausible-shifts",
            sum(r.recommendation_down is not None or r.recommendation_up is not None for r in rows),
            unit="recommendations", function=FUNCTION, decimals=0, **every)
    if res.full:
        reg.add("robustness/trial-flips", sum(r.trial_n_per_arm is not None for r in rows),
                unit="recommendations", function=FUNCTION, decimals=0, **every)
        reg.add("robustness/typical-trial-flips", sum(r.typical_trial_effect is not None for r in rows),
                unit="recommendations", function=FUNCTION, decimals=0, **every)
        reg.add("robustness/loo-changes", sum(bool(r.loo_changes) for r in rows), unit="recommendations",
                function=FUNCTION, decimals=0, **every)
    for pop, sd in sorted(res.control_sd.items()):
        net = pops[pop]
        reg.add(f"robustness/{pop}/control-sd", sd, unit="cm", function="analysis.robustness.trial.pooled_control_sd",
                decimals=2, studies=net.studies, analysis=net.key)
    if res.full:
        for pop, net in sorted(pops.items()):
            loo = res.loo[res.loo["population"] == pop]
            reg.add(f"robustness/{pop}/loo-studies", len(net.studies), unit="studies", function=FUNCTION,
                    decimals=0, studies=net.studies, analysis=net.key)
            changed = sorted(set(loo.loc[loo["recommendation_changed"], "study"]))
            # the count depends on every study's exclusion, so every study of the network feeds it
            reg.add(f"robustness/{pop}/loo-pivotal", len(changed), unit="studies", function=FUNCTION,
                    decimals=0, studies=net.studies, analysis=net.key)
    for r in rows:
        net = pops[r.population]
        stem, shares = f"robustness/{r.population}/{r.code}", net.study_shares(r.code, net.fit.reference)
        common = dict(function=FUNCTION, studies=net.studies, contributions=shares, analysis=net.key)
        for col in THRESHOLD_COLUMNS:
            v = getattr(r, col)
            if v is not None:
                reg.add(f"{stem}/{col.replace('_', '-')}", v, unit="cm", decimals=2, **common)
        if r.flip_estimate is not None:
            reg.add(f"{stem}/flip-estimate", r.flip_estimate, unit="cm", decimals=2, **common)
        if r.pivotal_study is not None:
            # the study's own threshold depends on its influence, hence on every study of the network
            study = {**common, "function": "analysis.robustness.influence.study_thresholds"}
            reg.add(f"{stem}/pivotal-study-change", r.pivotal_study_change, unit="cm", decimals=2, **study)
            reg.add(f"{stem}/pivotal-study-observed", r.pivotal_study_observed, unit="cm", decimals=2, **study)
            reg.add(f"{stem}/pivotal-study-required", r.pivotal_study_observed + r.pivotal_study_change, unit="cm",
                    decimals=2, **study)
        if r.trial_n_per_arm is not None:
            reg.add(f"{stem}/trial-n-per-arm", r.trial_n_per_arm, unit="patients per arm", decimals=0, **common)
        if r.typical_trial_effect is not None:
            reg.add(f"{stem}/typical-trial-effect", r.typical_trial_effect, unit="cm", decimals=2, **common)


def robustness(ctx: BuildContext, full: bool = True) -> None:
    """The stage (see the module docstring); ``robustness_stage(full)`` names it for a list of stages."""
    key = {"stage": "robustness", "data": ctx.ds.data_hash, "settings": ctx.settings.to_dict(),
           "rules": ctx.rules, "full": full}
    if ctx.cache.contains("robustness", key):
        ctx.progress("robustness: unchanged since the last build, results reused")
    else:
        ctx.progress("robustness: thresholds" + (", leave-one-out and new-trial searches" if full else " only"))
    res = ctx.cache.get("robustness", key, lambda: robustness_analysis(
        ctx.ds, ctx.settings, ctx.networks, ctx.results.assessments, ctx.rules, full=full, workers=WORKERS,
        progress=ctx.progress))
    write_csv(summary_frame(res.rows), ctx.out / "robustness.csv")
    write_csv(res.studies, ctx.out / "robustness_studies.csv")
    write_csv(res.loo if res.full else pd.DataFrame(columns=res.loo.columns), ctx.out / "robustness_loo.csv")
    register(ctx, res, ctx.networks)


def robustness_stage(full: bool):
    stage = partial(robustness, full=full)
    stage.__name__ = "robustness" if full else "robustness (thresholds only)"
    return stage
