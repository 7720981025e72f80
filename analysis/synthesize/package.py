"""Assemble every row of the synthetic data package from one seed.

Each purpose draws from its own random stream (``stream(seed, name)``), so a
change to one part (say, adverse events) leaves the others unchanged.
"""

from __future__ import annotations

import zlib

import numpy as np

from analysis.synthesize.arms import deviations, pain_arms, plan_arms
from analysis.synthesize.calibrate import PainModel, calibrate, network_of
from analysis.synthesize.characteristics import excluded_characteristics, usable_characteristics
from analysis.synthesize.design import Trial, all_trials
from analysis.synthesize.features import blinding, guidance, risk_of_bias, technique
from analysis.synthesize.judgements import judgement_rows
from analysis.synthesize.other_guidance import other_guidance_rows
from analysis.synthesize.outcomes import (
    adverse_event_rows,
    final_or_change,
    function_rows,
    pain_rows,
    schedule,
)
from analysis.synthesize.procedures import CO_INTERVENTIONS, NODES, arm_procedure, node_rows
from analysis.synthesize.reporting import choose_pain_format
from analysis.synthesize.responders import responder_rows

SURNAMES = ("Avenor", "Brightwell", "Castellane", "Dunmore", "Elvaston", "Farrowby", "Galloway-Synth",
            "Halvorsen-Fict", "Isherwood", "Jolliffe", "Kestrel", "Lindqvist-Syn", "Marchetti-Fict", "Norwood",
            "Okonkwo-Syn", "Penhallow", "Quennell", "Rasmussen-Fict", "Sandoval-Syn", "Thistlewood")
POP_TEXT = {"axial": "axial", "radicular": "radicular", "mixed": "axial and radicular"}


def stream(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def citation(t: Trial, year: int, i: int) -> str:
    comparator = "sham-controlled" if "sham" in t.nodes else "randomised"
    what = NODES[t.active][0] if t.active != "sham" else "sham procedure versus usual care"
    return (f"[SYNTHETIC] {SURNAMES[i % len(SURNAMES)]} A, et al. A {comparator} trial of {what} for chronic "
            f"{POP_TEXT[t.population]} spine pain. Fictional Journal of Spine Trials {year};{(year - 1980)}:"
            f"{100 + 7 * i}. Not a real publication.")


def study_ids(trials: list[Trial], seed: int) -> dict[int, str]:
    order = stream(seed, "ids").permutation(len(trials))
    return {trials[j].key: f"SYN-{i + 1:03d}" for i, j in enumerate(order)}


def characteristics(trials: list[Trial], seed: int) -> dict[int, dict]:
    usable = [t for t in trials if t.has_data]
    out = usable_characteristics(usable, stream(seed, "table2"))
    rng = stream(seed, "excluded")
    out.update({t.key: excluded_characteristics(t, rng) for t in trials if not t.has_data})
    return out


def study_rows(trials, ids, chars, seed) -> dict[int, dict]:
    rng = stream(seed, "features")
    rows = {}
    for i, t in enumerate(sorted(trials, key=lambda t: ids[t.key])):
        c = chars[t.key]
        year = int(rng.integers(1994, 2024))
        blind = blinding(t, rng)
        rows[t.key] = {
            "id": ids[t.key], "citation": citation(t, year, i), "synthetic": True, "year": year,
            "region": c["region"], "funding": c["funding"], "enrolled_n": c["enrolled_n"],
            "population": t.population, "condition": c["condition"], "spinal_region": c["spinal_region"],
            "pain_duration_reporting": c["pain_duration_reporting"],
            "pain_duration_months": c["pain_duration_months"], "age_mean": c["age_mean"],
            "women_percent": c["women_percent"], "baseline_pain_cm": c["baseline_pain_cm"],
            "diagnostic_block": c["diagnostic_block"], "block_threshold": c["block_threshold"],
            **blind, "image_guidance": guidance(t, rng), **technique(t, c["condition"], rng),
            **risk_of_bias(t, blind, rng), "has_data": t.has_data, "exclusion_reason": t.exclusion_reason,
        }
    return rows


def calibrated_pain(usable, plans, chars, seed):
    """(arm, mean, sd) per usable trial key, calibrated per network."""
    rng = stream(seed, "pain")
    enrolled = {t.key: chars[t.key]["enrolled_n"] for t in usable}
    z = deviations(usable, enrolled, rng)
    arms = [a for t in usable for a in pain_arms(t, plans[t.key], chars[t.key]["baseline_pain_cm"], rng)]
    by_trial: dict[int, list] = {}
    for network in ("axial", "radicular"):
        model = PainModel(network, [a for a in arms if network_of(a.trial) == network], z)
        for a, mean, sd in model.values(calibrate(model)):
            by_trial.setdefault(a.trial.key, []).append((a, mean, sd))
    return by_trial


def build_rows(seed: int) -> dict[str, list[dict]]:
    trials = all_trials()
    ids = study_ids(trials, seed)
    chars = characteristics(trials, seed)
    studies = study_rows(trials, ids, chars, seed)
    arm_rng = stream(seed, "arms")
    plans = {t.key: plan_arms(t, chars[t.key]["enrolled_n"], arm_rng) for t in trials}
    rows: dict[str, list[dict]] = {"studies": list(studies.values()), "nodes": node_rows(), "arms": [],
                                   "procedures": [], "outcomes": [], "adverse_events": []}
    for t in trials:
        for a in plans[t.key]:
            rows["arms"].append({"study": ids[t.key], "arm": a["arm"], "procedure": a["node"],
                                 "n_randomised": a["n_randomised"],
                                 "co_interventions": CO_INTERVENTIONS[int(arm_rng.integers(len(CO_INTERVENTIONS)))]})
            rows["procedures"].append({"study": ids[t.key], "arm": a["arm"],
                                       **arm_procedure(a["node"], t.active, studies[t.key])})
    usable = [t for t in trials if t.has_data]
    pain = calibrated_pain(usable, plans, chars, seed)
    out_rng = stream(seed, "outcomes")
    for t in usable:
        weeks, chosen = schedule(t, out_rng)
        arms = sorted(pain[t.key], key=lambda v: v[0].arm)
        fmt = final_or_change(choose_pain_format(out_rng), arms)
        rows["outcomes"] += pain_rows(ids[t.key], arms, fmt, weeks, chosen)
        if out_rng.random() < 0.55:
            cervical = studies[t.key]["spinal_region"] == "cervical"
            rows["outcomes"] += function_rows(ids[t.key], arms, cervical, chosen, out_rng)
    ae_rng = stream(seed, "adverse_events")
    kinds = {code: kind for code, (_, kind, _, _) in NODES.items()}
    for t in trials:
        if ae_rng.random() < 0.5:
            rows["adverse_events"] += adverse_event_rows(ids[t.key], plans[t.key], kinds, ae_rng)
    resp_rng = stream(seed, "responders")
    rows["judgements"] = judgement_rows()
    rows["other_guidance"] = other_guidance_rows()
    rows["responders"] = [r for t in trials if t.exclusion_reason == "responder_outcome_only"
                          for r in responder_rows(ids[t.key], plans[t.key], kinds, resp_rng)]
    return rows
