"""How closely a dataset reproduces the published aggregates (``_results/calibration.csv``).

``calibration_table(ds)`` gives one row per target: ``target, published,
reproduced, difference, within_tolerance``. Tolerances: counts exactly;
medians and quartiles within rounding of the published figure (half its last
digit); pooled effects +/-0.05 cm (estimate) and +/-0.10 cm (CI limits);
interaction p within 0.0025; small-study effects: at least 10 joint
radiofrequency versus sham trials and Egger's test p < 0.10. Rows marked
``[assumed]`` compare with values we chose where none is published.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.effects import contrasts_from_arms
from analysis.models.network import fit_network
from analysis.models.pairwise import fit_pairwise
from analysis.models.small_study import egger_test
from analysis.models.subgroup import direct_effects, interaction_test
from analysis.synthesize import targets as T

COLUMNS = ["target", "published", "reproduced", "difference", "within_tolerance"]


def _row(target: str, published: float, reproduced: float, tolerance: float) -> dict:
    diff = float(reproduced) - float(published)
    return {"target": target, "published": float(published), "reproduced": float(reproduced),
            "difference": round(diff, 6), "within_tolerance": bool(abs(diff) <= tolerance + 1e-9)}


def _half_last_digit(x: float) -> float:
    text = f"{x}".rstrip("0").rstrip(".") if "." in f"{x}" else f"{x}"
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10 ** (-decimals)


def count_rows(ds) -> list[dict]:
    s = ds.studies
    used = s[s["has_data"].astype(bool)]
    rows = [_row("trials eligible", T.TRIALS_ELIGIBLE, len(s), 0),
            _row("trials in meta-analyses", T.TRIALS_ANALYSED, len(used), 0),
            _row("patients in meta-analyses", T.PATIENTS_ANALYSED, used["enrolled_n"].sum(), 0),
            _row("procedure categories", 13, int((ds.nodes["kind"] != "control").sum()), 0)]
    for pop, conds in T.CONDITIONS.items():
        in_pop = used[used["population"] == pop]
        rows.append(_row(f"presenting complaint {pop}: total", sum(conds.values()), len(in_pop), 0))
        for cond, n in conds.items():
            rows.append(_row(f"presenting complaint {pop}: {cond}", n, int((in_pop["condition"] == cond).sum()), 0))
    for col, counts in (("pain_duration_reporting", T.DURATION_REPORTING), ("region", T.REGIONS),
                        ("funding", T.FUNDING), ("block_threshold", T.BLOCK_THRESHOLDS)):
        for code, n in counts.items():
            rows.append(_row(f"{col}: {code}", n, int((used[col] == code).sum()), 0))
    block = used["diagnostic_block"].astype(bool)
    rows.append(_row("diagnostic block required: yes", sum(T.BLOCK_THRESHOLDS.values()), int(block.sum()), 0))
    rows.append(_row("diagnostic block required: no or not reported", T.BLOCK_NOT_REQUIRED, int((~block).sum()), 0))
    return rows


def quantile_rows(ds) -> list[dict]:
    used = ds.studies[ds.studies["has_data"].astype(bool)]
    rows = []
    for col, (med, q1, q3, k) in T.QUANTILES.items():
        values = pd.to_numeric(used[col], errors="coerce").dropna().to_numpy(float)
        rows.append(_row(f"{col}: trials reporting", k, len(values), 0))
        got = np.percentile(values, [50, 25, 75]) if len(values) else [np.nan] * 3
        for name, pub, rep in zip(("median", "q1", "q3"), (med, q1, q3), got):
            rows.append(_row(f"{col}: {name}", pub, rep, _half_last_digit(pub)))
    return rows


def effect_rows(ds) -> list[dict]:
    rows = []
    for population in ("axial", "radicular"):
        arms = ds.analysis_arms("pain", population)
        fit = fit_network(contrasts_from_arms(arms, "MD", "sham"), "MD", "REML", "sham")
        eff = fit.effects_frame().set_index("treatment")
        for source, label in ((T.PUBLISHED_EFFECTS, ""), (T.ASSUMED_EFFECTS, " [assumed]")):
            for (pop, node), (est, lo, hi, _) in sorted(source.items()):
                if pop != population:
                    continue
                got = eff.loc[node] if node in eff.index else pd.Series(np.nan, index=["estimate", "ci_low", "ci_high"])
                for field, pub in (("estimate", est), ("ci_low", lo), ("ci_high", hi)):
                    rows.append(_row(f"pain {population} {node} vs sham: {field}{label}", pub, got[field],
                                     T.EFFECT_TOLERANCE[field]))
    return rows


def joint_rf_sham_effects(ds) -> pd.DataFrame:
    """Axial two-arm joint radiofrequency versus sham trials: effect, variance, n and provider blinding."""
    arms = ds.analysis_arms("pain", "axial")
    eff = direct_effects(arms, "joint-rf", "sham")
    n = arms.groupby(arms["study"].astype(str))["n"].sum()
    blinding = dict(zip(ds.studies["id"].astype(str), ds.studies["blinding_providers"]))
    eff["n"] = eff["study"].map(n)
    eff["providers_blinded"] = eff["study"].map(blinding)
    return eff[["study", "yi", "vi", "n", "providers_blinded"]]  # empty under some scenarios


def subgroup_rows(ds) -> list[dict]:
    eff = joint_rf_sham_effects(ds)
    fits = {}
    rows = []
    for name, code in (("unblinded", "no"), ("blinded", "yes")):
        sub = eff[eff["providers_blinded"] == code]
        k, est, lo, hi = T.SUBGROUP[name]
        rows.append(_row(f"joint-rf vs sham, providers {name}: trials", k, len(sub), 0))
        if len(sub):
            fits[name] = fit_pairwise(sub["yi"].to_numpy(), sub["vi"].to_numpy(), "REML")
            for field, pub in (("estimate", est), ("ci_low", lo), ("ci_high", hi)):
                rows.append(_row(f"joint-rf vs sham, providers {name}: {field}", pub, getattr(fits[name], field),
                                 T.EFFECT_TOLERANCE[field]))
    if len(fits) == 2:
        rows.append(_row("joint-rf provider-blinding interaction p", T.SUBGROUP_INTERACTION_P, interaction_test(list(fits.values()))[2],
                         T.SUBGROUP_P_TOLERANCE))
    rows.append({**_row("joint-rf vs sham: trials for small-study effects (>= 10)", 10, len(eff), np.inf),
                 "within_tolerance": len(eff) >= 10})
    if len(eff) >= 3:
        p = egger_test(eff["yi"].to_numpy(), np.sqrt(eff["vi"].to_numpy())).p
        rows.append({**_row("joint-rf vs sham: Egger test p (< 0.10) [assumed]", 0.10, p, np.inf),
                     "within_tolerance": p < 0.10})
    return rows


def calibration_table(ds) -> pd.DataFrame:
    """Every calibration target with the published and reproduced value and whether it is within tolerance."""
    rows = count_rows(ds) + quantile_rows(ds) + effect_rows(ds) + subgroup_rows(ds)
    return pd.DataFrame(rows, columns=COLUMNS)
