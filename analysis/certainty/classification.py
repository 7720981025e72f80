"""Minimally contextualised classification of an effect against the MID (point estimate).

|estimate| below ``small`` x MID: little or no effect; then small, moderate and
large at ``small``, ``moderate`` and ``large`` x MID (settings/guideline.yaml;
the MID is the guideline's, the multiples 2 and 3 are an assumption), as
benefit or harm depending on the outcome's direction.
"""

from __future__ import annotations

from dataclasses import dataclass

MAGNITUDES = ("little or no effect", "small", "moderate", "large")


@dataclass(frozen=True)
class Classification:
    magnitude: str  # one of MAGNITUDES
    direction: str  # "benefit", "harm" or "none"

    @property
    def label(self) -> str:
        return self.magnitude if self.direction == "none" else f"{self.magnitude} {self.direction}"

    @property
    def important_benefit(self) -> bool:
        return self.direction == "benefit"


def classify(estimate: float, mid: float, higher_is_better: bool, rules: dict) -> Classification:
    c = rules["classification"]
    size = abs(float(estimate)) / float(mid)
    if size < c["small"]:
        return Classification(MAGNITUDES[0], "none")
    magnitude = "large" if size >= c["large"] else ("moderate" if size >= c["moderate"] else "small")
    better = (estimate > 0) == bool(higher_is_better)
    return Classification(magnitude, "benefit" if better else "harm")
