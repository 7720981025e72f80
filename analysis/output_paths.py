"""Where a command may write when the user names the place (``nma --out``, ``pack --out``).

A command never writes over an input of the project (its data package, settings, chapters, scenarios, letters)
or the file it reads, never into a data package or a filesystem root, and never over an unrelated existing file
or directory unless told to (``--force``): what it may replace without asking is only what it wrote there
before. Each refusal is an :class:`analysis.errors.AnalysisError` naming the path and what to do instead.
"""

from __future__ import annotations

from pathlib import Path

from analysis.errors import AnalysisError
from analysis.project import BOOK_DIR, INPUTS, RESULTS_DIR

DATA_PACKAGE_MARKER = "datapackage.json"
PACKAGE_SOURCE = Path(__file__).resolve().parent  # rapidrec's own code: never an output, even with --force
# a project that is a checkout of rapidrec also holds its code: never an output either
PROJECT_CODE = ("analysis", "tests", "benchmarks", ".ci", ".git", "pyproject.toml", "README.md")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _not_ours(out: Path, target: Path) -> None:
    """Refusals that hold even with ``--force``: rapidrec's own code, and anything that is not a regular file or
    directory (a device such as /dev/null, a pipe that would block the write, a socket)."""
    if _inside(target, PACKAGE_SOURCE):
        raise AnalysisError(f"--out {out}: inside rapidrec's own code ({PACKAGE_SOURCE}); give a path elsewhere")
    if target.exists() and not (target.is_file() or target.is_dir()):
        raise AnalysisError(f"--out {out}: not a regular file or directory (a device, pipe or socket); give a "
                            "file or directory path")


def check_output_dir(out: Path, produces: tuple[str, ...], reads: tuple[Path, ...] = (), force: bool = False) -> None:
    """``out`` may receive the files ``produces``: not a root, not a data package, not the folder of a file the
    command reads under one of those names; if it exists, a directory holding nothing but ``produces`` (an
    earlier run's output) or empty, unless ``force``."""
    target = Path(out).resolve()
    if target == Path(target.anchor):
        raise AnalysisError(f"--out {out}: a filesystem root; give a new directory for the results")
    _not_ours(out, target)
    if target.exists() and not target.is_dir():
        raise AnalysisError(f"--out {out}: an existing file, not a directory; give a new directory for the results")
    for folder in (target, *target.parents):
        if (folder / DATA_PACKAGE_MARKER).exists():
            where = "a data package" if folder == target else f"inside the data package {folder}"
            raise AnalysisError(f"--out {out}: {where} (it holds {DATA_PACKAGE_MARKER}); results never go into a "
                                "data package: give a directory outside it")
    for name in produces:
        _not_ours(out, target / name)
    for source in reads:
        if Path(source).resolve() in {target / name for name in produces}:
            raise AnalysisError(f"--out {out}: would overwrite the input {source}; give another directory")
    if target.is_dir() and not force:
        others = sorted(p.name for p in target.iterdir() if p.name not in produces)
        if others:
            listed = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
            raise AnalysisError(f"--out {out}: an existing directory holding other files ({listed}); give a new "
                                "or empty directory, or --force to write beside them")


def check_output_file(out: Path, project: Path, is_previous_output, force: bool = False) -> None:
    """``out`` may be written: not inside an input of ``project`` nor its results or book; not a directory; if it
    exists, something ``is_previous_output(path)`` recognises as written by the same command, unless ``force``."""
    target, project = Path(out).resolve(), Path(project).resolve()
    _not_ours(out, target)
    for name in (*INPUTS, RESULTS_DIR, BOOK_DIR, *PROJECT_CODE):
        if _inside(target, project / name):
            raise AnalysisError(f"--out {out}: inside the project's {name}, which the command must not change; "
                                "write the archive elsewhere")
    if target.is_dir():
        raise AnalysisError(f"--out {out}: an existing directory; give a file name")
    if target.exists() and not force and not is_previous_output(target):
        raise AnalysisError(f"--out {out}: an existing file this command did not write; give a new file name, "
                            "or --force to replace it")


__all__ = ["check_output_dir", "check_output_file"]
