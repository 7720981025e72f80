"""``rapidrec render``: the whole book, with Quarto when it is installed, without it otherwise.

With ``quarto`` on PATH, ``quarto render`` runs; its pre-render step
(``_quarto.yml``) is ``rapidrec build``. Without Quarto, rapidrec builds the
results and renders the same chapters itself (:mod:`analysis.render`).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from analysis.errors import AnalysisError


@dataclass(frozen=True)
class RenderOutcome:
    html: Path | None
    pdf: Path | None
    seconds: float
    engine: str


def render(project_dir: Path, progress: Callable[[str], None] = lambda m: None,
           use_quarto: str = "auto") -> RenderOutcome:
    t0 = time.perf_counter()
    quarto = shutil.which("quarto")
    if use_quarto == "always" and quarto is None:
        raise AnalysisError("--quarto always: quarto is not on PATH; install Quarto or use --quarto never")
    if quarto and use_quarto != "never":
        progress("rendering with quarto (its pre-render step runs rapidrec build)")
        done = subprocess.run([quarto, "render"], cwd=project_dir)
        if done.returncode != 0:
            raise AnalysisError(f"quarto render failed with exit status {done.returncode}")
        out = project_dir / "_book"
        pdfs = sorted(out.glob("*.pdf"))
        return RenderOutcome(out / "index.html", pdfs[0] if pdfs else None, time.perf_counter() - t0, "quarto")

    from analysis.build import build
    from analysis.render import RenderError, render_book

    build(project_dir, progress=progress)
    try:
        result = render_book(project_dir, progress=progress)
    except RenderError as exc:
        raise AnalysisError(str(exc)) from None
    return RenderOutcome(result.html, result.pdf, time.perf_counter() - t0, "built-in")
