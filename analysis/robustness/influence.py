"""Per-study thresholds: how much one study's own estimate must change to move a network estimate by a
given shift, through the study's influence on it.

The network estimates are a linear function of the data, ``beta = H y`` with the GLS influence (hat)
matrix ``H = (X' W X)^-1 X' W``, ``W = (V + tau^2 P)^-1`` of the fitted model (:mod:`analysis.models.network`).
As in Phillippo et al. (2018) and nmathresh, tau^2 is held fixed (a changed data point does not re-estimate
the heterogeneity), so changing data point ``i`` by ``x`` moves the estimate of treatment ``t`` versus the
reference by ``H[t, i] x``, with its standard error unchanged: the threshold of data point ``i`` is the
threshold of the pooled estimate divided by ``H[t, i]``. A study's data points are its contrasts (each arm
versus its baseline arm); for a multi-arm study the contrast with the largest influence (the smallest
change) is reported.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.models.network import NetworkFit
from analysis.robustness.shift import EffectRange


def influence_matrix(fit: NetworkFit) -> np.ndarray:
    """``H`` (one row per non-reference treatment, in the order of ``fit.data.parameters``; one column per
    contrast of ``fit.data``): the change in each basic parameter per unit change of each contrast."""
    return fit.data.model.gls(fit.tau2).influence()


def study_thresholds(fit: NetworkFit, treatment: str, shift: float | None, H: np.ndarray | None = None,
                     plausible: EffectRange = EffectRange()) -> pd.DataFrame:
    """Per study: the contrast with the largest influence on ``treatment`` versus the reference, its
    influence, and the change of that contrast that moves the estimate by ``shift`` (cm; NaN where
    ``shift`` is None or the study has no influence), and whether that change is plausible: the changed
    contrast is one a trial could show (``plausible``: its comparison arm ending where sham patients do)."""
    net = fit.data
    H = influence_matrix(fit) if H is None else H
    row = net.parameters.index(treatment)
    h = H[row]
    best: dict[str, tuple[int, float]] = {}
    for i, sid in enumerate(net.row_study):
        if sid not in best or abs(h[i]) > abs(best[sid][1]):
            best[sid] = (i, float(h[i]))
    rows = []
    for sid in sorted(best):
        i, hi = best[sid]
        t1, t2 = net.row_contrast[i]
        change = shift / hi if shift is not None and abs(hi) > 1e-12 else float("nan")
        after = float(net.y[i]) + change
        rows.append({"study": sid, "contrast": f"{t1} vs {t2}", "row": i, "observed": float(net.y[i]),
                     "influence": hi, "change": change,
                     "plausible": bool(np.isfinite(change) and plausible.contains(after))})
    return pd.DataFrame(rows, columns=["study", "contrast", "row", "observed", "influence", "change", "plausible"])
