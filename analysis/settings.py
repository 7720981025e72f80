"""Analysis settings: everything besides the data that a result depends on.

Defaults are the guideline's own choices; ``data/guideline.yaml`` (the MIDs,
timepoint rules) and, later, a scenario can change them. A Settings value is
recorded beside every number in the results registry.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace


@dataclass(frozen=True)
class Settings:
    measure: str = "MD"  # pain and function on their normalised scales
    method: str = "REML"  # heterogeneity estimator of the network model
    level: float = 0.95
    reference: str = "sham"
    outcomes: tuple[str, ...] = ("pain", "physical_function")
    populations: tuple[str, ...] = ("axial", "radicular")
    pain_mid_cm: float = 1.5

    def to_dict(self) -> dict:
        out = asdict(self)
        out["outcomes"] = list(self.outcomes)
        out["populations"] = list(self.populations)
        return out

    def with_guideline(self, guideline: dict) -> "Settings":
        mid = (guideline or {}).get("mids", {}).get("pain", {})
        value = mid.get("value") if isinstance(mid, dict) else mid
        return replace(self, pain_mid_cm=float(value)) if value is not None else self
