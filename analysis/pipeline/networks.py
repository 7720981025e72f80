"""Stage: the network meta-analysis of each outcome and population (:func:`analysis.engine.analyse`): its
result tables and numbers, and the treatments left without evidence."""

from __future__ import annotations

import math

from analysis.engine import NetworkResult
from analysis.models.nodesplit import node_split
from analysis.nma_files import heterogeneity_summary
from analysis.pipeline.context import BuildContext
from analysis.pipeline.evidence import write_without_evidence
from analysis.registry import format_p
from analysis.results_io import write_csv, write_json

FIT = "analysis.models.network.fit_network"


def estimate_decimals(unit: str) -> int:
    """Decimals of an outcome's printed effects: 2 on the 10 cm pain scale, 1 on a 0-100 scale."""
    return 2 if unit == "cm" else 1


def write_network(ctx: BuildContext, net: NetworkResult) -> None:
    where = ctx.out / "network" / net.outcome / net.population
    effects = net.fit.effects_frame()
    trials = net.arms.groupby("treatment")["study"].nunique()
    effects.insert(1, "n_trials", [int(trials.get(t, 0)) for t in effects["treatment"]])
    write_csv(effects, where / "effects.csv")
    league = net.fit.league_frame()
    write_csv(league, where / "league.csv")
    write_csv(node_split(net.fit), where / "nodesplit.csv")
    write_csv(net.contributions, where / "contributions.csv")
    het = heterogeneity_summary(net.fit)
    write_json(het, where / "heterogeneity.json")

    reg, ids, ref = ctx.registry, net.studies, ctx.settings.reference
    scale = (ctx.ds.guideline.get("analysis_scales") or {}).get(net.outcome, {})
    unit = scale.get("unit", "cm")
    decimals = estimate_decimals(unit)
    reg.add(f"{net.key}/n-trials", len(ids), unit="trials", function=FIT, decimals=0, studies=ids,
            analysis=net.key)
    reg.add(f"{net.key}/n-patients", int(net.arms["n"].sum()), unit="patients", function=FIT, decimals=0,
            studies=ids, analysis=net.key)
    studies = ctx.ds.studies
    mixed = sorted(set(ids) & set(studies.loc[studies["population"] == "mixed", "id"].astype(str)))
    reg.add(f"{net.key}/n-mixed-trials", len(mixed), unit="trials",
            function="analysis.pipeline.networks.write_network", decimals=0, studies=mixed, analysis=net.key)
    reg.add(f"{net.key}/tau2", net.fit.tau2, unit=f"{unit}^2", function=FIT, decimals=decimals, studies=ids,
            analysis=net.key)
    register_heterogeneity(reg, net.key, het, unit, decimals, ids, FIT)
    for row in effects.itertuples():
        shares = net.study_shares(row.treatment, ref)
        with_t = sorted(net.arms.loc[net.arms["treatment"] == row.treatment, "study"].astype(str).unique())
        reg.add(f"{net.key}/{row.treatment}/n-trials", int(row.n_trials), unit="trials",
                function="analysis.pipeline.networks.write_network",
                decimals=0, studies=with_t, analysis=net.key)
        for field in ("estimate", "ci_low", "ci_high"):
            reg.add(f"{net.key}/{row.treatment}/vs-{ref}/{field.replace('_', '-')}", float(getattr(row, field)),
                    unit=unit, function=FIT, decimals=decimals, studies=ids, contributions=shares, analysis=net.key)
    register_league(ctx, net, league, unit, decimals)


def register_heterogeneity(reg, key: str, het: dict, unit: str, decimals: int, ids, function: str) -> None:
    """The heterogeneity a network's fit reports: tau (the between-trial SD, on the outcome's scale), I², Cochran's Q
    with its degrees of freedom and p-value, and the design-by-treatment interaction test's p-value."""
    common = dict(function=function, studies=ids, analysis=key)
    if het.get("tau2") is not None:
        reg.add(f"{key}/tau", math.sqrt(max(het["tau2"], 0.0)), unit=unit, decimals=decimals, **common)
    for name, field, what, places in (("i2", "i2", "%", 0), ("q", "q", "chi-squared", 1),
                                      ("q-df", "q_df", "degrees of freedom", 0)):
        if het.get(field) is not None:
            reg.add(f"{key}/{name}", het[field], unit=what, decimals=places, **common)
    for name, field in (("q-p", "q_p"), ("design-by-treatment-p", "design_by_treatment_p")):
        if het.get(field) is not None:
            reg.add(f"{key}/{name}", het[field], unit="p-value", text=format_p(het[field]), **common)


def register_league(ctx: BuildContext, net: NetworkResult, league, unit: str, decimals: int) -> None:
    """Every pair of treatments (treat1 sorted before treat2): treat1 minus treat2, for the league tables."""
    ids = net.studies
    for r in league[league["treat1"] < league["treat2"]].itertuples():
        shares = net.study_shares(r.treat1, r.treat2)
        for field in ("estimate", "ci_low", "ci_high"):
            ctx.registry.add(f"{net.key}/league/{r.treat1}/{r.treat2}/{field.replace('_', '-')}",
                             float(getattr(r, field)), unit=unit, function=FIT, decimals=decimals, studies=ids,
                             contributions=shares, analysis=net.key)


def networks(ctx: BuildContext) -> None:
    for outcome in ctx.settings.outcomes:
        for population in ctx.settings.populations:
            key = f"{outcome}/{population}"
            write_without_evidence(ctx.out, outcome, population, ctx.results.without_evidence.get(key, ()),
                                   f"not connected to {ctx.settings.reference}")
            if key in ctx.networks:  # not when no trial is connected to the reference (possible under a scenario)
                write_network(ctx, ctx.networks[key])
