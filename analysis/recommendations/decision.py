"""Evidence to decision: the panel's values-and-preferences rules give direction and strength.

The rules of data/guideline.yaml (``values_and_preferences.rules``) are tried
in order, then the implied rules of settings/guideline.yaml; the first whose
benefit certainty, benefit (important / none / any) and harm-or-burden
certainty match gives the inferred choice, which ``evidence_to_decision.choices``
turns into a direction and a strength (GRADE: strong when almost all informed
patients would choose alike).
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.errors import AnalysisError


@dataclass(frozen=True)
class Decision:
    direction: str  # "for" or "against"
    strength: str  # "strong" or "conditional"
    choice: str  # the panel's inferred choice
    rule: dict  # the rule that matched


def benefit_category(important_benefit: bool) -> str:
    return "important" if important_benefit else "none"


def rule_matches(rule: dict, certainty: str, benefit: str, harm_or_burden: str) -> bool:
    return (certainty in rule["benefit_certainty"] and rule["benefit"] in ("any", benefit)
            and rule["harm_or_burden"] in ("any", harm_or_burden))


def decide(certainty: str, important_benefit: bool, harm_or_burden: str, guideline: dict, rules: dict) -> Decision:
    benefit = benefit_category(important_benefit)
    panel = list((guideline.get("values_and_preferences") or {}).get("rules") or [])
    etd = rules["evidence_to_decision"]
    for rule in panel + list(etd.get("implied_rules") or []):
        if rule_matches(rule, certainty, benefit, harm_or_burden):
            choice = rule["choice"]
            if choice not in etd["choices"]:
                raise AnalysisError(f"values-and-preferences choice {choice!r} has no direction and strength in "
                                    f"settings/guideline.yaml evidence_to_decision.choices")
            c = etd["choices"][choice]
            return Decision(c["direction"], c["strength"], choice, rule)
    raise AnalysisError(f"no values-and-preferences rule covers {certainty} certainty of {benefit} benefit with "
                        f"{harm_or_burden.replace('_', ' ')} certainty of harms or burden; add one to "
                        "data/guideline.yaml or settings/guideline.yaml")
