"""Calibrate the synthetic pain data so that the engine reproduces the target effects.

Each arm's pain at follow-up, on the 0-10 cm scale, is

    baseline pain + placebo change (the trial's) + effect(node) [+ z * spread(group) on the active arm]

with the effect versus sham a parameter per calibration group (the trial's
active node, or its provider-blinding subgroup for joint radiofrequency versus
sham), ``z`` a fixed standardised deviation per trial, and every arm's SD its
trial's base SD times a scale per group. Least squares (scipy) moves the
effects, SD scales and spreads until the network estimates and CI limits (and
the joint radiofrequency subgroup estimates) match the targets; every
evaluation runs the project's engine on the values exactly as the loader will
read them back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from analysis.effects import contrasts_from_arms
from analysis.models.network import fit_network
from analysis.models.pairwise import fit_pairwise
from analysis.synthesize import targets as T
from analysis.synthesize.design import Trial

USUAL_CARE_PRIOR = 0.6  # usual care versus sham, cm (assumed: no placebo response without a procedure)
SUBGROUPS = {"unblinded": "joint-rf-unblinded", "blinded": "joint-rf-blinded"}


@dataclass
class PainArm:
    trial: Trial
    arm: str
    node: str
    n: int  # analysed
    sd0: float  # the trial's base SD times the arm's jitter
    start: float  # baseline pain plus the trial's placebo change
    baseline: float  # the trial's mean baseline pain (for change scores)


def network_of(trial: Trial) -> str:
    return "axial" if trial.population == "axial" else "radicular"


class PainModel:
    """The pain data of one network as a function of the calibration parameters."""

    def __init__(self, population: str, arms: list[PainArm], z: dict[int, float]):
        self.population = population
        self.arms = arms
        self.z = z
        groups = sorted({a.trial.group for a in arms})
        nodes = sorted({a.node for a in arms} - {"sham"})
        self.eff_names = sorted(set(groups) | set(nodes))
        self.sd_names = groups
        self.het_names = sorted({a.trial.group for a in arms if a.trial.key in z})
        self.targets = {node: v for (pop, node), v in {**T.PUBLISHED_EFFECTS, **T.ASSUMED_EFFECTS}.items()
                        if pop == population}

    # parameter vector: effects, log SD scales, log spreads
    def unpack(self, x: np.ndarray) -> tuple[dict, dict, dict]:
        a, b = len(self.eff_names), len(self.sd_names)
        eff = dict(zip(self.eff_names, x[:a]))
        sd = dict(zip(self.sd_names, np.exp(x[a:a + b])))
        het = dict(zip(self.het_names, np.exp(x[a + b:])))
        return eff, sd, het

    def start(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        eff0 = [self.targets.get(g, (USUAL_CARE_PRIOR if g == "usual-care" else 0.0,))[0] for g in self.eff_names]
        for i, g in enumerate(self.eff_names):
            if g in SUBGROUPS.values():
                eff0[i] = T.SUBGROUP[g.rsplit("-", 1)[1]][1]
        x0 = np.concatenate([eff0, np.zeros(len(self.sd_names)), np.full(len(self.het_names), np.log(0.4))])
        lo = np.concatenate([np.full(len(self.eff_names), -5.0), np.full(len(self.sd_names), np.log(0.6)),
                             np.full(len(self.het_names), np.log(0.02))])
        hi = np.concatenate([np.full(len(self.eff_names), 5.0), np.full(len(self.sd_names), np.log(1.6)),
                             np.full(len(self.het_names), np.log(2.5))])
        return x0, lo, hi

    def values(self, x: np.ndarray) -> list[tuple[PainArm, float, float]]:
        """(arm, mean, sd) on the 0-10 cm scale."""
        eff, sd, het = self.unpack(x)
        out = []
        for a in self.arms:
            t = a.trial
            if a.node == "sham":
                shift = 0.0
            elif a.node == t.active:
                shift = eff[t.group] + self.z.get(t.key, 0.0) * het.get(t.group, 0.0)
            else:
                shift = eff[a.node]
            out.append((a, a.start + shift, a.sd0 * sd[t.group]))
        return out


def arms_frame(values: list[tuple[PainArm, float, float]]) -> pd.DataFrame:
    return pd.DataFrame({"study": [f"T{a.trial.key:03d}" for a, _, _ in values],
                         "treatment": [a.node for a, _, _ in values], "n": [a.n for a, _, _ in values],
                         "mean": [m for _, m, _ in values], "sd": [s for _, _, s in values]})


def network_effects(frame: pd.DataFrame) -> pd.DataFrame:
    studies = contrasts_from_arms(frame, "MD", reference="sham")
    return fit_network(studies, "MD", "REML", reference="sham").effects_frame().set_index("treatment")


def subgroup_fits(frame: pd.DataFrame, groups: dict[str, list[str]]):
    """Pairwise random-effects fit of joint radiofrequency versus sham in each provider-blinding subgroup."""
    fits = {}
    for name, studies in groups.items():
        y, v = [], []
        for s in studies:
            rows = frame[frame["study"] == s].set_index("treatment")
            a, c = rows.loc["joint-rf"], rows.loc["sham"]
            y.append(a["mean"] - c["mean"])
            v.append(a["sd"] ** 2 / a["n"] + c["sd"] ** 2 / c["n"])
        fits[name] = fit_pairwise(np.array(y), np.array(v), "REML")
    return fits


def subgroup_studies(arms: list[PainArm]) -> dict[str, list[str]]:
    return {name: sorted({f"T{a.trial.key:03d}" for a in arms if a.trial.group == g})
            for name, g in SUBGROUPS.items()}


def residuals(model: PainModel, x: np.ndarray, to_frame) -> np.ndarray:
    frame = to_frame(model.values(x))
    eff = network_effects(frame)
    res = []
    for node, (est, lo, hi, _) in sorted(model.targets.items()):
        row = eff.loc[node]
        res += [(row["estimate"] - est) / 0.02, (row["ci_low"] - lo) / 0.04, (row["ci_high"] - hi) / 0.04]
    if model.population == "axial":
        fits = subgroup_fits(frame, subgroup_studies(model.arms))
        for name, fit in fits.items():
            _, est, lo, hi = T.SUBGROUP[name]
            res += [(fit.estimate - est) / 0.02, (fit.ci_low - lo) / 0.04, (fit.ci_high - hi) / 0.04]
    e, s, _ = model.unpack(x)
    res.append((e.get("usual-care", USUAL_CARE_PRIOR) - USUAL_CARE_PRIOR) / 0.5)
    res += [np.log(v) / 0.5 for v in s.values()]
    return np.array(res)


def calibrate(model: PainModel, to_frame=arms_frame) -> np.ndarray:
    """The parameter vector that best reproduces the targets (deterministic)."""
    x0, lo, hi = model.start()
    fit = least_squares(lambda x: residuals(model, x, to_frame), x0, bounds=(lo, hi), method="trf",
                        x_scale=1.0, diff_step=1e-4, max_nfev=400)
    return fit.x
