"""Stage: the synthetic dataset against the published figures (``calibration.csv``)."""

from __future__ import annotations

from analysis.pipeline.context import BuildContext
from analysis.results_io import write_csv


def calibration(ctx: BuildContext) -> None:
    from analysis.dataset.calibration import calibration_table

    if ctx.scenario != "base":  # the targets describe the base synthetic package, not a scenario's changes
        ctx.progress("calibration skipped under a scenario (it checks the base data package)")
        return
    ctx.progress("calibration against the published figures")
    write_csv(calibration_table(ctx.ds), ctx.out / "calibration.csv")
