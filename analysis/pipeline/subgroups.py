"""Stage: the subgroup analyses the guideline reports (joint radiofrequency by provider blinding, axial pain)."""

from __future__ import annotations

import pandas as pd

from analysis.models.subgroup import direct_effects, subgroup_analysis
from analysis.pipeline.context import BuildContext
from analysis.results_io import write_csv

FUNCTION = "analysis.models.subgroup.subgroup_analysis"
# (outcome/population, treatment, covariate column of studies.csv, levels compared -> registry names)
ANALYSES = (("pain/axial", "joint-rf", "blinding_providers", {"no": "providers-not-blinded",
                                                               "yes": "providers-blinded"}),)


def subgroups(ctx: BuildContext) -> None:
    ref = ctx.settings.reference
    rows = []
    for key, treatment, covariate, levels in ANALYSES:
        net = ctx.networks.get(key)
        if net is None or treatment not in net.fit.treatments:
            continue
        effects = direct_effects(net.arms, treatment, ref)
        values = dict(zip(ctx.ds.studies["id"].astype(str), ctx.ds.studies[covariate].astype(str)))
        effects[covariate] = effects["study"].map(values)
        effects = effects[effects[covariate].isin(levels)]
        if effects[covariate].nunique() < 2:
            continue
        result = subgroup_analysis(effects, covariate)
        stem = f"{key}/{treatment}/vs-{ref}/subgroup/{covariate.replace('_', '-')}"
        for level in result.levels:
            fit, ids = result.fits[level], result.studies[level]
            name = levels[level]
            ctx.registry.add(f"{stem}/{name}/n-trials", len(ids), unit="trials", function=FUNCTION, decimals=0,
                             studies=ids)
            for field in ("estimate", "ci_low", "ci_high"):
                ctx.registry.add(f"{stem}/{name}/{field.replace('_', '-')}", getattr(fit, field), unit="cm",
                                 function=FUNCTION, decimals=2, studies=ids)
            rows.append((key, treatment, covariate, level, name, len(ids), fit.estimate, fit.ci_low, fit.ci_high))
        all_ids = sorted(effects["study"])
        ctx.registry.add(f"{stem}/p-interaction", result.p_interaction, unit="p", function=FUNCTION, decimals=3,
                         studies=all_ids)
    write_csv(pd.DataFrame(rows, columns=["network", "treatment", "covariate", "level", "name", "trials",
                                          "estimate", "ci_low", "ci_high"]), ctx.out / "subgroups.csv")
