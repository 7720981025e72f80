"""Tables and figures for the chapters, built only from result files in ``_results/``.

Chapters call these to show results; nothing here computes a statistic. Every
number shown is a registry entry (linking to its audit-appendix entry).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.audit.links import Cell, LinkedTable, Markup, NoteMarks, TrailNum, quoted
from analysis.audit.links import markdown_literal as md
from analysis.book import (
    entry,
    has,
    manifest,
    network_rows,
    num,
    record_printed,
    results_dir,
    table,
    trail_num,
    treatment_names,
)
from analysis.certainty.levels import DOMAIN_WORDS, concern
from analysis.errors import AnalysisError
from analysis.figures.infographic import InfographicFacts
from analysis.figures.infographic import infographic as draw_infographic
from analysis.figures.league import league_figure as draw_league
from analysis.figures.network_plot import network_plot
from analysis.project import figures_for
from analysis.results_io import read_json
from analysis.vocabulary import label


def mixed_population_sentence(outcome: str = "pain") -> str:
    """Where the trials that enrolled axial and radicular pain together are analysed (empty when there are none);
    the counts are registry entries."""
    said = []
    for population in manifest()["settings"]["populations"]:
        id_ = f"{outcome}/{population}/n-mixed-trials"
        if has(id_) and entry(id_)["value"] > 0:
            one = entry(id_)["value"] == 1
            said.append(f"{num(id_).markdown} trial{'' if one else 's'} that enrolled patients with axial and "
                        f"radicular pain together {'is' if one else 'are'} analysed in the {population} network")
    return ("The " + "; the ".join(said) + " (our assumption: the published review does not say where it analysed "
            "them; data/guideline.yaml sets it).") if said else ""


def characteristics_table():
    """The guideline's Table 2: characteristics of the trials in the meta-analyses.

    Every number is a registry entry (``characteristics/<item>/...``) linking to the
    audit appendix; the result table gives only the rows, their labels and order.
    """
    rows = []
    current = None
    analysed = table("trial_flow.csv").set_index("item").loc["analysed", "trials"]
    for r in table("characteristics.csv").itertuples():
        if r.section != current:
            current = r.section
            if r.section != "Trial characteristics":
                rows.append((Markup(f"**{md(r.section)}**"), ""))
        stem = f"characteristics/{r.item}"
        if r.kind == "median":
            label = Cell((r.label,)) if r.n == analysed else \
                Cell((f"{r.label} [", num(f"{stem}/trials"), " trials reporting]"))
            rows.append((label, Cell((num(f"{stem}/median"), " (", num(f"{stem}/q1"), " to ",
                                      num(f"{stem}/q3"), ")"))))
        else:
            rows.append((r.label.replace("  ", "\u2003"), num(f"{stem}/trials")))
    return LinkedTable(["Characteristic", "Trials, or median (IQR) across trials"], rows)


FLOW_IDS = {"eligible": "dataset/trials-eligible", "analysed": "dataset/trials-analysed"}


def flow_table():
    """Eligible trials, those without usable data by reason, and those analysed (registry numbers)."""
    flow = table("trial_flow.csv")
    out = []
    for r in flow.itertuples():
        n = num(FLOW_IDS.get(r.item, f"flow/{r.item}"))
        if r.item.startswith("excluded-"):
            out.append((f"\u2003Excluded: {r.label[0].lower()}{r.label[1:]}", n))
        elif r.item.startswith("analysed-"):
            out.append((f"\u2003{r.label}", n))
        else:
            out.append((r.label, n))
    return LinkedTable(["Step", "Trials"], out, right=[False, True])


class FigureFile:
    """A figure drawn to files (``<stem>.svg``, and ``<stem>.png`` when there is one), shown as it is: SVG, or
    PNG where a format cannot take SVG (IPython's ``SVG`` would parse and re-serialise the document first)."""

    def __init__(self, stem: Path):
        self.stem = Path(stem)

    def _repr_svg_(self) -> str:
        return self.stem.with_suffix(".svg").read_text(encoding="utf-8")

    def _repr_png_(self) -> bytes | None:
        png = self.stem.with_suffix(".png")
        return png.read_bytes() if png.is_file() else None


def figure(name: str) -> FigureFile:
    """The book figure ``name`` (e.g. ``"forest-pain-axial"``) as the build drew it from the results being
    shown; the registry ids written on it count as printed by the chapter."""
    folder = figures_for(results_dir())
    try:
        drawn = read_json(folder / "figures.json")["figures"]
    except (OSError, ValueError, KeyError):
        drawn = {}
    if name not in drawn or not (folder / f"{name}.svg").is_file():
        known = f" (drawn: {', '.join(sorted(drawn))})" if drawn else ""
        raise AnalysisError(f"{folder / name}.svg: no such figure{known}; run `rapidrec build` to draw the book's "
                            "figures")
    record_printed(drawn[name]["printed"])
    return FigureFile(folder / name)


def network_figure(outcome: str, population: str):
    return network_plot(table("network", outcome, population, "nodes.csv"),
                        table("network", outcome, population, "edges.csv"), treatment_names(),
                        first=manifest()["settings"]["reference"])



CERTAINTY_MARKS = {"high": "\u2295\u2295\u2295\u2295 High", "moderate": "\u2295\u2295\u2295\u25cb Moderate",
                   "low": "\u2295\u2295\u25cb\u25cb Low", "very low": "\u2295\u25cb\u25cb\u25cb Very\u00a0low"}


def _recommendation_details(population: str) -> pd.DataFrame:
    details = table("recommendation_details.csv")
    return details[details["population"] == population]


def recommendations_overview() -> str:
    """Markdown: per population (in the guideline's order), the recommendations by direction and strength,
    each naming its groups of procedures as the guideline words them."""
    blocks = []
    details = table("recommendation_details.csv")
    for population in dict.fromkeys(details["population"]):
        recs = details[details["population"] == population]
        for (direction, strength), group in recs.groupby(["direction", "strength"], sort=False):
            headings = "; ".join(md(h) for h in dict.fromkeys(group["group"]))
            blocks.append(f"For people living with chronic {md(population)} spine pain, the panel makes a "
                          f"**{md(strength)} recommendation {md(direction)}**: {headings}.")
    return "\n\n".join(blocks)


def reading_guide() -> str:
    """Markdown: how to read the effects and certainty that the recommendations cite (linked MID)."""
    mid = num("settings/pain-mid").markdown
    return ("*How to read the recommendations.* Each effect is the mean difference in pain between a procedure "
            "and a sham procedure on a 10 cm visual analogue scale, with its 95% confidence interval; negative "
            f"values mean less pain with the procedure. The panel took {mid} cm, the minimal important "
            "difference, as the smallest reduction in pain that patients would notice as worthwhile. The "
            "certainty of the evidence (GRADE: high, moderate, low or very low) says how sure we are that the "
            "true effect is close to the one estimated, and the statements say it in words: \u2018probably\u2019 "
            "for moderate certainty, \u2018may\u2019 for low, \u2018very uncertain\u2019 for very low. A strong "
            "recommendation means that almost all informed patients would make the same choice.")


def _benefit_words(classification: str, certainty: str) -> str:
    """What a rationale weighs against harms and burden, in words."""
    if certainty == "very low":
        return "very uncertain benefit"
    if classification.startswith("little or no"):
        return "little or no benefit"
    if classification.endswith("harm"):
        return "more pain rather than less"
    return f"{classification} ({certainty} certainty)"


def _weighed(recs: pd.DataFrame, classification: dict) -> str:
    """What the panel weighed for the recommendations in ``recs`` (rows of recommendation_details.csv)."""
    found = list(dict.fromkeys(md(_benefit_words(classification.get(r.procedure, ""), r.certainty))
                               for r in recs.itertuples()))
    benefit = found[0] if len(found) == 1 else ", ".join(found[:-1]) + " or " + found[-1]
    evidence = f"For the procedures below, the evidence shows {benefit}"
    harms = recs[["harms_certainty", "burden_certainty", "choice"]].drop_duplicates()
    if len(harms) == 1:
        first = recs.iloc[0]
        return (f"{evidence}. Against this the panel weighed harms and a burden that recur with each procedure "
                f"(harms: {md(first.harms_certainty)} certainty; burden: {md(first.burden_certainty)} certainty), and "
                f"inferred that {md(first.choice)}.")
    return (f"{evidence}. Against this the panel weighed harms and a burden that recur with each procedure: "
            + "; ".join(f"for {md(r.procedure)}, harms {md(r.harms_certainty)} certainty and burden "
                        f"{md(r.burden_certainty)} certainty, so {md(r.choice)}" for r in recs.itertuples()) + ".")


def recommendations_markdown(population: str) -> str:
    """Markdown: the recommendations of ``population`` group by group (as the guideline groups them): the
    recommendation, then the evidence for each procedure it covers, then what the panel weighed (numbers
    linked to the audit)."""
    ref = manifest()["settings"]["reference"]
    recs = _recommendation_details(population)
    if recs.empty:
        return "No procedure has evidence on which to base a recommendation in this population."
    cert = _certainty_rows(population)
    classification = dict(zip(cert["procedure"], cert["classification"]))
    uniform = len(recs[["harms_certainty", "burden_certainty", "choice"]].drop_duplicates()) == 1
    blocks = [_weighed(recs, classification) + "\n"] if uniform else []
    for heading, group in recs.groupby("group", sort=False):
        first = group.iloc[0]
        kinds = group[["direction", "strength"]].drop_duplicates()
        if len(kinds) == 1:
            blocks.append(f"**The panel makes a {md(first.strength)} recommendation {md(first.direction)} "
                          f"{md(heading)}.**\n")
        else:
            blocks.append(f"**{md(heading[0].upper() + heading[1:])}.**\n")
        for r in group.itertuples():
            stem = f"{r.id}/vs-{ref}"
            est, lo, hi = (num(f"{stem}/{f}").markdown for f in ("estimate", "ci-low", "ci-high"))
            own = "" if len(kinds) == 1 else f" **{md(r.strength.capitalize())} recommendation {md(r.direction)}.**"
            blocks.append(f"- {md(r.statement[:-1])}: mean difference {est} cm (95% CI {lo}\u00a0to\u00a0{hi}), "
                          f"{md(r.certainty)} certainty.{own}")
        if not uniform:
            blocks.append("\n" + _weighed(group, classification))
        blocks.append("")
    return "\n".join(blocks)


def summary_of_findings(population: str):
    """Pain relief versus sham: relative and absolute effect, certainty with the letters of its footnotes
    (:func:`sof_footnotes`) and classification (linked numbers)."""
    ref = manifest()["settings"]["reference"]
    baseline = num(f"pain/{population}/{ref}/baseline") if has(f"pain/{population}/{ref}/baseline") else None
    ordered = _sof_rows(population)
    marks, _ = _sof_notes(population, ordered)
    rows = []
    for r in ordered.itertuples():
        stem = f"pain/{population}/{r.code}/vs-{ref}"
        absolute = Cell((num(f"{stem}/absolute"), "\u00a0vs\u00a0", baseline)) if baseline is not None else \
            "not estimable"  # (a no-break space either side: the pair never breaks at 'vs')
        rows.append([r.procedure,
                     Cell((num(f"{stem}/estimate"), " (", num(f"{stem}/ci-low"), " to ", num(f"{stem}/ci-high"), ")")),
                     absolute,
                     Cell((CERTAINTY_MARKS.get(r.certainty, r.certainty),
                           NoteMarks(",".join(marks.get(f"pain/{population}/{r.code}", ()))))),
                     r.classification.capitalize()])
    return LinkedTable(["Procedure", "Mean difference vs sham, cm (95% CI)", "Pain, cm: procedure vs sham",
                        "Certainty", "Classification"], rows, right=[False, True, True, False, False])


def _certainty_rows(population: str) -> pd.DataFrame:
    """The pain rows of ``certainty.csv`` for ``population`` with each procedure's code."""
    cert = table("certainty.csv")
    cert = cert[(cert["population"] == population) & (cert["outcome"] == "pain")]
    code_of = {name: code for code, name in treatment_names().items()}
    return cert.assign(code=lambda f: f["procedure"].map(code_of))


def _sof_rows(population: str) -> pd.DataFrame:
    """:func:`_certainty_rows` in the summary of findings' order: the recommendations' order (the guideline's
    groups), procedures without a recommendation after them by effect."""
    order = {c: i for i, c in enumerate(_recommendation_details(population)["code"])}
    cert = _certainty_rows(population)
    rank = cert["code"].map(order).fillna(len(order)) * 1e6 + cert["estimate"].rank(method="first")
    return cert.assign(_rank=rank).sort_values("_rank", kind="stable").drop(columns="_rank")


LEVEL_WORDS = {1: "one level", 2: "two levels"}


def _criteria(d) -> str:
    """What the pre-specified criteria (settings/guideline.yaml) found for a domain a panel judgement replaced."""
    found = "no serious concern" if int(d.rule_levels) == 0 else f"a {concern(int(d.rule_levels))} concern"
    return f"the pre-specified criteria found {found}: {d.summary}"


def _domain_note(d) -> str | None:
    """A footnote for one domain of one rating (``d``: a row of certainty_domains.csv), or None when the domain
    was not rated down and no panel judgement speaks to it. Markdown: the panel's rationale is literal text."""
    words = DOMAIN_WORDS.get(d.domain, d.domain.replace("_", " "))
    if d.by == "panel":
        verdict = (f"Rated down {LEVEL_WORDS[min(int(d.levels_down), 2)]} for {words}" if d.levels_down > 0
                   else f"Not rated down for {words}")
        return f"{verdict} by panel judgement: {quoted(d.rationale)}. Without the judgement, {_criteria(d)}."
    if d.levels_down <= 0:
        return None
    return f"Rated down {LEVEL_WORDS[min(int(d.levels_down), 2)]} for {words}: {d.summary}."


def _shared_note(rows) -> str:
    """One footnote for the domains of one cause rated down together (imprecision, inconsistency, incoherence:
    GRADE for NMA and CINeMA count them once, by the largest)."""
    levels = LEVEL_WORDS[min(int(rows["levels_down"].max()), 2)]
    names = [DOMAIN_WORDS.get(x, x) for x in rows["domain"]]
    parts = []
    for d, name in zip(rows.itertuples(), names):
        name = name[0].upper() + name[1:]
        parts.append(f"{name}, by panel judgement: {quoted(d.rationale)}. Without the judgement, "
                     f"{_criteria(d)}." if d.by == "panel" else f"{name}: {d.summary}.")
    return (f"Rated down {levels} for {' and '.join(names)} together: concerns about where the effect lies "
            "relative to the MID are counted once. " + " ".join(parts))


def _sof_notes(population: str, ordered: pd.DataFrame) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """Footnotes of a population's summary-of-findings table (``ordered``: its rows, :func:`_sof_rows`):
    estimate -> its letters, and (letter, text) in
    order of first use; one letter per distinct text. Every domain rated down has one, and so has every panel
    judgement (also one that keeps a domain from being rated down); domains of one cause (imprecision,
    inconsistency, incoherence) rated down together share one footnote that says they count once."""
    domains = table("certainty_domains.csv")
    domains = domains[domains["estimate"].str.startswith(f"pain/{population}/")]
    letters: dict[str, str] = {}
    marks: dict[str, list[str]] = {}
    by_estimate = dict(tuple(domains.groupby("estimate", sort=False)))
    for estimate in (f"pain/{population}/{code}" for code in ordered["code"]):
        if estimate not in by_estimate:
            continue
        rows = by_estimate[estimate]
        together = rows["same_cause"].astype(bool) & (rows["levels_down"] > 0)
        if together.sum() < 2:
            together[:] = False
        texts = [t for t in map(_domain_note, rows[~together].itertuples()) if t]
        if together.any():
            texts.append(_shared_note(rows[together]))
        for t in texts:
            letters.setdefault(t, _letter(len(letters)))
        marks[estimate] = sorted({letters[t] for t in texts}, key=lambda m: (len(m), m))
    return marks, [(v, k) for k, v in letters.items()]


def _letter(i: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa, ..."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(ord("a") + r) + out
    return out


def sof_footnotes(population: str) -> str:
    """The footnotes of :func:`summary_of_findings` for ``population``, as a Markdown list lettered a, b, ..."""
    _, notes = _sof_notes(population, _sof_rows(population))
    if not notes:
        return f"*Footnotes, {population} pain:* no procedure was rated down in any domain.\n"
    lines = [f"*Footnotes, {population} pain: reasons for the certainty ratings.*", ""]
    lines += [f"{letter}. {text}" for letter, text in notes]
    return "\n".join(lines) + "\n"


def baseline_note() -> str:
    """How the pain with sham in the summary-of-findings tables was obtained (linked numbers), per population."""
    ref = manifest()["settings"]["reference"]
    parts, left_out = [], []
    for population in ("axial", "radicular"):
        stem = f"pain/{population}/{ref}/baseline"
        if not has(stem):
            parts.append(f"no sham arm reports a final score in {population} pain, so no absolute effect is given")
            continue
        parts.append(f"{num(stem).markdown} cm in {population} pain ({num(stem + '-arms').markdown} arms, "
                     f"{num(stem + '-patients').markdown} patients)")
        if entry(stem + "-change-arms")["value"] > 0:
            left_out.append(f"{num(stem + '-change-arms').markdown} in {population} pain")
    text = ("*Pain with sham* in the summary of findings is the patient-weighted mean pain at follow-up in the "
            "sham arms that report final scores: " + "; ".join(parts) + ". The pain expected with a procedure is "
            "that value plus the procedure's mean difference.")
    if left_out:
        text += (" Sham arms that report change from baseline (" + ", ".join(left_out) + ") are left out: a "
                 "change is not a level of pain, and averaging the two would understate the pain with sham.")
    return text


def harms_table():
    """Observational incidence of each harm with its certainty (linked numbers)."""
    rows = []
    for r in table("harms.csv").itertuples():
        rows.append([label(r.event), Cell((num(f"harms/{r.event.replace('_', '-')}/incidence"), "%")),
                     CERTAINTY_MARKS.get(r.certainty, r.certainty)])
    return LinkedTable(["Harm", "Incidence", "Certainty"], rows, right=[False, True, False])


OUTCOME_NAMES = {"pain": "Pain (mean difference, cm)", "physical_function": "Physical function (mean difference, "
                 "points)", "pain_responder": "Pain responders (log odds ratio)"}


MODEL_NAMES = {"REML": "random effects (REML)", "DL": "random effects (DL)", "FE": "common effect"}


def heterogeneity_table():
    """Per network: trials, the between-trial SD tau, I², Cochran's Q (df) with its p-value, and the
    design-by-treatment test of incoherence (linked numbers; a dash where a network has no degrees of freedom
    left to estimate them)."""
    rows = []
    for outcome in OUTCOME_NAMES:
        for population in ("axial", "radicular"):
            key = f"{outcome}/{population}"
            if not has(f"{key}/n-trials"):
                continue
            free = has(f"{key}/q-df") and entry(f"{key}/q-df")["value"] > 0

            def cell(name):
                return num(f"{key}/{name}") if free and has(f"{key}/{name}") else "\u2013"

            q = Cell((num(f"{key}/q"), " (", num(f"{key}/q-df"), ")")) if free else "\u2013"
            het = read_json(results_dir() / "network" / outcome / population / "heterogeneity.json")
            model = MODEL_NAMES.get(het.get("method_used", het.get("method")), het.get("method"))
            rows.append([f"{OUTCOME_NAMES[outcome]}, {population}", model, num(f"{key}/n-trials"), cell("tau"),
                         cell("i2"), q, cell("q-p"), cell("design-by-treatment-p")])
    return LinkedTable(["Network", "Model", "Trials", "\u03c4", "I\u00b2, %", "Q (df)", "p (Q)",
                        "p (design by treatment)"], rows, right=[False, False, True, True, True, True, True, True])


def responder_table(population: str):
    """Odds ratios of a pain response (at least 50% relief) versus sham, per procedure (linked numbers)."""
    ref = manifest()["settings"]["reference"]
    key = f"pain_responder/{population}"
    names = treatment_names()
    rows = []
    if has(f"{key}/n-trials"):
        for r in table("network", "pain_responder", population, "effects.csv").itertuples():
            stem = f"{key}/{r.treatment}/vs-{ref}"
            rows.append([names.get(r.treatment, r.treatment), num(f"{key}/{r.treatment}/n-trials"),
                         Cell((num(f"{stem}/or"), " (", num(f"{stem}/or-low"), " to ", num(f"{stem}/or-high"), ")"))])
    return LinkedTable(["Procedure", "Trials", "Odds ratio of a response vs sham (95% CI)"], rows,
                       right=[False, True, True])


def infographic(phone: bool = False):
    """The one-page visual summary, from the recommendation and certainty tables and the registry; with
    ``phone``, its layout for a phone's screen (every panel one below the other)."""
    harms = table("harms.csv")
    facts = InfographicFacts(
        title="Interventional procedures for chronic spine pain",
        population="Adults living with chronic axial or radicular spine pain (three months or more).",
        harms=tuple((label(r.event), f"{num('harms/' + r.event.replace('_', '-') + '/incidence')}% ({r.certainty})")
                    for r in harms.itertuples()),
        burden=("Procedures carry an important, recurring burden: travel, discomfort, lost productivity and "
                "costs (high certainty). Catastrophic harms (paraplegia, spinal cord infarction, death) are very "
                "rare; their incidence is unknown."),
        values=("Most patients would accept the risks and burden for pain relief at least as large as the "
                "minimal important difference; with little or no benefit, or very uncertain benefit, almost all "
                "would decline."),
        practical=("Injections are repeated every few weeks to months, and nerve ablation about twice a year.",
                   "Costs vary widely between countries and recur with each procedure."),
        mid=float(manifest()["settings"]["pain_mid_cm"]),
        not_for=("acute spine pain (under three months)",
                 "chronic spine pain caused by cancer, infection or inflammatory arthropathy"),
        research=research_needed(),
    )
    ordered = pd.concat([_sof_rows(p) for p in ("axial", "radicular")], ignore_index=True)
    return draw_infographic(table("recommendation_details.csv"), ordered, facts, phone=phone)


UNCERTAIN = ("low", "very low")  # certainty levels whose effects further trials could change


def research_needed() -> tuple[str, ...]:
    """The research the evidence calls for: trials of the procedures whose effect on pain is of low or very low
    certainty (counted per population from the certainty table), differences between subtypes of chronic spine
    pain, and the outcomes trials seldom report."""
    counts = []
    for population in ("axial", "radicular"):
        rows = _sof_rows(population)
        n = int(rows["certainty"].isin(UNCERTAIN).sum())
        if n:
            counts.append(f"{n} of {len(rows)} for {population}")
    items = [f"Trials at low risk of bias of the procedures with low or very low certainty evidence on pain "
             f"({' and '.join(counts)} pain)."] if counts else []
    items.append("Whether effects differ between subtypes of chronic spine pain.")
    items.append("Effects on return to work, social functioning, sleep, opioid use and adverse events.")
    return tuple(items)


METHOD_NAMES = {"REML": "restricted maximum likelihood", "DL": "the DerSimonian-Laird method of moments",
                "FE": "no heterogeneity (a common-effect model)"}


def methods_markdown() -> str:
    """The methods as actually run, written from the build's settings and the certainty rules."""
    s = manifest()["settings"]
    names = treatment_names()
    n = {k: num(k).markdown for k in (
        "settings/level", "settings/pain-mid", "settings/risk-of-bias-share", "settings/publication-bias-min-trials",
        "settings/publication-bias-egger-p", "settings/incoherence-side-p", "settings/incoherence-dbt-p",
        "settings/pain-small-effect", "settings/pain-moderate-effect", "settings/pain-large-effect")}
    return "\n\n".join([
        "## Data",
        "The extraction dataset is a Frictionless data package (`data/`): trials, arms, outcomes, adverse "
        "events, the mapping of each trial's intervention to its network node, and the guideline's parameters. "
        "It is validated before any model runs. Pain is rescaled to a 10 cm visual analogue scale with negative "
        "differences meaning less pain; for each trial the follow-up closest to, and not beyond, the rule of "
        "its procedure is used (injections: three months; ablation: six months). Missing standard deviations "
        "are derived from standard errors, confidence intervals or interquartile ranges, and each conversion is "
        "recorded beside the value it produced (@sec-audit).",
        "## Network meta-analysis",
        f"For each outcome and population, a contrast-based network meta-analysis (consistency model) pooled the "
        f"mean differences of every trial's arms against its baseline arm, with the within-trial covariance of "
        f"multi-arm trials. Random effects share one heterogeneity variance across comparisons (correlation one "
        f"half within multi-arm trials), estimated by {md(METHOD_NAMES.get(s['method'], s['method']))}; the "
        f"reference is {md(names.get(s['reference'], s['reference']))}, and intervals are {n['settings/level']}% confidence "
        "intervals. Heterogeneity and inconsistency are described by Cochran's Q split into within-design and "
        "between-design parts, the design-by-treatment interaction test, and node-splitting by "
        "back-calculation. Each trial's contribution to each estimate comes from the study-level contribution "
        "matrix (shortest-path method). The engine's results are checked against R's metafor and netmeta on "
        "published datasets.",
        "## Certainty of the evidence",
        f"Certainty follows GRADE for network meta-analysis with the minimally contextualised approach, against "
        f"a minimal important difference of {n['settings/pain-mid']} cm for pain. Starting from high, it is rated "
        f"down for risk of bias when at least {n['settings/risk-of-bias-share']}% of an estimate's information "
        f"comes from trials at high risk of bias; for imprecision by one level for each threshold (the minimal "
        f"important difference either side of no effect) its confidence interval crosses; for inconsistency when "
        f"the prediction interval crosses a threshold that the confidence interval does not; for publication bias "
        f"when at least {n['settings/publication-bias-min-trials']} trials compare a procedure with sham directly "
        f"and Egger's test gives p below {n['settings/publication-bias-egger-p']}; and for incoherence when "
        f"node-splitting gives p below {n['settings/incoherence-side-p']} and the direct and indirect estimates "
        f"disagree (or, with only one kind of evidence, the design-by-treatment test gives p at or below "
        f"{n['settings/incoherence-dbt-p']}). Imprecision, inconsistency and incoherence reflect one cause and "
        f"lower certainty once, by the largest. Panel judgements recorded in `data/judgements.csv` override a rule "
        f"visibly. Effects smaller than {n['settings/pain-small-effect']} cm are classified as little or no "
        f"effect; small, moderate and large effects start at {n['settings/pain-small-effect']}, "
        f"{n['settings/pain-moderate-effect']} and {n['settings/pain-large-effect']} cm.",
        "## From evidence to recommendations",
        "Each recommendation follows the panel's stated values and preferences: with moderate or high certainty "
        "of an important benefit most patients would choose a procedure; with low certainty of benefit only a "
        "minority would; with very low certainty of benefit, or evidence of little or no benefit, almost all "
        "would decline, given important harms and burden. Almost all declining gives a strong recommendation "
        "against; a minority choosing, a conditional recommendation against.",
    ])


CITATION_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_:.-]*")  # a citation key of references.bib


def _citation(key: str):
    """A citation of ``key`` (references.bib), or the key as literal text when it is not a well-formed key."""
    return Markup(f"[@{key}]") if CITATION_KEY.fullmatch(str(key)) else str(key)


def other_guidance_table():
    """Other organisations' guidance, with each row's source cited (the year appears only in the citation)."""
    rows = [[r.organisation, r.procedures.capitalize(), r.recommendation[0].upper() + r.recommendation[1:],
             _citation(r.citation)] for r in table("other_guidance.csv").itertuples()]
    return LinkedTable(["Organisation", "Procedures", "Recommendation", "Source"], rows)


def pain_findings(population: str) -> str:
    """Markdown: how many procedures the network compares with the reference, and the largest estimated benefit."""
    rows = network_rows("pain", population)
    if not rows:
        return f"No procedure has pain data in the {population} network."
    names = treatment_names()
    best = rows[0]  # sorted by estimate: the largest reduction in pain first
    mid = num("settings/pain-mid")
    size = "smaller than" if abs(entry(best["estimate"].id)["value"]) < entry(mid.id)["value"] else \
        "at least as large as"
    return (f"In the {md(population)} network, every procedure was estimated against "
            f"{md(names.get(manifest()['settings']['reference'], 'the reference'))}, directly or through the "
            "network; the largest estimated reduction "
            f"in pain was with {md(names.get(best['treatment'], best['treatment']))}: {best['estimate'].markdown} cm "
            f"(95% CI {best['ci_low'].markdown} to {best['ci_high'].markdown}), an effect {size} the minimal "
            f"important difference of {mid.markdown} cm.")


def provider_blinding_markdown() -> str:
    """The provider-blinding subgroup analysis of joint radiofrequency ablation, in words with linked numbers."""
    ref = manifest()["settings"]["reference"]
    stem = f"pain/axial/joint-rf/vs-{ref}/subgroup/blinding-providers"
    if not has(f"{stem}/p-interaction"):  # too few trials for the analysis
        return ("Too few trials of joint radiofrequency ablation against sham with known provider blinding remain "
                "for a subgroup analysis.")

    def part(name):
        n = {f: num(f"{stem}/{name}/{f}").markdown for f in ("n-trials", "estimate", "ci-low", "ci-high")}
        return f"{n['estimate']} cm (95% CI {n['ci-low']} to {n['ci-high']}; {n['n-trials']} trials)"

    return (f"Among trials comparing joint radiofrequency ablation with sham for axial pain, those in which the "
            f"providers were not blinded found a larger effect, {part('providers-not-blinded')}, than those in "
            f"which they were, {part('providers-blinded')}; test of interaction p = "
            f"{num(stem + '/p-interaction').markdown}. Because the trials at lower risk of bias show little or no "
            f"effect, the pooled estimate is judged at risk of bias (@sec-methods).")


def league_table(outcome: str, population: str) -> LinkedTable:
    """Every pair of procedures of a network (sham aside: the forest plot and summary of findings give each
    procedure against it), as rows a reader can read at any size: the first procedure minus the second, in the
    orientation the registry holds it, so every cell is a registered number as registered. Rows follow the
    forest plot's order of the first procedure. Its numbers link to the complete audit trail beside the book."""
    ref = manifest()["settings"]["reference"]
    names = treatment_names()
    order = [r["treatment"] for r in network_rows(outcome, population)]
    rank = {t: i for i, t in enumerate(order)}
    key = f"{outcome}/{population}/league"
    pairs = []
    for i, a in enumerate(order):
        for b in order[i + 1:]:
            first, second = (a, b) if a < b else (b, a)  # the registry's orientation
            if ref in (first, second) or not has(f"{key}/{first}/{second}/estimate"):
                continue
            pairs.append((first, second))
    pairs.sort(key=lambda p: (rank[p[0]], rank[p[1]]))

    def cell(id_: str) -> TrailNum:  # in the complete audit trail, not the book's appendix
        return trail_num(id_)

    rows = []
    for first, second in pairs:
        stem = f"{key}/{first}/{second}"
        rows.append([names.get(first, first), names.get(second, second),
                     Cell((cell(f"{stem}/estimate"), " (", cell(f"{stem}/ci-low"), "\u00a0to\u00a0",
                           cell(f"{stem}/ci-high"), ")"))])  # an interval never broken across lines
    return LinkedTable(["Procedure", "Compared with", "Difference, cm (95%\u00a0CI)"], rows,
                       right=[False, False, True])


def league_figure(outcome: str, population: str):
    """League table of a network as a matrix; every number written on it is a registry text."""
    ref = manifest()["settings"]["reference"]
    order = [ref] + [r["treatment"] for r in network_rows(outcome, population)]
    cells = {}
    key = f"{outcome}/{population}/league"
    for i, row in enumerate(order):
        for col in order[:i]:
            a, b, sign = (row, col, 1) if row < col else (col, row, -1)
            stem = f"{key}/{a}/{b}"
            if not has(f"{stem}/estimate"):  # that pair or analysis has no estimate
                continue
            est, lo, hi = (entry(f"{stem}/{f}") for f in ("estimate", "ci-low", "ci-high"))
            if sign == 1:
                texts, values = (est["text"], lo["text"], hi["text"]), (lo["value"], hi["value"])
            else:  # the registry holds a minus b; the cell shows b minus a
                texts = tuple(format_neg(t) for t in (est["text"], hi["text"], lo["text"]))
                values = (-hi["value"], -lo["value"])
            cells[(row, col)] = (texts[0], f"({texts[1]} to {texts[2]})", values[1] < 0, values[0] > 0)
    return draw_league(order, treatment_names(), cells)


def format_neg(text: str) -> str:
    """The printed text of minus a registered number (its sign flipped, as the registry prints numbers)."""
    if text.startswith("\u2212"):
        return text[1:]
    return text if set(text) <= set("0.,") else "\u2212" + text
