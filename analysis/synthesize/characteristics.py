"""Study characteristics: Table 2's counts exactly and its medians and quartiles exactly.

Categorical counts are dealt out as shuffled multisets, within the trials a
category fits (conditions by node type, diagnostic blocks to joint procedures
first). Trials without usable data get plausible values that Table 2 does not
constrain (Table 2 describes the 81 analysed trials only).
"""

from __future__ import annotations

import numpy as np

from analysis.synthesize import targets as T
from analysis.synthesize.design import Trial
from analysis.synthesize.quantiles import quantile_sample, with_total


def multiset(counts: dict[str, int], rng: np.random.Generator) -> list[str]:
    items = [k for k, n in counts.items() for _ in range(n)]
    return [items[i] for i in rng.permutation(len(items))]


def _is_joint(t: Trial) -> bool:
    return t.active.startswith("joint")


def assign_conditions(trials: list[Trial], rng) -> dict[int, str]:
    out = {}
    axial = [t for t in trials if t.population == "axial"]
    joint = [t for t in axial if _is_joint(t)]
    joint_codes = multiset({k: T.CONDITIONS["axial"][k] for k in ("facet_joint_syndrome",
                                                                  "sacroiliac_joint_syndrome")}, rng)
    other_codes = multiset({k: v for k, v in T.CONDITIONS["axial"].items()
                            if k not in ("facet_joint_syndrome", "sacroiliac_joint_syndrome")}, rng)
    for t, c in zip(joint, joint_codes):
        out[t.key] = c
    for t, c in zip([t for t in axial if not _is_joint(t)], other_codes):
        out[t.key] = c
    radicular = sorted([t for t in trials if t.population == "radicular"], key=lambda t: not t.is_ablation)
    rad_codes = ["disc_herniation_or_bulge"] * sum(t.is_ablation for t in radicular)
    rest = dict(T.CONDITIONS["radicular"], disc_herniation_or_bulge=24 - len(rad_codes))
    for t, c in zip(radicular, rad_codes + multiset(rest, rng)):
        out[t.key] = c
    for t in trials:
        if t.population == "mixed":
            out[t.key] = "mixed"
    return out


def spinal_region(t: Trial, condition: str, rng) -> str:
    if condition == "sacroiliac_joint_syndrome":
        return "sacroiliac"
    r = rng.random()
    if t.population == "radicular" or t.active.startswith(("epidural", "drg")):
        return "cervical" if r < 0.12 else "lumbar"
    return "cervical" if r < 0.2 else ("thoracic" if r < 0.23 else "lumbar")


def assign_blocks(trials: list[Trial], rng) -> dict[int, str | None]:
    """Trials needing a positive block: joint procedures first (ablation before injection), as is usual."""
    def priority(t: Trial) -> float:
        base = 0 if t.active.startswith("joint-rf") else (1 if _is_joint(t) else 2)
        return base + rng.random()

    n_yes = sum(T.BLOCK_THRESHOLDS.values())
    ranked = sorted(trials, key=priority)
    thresholds = multiset(T.BLOCK_THRESHOLDS, rng)
    out: dict[int, str | None] = {t.key: None for t in trials}
    for t, thr in zip(ranked[:n_yes], thresholds):
        out[t.key] = thr
    return out


def assign_sizes(trials: list[Trial], rng) -> dict[int, int]:
    med, q1, q3, k = T.QUANTILES["enrolled_n"]
    values = quantile_sample(k, med, q1, q3, 20, q3, rng)
    top = np.sort(np.round(q3 + 1 + rng.gamma(1.6, 60, k - 61)))
    values = with_total(np.concatenate([values[:61], top]), T.PATIENTS_ANALYSED, q3)
    ranked = sorted(trials, key=lambda t: t.size_rank + 1.6 * rng.random())
    return {t.key: int(v) for t, v in zip(ranked, values)}


def quantile_values(name: str, k_total: int, rng, lo: float, hi: float, decimals: int) -> list[float | None]:
    """Values for k_total trials: the reporting ones shuffled, None for the rest."""
    med, q1, q3, k = T.QUANTILES[name]
    vals = list(quantile_sample(k, med, q1, q3, lo, hi, rng, decimals)) + [None] * (k_total - k)
    return [vals[i] for i in rng.permutation(k_total)]


def usable_characteristics(trials: list[Trial], rng: np.random.Generator) -> dict[int, dict]:
    k = len(trials)
    conditions = assign_conditions(trials, rng)
    blocks = assign_blocks(trials, rng)
    sizes = assign_sizes(trials, rng)
    regions, funding = multiset(T.REGIONS, rng), multiset(T.FUNDING, rng)
    duration = multiset(T.DURATION_REPORTING, rng)
    months = iter(quantile_values("pain_duration_months", T.QUANTILES["pain_duration_months"][3], rng, 3, 240, 0))
    age = quantile_values("age_mean", k, rng, 33, 72, 1)
    women = quantile_values("women_percent", k, rng, 18, 92, 1)
    pain = quantile_values("baseline_pain_cm", k, rng, 4.2, 8.9, 2)
    out = {}
    for i, t in enumerate(trials):
        out[t.key] = {
            "condition": conditions[t.key], "enrolled_n": sizes[t.key], "region": regions[i],
            "funding": funding[i], "pain_duration_reporting": duration[i],
            "pain_duration_months": next(months) if duration[i] == "months_reported" else None,
            "age_mean": age[i], "women_percent": women[i], "baseline_pain_cm": pain[i],
            "diagnostic_block": blocks[t.key] is not None, "block_threshold": blocks[t.key],
        }
        out[t.key]["spinal_region"] = spinal_region(t, conditions[t.key], rng)
    return out


def excluded_characteristics(t: Trial, rng: np.random.Generator) -> dict:
    condition = {"axial": ["facet_joint_syndrome", "intervertebral_disc_syndrome", "not_reported"],
                 "radicular": ["disc_herniation_or_bulge", "spinal_stenosis"]}[t.population]
    cond = condition[int(rng.integers(len(condition)))] if not _is_joint(t) else "facet_joint_syndrome"
    block = _is_joint(t) and rng.random() < 0.4
    reporting = ["months_reported", "chronic_only", "at_least_80_percent_3_months"][int(rng.integers(3))]
    return {
        "condition": cond, "enrolled_n": int(rng.integers(24, 181)),
        "region": list(T.REGIONS)[int(rng.integers(4))], "funding": list(T.FUNDING)[int(rng.integers(3))],
        "pain_duration_reporting": reporting,
        "pain_duration_months": float(rng.integers(6, 120)) if reporting == "months_reported" else None,
        "age_mean": round(float(rng.uniform(38, 62)), 1),
        "women_percent": round(float(rng.uniform(35, 75)), 1) if rng.random() < 0.85 else None,
        "baseline_pain_cm": round(float(rng.uniform(5.0, 8.2)), 2) if rng.random() < 0.8 else None,
        "diagnostic_block": block, "block_threshold": "relief_over_50" if block else None,
        "spinal_region": spinal_region(t, cond, rng),
    }
