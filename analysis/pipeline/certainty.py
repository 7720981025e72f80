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

from analysis.certainty import assess_network, load_rules, statement
from analysis.pipeline.context import BuildContext
from analysis.recommendations.absolute import control_baseline
from analysis.results_io import write_csv

COLUMNS = ["population", "outcome", "procedure", "estimate", "ci_low", "ci_high", "certainty", "classification",
           "reasons"]
FUNCTION = "analysis.pipeline.certainty.certainty"


def outcome_mid(ctx: BuildContext, outcome: str) -> float | None:
    if outcome == "pain":
        return float(ctx.settings.pain_mid_cm)
    mid = (ctx.ds.guideline.get("mids") or {}).get(outcome)
    return float(mid["value"]) if isinstance(mid, dict) and "value" in mid else None


def certainty_rows(ctx: BuildContext, rules: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(certainty table with extra columns, per-domain table) over every network with a MID."""
    ds, rows, domains = ctx.ds, [], []
    kinds = dict(zip(ds.nodes["code"], ds.nodes["kind"]))
    scales = ds.guideline.get("analysis_scales") or {}
    for key in sorted(ctx.networks):
        net = ctx.networks[key]
        mid = outcome_mid(ctx, net.outcome)
        if mid is None or net.fit.measure != "MD":
            continue
        scale = scales.get(net.outcome) or {}
        procedures = [t for t in net.fit.treatments if t != net.fit.reference and kinds.get(t) != "control"]
        for a in assess_network(net, ds.studies, rules, mid, bool(scale.get("higher_is_better", False)),
                                ds.judgements, procedures):
            name = ds.category(a.treatment)
            rows.append({"population": a.population, "outcome": a.outcome, "procedure": name,
                         "estimate": a.estimate, "ci_low": a.ci_low, "ci_high": a.ci_high,
                         "certainty": a.certainty, "classification": a.classification.label,
                         "reasons": a.rating.reasons(), "code": a.treatment, "id": a.id,
                         "important_benefit": a.classification.important_benefit,
                         "statement": statement(name, a.outcome, a.classification, a.certainty, rules,
                                                ds.category(a.reference)),
                         "levels_down": a.rating.levels_down, "pi_low": a.pi_low, "pi_high": a.pi_high,
                         "mid": mid, "unit": scale.get("unit", ""), "reference": a.reference})
            domains.append(a.rating.to_frame())
    table = pd.DataFrame(rows, columns=[*COLUMNS, "code", "id", "important_benefit", "statement", "levels_down",
                                        "pi_low", "pi_high", "mid", "unit", "reference"])
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
    rules = load_rules()
    table, domains = certainty_rows(ctx, rules)
    ctx.tables["certainty"] = table
    write_csv(table[COLUMNS], ctx.out / "certainty.csv")
    write_csv(domains, ctx.out / "certainty_domains.csv")
    register_absolute(ctx, table)
