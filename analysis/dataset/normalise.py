"""Arm summaries to a mean and SD on the outcome's analysis scale, with the conversion recorded.

Rules (documented in data/README.md):

- SD from the standard error: ``sd = se * sqrt(n)``.
- SD from a 95% CI of the mean: ``sd = sqrt(n) * (ci_high - ci_low) / (2 * t(0.975, n - 1))``
  (Cochrane Handbook 6.5.2.2, t rather than 1.96 so that small arms are right).
- Mean and SD from the median and IQR (Wan et al. 2014, Cochrane Handbook 6.5.2.5):
  ``mean = (q1 + median + q3) / 3`` and ``sd = (q3 - q1) / 1.35``.
- A trial reported only as a difference of two arms (``difference_se`` or ``difference_ci95`` against a
  ``reference`` arm): its SE (from a 95% CI: ``(ci_high - ci_low) / (2 * t(0.975, n1 + n2 - 2))``) becomes two
  arms with the difference between their means and a common SD
  ``sd = se / sqrt(1/n1 + 1/n2)``, which give the network exactly that difference and variance; the
  reference arm's mean is 0, a difference rather than a level, so these arms (``measure_type`` "difference")
  never enter a baseline.
- Rescaling: an instrument on ``[scale_min, scale_max]`` maps linearly onto the
  analysis scale (pain: 0-10 cm, higher = more pain; physical function 0-100,
  higher = better). A scale whose direction is opposite is reversed: final
  values are mirrored, change scores change sign. SDs scale by the same factor.
"""

from __future__ import annotations

import math

from analysis.dataset.schema import DIFFERENCE_STATISTICS
from analysis.models.distributions import t_quantile


def mean_sd(row: dict) -> tuple[float, float, list[str]]:
    """Mean and SD on the instrument's own scale, and the conversions applied."""
    stat, n = row["statistic"], float(row["n_analysed"])
    if stat == "mean_sd":
        return float(row["mean"]), float(row["sd"]), []
    if stat == "mean_se":
        return float(row["mean"]), float(row["se"]) * math.sqrt(n), ["sd=se*sqrt(n)"]
    if stat == "mean_ci95":
        t = t_quantile(0.975, max(n - 1, 1))
        sd = math.sqrt(n) * (float(row["ci_high"]) - float(row["ci_low"])) / (2 * t)
        return float(row["mean"]), sd, ["sd=sqrt(n)*(ci_high-ci_low)/(2*t[0.975,n-1])"]
    if stat == "median_iqr":
        q1, m, q3 = float(row["q1"]), float(row["median"]), float(row["q3"])
        return (q1 + m + q3) / 3, (q3 - q1) / 1.35, ["mean=(q1+median+q3)/3", "sd=(q3-q1)/1.35"]
    raise ValueError(f"unknown statistic {stat!r}")


def difference_arms(diff: dict, ref: dict) -> tuple[float, float, list[str]]:
    """(the difference, the common SD, the conversions) of a trial reported as ``diff`` (a difference_se or
    difference_ci95 row) against ``ref`` (its reference arm's row), on the instrument's own scale."""
    n1, n2 = float(diff["n_analysed"]), float(ref["n_analysed"])
    notes = ["difference of two arms reported: arms built with that difference and a common sd"]
    if diff["statistic"] == "difference_ci95":
        t = t_quantile(0.975, max(n1 + n2 - 2, 1))
        se = (float(diff["ci_high"]) - float(diff["ci_low"])) / (2 * t)
        notes.append("se=(ci_high-ci_low)/(2*t[0.975,n1+n2-2])")
    else:
        se = float(diff["se"])
    notes.append("sd=se/sqrt(1/n1+1/n2)")
    return float(diff["mean"]), se / math.sqrt(1 / n1 + 1 / n2), notes


def rescale(mean: float, sd: float, row: dict, scale: dict) -> tuple[float, float, list[str]]:
    """Map a mean and SD from the instrument's scale onto the analysis ``scale`` (min, max, higher_is_better)."""
    lo, hi = float(row["scale_min"]), float(row["scale_max"])
    a_lo, a_hi = float(scale["min"]), float(scale["max"])
    factor = (a_hi - a_lo) / (hi - lo)
    flip = bool(row["higher_is_better"]) != bool(scale["higher_is_better"])
    difference = row["statistic"] in (*DIFFERENCE_STATISTICS, "reference")
    notes = ["change from baseline"] if row["measure_type"] == "change" else []
    if factor != 1 or lo != a_lo:
        notes.append(f"scale {_n(lo)}-{_n(hi)} -> {_n(a_lo)}-{_n(a_hi)}")
    if flip:
        notes.append("direction reversed")
    if row["measure_type"] == "change" or difference:  # a difference has no origin to move
        value = -mean * factor if flip else mean * factor
    else:
        value = a_hi - (mean - lo) * factor if flip else a_lo + (mean - lo) * factor
    return value, sd * factor, notes


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def analysis_values(row: dict, scale: dict) -> tuple[float, float, str]:
    """(mean, sd, conversion) of one outcome row on the analysis scale; conversion 'none' if reported as is."""
    m, s, notes = mean_sd(row)
    m, s, more = rescale(m, s, row, scale)
    return m, s, "; ".join(notes + more) or "none"
