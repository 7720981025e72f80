"""One letter's answer as two documents, each HTML and PDF (``rapidrec respond NAME``), in ``_responses/<name>/``.

- ``response.*``: what the authors would post -- a paragraph per claim with its decisive numbers and verdict,
  one figure, the analyses' assumptions (:mod:`analysis.responses.brief`); its numbers link to the appendix.
- ``appendix.*``: the technical appendix -- every claim's full comparison, forest plots and robustness (the same
  :func:`analysis.responses.show.show_letter` the guideline book's chapter calls), and the audit trail of the
  numbers printed in both documents, only those.

Each is a small book project generated in a temporary directory and rendered with
:func:`analysis.render.render_book`; the chapters read the project's ``_results/``.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

from analysis.audit.appendix import COMPACT_PDF, entries_markdown, study_markdown
from analysis.audit.explain import AuditData
from analysis.audit.links import markdown_literal
from analysis.book import reading, results_dir
from analysis.build import swap_in
from analysis.cache import Cache, tree_digest
from analysis.errors import AnalysisError
from analysis.project import ANSWER_RESULTS, ANSWERS_DIR, RESULTS_DIR
from analysis.render import RenderError, load_config, render_book
from analysis.responses.brief import has_figure, response_number_ids
from analysis.responses.show import number_ids
from analysis.results_io import read_json
from analysis.scratch import scratch_dir

OUT_DIR = ANSWERS_DIR  # _responses/<name>/index.html and <name>.pdf

DISCLAIMER = ("Demonstration only. The trial-level data behind every number in this document are synthetic: "
              "fictional trials calibrated to reproduce the published aggregate results of the guideline and its "
              "network meta-analysis. No number here is a trial's real result, except for the trials a letter "
              "names: they enter with their published numbers, and anything their reports do not state (an arm "
              "size, say) is marked as an assumption.")


def audit_markdown(name: str, results: Path | None = None) -> str:
    """The audit appendix of the answer: an entry for every number it prints, then the studies' rows."""
    results = Path(results or results_dir())
    data = AuditData(results)
    ids = sorted(set(number_ids(name, results)) | set(response_number_ids(name, results)))
    parts = [COMPACT_PDF, "",
             "Every number printed in this answer is an entry of the results registry (`_results/numbers.json`) "
             "written by `rapidrec build`; in the HTML version each links here. Numbers computed under a scenario "
             "have ids beginning with the scenario's (`scenarios/<id>/`) and say which scenario they come from. "
             "`rapidrec audit ID` prints the same derivation.", "",
             "## Numbers {.unnumbered}", ""]
    parts += entries_markdown(data, ids)
    studies = sorted({s for i in ids for s in (data.numbers[i].get("studies") or [])})
    parts += ["## Extracted rows by study {.unnumbered}", ""]
    parts += [study_markdown(s, data) for s in studies]
    return "\n".join(parts) + "\n"


RESPONSE, APPENDIX = "response", "appendix"  # _responses/<name>/response.html|pdf and appendix.html|pdf
FIGURE_CAPTION = ("For each claim tested on mean pain, the estimate that decides its verdict: in the guideline "
                  "(grey squares) and under the analysis that tests the claim (blue diamonds), with 95% confidence "
                  "intervals; the shaded band marks effects smaller than the minimal important difference.")
FIGURE_ALT = ("Dot plot with one pair of intervals per claim, the guideline's estimate above the re-analysed "
              "estimate, against a band of plus or minus the minimal important difference around zero.")


@dataclass(frozen=True)
class Answer:
    """The two documents of an answer: the response the authors would post, and the technical appendix."""

    response_html: Path | None
    response_pdf: Path | None
    appendix_html: Path | None
    appendix_pdf: Path | None

    def paths(self) -> list[Path]:
        return [p for p in (self.response_html, self.response_pdf, self.appendix_html, self.appendix_pdf) if p]


def _config(name: str, heading: str, subtitle: str, chapters: list[str], appendices: list[str], output: str,
            date=None, toc: bool = True, date_format: str | None = None) -> str:
    book = {"title": heading, "subtitle": subtitle, "author": "The rapidrec team", "abstract": DISCLAIMER,
            "chapters": chapters, "output-file": output}
    if appendices:
        book["appendices"] = appendices
    if date is not None:
        book["date"] = str(date)
    config = {
        "project": {"type": "book", "output-dir": "_book"},
        "book": book,
        **({"date-format": date_format} if date_format else {}),
        "execute": {"echo": False, "warning": False},
        "format": {"html": {"toc": toc, "number-sections": toc},
                   "typst": {"toc": toc, "number-sections": toc, "papersize": "a4"}},
    }
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def _project_files(name: str, heading: str, document: str = APPENDIX, date=None,
                   with_figure: bool = True, date_format: str | None = None) -> dict[str, str]:
    """One document's book project; ``date``: the guideline's (``book.date`` of its _quarto.yml), if any.

    ``heading`` is the letter's title, a critic's text: it enters the title metadata (which Quarto and pandoc read
    as Markdown) only as :func:`markdown_literal` (no inline code, markup or raw span).
    """
    heading = markdown_literal(heading)
    if document == RESPONSE:
        figure = (f"```{{python}}\n#| label: fig-claims\n#| fig-cap: \"{FIGURE_CAPTION}\"\n"
                  f"#| fig-alt: \"{FIGURE_ALT}\"\nfrom analysis.responses.brief import response_figure\n\n"
                  f"response_figure({name!r});\n```\n" if with_figure else
                  f"```{{python}}\n#| output: asis\nfrom analysis.responses.brief import unchanged_sentence\n\n"
                  f"print(unchanged_sentence({name!r}))\n```\n")
        # unnumbered: a document of its own, whose figure is Figure 1
        text = (f"# Our response {{#sec-response .unnumbered}}\n\n```{{python}}\n#| output: asis\n"
                f"from analysis.responses.brief import response_markdown\n\n"
                f"print(response_markdown({name!r}, appendix={APPENDIX + '.html'!r}))\n```\n\n{figure}\n"
                "## The analyses' assumptions {.unnumbered}\n\n```{python}\n#| output: asis\n"
                f"from analysis.responses.brief import assumptions_markdown\n\nprint(assumptions_markdown({name!r}))"
                "\n```\n")
        return {"_quarto.yml": _config(name, heading, "Our response, with every number recomputed from the "
                                       "guideline's analysis", ["response.qmd"], [], RESPONSE, date, toc=False,
                                       date_format=date_format),
                "response.qmd": text}
    answer = (f"# Every analysis in full {{#sec-answer}}\n\n```{{python}}\nfrom analysis.responses.show import show_letter\n\n"
              f"show_letter({name!r})\n```\n")
    audit = ("# Audit trail of the numbers {#sec-audit}\n\n```{python}\n#| output: asis\n"
             f"from analysis.responses.document import audit_markdown\n\nprint(audit_markdown({name!r}))\n```\n")
    return {"_quarto.yml": _config(name, heading, "Technical appendix: every analysis in full, recomputed from "
                                   "the guideline's analysis", ["answer.qmd"], ["audit.qmd"], APPENDIX,
                                   date, date_format=date_format),
            "answer.qmd": answer, "audit.qmd": audit}


def render_answer(project_dir: Path, name: str, progress: Callable[[str], None] = lambda m: None,
                  formats=("html", "pdf")) -> Answer:
    """Render the answer to ``responses/<name>/letter.yaml`` (its results must be built) into ``_responses/<name>/``:
    ``response.html|pdf`` and ``appendix.html|pdf``. The folder is replaced as a whole once both are rendered."""
    project_dir = Path(project_dir).resolve()
    results = project_dir / RESULTS_DIR
    letter = results / ANSWER_RESULTS / name / "letter.json"
    if not letter.exists():
        raise AnalysisError(f"no results for the letter {name!r}; run `rapidrec respond {name}` (it builds them)")
    heading = read_json(letter)["title"]
    work = scratch_dir(project_dir, f"respond-{name}")
    final = project_dir / OUT_DIR / name
    try:
        config = load_config(project_dir) if (project_dir / "_quarto.yml").is_file() else {}
        date = (config.get("book") or {}).get("date")  # the guideline's edition, if its book has one
        staging = work / "out"
        staging.mkdir()
        reads = tree_digest(results)  # a chapter re-executes only when the results it reads changed
        with reading(results):
            with_figure = has_figure(name)  # decided from the rows, without drawing the figure

            def render(document: str) -> None:
                src = work / document
                src.mkdir()
                for rel, text in _project_files(name, heading, document, date, with_figure,
                                                config.get("date-format")).items():
                    (src / rel).write_text(text, encoding="utf-8")
                progress(f"the {document} to {name}")
                done = render_book(src, out_dir=src / "_out", progress=progress, formats=formats, single_page=True,
                                   cache=Cache(project_dir), reads=reads)
                if done.html is not None:
                    os.replace(done.html, staging / f"{document}.html")
                if done.pdf is not None:
                    os.replace(done.pdf, staging / f"{document}.pdf")

            # the two documents side by side, each with its own kernel (most of their time is waiting on it)
            with ThreadPoolExecutor(max_workers=2) as pool:
                for done in [pool.submit(render, d) for d in (RESPONSE, APPENDIX)]:
                    done.result()
        final.parent.mkdir(parents=True, exist_ok=True)
        swap_in(staging, final)
    except RenderError as exc:
        raise AnalysisError(str(exc)) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    found = {f"{d}_{k}": (final / f"{d}.{k}" if (final / f"{d}.{k}").exists() else None)
             for d in (RESPONSE, APPENDIX) for k in ("html", "pdf")}
    return Answer(**found)
