"""The rationale of a recommendation, in our own words (GRADE vocabulary), generated from its inputs."""

from __future__ import annotations

from analysis.certainty.thresholds import fmt

STRENGTH_WORDS = {"strong": "a strong recommendation", "conditional": "a conditional recommendation"}


def rationale(procedure: str, population: str, statement: str, certainty: str, estimate: float, ci_low: float,
              ci_high: float, unit: str, mid: float, harms, decision) -> str:
    return (f"{statement[:-1]} ({certainty} certainty; {fmt(estimate)} {unit}, 95% CI {fmt(ci_low)} to "
            f"{fmt(ci_high)}; MID {fmt(mid)} {unit}) in {population} pain. Harms and burden: "
            f"{harms.certainty} certainty of important harms or burden (burden {harms.burden_certainty} certainty, "
            f"harms {harms.harms_certainty} certainty). Given the panel's values and preferences, "
            f"{decision.choice}: {STRENGTH_WORDS[decision.strength]} {decision.direction} {procedure}.")
