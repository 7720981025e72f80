"""``rapidrec render``: the whole book, with Quarto when it is installed, without it otherwise.

With ``quarto`` on PATH, ``quarto render`` runs; its pre-render step
(``_quarto.yml``) is ``rapidrec build``. Without Quarto, rapidrec builds the
results and renders the same chapters itself (:mod:`analysis.render`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from analysis.book import RESULTS_ENV
from analysis.build import build
from analysis.cache import Cache, tree_digest
from analysis.errors import AnalysisError
from analysis.project import BOOK_DIR, SCENARIO_BOOKS_DIR, results_dir
from analysis.render import RenderError, render_book
from analysis.scenarios.run import run_scenario


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
        pdfs = sorted(out.glob("*.pdf"))
        return RenderOutcome(out / "index.html", pdfs[0] if pdfs else None, time.perf_counter() - t0, "quarto")

    build(project_dir, progress=progress)
    try:
        read = Path(os.environ.get(RESULTS_ENV) or results_dir(project_dir))  # what analysis.book reads
        result = render_book(project_dir, progress=progress, cache=Cache(project_dir), reads=tree_digest(read))
    except RenderError as exc:
        raise AnalysisError(str(exc)) from None
    return RenderOutcome(result.html, result.pdf, time.perf_counter() - t0, "built-in")


def _render_scenario(project_dir: Path, progress, use_quarto: str, scenario) -> RenderOutcome:
    t0 = time.perf_counter()
    project_dir = project_dir.resolve()
    run = run_scenario(project_dir, scenario, progress=progress)
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
        pdfs = sorted(out.glob("*.pdf"))
        return RenderOutcome(out / "index.html", pdfs[0] if pdfs else None, time.perf_counter() - t0, "quarto")

    progress(f"rendering the book under scenario {run.scenario.id} into {out}")
    saved = os.environ.get(RESULTS_ENV)
    os.environ[RESULTS_ENV] = str(run.results)  # the chapters' kernels inherit it
    try:
        result = render_book(project_dir, out_dir=out, progress=progress, cache=Cache(project_dir),
                             reads=tree_digest(run.results))
    except RenderError as exc:
        raise AnalysisError(str(exc)) from None
    finally:
        if saved is None:
            os.environ.pop(RESULTS_ENV, None)
        else:
            os.environ[RESULTS_ENV] = saved
    return RenderOutcome(result.html, result.pdf, time.perf_counter() - t0, "built-in")
