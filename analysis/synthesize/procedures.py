"""The network nodes and how each synthetic arm's reported intervention maps to one."""

from __future__ import annotations

# code -> (category exactly as in guideline_facts.yaml procedure_categories, kind, target, agent)
NODES = {
    "epidural-la": ("epidural injection of local anaesthetic", "injection", "epidural_space", "local_anaesthetic"),
    "epidural-steroid": ("epidural steroid injection", "injection", "epidural_space", "steroid"),
    "epidural-la-steroid": ("epidural injection of local anaesthetic and steroids", "injection", "epidural_space",
                            "local_anaesthetic_steroid"),
    "joint-la": ("joint-targeted injection of local anaesthetic", "injection", "joint", "local_anaesthetic"),
    "joint-steroid": ("joint-targeted steroid injection", "injection", "joint", "steroid"),
    "joint-la-steroid": ("joint-targeted injection of local anaesthetic and steroids", "injection", "joint",
                         "local_anaesthetic_steroid"),
    "im-la": ("intramuscular injection of local anaesthetic", "injection", "paraspinal_muscle", "local_anaesthetic"),
    "im-la-steroid": ("intramuscular injection of local anaesthetic and steroids", "injection", "paraspinal_muscle",
                      "local_anaesthetic_steroid"),
    "drg-rf": ("dorsal root ganglion radiofrequency", "ablation", "dorsal_root_ganglion", "none"),
    "drg-rf-epidural-la": ("dorsal root ganglion radiofrequency with epidural injection of local anaesthetic",
                           "ablation", "dorsal_root_ganglion", "local_anaesthetic"),
    "drg-rf-epidural-la-steroid": (
        "dorsal root ganglion radiofrequency with epidural injection of local anaesthetic with steroids",
        "ablation", "dorsal_root_ganglion", "local_anaesthetic_steroid"),
    "joint-rf": ("joint radiofrequency nerve ablation", "ablation", "joint", "none"),
    "joint-rf-joint-la-steroid": (
        "joint radiofrequency nerve ablation with joint-targeted injection of local anaesthetic and steroids",
        "ablation", "joint", "local_anaesthetic_steroid"),
    "sham": ("sham procedure", "control", "none", "saline"),
    "usual-care": ("usual care", "control", "none", "none"),
}
AGENT_TEXT = {"local_anaesthetic": "lidocaine 2%", "steroid": "triamcinolone 40 mg",
              "local_anaesthetic_steroid": "bupivacaine 0.5% with methylprednisolone 40 mg", "none": "",
              "saline": "normal saline"}
CO_INTERVENTIONS = ("none", "none", "home exercise programme", "physiotherapy", "analgesics as needed")


def node_rows() -> list[dict]:
    return [{"code": code, "category": cat, "kind": kind} for code, (cat, kind, _, _) in NODES.items()]


def _joint_target(condition: str) -> str:
    return "sacroiliac_joint" if condition == "sacroiliac_joint_syndrome" else "facet_joint"


def arm_procedure(node: str, active: str, study: dict) -> dict:
    """target, agent, technique and a reported-intervention text for one arm."""
    _, kind, target, agent = NODES[node]
    if node == "sham":
        target = NODES[active][2] if active != "sham" else "epidural_space"
    if target == "joint":
        target = _joint_target(study["condition"])
    approach, rf = study.get("epidural_approach"), study.get("rf_technique")
    if node == "usual-care":
        return {"target": "none", "agent": "none", "technique": "usual_care",
                "reported_intervention": "usual care (medication and advice; no procedure)"}
    if node == "sham":
        tech = "sham_rf_no_current" if NODES[active][1] == "ablation" else "sham_saline_injection"
        text = ("identical procedure with the generator switched off" if tech == "sham_rf_no_current"
                else f"injection of normal saline ({target.replace('_', ' ')})")
        return {"target": target, "agent": "saline" if tech != "sham_rf_no_current" else "none",
                "technique": tech, "reported_intervention": text}
    if kind == "ablation":
        tech = f"{rf or 'conventional'}_rf"
        text = f"{(rf or 'conventional')} radiofrequency of the {target.replace('_', ' ')}"
        if agent != "none":
            text += f" with injection of {AGENT_TEXT[agent]}"
        return {"target": target, "agent": agent, "technique": tech, "reported_intervention": text}
    if target == "epidural_space":
        tech = approach or "interlaminar"
        text = f"{tech} epidural injection of {AGENT_TEXT[agent]}"
    elif target == "paraspinal_muscle":
        tech, text = "trigger_point", f"paravertebral intramuscular injection of {AGENT_TEXT[agent]}"
    else:
        tech = "intra_articular" if target == "sacroiliac_joint" else "medial_branch_block"
        text = f"{target.replace('_', ' ')} injection of {AGENT_TEXT[agent]}"
    return {"target": target, "agent": agent, "technique": tech, "reported_intervention": text}
