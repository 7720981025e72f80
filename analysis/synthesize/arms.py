"""Arms of the synthetic trials: ids, sizes, attrition, and the pain-model inputs."""

from __future__ import annotations

import numpy as np

from analysis.synthesize.calibrate import PainArm
from analysis.synthesize.design import Trial

ARM_IDS = "abcdef"
SMALL_STUDY_GROUPS = ("joint-rf-unblinded", "joint-rf-blinded")  # smaller trials, larger effects


def split_n(total: int, k: int) -> list[int]:
    base = [total // k] * k
    for i in range(total - sum(base)):
        base[i] += 1
    return base


def plan_arms(trial: Trial, enrolled: int, rng: np.random.Generator) -> list[dict]:
    """One dict per arm: arm id, node, n randomised and n analysed."""
    out = []
    for i, (node, n) in enumerate(zip(trial.nodes, split_n(enrolled, len(trial.nodes)))):
        lost = int(round(n * rng.uniform(0, 0.12)))
        out.append({"arm": ARM_IDS[i], "node": node, "n_randomised": n, "n_analysed": max(n - lost, 2)})
    return out


def pain_arms(trial: Trial, arms: list[dict], baseline: float, rng: np.random.Generator) -> list[PainArm]:
    sd0 = rng.uniform(1.7, 2.5)
    start = baseline + rng.uniform(-2.4, -1.0)
    return [PainArm(trial, a["arm"], a["node"], a["n_analysed"], sd0 * rng.uniform(0.93, 1.07), start, baseline)
            for a in arms]


def deviations(trials: list[Trial], enrolled: dict[int, int], rng: np.random.Generator) -> dict[int, float]:
    """A standardised deviation per trial in a group of two or more trials (mean 0, SD 1 within the group)."""
    z = {}
    groups: dict[str, list[Trial]] = {}
    for t in trials:
        if t.active != "sham":
            groups.setdefault(t.group, []).append(t)
    for group, members in sorted(groups.items()):
        if len(members) < 2:
            continue
        raw = rng.standard_normal(len(members))
        raw = (raw - raw.mean()) / raw.std()
        if group in SMALL_STUDY_GROUPS:
            members = sorted(members, key=lambda t: enrolled[t.key])
            raw = np.sort(raw)
        z.update({t.key: float(v) for t, v in zip(members, raw)})
    return z
