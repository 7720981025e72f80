"""Stage: what describes the dataset: trial and patient counts, the MID, treatment names, other guidance."""

from __future__ import annotations

import pandas as pd

from analysis.pipeline.context import BuildContext
from analysis.results_io import write_csv


def dataset_summary(ctx: BuildContext) -> None:
    fn = "analysis.pipeline.dataset_summary.dataset_summary"
    studies = ctx.ds.studies
    usable = studies[studies["has_data"].astype(bool)]
    ids, usable_ids = studies["id"].astype(str), usable["id"].astype(str)
    reg = ctx.registry
    reg.add("dataset/trials-eligible", len(studies), unit="trials", function=fn, decimals=0, studies=ids)
    reg.add("dataset/trials-analysed", len(usable), unit="trials", function=fn, decimals=0, studies=usable_ids)
    reg.add("dataset/patients-analysed", int(usable["enrolled_n"].sum()), unit="patients", function=fn,
            decimals=0, studies=usable_ids)
    reg.add("settings/pain-mid", ctx.settings.pain_mid_cm, unit="cm", function="analysis.settings.Settings",
            decimals=1)
    codes = sorted(ctx.ds.nodes["code"].astype(str))
    write_csv(pd.DataFrame({"code": codes, "name": [ctx.ds.category(c) for c in codes]}),
              ctx.out / "treatments.csv")
    guidance = ctx.ds.other_guidance.sort_values(["year", "organisation", "procedures"], ascending=[False, True, True])
    write_csv(guidance.drop(columns=["source_row"]), ctx.out / "other_guidance.csv")
