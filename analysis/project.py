"""A rapidrec project on disk: the names of its folders and files, declared once.

Everything a build reads comes from the project being built (its ``data/``,
``settings/guideline.yaml``, ``scenarios/`` and ``responses/``), never from the
package's own source tree, so that a copied project can change any of them.
Everything a run writes goes to the folders starting with an underscore, except the book's figures: the
build writes them to ``figures/`` (the card's layout), where the chapters include them from.
"""

from __future__ import annotations

from pathlib import Path

# inputs
DATA_DIR = "data"  # the data package
SETTINGS_FILE = "settings/guideline.yaml"  # the GRADE and evidence-to-decision rules
SCENARIOS_DIR = "scenarios"  # declarative re-analyses (scenarios/*.yaml)
LETTERS_DIR = "responses"  # critics' letters (responses/<name>/letter.yaml)
INPUTS = (DATA_DIR, "chapters", "_quarto.yml", "index.qmd", "references.bib", "styles.css", SCENARIOS_DIR, LETTERS_DIR,
          SETTINGS_FILE.split("/")[0])
REQUIRED_INPUTS = (DATA_DIR, "_quarto.yml")

# outputs
RESULTS_DIR = "_results"  # every computed result (rapidrec build)
RESULTS_STAMP = ".inputs.json"  # in a results directory: the key of the inputs it was built from, its files' digest
SCENARIO_RESULTS = "scenarios"  # _results/scenarios/<id>/: results under a scenario
# what `rapidrec scenario` writes beside a scenario's results (analysis.scenarios.outputs), after its build
SCENARIO_COMPARISON = ("scenario.json", "sources.csv", "comparison.csv", "without_evidence.csv", "summary.txt")
SCENARIO_FIGURE_PREFIX = "forest-"  # forest-<outcome>-<population>.svg|png
ANSWER_RESULTS = "responses"  # _results/responses/<letter>/letter.json and _results/responses/scenarios/<id>/
FIGURES_DIR = "figures"  # every figure of the book, SVG and PNG (the build writes it; analysis.book_figures)
BOOK_DIR = "_book"  # the rendered book (rapidrec render)
SCENARIO_BOOKS_DIR = "_book-scenarios"  # _book-scenarios/<id>/: the book under a scenario
ANSWERS_DIR = "_responses"  # _responses/<name>/: the rendered answer to a letter
# the renderer tells a chapter's kernel where to record the registry ids it looks up, and which ids the
# chapters before it printed (the audit appendix lists only those): analysis.book, analysis.render.book
PRINTED_LOG_ENV = "RAPIDREC_PRINTED_LOG"  # a file: one id per line, appended as the chapter looks them up
PRINTED_IDS_ENV = "RAPIDREC_PRINTED_IDS"  # a file: JSON list of the ids the earlier chapters looked up
# in that log, an id printed with a link to the complete audit trail beside the book (a league table's cell):
# the book's appendix leaves it out, the trail links back to where it is printed
TRAIL_MARK = "~"
CACHE_DIR = "_cache"  # results computed once, reused while what they depend on is unchanged (analysis.cache)
RENDER_WORK_DIR = "_cache/render"  # the last render's intermediate files, per output (not part of the book)


def settings_file(project_dir: Path) -> Path:
    return Path(project_dir) / SETTINGS_FILE


def results_dir(project_dir: Path) -> Path:
    return Path(project_dir) / RESULTS_DIR


def figures_for(results: Path) -> Path:
    """Where the book's figures drawn from ``results`` are: the project's ``figures/`` for its base results
    (``<project>/_results``), ``<results>/figures`` for a scenario's."""
    results = Path(results)
    return results.parent / FIGURES_DIR if results.name == RESULTS_DIR else results / FIGURES_DIR


def scenario_results_dir(project_dir: Path, scenario_id: str) -> Path:
    """``<project>/_results/scenarios/<id>``: where a build under a scenario writes."""
    return results_dir(project_dir) / SCENARIO_RESULTS / scenario_id


def cache_dir(project_dir: Path) -> Path:
    return Path(project_dir) / CACHE_DIR


def render_work_dir(project_dir: Path, out_dir: Path) -> Path:
    """``<project>/_cache/render/<output folder>``: the executed notebooks, kernel log, book.md and book.typ
    of the last render into ``out_dir`` (e.g. ``_cache/render/_book``), kept for debugging."""
    project_dir, out_dir = Path(project_dir).resolve(), Path(out_dir).resolve()
    try:
        rel = out_dir.relative_to(project_dir)
    except ValueError:
        rel = Path("elsewhere") / out_dir.name
    return project_dir / RENDER_WORK_DIR / rel


def scratch_parents(project_dir: Path) -> list[Path]:
    """The folders where a run makes its hidden scratch directories (:mod:`analysis.scratch`): beside each
    output it replaces."""
    project_dir = Path(project_dir)
    render = project_dir / RENDER_WORK_DIR
    nested = sorted(p for p in render.iterdir() if p.is_dir() and not p.name.startswith(".")) if render.is_dir() \
        else []
    return [project_dir, project_dir / FIGURES_DIR, results_dir(project_dir), results_dir(project_dir) / SCENARIO_RESULTS,
            results_dir(project_dir) / ANSWER_RESULTS / SCENARIO_RESULTS, project_dir / SCENARIO_BOOKS_DIR,
            project_dir / ANSWERS_DIR, render, *nested]
