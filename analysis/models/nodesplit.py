"""Node-splitting by back-calculation (SIDE; Dias et al. 2010, as netmeta's ``netsplit``).

For each pair of treatments with direct evidence:

- the direct estimate pools the studies' own contrasts of the pair by inverse
  variance, with the network's tau^2 added to each study's variance in the
  random-effects model;
- the proportion of direct evidence is P = var(network) / var(direct);
- the indirect estimate is back-calculated, (network - P direct) / (1 - P),
  with variance var(network) / (1 - P);
- the test compares direct and indirect: z = (direct - indirect) / sqrt(var_d + var_i).

Pairs informed only by direct evidence (P = 1, for example a comparison that
is a bridge of the network, or P within netmeta's ``tol.direct`` of 1) have no
indirect estimate: those columns are None. P is clamped to at most 1.
A multi-arm study's contrasts enter the direct estimate with their own variance
(correlation between its contrasts ignored), as netmeta does. Direct, indirect,
proportion and test agree with netmeta 3.3-1's ``netsplit`` (back-calculation,
common and random effects) on senn2013, hasselblad1998 and dogliotti2014, all
with multi-arm studies (tests/engine/test_netmeta_reference.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.models.distributions import normal_sf, two_sided_critical
from analysis.models.network import NetworkFit

TOL_DIRECT = 0.0005  # netmeta's tol.direct: a proportion of direct evidence within this of 1 is direct only


def node_split(fit: NetworkFit) -> pd.DataFrame:
    """One row per directly compared pair (treat1 < treat2): direct, indirect, network and the test."""
    net = fit.data
    pairs: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for s in net.studies:
        for a, b, eff, var in s.pairs():
            pairs.setdefault((a, b), []).append((eff, var))
    crit = two_sided_critical(fit.level)  # normal, also after a Knapp-Hartung fit
    rows = []
    for (a, b), effs in sorted(pairs.items()):
        y = np.array([e for e, _ in effs])
        w = 1 / (np.array([v for _, v in effs]) + fit.tau2)
        direct = float(np.sum(w * y) / np.sum(w))
        var_d = float(1 / np.sum(w))
        network, se_n = fit.effect(a, b)
        prop = min(se_n**2 / var_d, 1.0)  # <= 1 in exact arithmetic; rounding can print 1.0000000000000002
        row = dict(treat1=a, treat2=b, k=len(effs), direct=direct, direct_se=np.sqrt(var_d),
                   network=network, network_se=se_n, prop_direct=prop,
                   indirect=None, indirect_se=None, diff=None, diff_se=None, z=None, p=None)
        if 1 - prop >= TOL_DIRECT:
            ind = (network - prop * direct) / (1 - prop)
            se_i = float(np.sqrt(se_n**2 / (1 - prop)))
            diff = direct - ind
            se_diff = float(np.sqrt(var_d + se_i**2))
            z = diff / se_diff
            row.update(indirect=float(ind), indirect_se=se_i, diff=float(diff), diff_se=se_diff,
                       z=float(z), p=float(2 * normal_sf(abs(z))))
        rows.append(row)
    cols = ["treat1", "treat2", "k", "direct", "direct_se", "indirect", "indirect_se",
            "network", "network_se", "prop_direct", "diff", "diff_se", "z", "p"]
    out = pd.DataFrame(rows, columns=cols)
    for side in ("direct", "indirect", "network"):
        out[f"{side}_ci_low"] = out[side].astype(float) - crit * out[f"{side}_se"].astype(float)
        out[f"{side}_ci_high"] = out[side].astype(float) + crit * out[f"{side}_se"].astype(float)
    return out
