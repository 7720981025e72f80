import fcntl
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from analysis.audit.verify import copy_inputs

REFERENCE = Path(__file__).parent / "reference"
ROOT = Path(__file__).resolve().parents[1]
RULES_FILE = ROOT / "settings" / "guideline.yaml"  # the project's rules


def load_fixture(engine: str) -> dict:
    with open(REFERENCE / engine / "fixtures.json", encoding="utf-8") as fh:
        return json.load(fh)


def reference_data(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "data" / f"{name}.csv")


@pytest.fixture(scope="session")
def metafor():
    return load_fixture("metafor")


# --- one rendered project for the integration tests --------------------------------------------------

CLI = str(Path(sys.executable).with_name("rapidrec"))


def rapidrec(*args, cwd=None, env: dict | None = None, timeout: int = 900) -> subprocess.CompletedProcess:
    """The command as a user runs it (a separate process), with output captured."""
    return subprocess.run([CLI, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def copy_project(dest: Path) -> Path:
    """The project's inputs (data, settings, chapters, scenarios, letters), without results, book or cache."""
    dest.mkdir(parents=True, exist_ok=True)
    copy_inputs(ROOT, dest)
    return dest


def clone_project(src: Path, dest: Path) -> Path:
    """A built project with its results, book and cache: rebuilding it recomputes only what a test changes."""
    shutil.copytree(src, dest)
    return dest


def book_html(book_dir: Path) -> str:
    """The HTML book's pages joined in reading order (index.html first, as the sidebar lists them)."""
    from analysis.render.site import site_pages

    return "\n".join(page.read_text(encoding="utf-8") for page in site_pages(book_dir))


@dataclass(frozen=True)
class Rendered:
    path: Path  # the project: _results/, _book/, _cache/ beside its inputs
    stderr: str  # the progress `rapidrec render` printed

    @cached_property
    def pdf(self) -> PdfReader:
        return PdfReader(self.path / "_book" / "rapidrec-guideline.pdf")

    def pdf_page(self, index: int) -> str:
        """The text of one page of the PDF, extracted once (pypdf takes about 0.1 s a page)."""
        pages = self.__dict__.setdefault("_pages", {})
        if index not in pages:
            pages[index] = self.pdf.pages[index].extract_text()
        return pages[index]

    @cached_property
    def pdf_chapters(self) -> dict[str, int]:
        """Title of each top-level entry of the PDF's outline -> its first page (0-based)."""
        return {item.title: self.pdf.get_destination_page_number(item) for item in self.pdf.outline
                if not isinstance(item, list)}

    @cached_property
    def appendix_page(self) -> int:
        """The first page of the audit appendix (the last half of the book)."""
        return next(page for title, page in self.pdf_chapters.items() if "Audit trail" in title)

    def pdf_text(self, *titles: str) -> str:
        """The text of the parts of the PDF that begin at the outline entries ``titles`` (each part runs to the
        next entry): extracting only what a test reads, as pypdf needs up to 0.5 s for a page with figures."""
        starts = sorted(self.pdf_chapters.values()) + [len(self.pdf.pages)]
        pages = []
        for title in titles:
            first = self.pdf_chapters[title]
            pages += range(first, next(s for s in starts if s > first))
        return "\n".join(self.pdf_page(i) for i in sorted(set(pages)))


@pytest.fixture(scope="session")
def rendered_project(tmp_path_factory) -> Rendered:
    """A copy of the project built and rendered once per test session by `rapidrec render --quarto never`,
    as a user without Quarto does. Tests read it; a test that changes a project works on a clone of it.

    Under pytest-xdist the workers share one: the first to need it renders it (holding a lock), the others
    wait and read the same directory."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the session's directory, above each worker's own
    shared = base / "rendered"
    shared.mkdir(exist_ok=True)
    log = shared / "render-stderr.txt"  # written once the render succeeded
    with open(shared / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not log.exists():
            shutil.rmtree(shared / "project", ignore_errors=True)  # a worker's failed attempt
            project = copy_project(shared / "project")
            done = rapidrec("render", "--quarto", "never", cwd=project)
            assert done.returncode == 0, done.stderr
            log.write_text(done.stderr, encoding="utf-8")
    return Rendered(shared / "project", log.read_text(encoding="utf-8"))
