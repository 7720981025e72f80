"""GRADE vocabulary: certainty levels and the words for levels rated down."""

from __future__ import annotations

CERTAINTY = ("high", "moderate", "low", "very low")
CONCERN = {0: "not serious", 1: "serious", 2: "very serious"}
LEVELS_OF = {v: k for k, v in CONCERN.items()}
DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias", "incoherence")
DOMAIN_WORDS = {"risk_of_bias": "risk of bias", "inconsistency": "inconsistency (heterogeneity)",
                "indirectness": "indirectness", "imprecision": "imprecision",
                "publication_bias": "publication bias", "incoherence": "incoherence"}


def certainty_after(levels_down: int, start: str = "high") -> str:
    """The certainty reached from ``start`` after rating down ``levels_down`` levels (floor: very low)."""
    i = CERTAINTY.index(start) + max(0, int(levels_down))
    return CERTAINTY[min(i, len(CERTAINTY) - 1)]


def concern(levels: int) -> str:
    return CONCERN[min(max(int(levels), 0), 2)]
