"""Stage: the synthetic dataset against the published figures (``calibration.csv``).

The targets describe the base synthetic package, so the project build runs this stage for the base case
only (:mod:`analysis.build`), not under a scenario's changes.
"""

from __future__ import annotations

from analysis.dataset.calibration import calibration_table
from analysis.pipeline.context import BuildContext
from analysis.results_io import write_csv


def calibration(ctx: BuildContext) -> None:
    ctx.progress("calibration against the published figures")
    write_csv(calibration_table(ctx.ds), ctx.out / "calibration.csv")
