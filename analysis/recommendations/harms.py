"""Harms and burden: their certainty from data/guideline.yaml (observational incidences; burden as judged)."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.certainty.levels import CERTAINTY


@dataclass(frozen=True)
class HarmsAndBurden:
    certainty: str  # the higher of the burden's and the best-supported harm's certainty
    burden_certainty: str | None
    harms_certainty: str | None
    incidences: dict  # event -> percent
    category: str  # "moderate_to_high" or "low_to_very_low"


def _best(values) -> str | None:
    vals = [v for v in values if v in CERTAINTY]
    return min(vals, key=CERTAINTY.index) if vals else None


def harms_and_burden(guideline: dict, rules: dict) -> HarmsAndBurden:
    harms = (guideline.get("harms_observational") or {}).get("incidence_percent") or {}
    harm_c = _best(h.get("certainty") for h in harms.values() if isinstance(h, dict))
    burden_c = (guideline.get("burden") or {}).get("certainty")
    best = _best([harm_c, burden_c]) or "very low"
    high = set(rules["evidence_to_decision"]["moderate_to_high"])
    return HarmsAndBurden(best, burden_c, harm_c,
                          {k: float(v["value"]) for k, v in harms.items() if isinstance(v, dict) and "value" in v},
                          "moderate_to_high" if best in high else "low_to_very_low")
