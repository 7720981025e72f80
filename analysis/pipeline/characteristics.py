"""Stage: trial characteristics (Table 2) and the flow of trials, with their numbers registered."""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd

from analysis.characteristics import flow_frame
from analysis.pipeline.context import BuildContext
from analysis.results_io import write_csv

FN_TABLE = "analysis.characteristics.characteristics"
FN_FLOW = "analysis.characteristics.trial_flow"
DECIMALS = {"patients": 0, "years": 0, "%": 0, "cm": 1, "months": 0}


def characteristics(ctx: BuildContext) -> None:
    studies = ctx.ds.studies
    used_ids = studies.loc[studies["has_data"].astype(bool), "id"].astype(str)
    rows = ctx.results.characteristics
    write_csv(pd.DataFrame([asdict(r) for r in rows]), ctx.out / "characteristics.csv")
    for r in rows:
        stem = f"characteristics/{r.item}"
        ctx.registry.add(f"{stem}/trials", r.n, unit="trials", function=FN_TABLE, decimals=0, studies=used_ids)
        if r.kind == "median":
            for part in ("median", "q1", "q3"):
                ctx.registry.add(f"{stem}/{part}", getattr(r, part), unit=r.unit, function=FN_TABLE,
                                 decimals=DECIMALS.get(r.unit, 1), studies=used_ids)
    write_csv(flow_frame(ctx.results.trial_flow), ctx.out / "trial_flow.csv")
    all_ids = studies["id"].astype(str)
    for r in ctx.results.trial_flow:
        if r.item in ("eligible", "analysed"):
            continue  # registered by the dataset summary stage
        ctx.registry.add(f"flow/{r.item}", int(r.trials), unit="trials", function=FN_FLOW, decimals=0,
                         studies=all_ids)
