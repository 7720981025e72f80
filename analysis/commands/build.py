"""rapidrec build: compute every result from data/ into _results/."""

import time
from pathlib import Path

from analysis.commands import progress

NAME = "build"
HELP = "compute every result from data/ into _results/"
EXAMPLE = "rapidrec build --project ."


def add_arguments(p):
    p.add_argument("--project", default=".", help="project directory (default: current directory)")


def run(args) -> int:
    from analysis.build import build

    t0 = time.perf_counter()
    out = build(Path(args.project).resolve(), progress=progress)
    progress(f"results in {out} ({time.perf_counter() - t0:.1f} s)")
    return 0
