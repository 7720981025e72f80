"""Stage: the subgroup analyses the guideline reports (:data:`analysis.engine.SUBGROUPS`: joint radiofrequency
by provider blinding, axial pain), written to ``subgroups.csv`` and registered."""

from __future__ import annotations

import pandas as pd

from analysis.pipeline.context import BuildContext
from analysis.results_io import write_csv

FUNCTION = "analysis.models.subgroup.subgroup_analysis"


def subgroups(ctx: BuildContext) -> None:
    rows = []
    for sg in ctx.results.subgroups:
        result = sg.analysis
        stem = f"{sg.network}/{sg.treatment}/vs-{sg.reference}/subgroup/{sg.covariate.replace('_', '-')}"
        for level in result.levels:
            fit, ids = result.fits[level], result.studies[level]
            name = sg.names[level]
            ctx.registry.add(f"{stem}/{name}/n-trials", len(ids), unit="trials", function=FUNCTION, decimals=0,
                             studies=ids)
            for field in ("estimate", "ci_low", "ci_high"):
                ctx.registry.add(f"{stem}/{name}/{field.replace('_', '-')}", getattr(fit, field), unit="cm",
                                 function=FUNCTION, decimals=2, studies=ids)
            rows.append((sg.network, sg.treatment, sg.covariate, level, name, len(ids), fit.estimate, fit.ci_low,
                         fit.ci_high))
        ctx.registry.add(f"{stem}/p-interaction", result.p_interaction, unit="p", function=FUNCTION, decimals=3,
                         studies=sg.studies)
    write_csv(pd.DataFrame(rows, columns=["network", "treatment", "covariate", "level", "name", "trials",
                                          "estimate", "ci_low", "ci_high"]), ctx.out / "subgroups.csv")
