"""Benchmark: a whole `rapidrec build` (robustness searches and scenarios included) on the embedded dataset and on
datasets N times its size (`rapidrec synthesize --scale N`), side by side in one run.

Not a test. Run from the repository root:

    .venv/bin/python benchmarks/bench_build_scale.py [--scales 1 5] [--repeats 2]

Each scale gets a temporary copy of this project with its data/ replaced by the synthesized package (scale 1 is
the embedded package itself). Builds are cold (no _cache/, no _results/) and alternate between the scales, so
the machine's load falls on all of them alike; the table gives the median wall time, the ratio to scale 1 and
the number of trials with pain data.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.project import CACHE_DIR, DATA_DIR, INPUTS, RESULTS_DIR
from analysis.synthesize import generate

ROOT = Path(__file__).resolve().parents[1]


def make_project(where: Path, scale: int) -> Path:
    project = where / f"x{scale}"
    project.mkdir()
    for name in INPUTS:
        source = ROOT / name
        if name == DATA_DIR or not source.exists():
            continue
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / name)
    generate(project / DATA_DIR, scale=scale)
    return project


def cold_build(project: Path) -> float:
    for name in (CACHE_DIR, RESULTS_DIR):
        shutil.rmtree(project / name, ignore_errors=True)
    exe = Path(sys.executable).with_name("rapidrec")
    t0 = time.perf_counter()
    subprocess.run([str(exe), "build", "--project", str(project)], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 5])
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        projects = {}
        for scale in args.scales:
            print(f"synthesizing x{scale}", file=sys.stderr, flush=True)
            projects[scale] = make_project(Path(tmp), scale)
        times: dict[int, list[float]] = {s: [] for s in args.scales}
        for r in range(args.repeats):
            for scale, project in projects.items():
                times[scale].append(cold_build(project))
                print(f"round {r + 1}: x{scale} {times[scale][-1]:.1f} s", file=sys.stderr, flush=True)
        first = float(np.median(times[args.scales[0]]))
        print(f"{'scale':>5s} {'trials with data':>16s} {'build s (median)':>17s} {'ratio':>6s}  all runs")
        for scale, project in projects.items():
            studies = pd.read_csv(project / DATA_DIR / "studies.csv")
            median = float(np.median(times[scale]))
            runs = ", ".join(f"{t:.1f}" for t in times[scale])
            print(f"{scale:5d} {int(studies['has_data'].sum()):16d} {median:17.1f} {median / first:6.2f}  {runs}")


if __name__ == "__main__":
    main()
