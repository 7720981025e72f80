"""Stage: the evidence-to-decision step, one recommendation per procedure and population."""

from __future__ import annotations

from analysis.pipeline.context import BuildContext
from analysis.recommendations import recommend
from analysis.results_io import write_csv


def recommendations(ctx: BuildContext) -> None:
    ctx.progress("recommendations (evidence to decision)")
    table = ctx.tables.get("certainty")
    if table is None:
        raise RuntimeError("the recommendations stage needs the certainty stage to run first")
    recs = recommend(table, ctx.ds.guideline, ctx.rules)
    ctx.tables["recommendations"] = recs
    write_csv(recs, ctx.out / "recommendations.csv")
    write_csv(recommend(table, ctx.ds.guideline, ctx.rules, details=True), ctx.out / "recommendation_details.csv")
