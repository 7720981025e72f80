"""Combining the domains into a certainty rating: start high, rate down, no double counting.

Risk of bias, indirectness and publication bias add up. Imprecision,
inconsistency and incoherence (``same_cause_domains`` in the rules) all concern
which side of a threshold the true effect lies on; they are rated down once, by
the largest of the three, so that one cause is not counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from analysis.certainty.levels import CERTAINTY, DOMAIN_WORDS, DOMAINS, certainty_after, concern


@dataclass(frozen=True)
class DomainRating:
    domain: str
    levels_down: int
    reason: str  # in words, with the numbers the rule compared
    by: str = "rule"  # "rule" or "panel"
    rule_levels: int | None = None  # what the rule said, when a panel judgement replaced it
    summary: str = ""  # the rule's reason without numbers, for a summary-of-findings footnote
    rationale: str = ""  # the panel's reason, when a panel judgement replaced the rule

    @property
    def concern(self) -> str:
        return concern(self.levels_down)

    def describe(self) -> str:
        text = f"{DOMAIN_WORDS.get(self.domain, self.domain)}: {self.concern} ({self.reason})"
        return text


@dataclass(frozen=True)
class CertaintyRating:
    estimate: str  # e.g. "pain/axial/joint-rf"
    domains: tuple[DomainRating, ...]
    start: str = "high"
    same_cause: tuple[str, ...] = ("imprecision", "inconsistency", "incoherence")

    def domain(self, name: str) -> DomainRating:
        return next(d for d in self.domains if d.domain == name)

    @property
    def levels_down(self) -> int:
        shared = [d.levels_down for d in self.domains if d.domain in self.same_cause]
        other = [d.levels_down for d in self.domains if d.domain not in self.same_cause]
        return int(sum(other) + (max(shared) if shared else 0))

    @property
    def certainty(self) -> str:
        return certainty_after(self.levels_down, self.start)

    def with_domain(self, rating: DomainRating) -> "CertaintyRating":
        return replace(self, domains=tuple(rating if d.domain == rating.domain else d for d in self.domains))

    def reasons(self) -> str:
        """Every domain rated down, in words; 'no serious concerns' when none was."""
        parts = [d.describe() for d in self.domains if d.levels_down > 0 or d.by == "panel"]
        shared = [d for d in self.domains if d.domain in self.same_cause and d.levels_down > 0]
        if len(shared) > 1:
            parts.append("rated down once for " + " and ".join(DOMAIN_WORDS[d.domain] for d in shared)
                         + " (one cause: the threshold crossed)")
        return "; ".join(parts) if parts else "no serious concerns in any domain"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"estimate": self.estimate, "domain": d.domain, "levels_down": d.levels_down,
                              "concern": d.concern, "by": d.by, "rule_levels": d.rule_levels, "reason": d.reason,
                              "summary": d.summary, "rationale": d.rationale, "same_cause": d.domain in self.same_cause}
                             for d in self.domains])


def rate(estimate: str, domains, rules: dict | None = None) -> CertaintyRating:
    """A certainty rating from the domain ratings (in the order of :data:`DOMAINS`)."""
    c = (rules or {}).get("certainty", {})
    order = {d: i for i, d in enumerate(DOMAINS)}
    ds = tuple(sorted(domains, key=lambda d: order.get(d.domain, len(order))))
    start = c.get("start", CERTAINTY[0])
    same = tuple(c.get("same_cause_domains", ("imprecision", "inconsistency", "incoherence")))
    return CertaintyRating(estimate=estimate, domains=ds, start=start, same_cause=same)
