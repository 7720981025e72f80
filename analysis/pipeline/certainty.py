"""Stage: GRADE certainty and classification of every procedure's effect versus the reference.

Writes ``certainty.csv`` (population, outcome, procedure, estimate, ci_low,
ci_high, certainty, classification, reasons; procedure = the guideline's
category name), ``certainty_domains.csv`` (every domain of every estimate,
with panel overrides) and registers the control baselines and absolute
effects. Leaves the full table in ``ctx.tables["certainty"]`` for the
recommendations stage.
"""

from __future__ import annotations

import pandas as pd

from analysis.engine import CERTAINTY_COLUMNS, assess
from analysis.engine import certainty_rows as certainty_rows_of
from analysis.pipeline.context import BuildContext
from analysis.recommendations.absolute import control_baseline
from analysis.results_io import write_csv

COLUMNS = CERTAINTY_COLUMNS[:9]  # written to certainty.csv; the rest serve the stages after this one
FUNCTION = "analysis.pipeline.certainty.certainty"


def certainty_rows(ctx: BuildContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(certainty table with extra columns, per-domain table) over every network with a MID; the assessments
    are kept in ``ctx.assessments`` for the stages after this one."""
    rows, domains = [], []
    for key in sorted(ctx.networks):
        net = ctx.networks[key]
        ctx.assessments[key] = assessments = assess(ctx.ds, ctx.settings, ctx.rules, net)
        rows += certainty_rows_of(ctx.ds, ctx.settings, ctx.rules, net, assessments)
        domains += [a.rating.to_frame() for a in assessments]
    table = pd.DataFrame(rows, columns=CERTAINTY_COLUMNS)
    dom = pd.concat(domains, ignore_index=True) if domains else pd.DataFrame()
    return table, dom


def register_absolute(ctx: BuildContext, table: pd.DataFrame) -> None:
    """Control baseline (reference arms) per network, and the absolute value with each procedure."""
    for key in sorted(ctx.networks):
        net = ctx.networks[key]
        sub = table[(table["outcome"] == net.outcome) & (table["population"] == net.population)]
        if sub.empty:
            continue
        base = control_baseline(net.arms, net.fit.reference)
        if base is None:
            continue
        unit = sub["unit"].iloc[0]
        ref = net.fit.reference
        ctx.registry.add(f"{net.key}/{ref}/baseline", base.value, unit=unit, function=FUNCTION, decimals=1,
                         studies=base.studies, analysis=net.key)
        for r in sub.itertuples():
            shares = net.study_shares(r.code, ref)
            ctx.registry.add(f"{net.key}/{r.code}/vs-{ref}/absolute", base.value + r.estimate, unit=unit,
                             function=FUNCTION, decimals=1, studies=net.studies, contributions=shares,
                             analysis=net.key)


def certainty(ctx: BuildContext) -> None:
    ctx.progress("certainty of the evidence (GRADE)")
    table, domains = certainty_rows(ctx)
    ctx.tables["certainty"] = table
    write_csv(table[COLUMNS], ctx.out / "certainty.csv")
    write_csv(domains, ctx.out / "certainty_domains.csv")
    register_absolute(ctx, table)
