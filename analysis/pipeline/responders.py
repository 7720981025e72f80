"""Stage: the responder network (e.g. at least 50% pain relief) of each population, as odds ratios.

Trials that report only the proportion of responders cannot enter the
mean-difference network; the engine analyses them on their own, from the optional
``responders.csv`` table (:func:`analysis.engine.fit_responder_network`), and this
stage writes and registers the result. The model is the same consistency model on the log
odds ratio (random effects by the build's method; a common-effect model when
the network has too few trials to estimate heterogeneity, recorded in
``heterogeneity.json``). Treatments not connected to the reference are reported
in ``without_evidence.csv``. Results: ``network/pain_responder/<population>/``.
"""

from __future__ import annotations

import numpy as np

from analysis.engine import RESPONDER_OUTCOME as OUTCOME
from analysis.nma_files import heterogeneity_summary
from analysis.pipeline.context import BuildContext
from analysis.pipeline.evidence import write_without_evidence
from analysis.pipeline.networks import register_heterogeneity
from analysis.results_io import write_csv, write_json

FIT = "analysis.engine.fit_responder_network"


def responders(ctx: BuildContext) -> None:
    s = ctx.settings
    for population in s.populations:
        write_without_evidence(ctx.out, OUTCOME, population,
                               ctx.results.without_evidence.get(f"{OUTCOME}/{population}", ()),
                               f"not connected to {s.reference}")
        res = ctx.results.responders.get(population)
        if res is None:
            continue
        where = ctx.out / "network" / OUTCOME / population
        eff = res.fit.effects_frame()
        trials = res.arms.groupby("treatment")["study"].nunique()
        eff.insert(1, "n_trials", [int(trials.get(t, 0)) for t in eff["treatment"]])
        for col, src in (("odds_ratio", "estimate"), ("or_low", "ci_low"), ("or_high", "ci_high")):
            eff[col] = np.exp(eff[src])
        write_csv(eff, where / "effects.csv")
        write_csv(res.arms, where / "arms.csv")
        het = heterogeneity_summary(res.fit)
        het["method_used"] = res.method
        het["studies_without_information"] = list(res.without_information)
        write_json(het, where / "heterogeneity.json")
        key, ids = res.key, res.studies
        ctx.registry.add(f"{key}/n-trials", len(ids), unit="trials", function=FIT, decimals=0, studies=ids)
        register_heterogeneity(ctx.registry, key, het, "log odds ratio", 2, ids, FIT)
        for row in eff.to_dict("records"):
            with_t = sorted(res.arms.loc[res.arms["treatment"] == row["treatment"], "study"].astype(str).unique())
            ctx.registry.add(f"{key}/{row['treatment']}/n-trials", int(row["n_trials"]), unit="trials",
                             function="analysis.pipeline.responders.responders", decimals=0, studies=with_t)
            for field, name in (("odds_ratio", "or"), ("or_low", "or-low"), ("or_high", "or-high")):
                ctx.registry.add(f"{key}/{row['treatment']}/vs-{s.reference}/{name}", float(row[field]),
                                 unit="odds ratio", function=FIT, decimals=2, studies=ids)
