"""Wall time of `rapidrec render` (built-in renderer): a clean render, then a second with nothing changed.

Run from the repository root:  .venv/bin/python benchmarks/bench_render.py
It copies the project into a temporary directory, so the working tree is untouched.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = ["_quarto.yml", "index.qmd", "chapters", "data", "references.bib", "scenarios", "responses", "settings"]


def main() -> int:
    cli = Path(sys.executable).with_name("rapidrec")
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        for name in FILES:
            src = ROOT / name
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, project / name)
        for label in ("clean render", "second render, nothing changed"):
            t0 = time.perf_counter()
            subprocess.run([str(cli), "render", "--quarto", "never"], cwd=project, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print(f"{label}: {time.perf_counter() - t0:.1f} s wall")
    return 0


if __name__ == "__main__":
    sys.exit(main())
