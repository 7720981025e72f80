"""Publication bias: small-study effects (Egger's test) where enough trials inform the comparison."""

from __future__ import annotations

from analysis.certainty.rating import DomainRating
from analysis.certainty.thresholds import fmt
from analysis.models.small_study import egger_test


def rate_publication_bias(effects, ses, rules: dict) -> DomainRating:
    """``effects``, ``ses``: the trials directly comparing the two treatments."""
    r = rules["publication_bias"]
    k = len(effects)
    if k < r["min_trials"]:
        return DomainRating("publication_bias", 0,
                           f"{k} trial(s) compare these directly; small-study effects are assessed from "
                           f"{r['min_trials']}",
                           summary="too few trials compare these directly to assess small-study effects")
    test = egger_test(effects, ses)
    if test.p < r["egger_p"]:
        return DomainRating("publication_bias", 1,
                           f"small-study effects: Egger's test p = {fmt(test.p)} with {k} trials (< {r['egger_p']})",
                           summary="Egger's test finds small-study effects, which suggest publication bias")
    return DomainRating("publication_bias", 0, f"Egger's test p = {fmt(test.p)} with {k} trials",
                         summary="Egger's test finds no small-study effects")
