"""Design features of the synthetic trials: blinding, risk of bias, image guidance and technique.

Risk of bias follows an intended certainty profile per calibration group
(``HIGH_RISK``): the groups behind low-certainty estimates, the moderate
estimates whose CI does not cross the MID (so one other domain must be
serious), and the unblinded joint radiofrequency trials have trials at high
risk of bias; the others are mostly at low risk. See data/README.md.
"""

from __future__ import annotations

import numpy as np

from analysis.synthesize.design import Trial

HIGH_RISK = {
    "axial": {"im-la", "im-la-steroid", "epidural-steroid", "joint-la", "joint-la-steroid", "joint-rf",
              "joint-rf-unblinded"},
    "radicular": {"epidural-la", "epidural-steroid", "epidural-la-steroid", "drg-rf", "usual-care"},
}


def pick(rng: np.random.Generator, options: dict[str, float]) -> str:
    r, acc = rng.random(), 0.0
    for k, p in options.items():
        acc += p
        if r < acc:
            return k
    return list(options)[-1]


def high_risk(t: Trial) -> bool:
    network = "axial" if t.population == "axial" else "radicular"
    return t.group in HIGH_RISK[network] or "usual-care" in t.nodes


def blinding(t: Trial, rng) -> dict[str, str]:
    if "usual-care" in t.nodes:
        return {"blinding_patients": "no", "blinding_providers": "no",
                "blinding_assessors": pick(rng, {"no": 0.6, "unclear": 0.4})}
    if t.group == "joint-rf-unblinded":
        providers = "no"
    elif t.group == "joint-rf-blinded":
        providers = "yes"
    elif "sham" in t.nodes:
        providers = pick(rng, {"yes": 0.3, "unclear": 0.3, "no": 0.4} if high_risk(t) else {"yes": 0.6, "unclear": 0.4})
    else:
        providers = pick(rng, {"unclear": 0.6, "no": 0.4})
    patients = "yes" if "sham" in t.nodes else pick(rng, {"yes": 0.7, "unclear": 0.3})
    return {"blinding_patients": patients, "blinding_providers": providers,
            "blinding_assessors": pick(rng, {"yes": 0.8, "unclear": 0.2})}


def risk_of_bias(t: Trial, blind: dict[str, str], rng) -> dict[str, str]:
    high = high_risk(t)
    from_blinding = {"yes": "low", "unclear": "probably_high" if high else "probably_low", "no": "high"}
    rob = {
        "rob_sequence": pick(rng, {"low": 0.7, "probably_low": 0.3}),
        "rob_concealment": pick(rng, {"probably_high": 0.6, "probably_low": 0.4} if high
                                else {"low": 0.6, "probably_low": 0.4}),
        "rob_blinding_patients": from_blinding[blind["blinding_patients"]],
        "rob_blinding_providers": from_blinding[blind["blinding_providers"]],
        "rob_blinding_assessors": from_blinding[blind["blinding_assessors"]],
        "rob_missing_data": pick(rng, {"high": 0.5, "probably_high": 0.3, "probably_low": 0.2} if high
                                 else {"low": 0.6, "probably_low": 0.4}),
    }
    return rob


def guidance(t: Trial, rng) -> str:
    if t.is_ablation:
        return pick(rng, {"fluoroscopy": 0.85, "ct": 0.1, "not_reported": 0.05})
    if t.active.startswith("epidural"):
        return pick(rng, {"fluoroscopy": 0.6, "ct": 0.1, "none": 0.15, "not_reported": 0.15})
    if t.active.startswith("joint"):
        return pick(rng, {"fluoroscopy": 0.6, "ultrasound": 0.2, "ct": 0.15, "not_reported": 0.05})
    if t.active.startswith("im"):
        return pick(rng, {"ultrasound": 0.5, "none": 0.5})
    return "none"


def technique(t: Trial, condition: str, rng) -> dict[str, str | None]:
    out: dict[str, str | None] = {"epidural_approach": None, "rf_technique": None, "rf_electrode_placement": None,
                                  "rf_target": None}
    if any("epidural" in n for n in t.nodes):
        out["epidural_approach"] = pick(rng, {"transforaminal": 0.6, "interlaminar": 0.25, "caudal": 0.15}
                                        if t.population != "axial" else
                                        {"interlaminar": 0.5, "caudal": 0.35, "transforaminal": 0.15})
    if any(n.startswith("drg-rf") for n in t.nodes):
        out.update(rf_technique=pick(rng, {"pulsed": 0.85, "conventional": 0.15}),
                   rf_electrode_placement="not_reported", rf_target="dorsal_root_ganglion")
    elif any(n.startswith("joint-rf") for n in t.nodes):
        mode = pick(rng, {"conventional": 0.7, "pulsed": 0.15, "cooled": 0.15})
        target = ("lateral_branch" if condition == "sacroiliac_joint_syndrome" else
                  ("intra_articular" if mode == "pulsed" and rng.random() < 0.5 else "medial_branch"))
        placement = "not_reported" if mode == "pulsed" else pick(
            rng, {"parallel": 0.5, "perpendicular": 0.25, "not_reported": 0.25})
        out.update(rf_technique=mode, rf_electrode_placement=placement, rf_target=target)
    return out
