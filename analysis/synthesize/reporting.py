"""How each synthetic trial reports an outcome: instrument, statistic and rounding.

``report`` turns a mean and SD on the analysis scale into the cells a trial
would publish; the loader's normalisation (:mod:`analysis.dataset.normalise`)
is its inverse up to rounding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from analysis.models.distributions import t_quantile


@dataclass(frozen=True)
class Instrument:
    code: str
    lo: float
    hi: float
    higher_is_better: bool
    decimals: int


PAIN_INSTRUMENTS = {
    "vas_10cm": Instrument("vas_10cm", 0, 10, False, 2),
    "vas_100mm": Instrument("vas_100mm", 0, 100, False, 1),
    "nrs_0_10": Instrument("nrs_0_10", 0, 10, False, 2),
}
FUNCTION_INSTRUMENTS = {
    "odi": Instrument("odi", 0, 100, False, 1),
    "ndi_0_50": Instrument("ndi_0_50", 0, 50, False, 1),
    "rmdq": Instrument("rmdq", 0, 24, False, 2),
    "sf36_physical_function": Instrument("sf36_physical_function", 0, 100, True, 1),
}


@dataclass(frozen=True)
class Format:
    instrument: Instrument
    measure_type: str  # final | change
    statistic: str  # mean_sd | mean_se | mean_ci95 | median_iqr


def choose_pain_format(rng: np.random.Generator) -> Format:
    r, s = rng.random(), rng.random()
    inst = PAIN_INSTRUMENTS["vas_10cm" if r < 0.55 else ("vas_100mm" if r < 0.8 else "nrs_0_10")]
    measure = "change" if inst.code == "nrs_0_10" else "final"
    stat = "mean_sd" if s < 0.72 else ("mean_se" if s < 0.84 else ("mean_ci95" if s < 0.93 else "median_iqr"))
    return Format(inst, measure, stat)


def choose_function_format(cervical: bool, rng: np.random.Generator) -> Format:
    if cervical:
        inst = FUNCTION_INSTRUMENTS["ndi_0_50"]
    else:
        r = rng.random()
        inst = FUNCTION_INSTRUMENTS["odi" if r < 0.6 else ("rmdq" if r < 0.85 else "sf36_physical_function")]
    return Format(inst, "final", "mean_sd" if rng.random() < 0.85 else "mean_se")


def to_instrument(value: float, sd: float, fmt: Format, scale: dict) -> tuple[float, float]:
    """Inverse of the loader's rescaling: analysis-scale mean and SD to the instrument's scale."""
    inst = fmt.instrument
    factor = (scale["max"] - scale["min"]) / (inst.hi - inst.lo)
    flip = inst.higher_is_better != scale["higher_is_better"]
    if fmt.measure_type == "change":
        x = -value / factor if flip else value / factor
    else:
        x = inst.lo + ((scale["max"] - value) if flip else (value - scale["min"])) / factor
    return x, sd / factor


def report(value: float, sd: float, n: int, fmt: Format, scale: dict) -> dict:
    """The cells of one outcome row (mean/sd/se/ci/median/iqr as the format reports them)."""
    x, s = to_instrument(value, sd, fmt, scale)
    d = fmt.instrument.decimals
    cells = {"instrument": fmt.instrument.code, "scale_min": fmt.instrument.lo, "scale_max": fmt.instrument.hi,
             "higher_is_better": fmt.instrument.higher_is_better, "measure_type": fmt.measure_type,
             "statistic": fmt.statistic, "n_analysed": n}
    if fmt.statistic == "mean_sd":
        cells.update(mean=round(x, d), sd=round(s, d))
    elif fmt.statistic == "mean_se":
        cells.update(mean=round(x, d), se=round(s / math.sqrt(n), d + 1))
    elif fmt.statistic == "mean_ci95":
        half = t_quantile(0.975, n - 1) * s / math.sqrt(n)
        cells.update(mean=round(x, d), ci_low=round(x - half, d), ci_high=round(x + half, d))
    else:
        cells.update(median=round(x, d), q1=round(x - 0.675 * s, d), q3=round(x + 0.675 * s, d))
    if fmt.statistic != "mean_sd" and not _in_range(cells, fmt):
        return report(value, sd, n, Format(fmt.instrument, fmt.measure_type, "mean_sd"), scale)
    return cells


def _in_range(cells: dict, fmt: Format) -> bool:
    lo, hi = fmt.instrument.lo, fmt.instrument.hi
    if fmt.measure_type == "change":
        lo, hi = -(hi - lo), hi - lo
    values = [cells[k] for k in ("mean", "ci_low", "ci_high", "median", "q1", "q3") if k in cells]
    return all(lo <= v <= hi for v in values)
