"""``rapidrec verify``: rebuild from scratch in a temporary directory and compare with what is here.

The project's inputs (data package, chapters, book configuration, bibliography,
scenarios and letters) are copied into a fresh directory, built and rendered
there (with every scenario whose results or book are here), and every result
file and the rendered HTML and PDF are compared with the current ones. Differences are reported by file and entry: numbers.json by id,
other JSON by key, CSV by row, the HTML by line of visible text, the PDF by page.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Callable

from pypdf import PdfReader

from analysis.build import build
from analysis.errors import AnalysisError
from analysis.project import (
    BOOK_DIR,
    FIGURES_DIR,
    INPUTS,
    REQUIRED_INPUTS,
    RESULTS_DIR,
    SCENARIO_BOOKS_DIR,
    SCENARIO_RESULTS,
    SCENARIOS_DIR,
)
from analysis.render_command import render
from analysis.scenarios.run import run_scenario

MAX_PER_FILE = 20


@dataclass(frozen=True)
class Difference:
    file: str
    entry: str
    detail: str

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: {self.detail}" if self.entry else f"{self.file}: {self.detail}"


@dataclass(frozen=True)
class VerifyResult:
    differences: list[Difference]
    compared: int  # files compared
    seconds: float


def copy_inputs(project: Path, dest: Path) -> list[str]:
    """Copy the project's inputs (not its results or book) into ``dest``."""
    copied = []
    for name in INPUTS:
        src = project / name
        if not src.exists():
            if name in REQUIRED_INPUTS:
                raise AnalysisError(f"{project} has no {name}; is this a rapidrec project?")
            continue
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns(".*", "__pycache__"))
        else:
            shutil.copy2(src, dest / name)
        copied.append(name)
    return copied


def _scenario_file(project: Path, results: Path) -> Path | None:
    """The scenario file behind ``_results/scenarios/<id>/`` (as recorded, else by id), inside ``project``."""
    recorded = results / "scenario.json"
    if recorded.exists():
        name = json.loads(recorded.read_text(encoding="utf-8")).get("file")
        if name:
            for candidate in (project / name, project / SCENARIOS_DIR / Path(name).name):
                if candidate.is_file():
                    return candidate
    folder = project / SCENARIOS_DIR
    for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
        if path.stem == results.name:
            return path
    return None


def rebuild(project: Path, dest: Path, progress: Callable[[str], None] = lambda m: None,
            use_quarto: str = "never") -> list[Difference]:
    """Build and render the project's inputs, copied into the empty directory ``dest``, as they were here.

    The base results and book, then every scenario whose results are in ``_results/scenarios/<id>/``
    (with its book when ``_book-scenarios/<id>/`` exists). Returns what could not be rebuilt.
    """
    copy_inputs(project, dest)
    if (project / BOOK_DIR).exists():
        render(dest, progress=progress, use_quarto=use_quarto)
    else:
        build(dest, progress=progress)
    problems = []
    for results in sorted(p for p in (project / RESULTS_DIR / SCENARIO_RESULTS).glob("*") if p.is_dir()):
        path = _scenario_file(dest, results)
        if path is None:
            problems.append(Difference(f"{RESULTS_DIR}/{SCENARIO_RESULTS}/{results.name}", "",
                                       "cannot rebuild: its scenario file is not in scenarios/"))
            continue
        progress(f"rebuilding scenario {results.name}")
        with _cwd(dest):  # scenario files are named relative to the project, as when run there
            path = path.relative_to(dest)
            if (project / SCENARIO_BOOKS_DIR / results.name).exists():
                render(dest, progress=progress, use_quarto=use_quarto, scenario=path)
            elif (results / "scenario.json").exists():
                run_scenario(dest, path, progress=progress, figures=any(results.glob("forest-*")))
            else:
                build(dest, progress=progress, scenario=path)
    return problems


@contextmanager
def _cwd(path: Path):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


# --- comparison -------------------------------------------------------------------------------

def _files(root: Path, skip: tuple[str, ...] = ()) -> set[str]:
    if not root.exists():
        return set()
    out = set()
    for p in root.rglob("*"):
        rel = p.relative_to(root)
        if p.is_file() and not any(part.startswith(".") for part in rel.parts) and rel.parts[0] not in skip:
            out.add(rel.as_posix())
    return out


def _cap(diffs: list[Difference], file: str) -> list[Difference]:
    if len(diffs) > MAX_PER_FILE:
        return diffs[:MAX_PER_FILE] + [Difference(file, "", f"... and {len(diffs) - MAX_PER_FILE} more differences")]
    return diffs


def _short(value, n: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True) if not isinstance(value, str) else value
    return text if len(text) <= n else text[: n - 3] + "..."


def _flatten(value, prefix: str = "") -> dict:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: value}


def compare_numbers(file: str, cur: dict, new: dict) -> list[Difference]:
    diffs = []
    a, b = cur.get("numbers", {}), new.get("numbers", {})
    for id_ in sorted(set(a) | set(b)):
        if id_ not in b:
            diffs.append(Difference(file, id_, "in the current registry, not produced by the rebuild"))
        elif id_ not in a:
            diffs.append(Difference(file, id_, "produced by the rebuild, not in the current registry"))
        elif a[id_] != b[id_]:
            fields = sorted(k for k in set(a[id_]) | set(b[id_]) if a[id_].get(k) != b[id_].get(k))
            diffs.append(Difference(file, id_, "; ".join(
                f"{k}: {_short(a[id_].get(k))} (current) vs {_short(b[id_].get(k))} (rebuilt)" for k in fields)))
    rest_a = {k: v for k, v in cur.items() if k != "numbers"}
    rest_b = {k: v for k, v in new.items() if k != "numbers"}
    return diffs + compare_json(file, rest_a, rest_b)


def compare_json(file: str, cur, new) -> list[Difference]:
    a, b = _flatten(cur), _flatten(new)
    return [Difference(file, key or "(whole file)", f"{_short(a.get(key, '(absent)'))} (current) vs "
                       f"{_short(b.get(key, '(absent)'))} (rebuilt)")
            for key in sorted(set(a) | set(b)) if a.get(key, KeyError) != b.get(key, KeyError)]


def compare_csv(file: str, cur: str, new: str) -> list[Difference]:
    a, b = cur.splitlines(), new.splitlines()
    diffs = []
    if (a[:1] or [""]) != (b[:1] or [""]):
        diffs.append(Difference(file, "header", f"{_short(a[0] if a else '')} (current) vs "
                                f"{_short(b[0] if b else '')} (rebuilt)"))
    for i in range(1, max(len(a), len(b))):
        x, y = (a[i] if i < len(a) else "(no row)"), (b[i] if i < len(b) else "(no row)")
        if x != y:
            diffs.append(Difference(file, f"row {i}", f"{_short(x)} (current) vs {_short(y)} (rebuilt)"))
    return diffs


def compare_results(cur: Path, new: Path, label: str = RESULTS_DIR, skip: tuple[str, ...] = ()
                    ) -> tuple[list[Difference], int]:
    diffs: list[Difference] = []
    files = _files(cur, skip) | _files(new, skip)
    for rel in sorted(files):
        file = f"{label}/{rel}"
        a, b = cur / rel, new / rel
        if not b.exists():
            diffs.append(Difference(file, "", "exists here but the rebuild did not produce it"))
            continue
        if not a.exists():
            diffs.append(Difference(file, "", "produced by the rebuild but missing here"))
            continue
        x, y = a.read_bytes(), b.read_bytes()
        if x == y:
            continue
        try:
            if rel.endswith(".json"):
                jx, jy = json.loads(x), json.loads(y)
                found = compare_numbers(file, jx, jy) if Path(rel).name == "numbers.json" else compare_json(file, jx, jy)
            elif rel.endswith(".csv"):
                found = compare_csv(file, x.decode("utf-8"), y.decode("utf-8"))
            else:
                found = []
        except (ValueError, UnicodeDecodeError):
            found = []
        diffs += _cap(found or [Difference(file, "", "contents differ (formatting or bytes)")], file)
    return diffs, len(files)


def html_text_lines(html: str) -> list[str]:
    """The visible text of an HTML page, one block element per line."""
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"</(p|h[1-6]|li|tr|div|figcaption|caption|th|td)>", "\n", html, flags=re.I)
    text = unescape(re.sub(r"<[^>]+>", "", html)).replace("\u00a0", " ")
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _text_diff(file: str, a: list[str], b: list[str], where: str) -> list[Difference]:
    diffs = []
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            diffs.append(Difference(file, f"{where} {i1 + 1}", f"{_short(' / '.join(a[i1:i2]) or '(nothing)')} (current) "
                                    f"vs {_short(' / '.join(b[j1:j2]) or '(nothing)')} (rebuilt)"))
    return diffs


def pdf_pages(path: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages]


def compare_book(cur: Path, new: Path, label: str = BOOK_DIR) -> tuple[list[Difference], int]:
    diffs: list[Difference] = []
    files = _files(cur) | _files(new)
    for rel in sorted(files):
        file = f"{label}/{rel}"
        a, b = cur / rel, new / rel
        if not a.exists() or not b.exists():
            diffs.append(Difference(file, "", "exists here but the rebuild did not produce it" if a.exists()
                                    else "produced by the rebuild but missing here"))
            continue
        if a.read_bytes() == b.read_bytes():
            continue
        found: list[Difference] = []
        if rel.endswith(".html"):
            found = _text_diff(file, html_text_lines(a.read_text(encoding="utf-8")),
                               html_text_lines(b.read_text(encoding="utf-8")), "text line")
            if not found:
                found = [Difference(file, "", "same text; markup or embedded figures differ")]
        elif rel.endswith(".pdf"):
            try:
                pa, pb = pdf_pages(a), pdf_pages(b)
            except ImportError:
                diffs.append(Difference(file, "", "PDF differs (install pypdf for a page-by-page comparison)"))
                continue
            if len(pa) != len(pb):
                found.append(Difference(file, "pages", f"{len(pa)} (current) vs {len(pb)} (rebuilt)"))
            found += [Difference(file, f"page {i + 1}", "text differs: " + _first_change(x, y))
                      for i, (x, y) in enumerate(zip(pa, pb)) if x != y]
            if not found:
                found = [Difference(file, "", "same text; layout, fonts or figures differ")]
        diffs += _cap(found or [Difference(file, "", "contents differ")], file)
    return diffs, len(files)


def _first_change(a: str, b: str) -> str:
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"...{a[max(0, i - 30):i + 40]}... (current) vs ...{b[max(0, i - 30):i + 40]}... (rebuilt)"


def compare(project: Path, rebuilt: Path) -> tuple[list[Difference], int]:
    """Every difference between the project's results, figures and book and the rebuilt ones."""
    diffs, n = compare_results(project / RESULTS_DIR, rebuilt / RESULTS_DIR)
    if (project / FIGURES_DIR).is_dir():  # the figures the build drew (not the folder's README)
        d, k = compare_results(project / FIGURES_DIR, rebuilt / FIGURES_DIR, FIGURES_DIR, skip=("README.md",))
        diffs, n = diffs + d, n + k
    books = [BOOK_DIR] if (project / BOOK_DIR).exists() else []
    books += sorted(f"{SCENARIO_BOOKS_DIR}/{p.name}" for p in (project / SCENARIO_BOOKS_DIR).glob("*") if p.is_dir())
    for book in books:
        d, k = compare_book(project / book, rebuilt / book, book)
        diffs, n = diffs + d, n + k
    return diffs, n


def verify(project: Path, progress: Callable[[str], None] = lambda m: None, use_quarto: str = "never",
           keep: Path | None = None) -> VerifyResult:
    t0 = time.perf_counter()
    project = Path(project).resolve()
    if not (project / RESULTS_DIR / "numbers.json").exists():
        raise AnalysisError(f"no {RESULTS_DIR}/numbers.json in {project}: nothing to verify (run `rapidrec render`)")
    tmp = Path(tempfile.mkdtemp(prefix="rapidrec-verify-"))
    try:
        progress(f"rebuilding from scratch in {tmp}")
        problems = rebuild(project, tmp, progress, use_quarto=use_quarto)
        progress("comparing results and book")
        diffs, n = compare(project, tmp)
        diffs = problems + diffs
        if keep is not None:
            shutil.copytree(tmp, keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return VerifyResult(diffs, n, round(time.perf_counter() - t0, 1))
