"""The response to a letter: what the authors would post (``_responses/<name>/response.*``).

One short paragraph per claim, in plain clinical language: the analysis that tests it, the estimate that decides
its verdict (in the guideline and under the analysis, with the confidence interval) and what happens to the
recommendations; one figure of those estimates for every claim; the assumptions the analyses state. The full
comparisons, forest plots, robustness and the audit trail are in the technical appendix
(:mod:`analysis.responses.document`), which the numbers here link to.

Read from ``_results/`` like :mod:`analysis.responses.show`; every number is a registry entry.
"""

from __future__ import annotations

from pathlib import Path

from analysis.audit.links import markdown_literal as md
from analysis.audit.links import quoted
from analysis.book import entry, has, num, results_dir
from analysis.certainty.rule_paths import rule_id
from analysis.errors import AnalysisError
from analysis.figures.claims_summary import ClaimRow, claims_figure, identical
from analysis.responses.facts import FEW_TRIALS, PAIN, RESPONDER, Estimate, ScenarioFacts
from analysis.responses.paragraphs import POPULATION, scenario_id
from analysis.responses.rule_words import judgement_sentence, rule_sentence, set_judgement_sentence
from analysis.responses.show import (
    citation_markdown,
    claim_heading,
    letter_facts,
    letter_record,
    linked_ids,
    scenario_dir,
)
from analysis.results_io import read_json

CM = "\u00a0cm"  # a number and its unit never broken across lines


def _loaded(name: str, results: Path | None) -> tuple[dict, dict[str, ScenarioFacts], Path]:
    results = Path(results or results_dir())
    letter = letter_record(name, results)
    if letter is None:
        raise AnalysisError(f"no results for the letter {name!r}; run `rapidrec respond {name}` (it builds them)")
    return letter, letter_facts(letter, results), results


def decisive(f: ScenarioFacts, about: str = "") -> Estimate | None:
    """The estimate that decides the verdict, in this order: the one the claim is about (``about``:
    outcome/population/procedure, the letter's ``estimate``); on pain relief, one whose recommendation changed
    (moved or not: a new MID or rule can change it alone); the added trial's own procedure; among the procedures
    whose own trials the analysis changed, one whose rating changed, else the one that moved most; else the one
    that moved most (or is new, or lost its evidence); else the responder odds ratio that moved most; else the
    largest benefit on pain."""
    if about:
        hit = next((e for e in f.estimates if f"{e.outcome}/{e.population}/{e.code}" == about), None)
        if hit is not None:
            return hit
    changed = {(r.population, r.name) for r in f.changed_recommendations() + f.new_kinds_of_recommendation()}
    named = f.named(PAIN)
    for e in named + [e for e in f.estimates if e.outcome == PAIN and e not in named]:
        if (e.population, e.name) in changed:
            return e
    for code in f.added_procedures():
        for outcome in (PAIN, RESPONDER):
            hit = next((e for e in f.moved(outcome) + f.new(outcome) if e.code == code), None)
            if hit is not None:
                return hit
    own = [e for e in f.moved(PAIN) if e.trials_changed]
    if own:
        rated = {(r.population, r.name) for r in f.ratings if r.certainty_changed or r.class_changed}
        return next((e for e in own if (e.population, e.name) in rated), own[0])
    for candidates in (named, f.lost(PAIN), f.named(RESPONDER)):
        if candidates:
            return candidates[0]
    for population in f.populations():
        best = f.best(population)
        if best is not None:
            return best
    return None


def _ids(e: Estimate, f: ScenarioFacts, which: str) -> tuple[str, ...]:
    ids = e.ids(f.reference)
    return tuple(scenario_id(f.id, i) for i in ids) if which == "scenario" else ids


def _interval(e: Estimate, f: ScenarioFacts, which: str) -> str:
    """The estimate with its CI; under the analysis, when it rests on one or two trials, they are counted."""
    est, lo, hi = (num(i).markdown for i in _ids(e, f, which))
    trials = scenario_id(f.id, f"{e.outcome}/{e.population}/{e.code}/n-trials")
    n = entry(trials)["value"] if which == "scenario" and has(trials) else None
    few = f", from {num(trials).markdown} trial{'' if n == 1 else 's'}" if n is not None and n <= FEW_TRIALS else ""
    return f"{est}{CM if e.outcome == PAIN else ''} (95% CI {lo} to {hi}{few})"


def _names(items: list[str]) -> str:
    """Up to two names in full; more are 'several procedures' (the appendix lists them)."""
    return " and ".join(items) if len(items) <= 2 else "several procedures"


def _rating(f: ScenarioFacts, population: str, name: str):
    return next((r for r in f.ratings if r.population == population and r.name == name), None)


def _recommendation_sentence(f: ScenarioFacts) -> str:
    changed, new_kinds, lost = f.changed_recommendations(), f.new_kinds_of_recommendation(), f.lost_recommendations()
    where = lambda r: f"{md(r.name)} for {POPULATION.get(r.population, r.population)}"  # noqa: E731

    def evidence(r) -> str:
        rating = _rating(f, r.population, r.name)
        return f" (on {rating.scenario_certainty} certainty evidence)" if rating and rating.scenario_certainty else ""

    parts = [f"the recommendation on {where(r)} would change from a {r.base} to a {r.scenario}{evidence(r)}"
             for r in changed]
    parts += [f"{where(r)}, a new procedure under this analysis, would receive a {r.scenario}{evidence(r)}"
              for r in new_kinds]
    text = ("If this analysis were accepted, " + "; ".join(parts) + ", and the panel would have to reconsider it."
            if parts else NO_CHANGE)
    regrouped = _regrouped(f)
    moved_on = [r for r in lost if r.name in regrouped]
    lost = [r for r in lost if r.name not in regrouped]
    if moved_on:
        how = regrouped[moved_on[0].name]
        into = "into new procedures (the appendix lists them)" if how == "splits" else "into one procedure"
        text += f" This analysis {how} the trials of {_names([where(r) for r in moved_on])} {into}."
    if lost:
        them = "it" if len(lost) == 1 else "them"
        text += (f" It leaves {_names([where(r) for r in lost])} without trials, so no recommendation could be "
                 f"made for {them} from this analysis.")
    return text


NO_CHANGE = "No recommendation changes direction or strength."


def _regrouped(f: ScenarioFacts) -> dict[str, str]:
    """Procedure name -> what the analysis did with its trials ("splits", "pools"), for the
    procedures a split or a merge replaces: they are not left without trials."""
    names = {e.code: e.name for e in f.estimates}
    out = {}
    for kind, spec in f.operations:
        if kind == "split_node" and spec.get("node") in names:
            out[names[spec["node"]]] = "splits"
        elif kind == "merge_nodes":
            out.update({names[c]: "pools" for c in spec.get("nodes") or [] if c in names})
    return out


def _size(f: ScenarioFacts, e: Estimate) -> str:
    """The effect's size against the MID under the analysis, when that changed (e.g. to moderate harm)."""
    rating = _rating(f, e.population, e.name)
    if rating is None or not rating.class_changed or e.outcome != PAIN:
        return ""
    return f", now judged {_a(rating.scenario_class)} (in the guideline, {rating.base_class})"


def _a(size: str) -> str:
    """An effect's size as a noun phrase: "a small benefit", "little or no effect"."""
    return size if size.startswith("little") else f"a {size}"


def _judged_now(f: ScenarioFacts, e: Estimate) -> str:
    """How an unchanged estimate is judged now, when its size against the MID or its certainty changed."""
    rating = _rating(f, e.population, e.name)
    if rating is None or e.outcome != PAIN:
        return ""
    if rating.class_changed:
        return f" is now judged {_a(rating.scenario_class)} (in the guideline, {rating.base_class})"
    if rating.certainty_changed:
        return (f" now rests on {rating.scenario_certainty} certainty evidence (in the guideline, "
                f"{rating.base_certainty})")
    return ""


def scenario_sentences(f: ScenarioFacts, about: str = "") -> tuple[str, bool, str]:
    """What one analysis shows: (its finding, whether some certainty ratings change, its recommendation
    sentence). ``about``: the estimate the claim is about (the letter's ``estimate``)."""
    title = quoted(f.title or f.id)  # the scenario author's words (a year in them is theirs, not a result)
    if f.mid_changed:  # the threshold every size judgement below is made against
        title += (f" (a minimal important difference of {num(scenario_id(f.id, 'settings/pain-mid')).markdown}"
                  f"{CM})")
    if f.verdict == "already":
        return f"The analysis {title} is what the guideline already does; nothing changes.", False, ""
    e = decisive(f, about)
    where = "" if e is None else f"{md(e.name)} for {POPULATION.get(e.population, e.population)}"
    what = "odds ratio of a pain response versus sham" if e is not None and e.outcome == RESPONDER else \
        "mean difference in pain versus sham"
    if e is None or f.verdict == "nothing":
        said = f"Re-analysed as {title}, no pooled estimate changes."
    elif e.base is None:
        said = (f"Re-analysed as {title}, {where}, which has no estimate in the guideline, has a {what} of "
                f"{_interval(e, f, 'scenario')}.")
    elif e.scenario is None:
        said = (f"Re-analysed as {title}, no trial is left to estimate the {what} for {where} "
                f"({_interval(e, f, 'base')} in the guideline).")
    elif e in f.moved(e.outcome):
        mid = f.mid if f.mid is not None else float(entry("settings/pain-mid")["value"])
        small = e.outcome == PAIN and e.shift < mid / 10
        most = f.moved(e.outcome)[0] == e  # else the estimate the claim is about, or the added trial's
        lead = "estimates move by less than a tenth of the minimal important difference; the largest change is" \
            if small and most else f"the {what} changes {'most ' if most else ''}"
        said = (f"Re-analysed as {title}, {lead.rstrip()} for {where}: {_interval(e, f, 'scenario')}, against "
                f"{_interval(e, f, 'base')} in the guideline{_size(f, e)}.")
    else:  # the estimate itself did not move
        judged = _judged_now(f, e)
        others = " (other estimates move; the appendix lists them)" if f.moved(PAIN) else ""
        if judged:
            said = (f"Re-analysed as {title}, the {what} for {where} is unchanged, {_interval(e, f, 'base')}, but "
                    f"it{judged}{others}.")
        elif f.moved(PAIN) or f.moved(RESPONDER):
            said = f"Re-analysed as {title}, the {what} for {where} is unchanged, {_interval(e, f, 'base')}{others}."
        else:
            said = f"Re-analysed as {title}, no pooled estimate changes."
    certainty = bool(f.changed_certainty()) and not (f.changed_recommendations() or f.new_kinds_of_recommendation())
    return said, certainty, _recommendation_sentence(f)


def _rules_said(f: ScenarioFacts) -> list[str]:
    """Each rule the analysis changes, from what to what; each panel judgement it sets; and, for a domain whose
    rule changed, the panel judgements that still decide it (so that 'nothing changes' is never said without
    its reason)."""
    def number(path: str, which: str) -> str:
        id_ = rule_id(path)
        return num(id_ if which == "base" else scenario_id(f.id, id_)).markdown

    out = [rule_sentence(path, old, new, number) for path, old, new in f.rule_changes]
    names = {f"{e.outcome}/{e.population}/{e.code}": f"{md(e.name)} ({POPULATION.get(e.population, e.population)})"
             for e in f.estimates}
    out += [set_judgement_sentence(str(spec.get("domain")), names.get(str(spec.get("estimate")), md(str(spec.get(
        "estimate")))), str(spec.get("rating"))) for kind, spec in f.operations if kind == "judgement"]
    for domain in sorted({path.split(".", 1)[0] for path, _, _ in f.rule_changes}):
        judged = sorted(names.get(est, md(est)) for est, d in f.panel_judged if d == domain)
        if judged and not any(k == "judgement" and spec.get("domain") == domain for k, spec in f.operations):
            out.append(judgement_sentence(domain, judged))
    return out


def claim_paragraph(claim: dict, facts: list[ScenarioFacts]) -> str:
    """The claim's heading, then each analysis's finding; what certainty ratings and recommendations do is said
    once for the claim when it is the same for all its analyses; then the authors' comment (the claim's
    ``answer``), when the letter gives one."""
    head = f"**{claim_heading(claim)}.**"
    if not facts:
        answer = f" {md(claim['answer'])}" if claim.get("answer") else ""
        return f"{head} No analysis of the data can settle this claim.{answer}"
    parts, told = [], set()
    for f in facts:  # a rule two analyses of the claim change is told once
        said, certainty, rec = scenario_sentences(f, claim.get("estimate") or "")
        rules = [x for x in _rules_said(f) if x not in told]
        told.update(rules)
        parts.append((" ".join([said] + rules), certainty, rec))
    comment = f"*Our comment:* {md(claim['answer'])}" if claim.get("answer") else ""  # the authors' own words
    function = FUNCTION_NOTE if any(f.function_changed for f in facts) else ""
    if len(parts) == 1:
        said, certainty, rec = parts[0]
        return " ".join(p for p in (head, said, CERTAINTY_NOTE if certainty else "", rec, function, comment) if p)
    out = [head]
    same = all(rec.startswith(NO_CHANGE) for _, _, rec in parts)  # then said once, after the analyses
    for said, certainty, rec in parts:
        out.append(said)
        if not same:
            out += [CERTAINTY_NOTE] if certainty and rec.startswith(NO_CHANGE) else []
            out += [rec] if rec else []
        elif rec[len(NO_CHANGE):].strip():
            out.append(rec[len(NO_CHANGE):].strip())  # what the analysis leaves without trials
    if same:
        if any(certainty for _, certainty, _ in parts):
            out.append("Some certainty ratings change (the appendix lists them), but in none of these analyses "
                       "does a recommendation change direction or strength.")
        else:
            out.append("In none of these analyses does a recommendation change direction or strength.")
    return " ".join(out + [p for p in (function, comment) if p])


CERTAINTY_NOTE = "Some certainty ratings change (the appendix lists them)."
FUNCTION_NOTE = "Estimates of physical functioning change too (the appendix gives them)."


def response_markdown(name: str, results: Path | None = None, appendix: str = "") -> str:
    """The response's text: the letter, a paragraph per claim. Numbers link to their audit entry in the technical
    appendix (``appendix``: its file name, e.g. ``appendix.html``; empty: an anchor in this document)."""
    letter, facts, results = _loaded(name, results)
    parts = [f"*In response to* {citation_markdown(letter['citation'])}",
             "We re-ran the guideline's network meta-analysis from the same data and code as each claim proposes. "
             "Effects are mean differences in pain versus sham on a 10 cm scale (negative: less pain); the "
             f"guideline's minimal important difference is {num('settings/pain-mid').markdown} cm. "
             + (ODDS_RATIOS if _reports_odds_ratios(letter, facts) else "")
             + "The technical appendix gives every analysis in full, its forest plots and the derivation of every "
             "number."]
    for claim in letter["claims"]:
        parts.append(claim_paragraph(claim, [facts[s["id"]] for s in claim["scenarios"]]))
    text = "\n\n".join(parts) + "\n"
    return text.replace("](#audit-", f"]({appendix}#audit-") if appendix else text


ODDS_RATIOS = ("Where a claim concerns the proportion of patients with at least 50% pain relief, the effect is an "
               "odds ratio versus sham (above one: more such patients with the procedure). ")


def _reports_odds_ratios(letter: dict, facts: dict) -> bool:
    return any((e := decisive(facts[s["id"]], c.get("estimate") or "")) is not None and e.outcome == RESPONDER
               for c in letter["claims"] for s in c["scenarios"])


def response_number_ids(name: str, results: Path | None = None) -> list[str]:
    """Every registry id the response prints (the appendix's audit trail holds them)."""
    return linked_ids(response_markdown(name, results))


def figure_rows(name: str, results: Path | None = None) -> list[ClaimRow]:
    """A row per claim and analysis: its decisive estimate in the guideline and under the analysis."""
    letter, facts, results = _loaded(name, results)
    rows = []
    for claim in letter["claims"]:
        for s in claim["scenarios"]:
            f = facts[s["id"]]
            e = decisive(f, claim.get("estimate") or "")
            if e is None or e.outcome != PAIN:
                continue

            def values(which: str, e=e, f=f):
                if (e.base if which == "base" else e.scenario) is None:
                    return None
                return tuple(float(entry(i)["value"]) for i in _ids(e, f, which))

            label = (f"{claim_heading(claim, plain=True)} \u2014 {f.title or f.id}: {e.name}, "
                     f"{POPULATION.get(e.population, e.population)}")
            if values("base") != values("scenario"):  # an unchanged estimate (a new MID, say) is told in words
                rows.append(ClaimRow(label, values("base"), values("scenario")))
    return rows


def has_figure(name: str, results: Path | None = None) -> bool:
    """Whether the figure would show something: a row whose two intervals differ."""
    rows = figure_rows(name, results)
    return bool(rows) and not identical(rows)


def response_figure(name: str, results: Path | None = None):
    """The figure of :func:`figure_rows`, or None when :func:`has_figure` says it would show nothing new."""
    rows = figure_rows(name, results)
    if not rows or identical(rows):
        return None
    return claims_figure(rows, float(entry("settings/pain-mid")["value"]))


def unchanged_sentence(name: str, results: Path | None = None) -> str:
    """What replaces the figure when no analysis moves its decisive estimate."""
    return "" if has_figure(name, results) else (
        "No analysis moves the estimates that decide the recommendations, so no figure is shown.")


def assumptions_markdown(name: str, results: Path | None = None) -> str:
    """The assumptions each analysis states (the scenario's own words, quoted)."""
    letter, facts, results = _loaded(name, results)
    items = []
    for sid, f in facts.items():
        stated = read_json(scenario_dir(sid, results) / "scenario.json").get("assumptions") or []
        if stated:  # the analysis named once, its assumptions listed under it
            items.append(f"- {quoted(f.title or sid)}:\n" + "\n".join(f"    - {quoted(a)}" for a in stated))
    if not items:
        return "None of these analyses rests on an assumption beyond the data and the guideline's rules.\n"
    return "\n".join(items) + "\n"


__all__ = ["assumptions_markdown", "claim_paragraph", "decisive", "figure_rows", "has_figure", "response_figure",
           "response_markdown", "response_number_ids", "unchanged_sentence"]
