"""What a scenario changed, read from its comparison with the base case: estimates, ratings, recommendations.

A pure function of the comparison table (``comparison.csv``, :mod:`analysis.scenarios.compare`) and the
treatment names, so that the generated paragraphs (:mod:`analysis.responses.paragraphs`) change whenever
the scenario's results change. :meth:`ScenarioFacts.number_ids` lists the registry ids a paragraph prints;
the build registers them, with every other estimate of
the scenario (:mod:`analysis.responses.run`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.certainty.rule_paths import numeric_rules, rule_id
from analysis.results_io import read_json
from analysis.scenarios.compare import CHANGED, ONLY_BASE, ONLY_SCENARIO, UNCHANGED

PAIN, RESPONDER = "pain", "pain_responder"
FEW_TRIALS = 2  # an estimate resting on this many trials or fewer says so (its count is copied and printed)
FIELDS = {PAIN: ("estimate", "ci-low", "ci-high"), RESPONDER: ("or", "or-low", "or-high")}
VALUE_COLUMN = {PAIN: "estimate", RESPONDER: "odds_ratio"}
FUNCTION = "physical_function"  # the other critical outcome: its changes are mentioned, its estimates in the appendix
TOP = 2  # estimates named per outcome, besides those whose rating or recommendation changed
MAX_FIGURES = 2  # paired forest plots per scenario: the networks that changed most
COMPARATORS = ("usual-care",)  # compared with sham like a procedure, but no procedure: never named or "best"


def _num(v) -> float | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v == "":
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _str(v) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v == "":
        return None
    return str(v)


def _key(key: str) -> dict:
    return dict(kv.split("=", 1) for kv in str(key).split(";") if "=" in kv)


@dataclass(frozen=True)
class Estimate:
    outcome: str
    population: str
    code: str
    name: str
    change: str  # unchanged / changed / no evidence under scenario / new under scenario
    base: float | None
    scenario: float | None
    trials_changed: bool = False  # the analysis changed the trials of this procedure itself (not only others)

    def ids(self, reference: str = "sham") -> tuple[str, ...]:
        stem = f"{self.outcome}/{self.population}/{self.code}/vs-{reference}"
        return tuple(f"{stem}/{f}" for f in FIELDS[self.outcome])

    @property
    def shift(self) -> float:
        if self.base is None or self.scenario is None:
            return math.inf
        if self.outcome == RESPONDER:
            return abs(math.log(self.scenario) - math.log(self.base)) if self.base > 0 and self.scenario > 0 else 0
        return abs(self.scenario - self.base)


@dataclass(frozen=True)
class Rating:
    population: str
    name: str
    change: str
    base_certainty: str | None
    scenario_certainty: str | None
    base_class: str | None
    scenario_class: str | None

    @property
    def certainty_changed(self) -> bool:
        return self.change == CHANGED and self.base_certainty != self.scenario_certainty

    @property
    def class_changed(self) -> bool:
        return self.change == CHANGED and self.base_class != self.scenario_class


@dataclass(frozen=True)
class Recommendation:
    population: str
    name: str
    change: str
    base: str | None  # "strong recommendation against"
    scenario: str | None

    @property
    def changed(self) -> bool:
        return self.change != UNCHANGED and self.base != self.scenario


@dataclass(frozen=True)
class ScenarioFacts:
    id: str
    title: str
    reference: str
    estimates: tuple[Estimate, ...]
    ratings: tuple[Rating, ...]
    recommendations: tuple[Recommendation, ...]
    mid_changed: bool = False
    trials_changed: bool = False
    mid: float | None = None  # the pain MID under the scenario (cm)
    operations: tuple = field(default=(), compare=False)  # (kind, spec) as written in the scenario
    rule_changes: tuple = field(default=(), compare=False)  # (path, old, new) per rule of settings/guideline.yaml
    panel_judged: tuple = field(default=(), compare=False)  # (estimate, domain) a panel judgement decides
    no_ops: tuple = field(default=(), compare=False)  # (operation index, kind, why): operations changing nothing
    function_changed: bool = False  # some estimate of physical functioning changed (or appeared or went)

    # --- what changed -------------------------------------------------------------------------------

    def networks_to_show(self, limit: int = MAX_FIGURES) -> list[tuple[str, str]]:
        """(outcome, population) of the networks whose estimates changed most, pain first, at most ``limit``
        (pain in axial spine pain when nothing changed): the paired forest plots an answer shows."""
        counts: dict[tuple[str, str], int] = {}
        for e in self.estimates:
            if e.change != UNCHANGED:
                counts[(e.outcome, e.population)] = counts.get((e.outcome, e.population), 0) + 1
        return sorted(counts, key=lambda k: (k[0] != PAIN, -counts[k], k[1]))[:limit] or [(PAIN, "axial")]


    def changed_recommendations(self) -> list[Recommendation]:
        """Recommendations that exist in both and differ in direction or strength."""
        return [r for r in self.recommendations if r.changed and r.base and r.scenario]

    def lost_recommendations(self) -> list[Recommendation]:
        return [r for r in self.recommendations if r.base and not r.scenario]

    def new_recommendations(self) -> list[Recommendation]:
        return [r for r in self.recommendations if r.scenario and not r.base]

    def new_kinds_of_recommendation(self) -> list[Recommendation]:
        """New recommendations (e.g. for a node made by a split) unlike any the population had before."""
        before = {(r.population, r.base) for r in self.recommendations if r.base}
        return [r for r in self.new_recommendations() if (r.population, r.scenario) not in before]

    def changed_certainty(self) -> list[Rating]:
        return [r for r in self.ratings if r.certainty_changed]

    def changed_classification(self) -> list[Rating]:
        return [r for r in self.ratings if r.class_changed]

    def lost(self, outcome: str = PAIN) -> list[Estimate]:
        return [e for e in self.estimates if e.outcome == outcome and e.change == ONLY_BASE]

    def new(self, outcome: str = PAIN) -> list[Estimate]:
        return [e for e in self.estimates if e.outcome == outcome and e.change == ONLY_SCENARIO]

    def moved(self, outcome: str = PAIN) -> list[Estimate]:
        """Estimates whose printed value changed, the largest shift first."""
        rows = [e for e in self.estimates if e.outcome == outcome and e.change == CHANGED
                and e.code not in COMPARATORS]
        return sorted(rows, key=lambda e: (-e.shift, e.population, e.name))

    def added_procedures(self) -> list[str]:
        """The network nodes of the trials the scenario adds, in the order of their arms (the reference and
        comparators left out)."""
        codes = [arm.get("procedure") for kind, spec in self.operations if kind == "add_study"
                 for arm in (spec.get("arms") or []) if isinstance(arm, dict)]
        return list(dict.fromkeys(c for c in codes if isinstance(c, str) and c not in (*COMPARATORS, self.reference)))

    def named(self, outcome: str = PAIN) -> list[Estimate]:
        """The estimates a paragraph prints: new nodes, those whose rating or recommendation changed, and the
        largest shifts."""
        flagged = {(r.population, r.name) for r in self.ratings if r.certainty_changed or r.class_changed}
        flagged |= {(r.population, r.name) for r in self.changed_recommendations() + self.new_kinds_of_recommendation()}
        chosen = [e for e in self.new(outcome) if e.code not in COMPARATORS]
        chosen += [e for e in self.moved(outcome) if (e.population, e.name) in flagged and e not in chosen]
        chosen += [e for e in self.moved(outcome) if e not in chosen][:TOP]
        return chosen

    def best(self, population: str) -> Estimate | None:
        """The largest pooled benefit on pain versus the reference under the scenario (most negative)."""
        rows = [e for e in self.estimates if e.outcome == PAIN and e.population == population
                and e.scenario is not None and e.code not in COMPARATORS]
        return min(rows, key=lambda e: (e.scenario, e.name)) if rows else None

    def populations(self) -> list[str]:
        return sorted({e.population for e in self.estimates if e.outcome == PAIN})

    @property
    def verdict(self) -> str:
        """``already`` (every operation is what the guideline already does) / ``recommendation`` / ``certainty`` /
        ``estimates`` / ``nothing``: the most that changed."""
        if self.operations and len({i for i, _, _ in self.no_ops}) == len(self.operations):
            return "already"
        if self.changed_recommendations() or self.new_kinds_of_recommendation():
            return "recommendation"
        if self.changed_certainty() or self.changed_classification():
            return "certainty"
        if any(e.change != UNCHANGED for e in self.estimates):
            return "estimates"
        return "nothing"

    def number_ids(self) -> list[str]:
        """Scenario registry ids the paragraph prints (registered under ``scenarios/<id>/``)."""
        ids: list[str] = []
        for outcome in (PAIN, RESPONDER):
            for e in self.named(outcome):
                ids += e.ids(self.reference)
        for p in self.populations():
            b = self.best(p)
            if b is not None:
                ids += b.ids(self.reference)
        ids += ["settings/pain-mid", "dataset/trials-analysed"]
        for path, _, new in self.rule_changes:  # the numbers of a changed rule's new value
            ids += [rule_id(p) for p, _ in numeric_rules(new, path)]
        return sorted(dict.fromkeys(ids))


def scenario_facts(comparison: pd.DataFrame, names: dict[str, str], scenario_id: str, title: str = "",
                   reference: str = "sham", operations=(), rule_changes=(), panel_judged=(),
                   no_ops=()) -> ScenarioFacts:
    """The facts of one scenario from its comparison table (as written to comparison.csv, or in memory)."""
    code_of = {v: k for k, v in names.items()}
    comp = comparison.copy()
    comp["table"] = comp["table"].astype(str)
    estimates = []
    eff = comp[comp["table"].str.endswith("effects.csv")]
    for key, rows in eff.groupby("key", sort=True):
        k = _key(key)
        outcome, population, code = k.get("outcome"), k.get("population"), k.get("treatment")
        if outcome not in VALUE_COLUMN or code is None:
            continue
        col = rows[rows["column"] == VALUE_COLUMN[outcome]]
        if col.empty:
            continue
        r = col.iloc[0]
        trials = rows[rows["column"] == "n_trials"]
        estimates.append(Estimate(outcome, population, code, names.get(code, code), str(r["change"]),
                                  _num(r["base"]), _num(r["scenario"]),
                                  trials_changed=bool(len(trials)) and str(trials.iloc[0]["change"]) != UNCHANGED))
    ratings = []
    cert = comp[(comp["table"] == "certainty.csv")]
    for key, rows in cert.groupby("key", sort=True):
        k = _key(key)
        if k.get("outcome", PAIN) != PAIN:
            continue
        by = {r["column"]: r for _, r in rows.iterrows()}
        if "certainty" not in by:
            continue
        cls = by.get("classification")
        change = CHANGED if any(r["change"] == CHANGED for r in by.values()) else str(by["certainty"]["change"])
        ratings.append(Rating(k.get("population", ""), k.get("procedure", ""), change,
                              _str(by["certainty"]["base"]), _str(by["certainty"]["scenario"]),
                              _str(cls["base"]) if cls is not None else None,
                              _str(cls["scenario"]) if cls is not None else None))
    recs = []
    rec = comp[comp["table"] == "recommendations.csv"]
    for key, rows in rec.groupby("key", sort=True):
        k = _key(key)
        by = {r["column"]: r for _, r in rows.iterrows()}
        if "direction" not in by or "strength" not in by:
            continue

        def words(which):
            d, s = _str(by["direction"][which]), _str(by["strength"][which])
            return f"{s} recommendation {d}" if d and s else None

        change = str(by["direction"]["change"])
        if by["strength"]["change"] == CHANGED or by["direction"]["change"] == CHANGED:
            change = CHANGED
        recs.append(Recommendation(k.get("population", ""), k.get("procedure", ""), change, words("base"),
                                   words("scenario")))
    nums = comp[comp["table"] == "numbers.json"]
    function = comp[comp["table"].str.startswith(f"network/{FUNCTION}/") & (comp["column"] == "estimate")]

    def num_changed(id_):
        rows = nums[nums["key"] == f"id={id_}"]
        return bool(len(rows)) and str(rows.iloc[0]["change"]) != UNCHANGED

    mid_rows = nums[nums["key"] == "id=settings/pain-mid"]
    mid = _num(mid_rows.iloc[0]["scenario"]) if len(mid_rows) else None
    del code_of
    return ScenarioFacts(mid=mid, id=scenario_id, title=title, reference=reference, estimates=tuple(estimates),
                         ratings=tuple(ratings), recommendations=tuple(recs),
                         mid_changed=num_changed("settings/pain-mid"),
                         trials_changed=num_changed("dataset/trials-analysed"), operations=tuple(operations),
                         rule_changes=tuple(tuple(c) for c in rule_changes),
                         panel_judged=tuple(tuple(j) for j in panel_judged),
                         no_ops=tuple(tuple(n) for n in no_ops),
                         function_changed=bool((function["change"].astype(str) != UNCHANGED).any()))


def facts_from_results(scenario_dir, base_names: dict[str, str] | None = None) -> ScenarioFacts:
    """:func:`scenario_facts` of a scenario results directory (comparison.csv, scenario.json, treatments)."""
    d = Path(scenario_dir)
    comparison = pd.read_csv(d / "comparison.csv", dtype=str, keep_default_na=False)
    names = dict(base_names or {})
    if (d / "treatments.csv").exists():
        t = pd.read_csv(d / "treatments.csv")
        names.update(zip(t["code"], t["name"]))
    meta = read_json(d / "scenario.json")
    reference = read_json(d / "manifest.json")["settings"].get("reference", "sham")
    ops_file = d / "operations.json"
    ops = tuple((o["kind"], o["spec"]) for o in read_json(ops_file)) if ops_file.exists() else ()
    judged = ()
    if (d / "certainty_domains.csv").exists():
        domains = pd.read_csv(d / "certainty_domains.csv")
        judged = domains.loc[domains["by"] == "panel", ["estimate", "domain"]].itertuples(index=False)
    return scenario_facts(comparison, names, meta["id"], meta.get("title", ""), reference, ops,
                          meta.get("rule_changes", ()), tuple(judged), meta.get("no_ops", ()))
