"""The engine's core: a dataset, its settings and the rules in; typed, frozen results out; no file written.

    results = analyse(ds, settings, rules)  # every network, responder network, assessment, recommendation
    net, dropped = fit_outcome_network(ds, settings, "pain", "axial")  # the network of one outcome
    assessments = assess(ds, settings, rules, net)                     # GRADE, once per network
    certainty = certainty_results(ds, settings, rules, net, assessments)  # CertaintyResult per procedure
    result = analyse_population(ds, settings, rules, "axial")          # network -> certainty -> recommendations

The build (:func:`analysis.pipeline.run.run_stages`) calls :func:`analyse` once and its stages write and
register what it returns; the robustness searches (:mod:`analysis.robustness`) call
:func:`analyse_population` (one population's pain network, certainty and recommendations) on changed
datasets, hundreds of times. Nothing here knows whether it runs on the base case, a scenario or a re-run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import pandas as pd

from analysis.certainty import Assessment, CertaintyResult, assess_network, statement
from analysis.characteristics import FlowRow, Row, trial_flow
from analysis.characteristics import characteristics as table2
from analysis.dataset.network_check import network_parts
from analysis.effects import contrasts_from_arms, without_information
from analysis.errors import AnalysisError
from analysis.models.contribution import contribution_matrix
from analysis.models.network import NetworkFit, fit_network
from analysis.models.subgroup import SubgroupAnalysis, direct_effects, subgroup_analysis
from analysis.recommendations import Recommendation, recommend
from analysis.settings import Settings


@dataclass(frozen=True)
class NetworkResult:
    """One fitted network: an outcome in a population."""

    outcome: str
    population: str
    arms: pd.DataFrame  # the analysis table the fit used (with provenance columns)
    fit: NetworkFit
    contributions: pd.DataFrame  # treat1, treat2, study, contribution (percent); every pair, or the
    # pairs with the reference only (robustness re-runs: fit_outcome_network(every_pair=False))

    @property
    def key(self) -> str:
        return f"{self.outcome}/{self.population}"

    @property
    def studies(self) -> list[str]:
        return sorted(self.arms["study"].astype(str).unique())

    @cached_property
    def _shares(self) -> dict[tuple[str, str], dict[str, float]]:
        """Unordered pair of treatments -> study -> percentage contribution (positive shares, frame order)."""
        out: dict[tuple[str, str], dict[str, float]] = {}
        c = self.contributions
        c = c[c["contribution"] > 0]
        for t1, t2, study, share in zip(c["treat1"].tolist(), c["treat2"].tolist(), c["study"].tolist(),
                                        c["contribution"].tolist()):
            out.setdefault(tuple(sorted((t1, t2))), {})[str(study)] = float(share)
        return out

    def study_shares(self, a: str, b: str) -> dict[str, float]:
        """Percentage contribution of each study to the estimate of a versus b (zero shares left out)."""
        return dict(self._shares.get(tuple(sorted((a, b))), {}))


def reference_component(arms: pd.DataFrame, reference: str) -> tuple[pd.DataFrame, list[str]]:
    """(the arms of the studies in the reference's connected part, the treatments left out).

    A scenario may remove every trial of a node, or the trials that linked part of a network to the
    reference: the part connected to the reference is fitted and the rest reported without evidence.
    """
    if arms.empty:
        return arms, []
    parts = network_parts(arms)
    keep = next((p for p in parts if reference in p), set())
    if len(parts) == 1 and reference in keep:
        return arms, []
    dropped = sorted(set(arms["treatment"]) - keep)
    in_part = arms.groupby("study")["treatment"].transform(lambda t: set(t) <= keep)
    return arms[in_part & arms["treatment"].isin(keep)].reset_index(drop=True), dropped


def fit_or_common(studies, measure: str, method: str, reference: str, level: float, name: str = "the network"
                  ) -> tuple[NetworkFit, str]:
    """(``fit_network``, the method used); when heterogeneity cannot be estimated (too few trials, as a
    scenario may leave), the common-effect model instead (the method used, and the fit's, is then FE). Other
    errors name the network (``name``, e.g. ``pain/axial``)."""
    try:
        return fit_network(studies, measure, method, reference, level), method
    except AnalysisError as exc:
        if "heterogeneity cannot be estimated" not in str(exc):
            raise type(exc)(f"network {name}: {exc}") from None
        return fit_network(studies, measure, "FE", reference, level), "FE"


def fit_outcome_network(ds, settings: Settings, outcome: str, population: str, every_pair: bool = True
                        ) -> tuple[NetworkResult | None, list[str]]:
    """(the network of ``outcome`` in ``population``, or None when no trial is connected to the reference;
    the treatments not connected to the reference). ``every_pair=False``: the studies' contributions to the
    estimates versus the reference only (all that certainty and recommendations read)."""
    arms = ds.analysis_arms(outcome=outcome, population=population)
    arms, dropped = reference_component(arms, settings.reference)
    if arms.empty:
        return None, dropped
    studies = contrasts_from_arms(arms, settings.measure, settings.reference,
                                  source=f"{outcome}/{population} analysis table")
    fit, _ = fit_or_common(studies, settings.measure, settings.method, settings.reference, settings.level,
                           f"{outcome}/{population}")
    contributions = contribution_matrix(fit, against=None if every_pair else settings.reference)
    return NetworkResult(outcome, population, arms, fit, contributions), dropped


RESPONDER_OUTCOME = "pain_responder"


@dataclass(frozen=True)
class ResponderResult:
    """The responder network of one population (e.g. at least 50% pain relief), on the log odds ratio."""

    population: str
    arms: pd.DataFrame  # study, treatment, n, events (with provenance columns)
    fit: NetworkFit
    method: str  # the heterogeneity estimator used: the settings', or FE when too few trials to estimate it
    without_information: tuple[str, ...] = ()  # studies left out: no events in any arm (or events in all)

    @property
    def key(self) -> str:
        return f"{RESPONDER_OUTCOME}/{self.population}"

    @property
    def studies(self) -> list[str]:
        return sorted(self.arms["study"].astype(str).unique())


def fit_responder_network(ds, settings: Settings, population: str) -> tuple[ResponderResult | None, list[str]]:
    """(the responder network of ``population``, or None without a trial connected to the reference; the
    treatments not connected to the reference). Trials reporting only responders enter here, not the
    mean-difference network."""
    arms = ds.responder_arms(population=population, outcome=RESPONDER_OUTCOME)
    arms, dropped = reference_component(arms, settings.reference)
    if arms.empty or arms["study"].nunique() < 1:
        return None, dropped
    uninformative = without_information(arms, "OR")
    arms = arms[~arms["study"].astype(str).isin(uninformative)]
    if arms.empty:
        return None, dropped
    studies = contrasts_from_arms(arms, "OR", settings.reference, source=f"{RESPONDER_OUTCOME} analysis table")
    fit, method = fit_or_common(studies, "OR", settings.method, settings.reference, settings.level,
                                f"{RESPONDER_OUTCOME}/{population}")
    return ResponderResult(population, arms, fit, method, tuple(uninformative)), dropped


def outcome_mid(ds, settings: Settings, outcome: str) -> float | None:
    """The minimal important difference of ``outcome`` (pain: the settings'; others: the data's guideline)."""
    if outcome == "pain":
        return float(settings.pain_mid_cm)
    mid = (ds.guideline.get("mids") or {}).get(outcome)
    return float(mid["value"]) if isinstance(mid, dict) and "value" in mid else None


def assess(ds, settings: Settings, rules: dict, net: NetworkResult) -> tuple[Assessment, ...]:
    """GRADE certainty and classification of every procedure of ``net`` versus its reference (none for a
    network without a MID or not on the mean-difference scale)."""
    mid = outcome_mid(ds, settings, net.outcome)
    if mid is None or net.fit.measure != "MD":
        return ()
    kinds = dict(zip(ds.nodes["code"], ds.nodes["kind"]))
    scale = (ds.guideline.get("analysis_scales") or {}).get(net.outcome) or {}
    procedures = [t for t in net.fit.treatments if t != net.fit.reference and kinds.get(t) != "control"]
    return tuple(assess_network(net, ds.studies, rules, mid, bool(scale.get("higher_is_better", False)),
                                ds.judgements, procedures))


def certainty_results(ds, settings: Settings, rules: dict, net: NetworkResult,
                      assessments: tuple[Assessment, ...]) -> tuple[CertaintyResult, ...]:
    """Each assessment as the evidence-to-decision step and the book read it (names, GRADE statement)."""
    mid = outcome_mid(ds, settings, net.outcome)
    unit = ((ds.guideline.get("analysis_scales") or {}).get(net.outcome) or {}).get("unit", "")
    out = []
    for a in assessments:
        name = ds.category(a.treatment)
        out.append(CertaintyResult(
            population=a.population, outcome=a.outcome, procedure=name, estimate=a.estimate, ci_low=a.ci_low,
            ci_high=a.ci_high, certainty=a.certainty, classification=a.classification.label,
            reasons=a.rating.reasons(), code=a.treatment, id=a.id,
            important_benefit=a.classification.important_benefit,
            statement=statement(name, a.outcome, a.classification, a.certainty, rules, ds.category(a.reference)),
            levels_down=a.rating.levels_down, pi_low=a.pi_low, pi_high=a.pi_high, mid=mid, unit=unit,
            reference=a.reference))
    return tuple(out)


@dataclass(frozen=True)
class PopulationResult:
    """What a recommendation rests on, for one population: the network, its assessments, their certainty
    and the recommendations."""

    population: str
    net: NetworkResult | None  # None: no trial connected to the reference
    assessments: tuple[Assessment, ...]
    certainty: tuple[CertaintyResult, ...]
    recommendations: tuple[Recommendation, ...]

    def by_code(self) -> dict[str, dict]:
        """Procedure code -> {direction, strength, certainty, classification, estimate}."""
        cert = {c.code: c for c in self.certainty}
        return {r.code: {"direction": r.direction, "strength": r.strength, "certainty": r.certainty,
                         "classification": cert[r.code].classification, "estimate": float(cert[r.code].estimate)}
                for r in self.recommendations}


def analyse_population(ds, settings: Settings, rules: dict, population: str, outcome: str = "pain"
                       ) -> PopulationResult:
    """Fit the population's network, rate its certainty and make its recommendations."""
    settings = settings.with_guideline(ds.guideline)
    net, _ = fit_outcome_network(ds, settings, outcome, population, every_pair=False)
    if net is None:
        return PopulationResult(population, None, (), (), ())
    assessments = assess(ds, settings, rules, net)
    certainty = certainty_results(ds, settings, rules, net, assessments)
    return PopulationResult(population, net, assessments, certainty,
                            recommend(certainty, ds.guideline, rules, outcome=outcome))


# the subgroup analyses the guideline reports: (network, treatment, covariate of studies.csv, the levels
# compared -> their names in the registry)
SUBGROUPS = (("pain/axial", "joint-rf", "blinding_providers", {"no": "providers-not-blinded",
                                                               "yes": "providers-blinded"}),)


@dataclass(frozen=True)
class Subgroup:
    """One direct comparison of a network split by a study-level covariate, with the test of interaction."""

    network: str  # outcome/population
    treatment: str
    reference: str
    covariate: str  # a column of studies.csv
    names: dict[str, str]  # level -> its name in the registry
    analysis: SubgroupAnalysis

    @property
    def studies(self) -> list[str]:
        return sorted(s for level in self.analysis.levels for s in self.analysis.studies[level])


def subgroups(ds, settings: Settings, networks: dict[str, NetworkResult]) -> tuple[Subgroup, ...]:
    """The subgroup analyses of :data:`SUBGROUPS` that the data allow (two levels with trials each)."""
    out = []
    for key, treatment, covariate, names in SUBGROUPS:
        net = networks.get(key)
        if net is None or treatment not in net.fit.treatments:
            continue
        effects = direct_effects(net.arms, treatment, settings.reference)
        values = dict(zip(ds.studies["id"].astype(str), ds.studies[covariate].astype(str)))
        effects[covariate] = effects["study"].map(values)
        effects = effects[effects[covariate].isin(names)]
        if effects[covariate].nunique() < 2:
            continue
        out.append(Subgroup(key, treatment, settings.reference, covariate, dict(names),
                            subgroup_analysis(effects, covariate)))
    return tuple(out)


@dataclass(frozen=True)
class Results:
    """Everything the engine computes from one dataset: the build writes and registers it, stage by stage.
    The mappings are keyed ``outcome/population`` (responders: by population) and are not to be changed."""

    characteristics: tuple[Row, ...] = ()  # Table 2 of the trials analysed
    trial_flow: tuple[FlowRow, ...] = ()  # eligible, without usable data (by reason), analysed
    networks: dict[str, NetworkResult] = field(default_factory=dict)
    without_evidence: dict[str, tuple[str, ...]] = field(default_factory=dict)  # treatments not connected
    responders: dict[str, ResponderResult] = field(default_factory=dict)
    subgroups: tuple[Subgroup, ...] = ()
    assessments: dict[str, tuple[Assessment, ...]] = field(default_factory=dict)  # GRADE, with its domains
    certainty: tuple[CertaintyResult, ...] = ()  # in order of network key
    recommendations: tuple[Recommendation, ...] = ()


def analyse(ds, settings: Settings, rules: dict, progress: Callable[[str], None] = lambda m: None) -> Results:
    """The trials' characteristics and flow, the networks of every outcome and population, the responder
    networks, the subgroup analyses, the certainty of every procedure's effect (each assessment computed
    once) and the recommendations."""
    settings = settings.with_guideline(ds.guideline)
    networks, without, responders = {}, {}, {}
    for outcome in settings.outcomes:
        for population in settings.populations:
            progress(f"network meta-analysis: {outcome}, {population}")
            net, dropped = fit_outcome_network(ds, settings, outcome, population)
            without[f"{outcome}/{population}"] = tuple(dropped)
            if net is not None:  # None: no trial connected to the reference (possible under a scenario)
                networks[net.key] = net
    for population in settings.populations:
        res, dropped = fit_responder_network(ds, settings, population)
        without[f"{RESPONDER_OUTCOME}/{population}"] = tuple(dropped)
        if res is not None:
            progress(f"responder network: {population} ({len(res.studies)} trials)")
            responders[population] = res
    found = subgroups(ds, settings, networks)
    progress("certainty of the evidence (GRADE)")
    assessments, certainty = {}, []
    for key in sorted(networks):
        assessments[key] = assess(ds, settings, rules, networks[key])
        certainty += certainty_results(ds, settings, rules, networks[key], assessments[key])
    progress("recommendations (evidence to decision)")
    return Results(characteristics=tuple(table2(ds.studies)), trial_flow=trial_flow(ds.studies),
                   networks=networks, without_evidence=without, responders=responders, subgroups=found,
                   assessments=assessments, certainty=tuple(certainty),
                   recommendations=recommend(certainty, ds.guideline, rules))
