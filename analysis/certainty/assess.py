"""Certainty of every estimate of a fitted network versus its reference: the domains, rated and combined.

``assess_network`` is a pure function of the fitted network, the studies table,
the rules, the MID and the panel judgements; it fits nothing new except the
design-by-treatment decomposition (once per network).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from analysis.certainty.classification import Classification, classify
from analysis.certainty.imprecision import rate_imprecision
from analysis.certainty.incoherence import rate_incoherence
from analysis.certainty.inconsistency import rate_inconsistency
from analysis.certainty.indirectness import rate_indirectness, study_indirect
from analysis.certainty.judgements import apply_judgements, judgements_by_estimate
from analysis.certainty.publication_bias import rate_publication_bias
from analysis.certainty.rating import CertaintyRating, rate
from analysis.certainty.risk_of_bias import rate_risk_of_bias, study_risk
from analysis.models.inconsistency import decompose_q
from analysis.models.nodesplit import node_split


@dataclass(frozen=True)
class Assessment:
    outcome: str
    population: str
    treatment: str
    reference: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    pi_low: float
    pi_high: float
    rating: CertaintyRating
    classification: Classification

    @property
    def id(self) -> str:
        return self.rating.estimate

    @property
    def certainty(self) -> str:
        return self.rating.certainty


def estimate_id(outcome: str, population: str, treatment: str) -> str:
    return f"{outcome}/{population}/{treatment}"


def direct_effects(fit, a: str, b: str) -> tuple[list[float], list[float]]:
    """Each study's own a-versus-b effect and SE (studies comparing a and b directly)."""
    effects, ses = [], []
    for s in fit.data.studies:
        for t1, t2, eff, var in s.pairs():
            if {t1, t2} == {a, b}:
                effects.append(eff if t1 == a else -eff)
                ses.append(math.sqrt(var))
    return effects, ses


def split_rows(splits: pd.DataFrame) -> dict[tuple[str, str], dict]:
    """The node-split rows by pair of treatments, in both orders: (a, b) -> the row of a versus b."""
    out = {}
    for r in splits.to_dict("records"):
        a, b = r["treat1"], r["treat2"]
        out.setdefault((a, b), r)
        out.setdefault((b, a), r)
    return out


def split_row(splits: dict[tuple[str, str], dict], a: str, b: str) -> dict | None:
    """The node-split row of a versus b (oriented a minus b), or None without direct evidence
    (``splits``: :func:`split_rows` of a network's node-split)."""
    r = splits.get((a, b))
    if r is None:
        return None
    r = dict(r)
    if r["indirect"] is None or (isinstance(r["indirect"], float) and math.isnan(r["indirect"])):
        return {"p": None}
    if r["treat1"] != a:
        for side in ("direct", "indirect"):
            r[side], lo, hi = -r[side], -r[f"{side}_ci_high"], -r[f"{side}_ci_low"]
            r[f"{side}_ci_low"], r[f"{side}_ci_high"] = lo, hi
    return r


def assess_network(net, studies: pd.DataFrame, rules: dict, mid: float, higher_is_better: bool,
                   judgements: pd.DataFrame | None = None, treatments=None) -> list[Assessment]:
    """Assess every treatment of ``net`` (a NetworkResult) versus the fit's reference."""
    fit = net.fit
    ref = fit.reference
    splits = split_rows(node_split(fit))
    try:
        dbt_p = decompose_q(fit.data).design_by_treatment_p
    except Exception:  # noqa: BLE001 - a degenerate network: coherence not estimable
        dbt_p = None
    high_risk = study_risk(studies, rules)
    judged = judgements_by_estimate(judgements)
    indirect = study_indirect(studies, rules)
    df = None  # the normal quantile, or t on (studies - treatments) df where the rules ask and there are any
    if rules["inconsistency"].get("prediction_interval") == "t" and fit.n_studies - len(fit.treatments) >= 1:
        df = fit.n_studies - len(fit.treatments)
    out = []
    for t in treatments or [x for x in fit.treatments if x != ref]:
        est, se = fit.effect(t, ref)
        lo, hi = est - fit.crit * se, est + fit.crit * se
        pi_lo, pi_hi = fit.prediction_interval(t, ref, df)
        shares = net.study_shares(t, ref)
        eff, ses = direct_effects(fit, t, ref)
        domains = [
            rate_risk_of_bias(shares, high_risk, rules),
            rate_inconsistency(lo, hi, pi_lo, pi_hi, mid, fit.tau2, rules),
            rate_indirectness(shares, indirect, rules),
            rate_imprecision(lo, hi, mid, rules),
            rate_publication_bias(eff, ses, rules),
            rate_incoherence(split_row(splits, t, ref), dbt_p, mid, rules),
        ]
        rating = apply_judgements(rate(estimate_id(net.outcome, net.population, t), domains, rules), judged)
        out.append(Assessment(net.outcome, net.population, t, ref, est, se, lo, hi, pi_lo, pi_hi, rating,
                              classify(est, mid, higher_is_better, rules)))
    return out
