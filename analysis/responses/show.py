"""What the answer chapters call: a letter's answer as markdown blocks and figures, read from ``_results/``.

    from analysis.responses.show import show_letter
    show_letter("society-34")          # in a chapter's code cell: displays the whole answer

Nothing here computes a statistic: the letter as recorded by the build
(``_results/responses/<name>/letter.json``), each scenario's comparison and figures
(``_results/responses/scenarios/<id>/``) and registry numbers (:func:`analysis.book.num`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from analysis.audit.links import id_from_anchor
from analysis.audit.links import markdown_literal as md
from analysis.book import has, manifest, num, results_dir
from analysis.errors import AnalysisError
from analysis.project import ANSWER_RESULTS, SCENARIO_RESULTS
from analysis.responses.facts import facts_from_results
from analysis.responses.letter import month_year
from analysis.responses.paragraphs import (
    POPULATION,
    SINGLE_TRIAL,
    VERDICTS,
    claim_verdict,
    robustness_sentences,
    scenario_paragraphs,
    unsettled_paragraph,
)
from analysis.results_io import read_json
from analysis.show import FigureFile

OUTCOME_WORDS = {"pain": "mean difference in pain versus sham", "pain_responder": "odds ratio of a pain response "
                 "versus sham"}


def letter_record(name: str, results: Path) -> dict | None:
    path = results / ANSWER_RESULTS / name / "letter.json"
    return read_json(path) if path.exists() else None


def base_names(results: Path) -> dict[str, str]:
    t = pd.read_csv(results / "treatments.csv")
    return dict(zip(t["code"], t["name"]))


def letter_facts(letter: dict, results: Path) -> dict:
    """{scenario id: :class:`ScenarioFacts`} of every scenario the letter's claims name."""
    names = base_names(results)
    out = {}
    for claim in letter["claims"]:
        for s in claim["scenarios"]:
            if s["id"] not in out:
                out[s["id"]] = facts_from_results(scenario_dir(s["id"], results), names)
    return out


def scenario_dir(sid: str, results: Path | None = None) -> Path:
    return (results or results_dir()) / ANSWER_RESULTS / SCENARIO_RESULTS / sid


def figures_of(facts, sdir: Path) -> list[tuple[Path, str]]:
    """The scenario's paired forest plots worth showing (:meth:`ScenarioFacts.networks_to_show`)."""
    out = []
    for outcome, population in facts.networks_to_show():
        path = sdir / f"forest-{outcome.replace('_', '-')}-{population}.svg"
        if path.exists():
            out.append((path, f"Base case and scenario `{facts.id}`: {OUTCOME_WORDS.get(outcome, outcome)}, "
                              f"{POPULATION.get(population, population)}."))
    return out


def citation_markdown(c: dict) -> str:
    """``Authors. *Title.* A; B. Published March 2025.`` (the letter's words as literal text; the URL too: an
    address to copy, never a live link)."""
    text = md(c["authors"].rstrip(".")) + "."
    if c.get("title"):
        text += f" *{md(c['title'].rstrip('.'))}.*"
    if c.get("published_in"):
        text += " " + "; ".join(md(p.rstrip(".")) for p in c["published_in"]) + "."
    text += f" Published {md(month_year(c['date']))}."
    if c.get("url"):
        text += f" Available at {md(c['url'])}."
    return text


def letter_blocks(name: str, results: Path | None = None, heading_level: int = 2) -> list[tuple[str, object]]:
    """The answer to one letter: ``("md", text)`` and ``("svg", (path, caption))`` blocks, in order."""
    results = Path(results or results_dir())
    letter = letter_record(name, results)
    if manifest().get("scenario", "base") != "base":
        return [("md", "The answers to critics are computed against the base case; see the book rendered "
                       "without a scenario.")]
    if letter is None:
        raise AnalysisError(f"no results for the letter {name!r} in {results / ANSWER_RESULTS}; is "
                            f"responses/{name}/letter.yaml in the project? (`rapidrec build` runs every letter)")
    h = "#" * heading_level
    blocks: list[tuple[str, object]] = [("md", f"*The letter.* {citation_markdown(letter['citation'])}")]
    if letter.get("summary"):
        blocks.append(("md", f"*In brief.* {md(letter['summary'])}"))
    facts_by_id = letter_facts(letter, results)
    if not letter["claims"]:
        blocks.append(("md", "No claim of this letter has been recorded yet."))
        return blocks
    overview = []
    for claim in letter["claims"]:
        facts = [facts_by_id[s["id"]] for s in claim["scenarios"]]
        verdict = ("no analysis of the data can settle it" if not facts else
                   "; ".join(f"`{f.id}` {VERDICTS[f.verdict]}" for f in facts))
        overview.append(f"- [{claim_heading(claim)}](#{_anchor(name, claim)}): {verdict}.")
    blocks.append(("md", "*The claims and what the analyses show.*\n\n" + "\n".join(overview)))
    for claim in letter["claims"]:
        blocks.append(("md", f"{h} {claim_heading(claim)} {{#{_anchor(name, claim)}}}"))
        blocks.append(("md", f"*The claim* ({md(claim['category_text'])}). {md(claim['summary'])}"))
        facts = [facts_by_id[s["id"]] for s in claim["scenarios"]]
        if not facts:
            blocks.append(("md", unsettled_paragraph(claim["answer"])))
            continue
        for f in facts:
            blocks += [("md", p) for p in scenario_paragraphs(f, num)]
            blocks += [("svg", fig) for fig in figures_of(f, scenario_dir(f.id, results))]
        if claim.get("answer"):
            blocks.append(("md", f"*Our comment.* {md(claim['answer'])}"))
        if claim["category"] in SINGLE_TRIAL:
            said = robustness_sentences(facts, _robustness_rows(results), num, has)
            if said:
                blocks.append(("md", " ".join(said)))
        blocks.append(("md", claim_verdict(facts)))
    return blocks


def _robustness_rows(results: Path) -> list[dict]:
    """The base case's robustness.csv (what evidence would change each recommendation), if it was computed."""
    path = results / "robustness.csv"
    return pd.read_csv(path, dtype=str, keep_default_na=False).to_dict("records") if path.exists() else []


def claim_heading(claim: dict, plain: bool = False) -> str:
    """The claim's heading as Markdown (the letter's words, literal), or with ``plain`` as text (a figure's)."""
    text = claim.get("where") or claim["category_text"]
    text = text[0].upper() + text[1:]
    return text if plain else md(text)


def _anchor(name: str, claim: dict) -> str:
    return f"sec-response-{name}-{claim['id']}"


def letter_markdown(name: str, results: Path | None = None, heading_level: int = 2) -> str:
    """The answer as one markdown text (figures as image links to the scenario's SVG files)."""
    parts = []
    for kind, payload in letter_blocks(name, results, heading_level):
        if kind == "md":
            parts.append(payload)
        else:
            path, caption = payload
            parts.append(f"![{caption}]({path})")
    return "\n\n".join(parts) + "\n"


def linked_ids(markdown: str) -> list[str]:
    """Every registry id a Markdown text links to (``](#audit-...)``), sorted."""
    return sorted({i for i in (id_from_anchor(a) for a in re.findall(r"\]\(#(audit-[^)\s]+)\)", markdown)) if i})


def number_ids(name: str, results: Path | None = None) -> list[str]:
    """Every registry id the answer prints (for the standalone document's audit appendix)."""
    return linked_ids(letter_markdown(name, results))


def show_letter(name: str, heading_level: int = 2) -> None:
    """Display the answer in a chapter: markdown blocks and the regenerated figures (SVG) with captions."""
    for kind, payload in letter_blocks(name, heading_level=heading_level):
        if kind == "md":
            display(Markdown(payload))
        else:
            path, caption = payload
            display(FigureFile(Path(path).with_suffix("")))
            display(Markdown(f"*Figure.* {caption}"))
