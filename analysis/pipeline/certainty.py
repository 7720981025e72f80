"""Stage: GRADE certainty and classification of every procedure's effect versus the reference.

Writes ``certainty.csv`` (population, outcome, procedure, estimate, ci_low,
ci_high, certainty, classification, reasons; procedure = the guideline's
category name), ``certainty_domains.csv`` (every domain of every estimate,
with panel overrides) and registers the control baselines and absolute
effects. The certainty results and their assessments are the engine's
(:func:`analysis.engine.analyse`), each computed once.
"""

from __future__ import annotations

import pandas as pd

from analysis.certainty import certainty_frame
from analysis.certainty.result import WRITTEN
from analysis.pipeline.context import BuildContext
from analysis.pipeline.networks import estimate_decimals
from analysis.recommendations.absolute import control_baseline
from analysis.results_io import write_csv

FUNCTION = "analysis.pipeline.certainty.certainty"


def domains_frame(ctx: BuildContext) -> pd.DataFrame:
    """``certainty_domains.csv``: every domain of every assessment, with panel overrides."""
    assessments = ctx.results.assessments
    frames = [a.rating.to_frame() for key in sorted(assessments) for a in assessments[key]]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def register_absolute(ctx: BuildContext) -> None:
    """Control baseline per network (reference arms reporting final values: how many, their patients, and the
    change-score reference arms left out) and the absolute value with each procedure."""
    for key in sorted(ctx.networks):
        net = ctx.networks[key]
        sub = [r for r in ctx.results.certainty if (r.outcome, r.population) == (net.outcome, net.population)]
        if not sub:
            continue
        base = control_baseline(net.arms, net.fit.reference)
        if base is None:
            continue
        unit = sub[0].unit
        decimals = estimate_decimals(unit)
        ref = net.fit.reference
        stem = f"{net.key}/{ref}/baseline"
        # as many decimals as the mean differences; the absolute values start from the baseline as printed,
        # so that a reader's printed baseline + printed difference is the printed absolute value
        ctx.registry.add(stem, base.value, unit=unit, function=FUNCTION, decimals=decimals, studies=base.studies,
                         analysis=net.key)
        ctx.registry.add(f"{stem}-arms", base.arms, unit="arms", function=FUNCTION, decimals=0,
                         studies=base.studies, analysis=net.key)
        ctx.registry.add(f"{stem}-patients", base.patients, unit="patients", function=FUNCTION, decimals=0,
                         studies=base.studies, analysis=net.key)
        ctx.registry.add(f"{stem}-change-arms", base.change_arms, unit="arms", function=FUNCTION, decimals=0,
                         analysis=net.key)
        for r in sub:
            shares = net.study_shares(r.code, ref)
            ctx.registry.add(f"{net.key}/{r.code}/vs-{ref}/absolute", round(base.value, decimals) + r.estimate,
                             unit=unit, function=FUNCTION, decimals=decimals, studies=net.studies, contributions=shares,
                             analysis=net.key)


def certainty(ctx: BuildContext) -> None:
    write_csv(certainty_frame(ctx.results.certainty)[WRITTEN], ctx.out / "certainty.csv")
    write_csv(domains_frame(ctx), ctx.out / "certainty_domains.csv")
    register_absolute(ctx)
