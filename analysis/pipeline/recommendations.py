"""Stage: the evidence-to-decision step, one recommendation per procedure and population."""

from __future__ import annotations

from analysis.pipeline.context import BuildContext
from analysis.recommendations import recommend, recommendations_frame
from analysis.results_io import write_csv


def recommendations(ctx: BuildContext) -> None:
    ctx.progress("recommendations (evidence to decision)")
    if not ctx.certainty and ctx.networks:
        raise RuntimeError("the recommendations stage needs the certainty stage to run first")
    ctx.recommendations = recommend(ctx.certainty, ctx.ds.guideline, ctx.rules)
    write_csv(recommendations_frame(ctx.recommendations), ctx.out / "recommendations.csv")
    write_csv(recommendations_frame(ctx.recommendations, details=True), ctx.out / "recommendation_details.csv")
