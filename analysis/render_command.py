"""``rapidrec render``: the whole book, with Quarto when it is installed, without it otherwise.

With ``quarto`` on PATH, ``quarto render`` runs; its pre-render step
(``_quarto.yml``) is ``rapidrec build``. Without Quarto, rapidrec builds the
results and renders the same chapters itself (:mod:`analysis.render`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

from analysis.audit.appendix import AUDIT_TRAIL
from analysis.book import RESULTS_ENV, reading
from analysis.book_figures import write_figures
from analysis.build import build
from analysis.cache import Cache, tree_digest
from analysis.errors import AnalysisError
from analysis.project import BOOK_DIR, SCENARIO_BOOKS_DIR, figures_for, results_dir
from analysis.project_lock import project_lock
from analysis.render import RenderError, load_config, render_book
from analysis.render.book import BOOK_PDF_KEY
from analysis.render.pandoc import check_pandoc
from analysis.scenarios.run import run_scenario
from analysis.scratch import scratch_dir


@dataclass(frozen=True)
class RenderOutcome:
    html: Path | None
    pdf: Path | None
    seconds: float
    engine: str




def render(project_dir: Path, progress: Callable[[str], None] = lambda m: None,
           use_quarto: str = "auto", scenario=None) -> RenderOutcome:
    """Render the book; with ``scenario`` (a file or Scenario), the whole book under it.

    Under a scenario, the base and scenario results are built (``rapidrec scenario``), the chapters read
    the scenario's results (``RAPIDREC_RESULTS`` = ``_results/scenarios/<id>``) and the book is written to
    ``_book-scenarios/<id>/``; ``_book/`` and ``_results/`` keep the base case.
    """
    if scenario is not None:
        return _render_scenario(Path(project_dir), progress, use_quarto, scenario)
    t0 = time.perf_counter()
    quarto = shutil.which("quarto")
    if use_quarto == "always" and quarto is None:
        raise AnalysisError("--quarto always: quarto is not on PATH; install Quarto or use --quarto never")
    if quarto and use_quarto != "never":
        progress("rendering with quarto (its pre-render step runs rapidrec build)")
        done = subprocess.run([quarto, "render"], cwd=project_dir)
        if done.returncode != 0:
            raise AnalysisError(f"quarto render failed with exit status {done.returncode}")
        out = project_dir / BOOK_DIR
        pdfs = sorted(p for p in out.glob("*.pdf") if p.name != f"{AUDIT_TRAIL_NAME}.pdf")
        write_audit_trail(project_dir, out, results_dir(project_dir), progress, book_pdf=pdfs[0] if pdfs else None)
        return RenderOutcome(out / "index.html", pdfs[0] if pdfs else None, time.perf_counter() - t0, "quarto")

    try:
        check_pandoc()  # before the build, not after it
    except RenderError as exc:
        raise AnalysisError(str(exc)) from None
    with project_lock(project_dir, progress):  # (not around quarto: its pre-render build is another process)
        build(project_dir, progress=progress)
        read = Path(os.environ.get(RESULTS_ENV) or results_dir(project_dir))  # what analysis.book reads
        try:
            result = render_book(project_dir, progress=progress, cache=Cache(project_dir), reads=book_reads(read))
        except RenderError as exc:
            raise AnalysisError(str(exc)) from None
        write_audit_trail(project_dir, result.html.parent, read, progress, printed=result.printed,
                          book_pdf=result.pdf)
    return RenderOutcome(result.html, result.pdf, time.perf_counter() - t0, "built-in")


def book_reads(results: Path) -> str:
    """A digest of what the book's chapters read: the results and the figures drawn from them."""
    return tree_digest(results) + tree_digest(figures_for(results))


AUDIT_TRAIL_NAME = Path(AUDIT_TRAIL).stem  # <book>/audit.html and audit.pdf
AUDIT_TRAIL_CHAPTER = """# Audit trail of every number {.unnumbered}

[Back to the book](index.html)

```{python}
#| output: asis
from analysis.audit.appendix import appendix_markdown

print(appendix_markdown(complete=True, printed_in="printed.json"))
```
"""
PRINTED_FILE = "printed.json"  # beside the chapter: where the book printed each id (when the render knows it)


def write_audit_trail(project_dir: Path, out_dir: Path, results: Path,
                      progress: Callable[[str], None] = lambda m: None, printed: dict | None = None,
                      book_pdf: Path | None = None) -> tuple[Path, Path]:
    """The complete audit trail of ``results`` -- every registry entry and every study's extracted rows --
    as ``<out_dir>/audit.html`` and ``audit.pdf`` beside the book, whose appendix holds only the numbers it
    prints. Rendered by rapidrec's own renderer (also after ``quarto render``), reused from the cache while
    the results and ``printed`` are unchanged. ``printed`` (the built-in render's
    :attr:`analysis.render.book.RenderResult.printed`): each entry the book prints links back to its chapters;
    ``book_pdf``: the book's PDF, which the trail's PDF links to."""
    project_dir = Path(project_dir).resolve()
    book = load_config(project_dir).get("book") or {}
    config = {"project": {"type": "book"},
              "book": {"title": f"Audit trail: {book.get('title', 'the book')}",
                       "subtitle": "Every number of the results registry, how it was computed, and the extracted "
                                   "rows behind it",
                       **{k: book[k] for k in ("author", "date", "abstract") if book.get(k)},
                       "chapters": ["audit.qmd"], "output-file": AUDIT_TRAIL_NAME},
              **({BOOK_PDF_KEY: Path(book_pdf).name} if book_pdf is not None else {}),
              "execute": {"echo": False, "warning": False},
              "format": {"html": {"toc": False}, "typst": {"toc": False, "papersize": "a4"}}}
    progress(f"the complete audit trail: {out_dir.name}/{AUDIT_TRAIL_NAME}.html and .pdf")
    src = scratch_dir(project_dir, "audit-trail")
    try:
        (src / "_quarto.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
                                         encoding="utf-8")
        (src / "audit.qmd").write_text(AUDIT_TRAIL_CHAPTER, encoding="utf-8")
        where = json.dumps(printed or {}, sort_keys=True)
        if printed:
            (src / PRINTED_FILE).write_text(where, encoding="utf-8")
        with reading(results):
            done = render_book(src, out_dir=src / "_out", cache=Cache(project_dir), single_page=True,
                               reads=tree_digest(results) + hashlib.sha256(where.encode()).hexdigest())
        html, pdf = out_dir / f"{AUDIT_TRAIL_NAME}.html", out_dir / f"{AUDIT_TRAIL_NAME}.pdf"
        os.replace(done.html, html)
        os.replace(done.pdf, pdf)
        return html, pdf
    except RenderError as exc:
        raise AnalysisError(f"the complete audit trail: {exc}") from None
    finally:
        shutil.rmtree(src, ignore_errors=True)


def _render_scenario(project_dir: Path, progress, use_quarto: str, scenario) -> RenderOutcome:
    t0 = time.perf_counter()
    project_dir = project_dir.resolve()
    run = run_scenario(project_dir, scenario, progress=progress)
    write_figures(run.results, figures_for(run.results), progress)  # the chapters include them
    out = project_dir / SCENARIO_BOOKS_DIR / run.scenario.id
    env = {**os.environ, RESULTS_ENV: str(run.results)}
    quarto = shutil.which("quarto")
    if use_quarto == "always" and quarto is None:
        raise AnalysisError("--quarto always: quarto is not on PATH; install Quarto or use --quarto never")
    if quarto and use_quarto != "never":
        progress(f"rendering the book under scenario {run.scenario.id} with quarto")
        done = subprocess.run([quarto, "render", "--output-dir", str(out)], cwd=project_dir, env=env)
        if done.returncode != 0:
            raise AnalysisError(f"quarto render failed with exit status {done.returncode}")
        pdfs = sorted(p for p in out.glob("*.pdf") if p.name != f"{AUDIT_TRAIL_NAME}.pdf")
        write_audit_trail(project_dir, out, run.results, progress, book_pdf=pdfs[0] if pdfs else None)
        return RenderOutcome(out / "index.html", pdfs[0] if pdfs else None, time.perf_counter() - t0, "quarto")

    progress(f"rendering the book under scenario {run.scenario.id} into {out}")
    try:
        with reading(run.results):
            result = render_book(project_dir, out_dir=out, progress=progress, cache=Cache(project_dir),
                                 reads=book_reads(run.results))
    except RenderError as exc:
        raise AnalysisError(str(exc)) from None
    write_audit_trail(project_dir, out, run.results, progress, printed=result.printed, book_pdf=result.pdf)
    return RenderOutcome(result.html, result.pdf, time.perf_counter() - t0, "built-in")
