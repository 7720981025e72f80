"""The generated text of an answer: what a scenario changed, what it did not, and the verdict on a claim.

Pure functions of :class:`analysis.responses.facts.ScenarioFacts` (themselves a pure function of the
scenario's comparison with the base case) and of a ``num`` function giving a registry number by id, so a
paragraph changes whenever its scenario's results change. Every number is a registry entry: ``num(id)``
returns an object whose ``.markdown`` links to its audit entry (:func:`analysis.book.num`). Numbers under a
scenario are registered as ``scenarios/<scenario id>/<id>`` (:mod:`analysis.responses.run`).

Sentences are ours, in GRADE vocabulary; nothing is copied from a letter. Values quoted from a scenario
file (filters, codes, follow-up weeks) are set as code: they are inputs, not results.
"""

from __future__ import annotations

from typing import Callable

from analysis.audit.links import markdown_literal as md
from analysis.certainty.levels import DOMAIN_WORDS
from analysis.responses.facts import PAIN, RESPONDER, Estimate, ScenarioFacts
from analysis.responses.letter import short_citation

Num = Callable[[str], object]  # id -> object with .markdown (a registry number)

POPULATION = {"axial": "axial pain", "radicular": "radicular pain"}


SCENARIO_PREFIX = "scenarios/"  # the registry ids of numbers copied from the answers' scenarios


def scenario_id(sid: str, id_: str) -> str:
    """The registry id of a scenario's number in the base registry."""
    return f"{SCENARIO_PREFIX}{sid}/{id_}"


def _code(value) -> str:
    """A value as the settings file writes it: ``[a, b]`` for a list (not Python's ``['a', 'b']``), ``null``."""
    if isinstance(value, list):
        text = "[" + ", ".join("null" if v is None else str(v) for v in value) + "]"
    else:
        text = "null" if value is None else str(value)
    return "`" + text.replace("`", "'") + "`"


def join_words(items: list[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' (empty items left out)."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def _filter(where: dict) -> str:
    parts = []
    for col, cond in (where or {}).items():
        if isinstance(cond, dict):
            words = []
            for k, v in cond.items():
                if k == "missing":
                    words.append("not reported" if v else "reported")
                elif k == "not":
                    words.append("not " + " or ".join(map(str, v if isinstance(v, list) else [v])))
                else:
                    words.append(f"{k} {v}")
            parts.append(" ".join([col] + words))
        elif isinstance(cond, list):
            parts.append(f"{col}: {' or '.join(map(str, cond))}")
        else:
            parts.append(f"{col}: {cond}")
    return join_words([_code(p) for p in parts])


def _short_citation(study: dict) -> str:
    return md(short_citation(str(study.get("citation", "")), study.get("year"))) if study.get("citation") else ""


def operation_phrase(kind: str, spec: dict, sid: str, num: Num, rule_changes=()) -> str:
    """What one operation of a scenario does, in words (values from the file as code; ``rule_changes``: the
    (path, old, new) of the rules it changed, to say what a rule was)."""
    spec = spec or {}
    if kind == "exclude_studies":
        bits = []
        if spec.get("where"):
            bits.append(f"removes the trials matching {_filter(spec['where'])}")
        if spec.get("ids"):
            bits.append(f"removes the trials {join_words([_code(i) for i in spec['ids']])}")
        return join_words(bits)
    if kind == "keep_studies":
        return f"keeps only the trials matching {_filter(spec.get('where'))}"
    if kind == "add_study":
        study = spec.get("study") or {}
        who = _short_citation(study)
        into = []
        if spec.get("outcomes"):
            into.append("the analyses of mean pain")
        if spec.get("responders"):
            into.append("the responder analyses")
        where = f" to {join_words(into)}" if into else ""
        return f"adds the trial {who} ({_code(study.get('id', '?'))}){where}"
    if kind == "correct_value":
        was = f" from {_code(spec['was'])}" if "was" in spec else ""
        who = (f"trial {_code(spec.get('study'))}" if "where" not in spec else
               f"every trial matching {_filter(spec['where'])}")
        return f"corrects {_code(spec.get('column'))} of {who}{was} to {_code(spec.get('value'))}"
    if kind == "split_node":
        into = [md(str(p.get("category", p.get("code")))) for p in spec.get("into") or []]
        return f"splits the node {_code(spec.get('node'))} into {join_words(into)}"
    if kind == "merge_nodes":
        return f"merges the nodes {join_words([_code(n) for n in spec.get('nodes') or []])} into {md(spec.get('category'))}"
    if kind == "timepoint_rule":
        rules = [f"{_code(spec[k])} weeks for {'injections' if k == 'injection' else 'ablation'}"
                 for k in ("injection", "ablation") if k in spec]
        return f"changes the follow-up used (the latest not exceeding {join_words(rules)})"
    if kind == "rule":
        old = {path: was for path, was, _ in rule_changes}.get(spec.get("path"), "?")
        return (f"changes the rule {_code(spec.get('path'))} of the certainty assessment from {_code(old)} to "
                f"{_code(spec.get('value'))}")
    if kind == "judgement":
        domain = DOMAIN_WORDS.get(spec.get("domain"), str(spec.get("domain")))
        if spec.get("rating") == "rule":
            return (f"removes the panel's judgement of {domain} for {_code(spec.get('estimate'))}, so that the "
                    "pre-specified criteria decide it")
        return f"sets the judgement of {domain} for {_code(spec.get('estimate'))} to {spec.get('rating')}"
    if kind == "mid":
        mid = num(scenario_id(sid, "settings/pain-mid")).markdown
        return f"sets the minimal important difference for pain to {mid} cm"
    return f"applies {_code(kind)}"


def judged_despite_rules(f: ScenarioFacts) -> str:
    """Where a scenario changes the rule of a GRADE domain that a panel judgement decides for some estimates,
    a sentence saying so: for those, the judgement, not the rule, drives the rating."""
    domains = {path.split(".", 1)[0] for k, s in f.operations if k == "rule"
               for path in [str((s or {}).get("path", ""))]} & set(DOMAIN_WORDS)
    out = ""
    for domain in sorted(domains):
        judged = sorted(e for e, d in f.panel_judged if d == domain)
        if judged:
            out += (f" A panel judgement, not the rule, decides {DOMAIN_WORDS[domain]} for "
                    f"{join_words([_code(e) for e in judged])} (data/judgements.csv): the changed rule does not reach "
                    "those ratings unless the scenario also removes the judgement.")
    return out


def what_was_changed(f: ScenarioFacts, num: Num) -> str:
    already = {i: why for i, _, why in f.no_ops}
    ops = [operation_phrase(k, s, f.id, num, f.rule_changes) + (f" (no change: {already[i]})" if i in already else "")
           for i, (k, s) in enumerate(f.operations)]
    text = f"The scenario {_code(f.id)} {join_words(ops) or 'changes the analysis'}."
    text += judged_despite_rules(f)
    if f.trials_changed:
        text += (f" The analyses then rest on {num(scenario_id(f.id, 'dataset/trials-analysed')).markdown} trials "
                 f"with usable data, against {num('dataset/trials-analysed').markdown} in the guideline.")
    return text


def _interval(e: Estimate, which: str, sid: str, ref: str, num: Num) -> str:
    ids = e.ids(ref)
    if which == "scenario":
        ids = tuple(scenario_id(sid, i) for i in ids)
    est, lo, hi = (num(i).markdown for i in ids)
    unit = " cm" if e.outcome == PAIN else ""
    return f"{est}{unit} (95% CI {lo} to {hi})"


def _where(population: str) -> str:
    return POPULATION.get(population, population)


def estimate_sentences(f: ScenarioFacts, num: Num) -> list[str]:
    out = []
    for outcome, what in ((PAIN, "Pooled mean differences in pain versus sham on the 10 cm scale"),
                          (RESPONDER, "Odds ratios of a pain response versus sham")):
        named = f.named(outcome)
        parts = []
        for e in named:
            if e.base is None:
                parts.append(f"{md(e.name)} ({_where(e.population)}; new under the scenario) "
                             f"{_interval(e, 'scenario', f.id, f.reference, num)}")
            else:
                parts.append(f"{md(e.name)} ({_where(e.population)}) {_interval(e, 'base', f.id, f.reference, num)} "
                             f"in the guideline and {_interval(e, 'scenario', f.id, f.reference, num)} under the "
                             "scenario")
        moved = f.moved(outcome)
        rest = len([e for e in moved if e not in named])
        if parts:
            tail = " Other estimates moved less." if rest else ""
            out.append(f"{what}: " + "; ".join(parts) + "." + tail)
        elif outcome == PAIN:
            out.append("No pooled estimate of pain relief changes (to two decimals).")
        lost = f.lost(outcome)
        if lost:
            label = "pain relief" if outcome == PAIN else "the responder analyses"
            out.append(f"Without evidence under the scenario ({label}): "
                       + join_words([f"{md(e.name)} ({_where(e.population)})" for e in lost]) + ".")
    return out


def rating_sentences(f: ScenarioFacts) -> list[str]:
    out = []
    cert = f.changed_certainty()
    if cert:
        out.append("The certainty of the evidence changes for " + join_words(
            [f"{md(r.name)} ({_where(r.population)}: from {r.base_certainty} to {r.scenario_certainty})" for r in cert])
            + ".")
    else:
        out.append("No certainty rating changes.")
    cls = f.changed_classification()
    if cls:
        out.append("The size of the effect, judged against the minimal important difference, changes for " + join_words(
            [f"{md(r.name)} ({_where(r.population)}: from {r.base_class} to {r.scenario_class})" for r in cls]) + ".")
    else:
        out.append("Every estimate keeps its classification against the minimal important difference.")
    return out


def recommendation_sentences(f: ScenarioFacts) -> list[str]:
    changed, new_kinds = f.changed_recommendations(), f.new_kinds_of_recommendation()
    lost, new = f.lost_recommendations(), f.new_recommendations()
    out = []
    if changed or new_kinds:
        bits = [f"for {md(r.name)} ({_where(r.population)}), from a {r.base} to a {r.scenario}" for r in changed]
        bits += [f"for {md(r.name)} ({_where(r.population)}, new under the scenario), a {r.scenario}" for r in new_kinds]
        out.append("**This changes the recommendations**: " + join_words(bits) + ".")
    elif f.recommendations:
        out.append("**No recommendation changes**: every recommendation keeps its direction and strength"
                   + (" (the procedures new under the scenario receive the same recommendations as before)"
                      if new else "") + ".")
    if lost:
        out.append("Without evidence under the scenario, no recommendation can be derived for "
                   + join_words([f"{md(r.name)} ({_where(r.population)})" for r in lost])
                   + "; the guideline's recommendation rests on the evidence the scenario sets aside.")
    return out


def mid_sentences(f: ScenarioFacts, num: Num) -> list[str]:
    out = []
    mid_id = scenario_id(f.id, "settings/pain-mid")
    for p in f.populations():
        b = f.best(p)
        if b is None:
            continue
        if b.scenario >= 0:
            out.append(f"Under the scenario no procedure reduces {_where(p)} more than sham.")
            continue
        mid_value = f.mid if f.mid is not None else float(str(num(mid_id)).replace("\u2212", "-"))
        size = "smaller than" if abs(b.scenario) < mid_value else "at least as large as"
        out.append(f"The largest benefit on {_where(p)} under the scenario, that of {md(b.name)} "
                   f"({_interval(b, 'scenario', f.id, f.reference, num)}), is {size} the minimal important "
                   f"difference of {num(mid_id).markdown} cm.")
    return out


def scenario_paragraphs(f: ScenarioFacts, num: Num) -> list[str]:
    """Markdown paragraphs for one scenario: what was changed; what changed and what did not."""
    judged = recommendation_sentences(f) + rating_sentences(f)
    paragraphs = [f"*What was changed.* {what_was_changed(f, num)}",
                  "*What changed and what did not.* " + " ".join(judged),
                  " ".join(estimate_sentences(f, num)), " ".join(mid_sentences(f, num))]
    return [p for p in paragraphs if p]


VERDICTS = {
    "already": "reproduces the guideline's own analysis: the guideline already does this",
    "recommendation": "changes at least one recommendation",
    "certainty": "changes certainty ratings or the classification of effects but no recommendation",
    "estimates": "moves pooled estimates but changes no certainty rating, classification or recommendation",
    "nothing": "changes no estimate, certainty rating or recommendation",
}


def claim_verdict(facts: list[ScenarioFacts]) -> str:
    """The closing sentence on a claim tested by one or more scenarios."""
    if not facts:
        return ""
    parts = [f"{_code(f.id)} {VERDICTS[f.verdict]}" for f in facts]
    changed = [f for f in facts if f.verdict == "recommendation"]
    if all(f.verdict == "already" for f in facts):
        head = "**Verdict.** The guideline's analysis already does what this claim asks: "
    elif changed:
        head = ("**Verdict.** At least one analysis that tests this claim changes a recommendation, which the panel "
                "would have to reconsider: ")
    else:
        head = "**Verdict.** Tested against the data, this claim does not change the guideline's recommendations: "
    return head + "; ".join(parts) + "."


def unsettled_paragraph(answer: str) -> str:
    """A claim no analysis can settle: said so briefly, with our reason."""
    return f"**No analysis of the data can settle this claim.** {md(answer)}"


SINGLE_TRIAL = ("omitted-trial", "extraction-error")  # claims about one trial: say what evidence would change


def robustness_sentences(facts: list[ScenarioFacts], rows: list[dict], num: Num, has: Callable[[str], bool]) -> list[str]:
    """What evidence would change the recommendations the claim's scenarios touch (robustness analysis).

    ``rows``: the base case's ``robustness.csv`` records (population, code, procedure, trial_n_per_arm, ...);
    ``has(id)``: whether the registry holds a number. Nothing is said where the figures do not exist.
    """
    by = {(r["population"], r["code"]): r for r in rows}
    touched = []
    for f in facts:
        for outcome in (PAIN, RESPONDER):
            for e in f.named(outcome) + f.moved(outcome):
                if (e.population, e.code) in by and (e.population, e.code) not in touched:
                    touched.append((e.population, e.code))
    out = []
    for population, code in touched:
        r, stem = by[(population, code)], f"robustness/{population}/{code}"
        if not has(f"{stem}/recommendation-down"):
            continue
        text = (f"For {md(r['procedure'])} ({_where(population)}), the pooled estimate would have to move by "
                f"{num(stem + '/recommendation-down').markdown} cm in favour of the procedure to change its "
                "recommendation")
        if has(f"{stem}/trial-n-per-arm"):
            text += (f"; a new sham-controlled trial at low risk of bias showing the minimal important difference "
                     f"would do so with {num(stem + '/trial-n-per-arm').markdown} patients per arm")
        elif has("robustness/max-n-per-arm"):
            text += (f"; no new sham-controlled trial showing the minimal important difference would do so, even "
                     f"with {num('robustness/max-n-per-arm').markdown} patients per arm")
        if has(f"{stem}/typical-trial-effect") and has("robustness/typical-n-per-arm"):
            text += (f", and a trial of typical size ({num('robustness/typical-n-per-arm').markdown} patients per "
                     f"arm) would have to show {num(stem + '/typical-trial-effect').markdown} cm")
        out.append(text + ".")
    if out:
        out.insert(0, "*What evidence would change the recommendations* (robustness analysis of the base case).")
    return out
