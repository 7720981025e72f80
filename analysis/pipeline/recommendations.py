"""Stage: the evidence-to-decision step, one recommendation per procedure and population (made by the
engine, :func:`analysis.engine.analyse`), written as ``recommendations.csv`` and, with the inputs of each
decision, ``recommendation_details.csv``."""

from __future__ import annotations

from analysis.pipeline.context import BuildContext
from analysis.recommendations import recommendations_frame
from analysis.results_io import write_csv


def recommendations(ctx: BuildContext) -> None:
    write_csv(recommendations_frame(ctx.results.recommendations), ctx.out / "recommendations.csv")
    write_csv(recommendations_frame(ctx.results.recommendations, details=True),
              ctx.out / "recommendation_details.csv")
