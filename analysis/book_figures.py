"""Every figure of the book, drawn once from a results directory into ``figures/`` as SVG and PNG.

The build calls :func:`write_figures` after it has written ``_results/``; the chapters include the files
(:func:`analysis.show.figure`) instead of drawing them. Names are stable (``forest-pain-axial.svg``, ...), so
a manuscript or slide can link them. ``figures/figures.json`` records, for each figure, the registry ids
written on it (the audit appendix lists them as printed) and the digests of its files, under a key of the
results and the code that drew them: while neither changed, nothing is drawn again. Figures under a scenario
go to ``<scenario results>/figures/`` (:func:`analysis.project.figures_for`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import matplotlib.pyplot as plt

from analysis import show, show_robustness
from analysis.book import forest, reading, recording
from analysis.cache import code_fingerprint, tree_digest
from analysis.figures import save_figure
from analysis.project import ANSWER_RESULTS, FIGURES_DIR, RESULTS_STAMP, SCENARIO_RESULTS
from analysis.registry import load_numbers
from analysis.responses.paragraphs import SCENARIO_PREFIX
from analysis.results_io import read_json, write_json
from analysis.scratch import scratch_dir

MANIFEST = "figures.json"
FORMATS = ("svg", "png")


@dataclass(frozen=True)
class BookFigure:
    name: str  # file stem in figures/
    draw: Callable[[], object]  # -> a matplotlib Figure, reading the results analysis.book points at
    needs: Callable[[], bool] = lambda: True  # whether the results hold what it shows
    in_book: bool = True  # False: drawn for slides and manuscripts only (the book shows the same as a table)


def _networks(kind: str, draw, in_book: bool = True) -> list[BookFigure]:
    return [BookFigure(f"{kind}-{outcome.replace('_', '-')}-{population}",
                       lambda o=outcome, p=population: draw(o, p), in_book=in_book)
            for outcome in (("pain", "physical_function") if kind == "forest" else ("pain",))
            for population in ("axial", "radicular")]


FIGURES: tuple[BookFigure, ...] = (
    BookFigure("infographic", show.infographic),
    BookFigure("infographic-phone", lambda: show.infographic(phone=True)),  # the web page on a phone
    *_networks("network", show.network_figure),
    *_networks("forest", forest),
    *_networks("league", show.league_figure, in_book=False),  # the book prints the league as tables
    BookFigure("robustness", show_robustness.robustness_figure, needs=show_robustness.available),
)


def _key(results: Path) -> str:
    """What the figures are drawn from: the result tables and registry entries of the analysis itself (not the
    answers to letters, whose prose or scenarios change neither), and the code that draws them."""
    if not (results / "numbers.json").is_file():
        return ""
    own = {i: e for i, e in load_numbers(results / "numbers.json").items() if not i.startswith(SCENARIO_PREFIX)}
    tables = tree_digest(results, skip=lambda rel: rel.parts[0] in (ANSWER_RESULTS, SCENARIO_RESULTS, FIGURES_DIR)
                         or rel.as_posix() in ("numbers.json", RESULTS_STAMP))
    payload = json.dumps(own, sort_keys=True, default=str) + "\0" + tables + "\0" + code_fingerprint()
    return hashlib.sha256(payload.encode()).hexdigest()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _stamp(results: Path) -> str | None:
    """The digest of the results' files the build recorded (cheap to read; None without one)."""
    stamp = results / RESULTS_STAMP
    return read_json(stamp).get("files") if stamp.is_file() else None


def up_to_date(results: Path, out: Path) -> bool:
    """Whether ``out`` holds the figures of ``results`` drawn by this code, none of them changed since.

    While the results' recorded digest and the code are those the figures were drawn from, the key is not
    recomputed (reading the whole registry would cost every unchanged build half a second)."""
    try:
        recorded = read_json(out / MANIFEST)
    except (OSError, ValueError):
        return False
    same_inputs = recorded.get("results") is not None and recorded.get("results") == _stamp(results) \
        and recorded.get("code") == code_fingerprint()
    if not same_inputs:
        key = _key(results)
        if not key or recorded.get("key") != key:
            return False
    return all((out / f"{name}.{ext}").is_file() and _sha(out / f"{name}.{ext}") == digest
               for name, entry in recorded["figures"].items() for ext, digest in entry["files"].items())


def write_figures(results: Path, out: Path, progress: Callable[[str], None] = lambda m: None) -> Path:
    """Draw every book figure from ``results`` into ``out`` (created if needed); returns ``out``.

    Drawn into a scratch directory first, then moved in file by file, the manifest last: an interrupted run
    leaves the manifest of the previous figures (or none), so the next run draws again. Files of ``out`` that
    an earlier manifest did not list (a README, say) are left alone."""
    results, out = Path(results), Path(out)
    if up_to_date(results, out):
        return out
    out.mkdir(parents=True, exist_ok=True)
    staging = scratch_dir(out, "figures")
    try:
        entries = {}
        with reading(results):
            todo = [f for f in FIGURES if f.needs()]
            for i, figure in enumerate(todo, 1):
                progress(f"drawing the book's figures into {out.name}/ ({i}/{len(todo)}: {figure.name})")
                with recording() as ids:
                    fig = figure.draw()
                try:
                    paths = save_figure(fig, staging / figure.name, FORMATS)
                finally:
                    plt.close(fig)
                entries[figure.name] = {"printed": sorted(ids),
                                        "files": {p.suffix[1:]: _sha(p) for p in paths}}
        try:
            old = read_json(out / MANIFEST).get("figures", {})
        except (OSError, ValueError):
            old = {}
        (out / MANIFEST).unlink(missing_ok=True)
        for name in set(old) - set(entries):
            for ext in FORMATS:
                (out / f"{name}.{ext}").unlink(missing_ok=True)
        for path in sorted(staging.iterdir()):
            os.replace(path, out / path.name)
        write_json({"key": _key(results), "results": _stamp(results), "code": code_fingerprint(),
                    "figures": entries}, out / MANIFEST)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out
