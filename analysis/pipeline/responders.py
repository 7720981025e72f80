"""Stage: the responder network (e.g. at least 50% pain relief) of each population, as odds ratios.

Trials that report only the proportion of responders cannot enter the
mean-difference network; they are analysed here, on their own, from the optional
``responders.csv`` table. The model is the same consistency model on the log
odds ratio (random effects by the build's method; a common-effect model when
the network has too few trials to estimate heterogeneity, recorded in
``heterogeneity.json``). Treatments not connected to the reference are reported
in ``without_evidence.csv``. Results: ``network/pain_responder/<population>/``.
"""

from __future__ import annotations

import numpy as np

from analysis.effects import contrasts_from_arms
from analysis.engine import reference_component
from analysis.errors import AnalysisError
from analysis.models.network import fit_network
from analysis.nma_files import heterogeneity_summary
from analysis.pipeline.context import BuildContext
from analysis.pipeline.evidence import write_without_evidence
from analysis.results_io import write_csv, write_json

OUTCOME = "pain_responder"
FIT = "analysis.pipeline.responders.responders"


def fit_responders(arms, reference: str, method: str, level: float):
    """(fit, method used) of an arm-level responder table (``study, treatment, n, events``)."""
    studies = contrasts_from_arms(arms, "OR", reference, source=f"{OUTCOME} analysis table")
    try:
        return fit_network(studies, "OR", method, reference, level), method
    except AnalysisError as exc:
        if "heterogeneity cannot be estimated" not in str(exc):
            raise
        return fit_network(studies, "OR", "FE", reference, level), "FE"


def responders(ctx: BuildContext) -> None:
    s = ctx.settings
    for population in s.populations:
        arms = ctx.ds.responder_arms(population=population, outcome=OUTCOME)
        arms, dropped = reference_component(arms, s.reference)
        write_without_evidence(ctx.out, OUTCOME, population, dropped, f"not connected to {s.reference}")
        if arms["study"].nunique() < 1:
            continue
        ctx.progress(f"responder network: {population} ({arms['study'].nunique()} trials)")
        fit, method = fit_responders(arms, s.reference, s.method, s.level)
        where = ctx.out / "network" / OUTCOME / population
        eff = fit.effects_frame()
        trials = arms.groupby("treatment")["study"].nunique()
        eff.insert(1, "n_trials", [int(trials.get(t, 0)) for t in eff["treatment"]])
        for col, src in (("odds_ratio", "estimate"), ("or_low", "ci_low"), ("or_high", "ci_high")):
            eff[col] = np.exp(eff[src])
        write_csv(eff, where / "effects.csv")
        write_csv(arms, where / "arms.csv")
        het = heterogeneity_summary(fit)
        het["method_used"] = method
        write_json(het, where / "heterogeneity.json")
        key, ids = f"{OUTCOME}/{population}", sorted(arms["study"].astype(str).unique())
        ctx.registry.add(f"{key}/n-trials", len(ids), unit="trials", function=FIT, decimals=0, studies=ids)
        for row in eff.to_dict("records"):
            for field, name in (("odds_ratio", "or"), ("or_low", "or-low"), ("or_high", "or-high")):
                ctx.registry.add(f"{key}/{row['treatment']}/vs-{s.reference}/{name}", float(row[field]),
                                 unit="odds ratio", function=FIT, decimals=2, studies=ids)
