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


@dataclass(frozen=True)
class Rendered:
    path: Path  # the project: _results/, _book/, _cache/ beside its inputs
    stderr: str  # the progress `rapidrec render` printed

    @cached_property
    def pdf_pages(self) -> list[str]:
        """The text of every page of the PDF (extracted once: about 20 s for the whole book)."""
        return [page.extract_text() for page in PdfReader(self.path / "_book" / "rapidrec-guideline.pdf").pages]


@pytest.fixture(scope="session")
def rendered_project(tmp_path_factory) -> Rendered:
    """A copy of the project built and rendered once per test session by `rapidrec render --quarto never`,
    as a user without Quarto does. Tests read it; a test that changes a project works on a clone of it."""
    project = copy_project(tmp_path_factory.mktemp("rendered") / "project")
    done = rapidrec("render", "--quarto", "never", cwd=project)
    assert done.returncode == 0, done.stderr
    return Rendered(project, done.stderr)
