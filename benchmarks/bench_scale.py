"""Benchmark: how the cost of a network fit grows with the number of studies.

Not a test. Run from the repository root:

    .venv/bin/python benchmarks/bench_scale.py [--sizes 50 200 1000 2000 5000] [--out /tmp/bench-scale]

Networks: 10 treatments, about 20 % three-arm studies, arm-level mean differences, generated with a fixed seed
(``bench_network.generated_network``). Per size it reports

- ``fit s``: an in-process REML fit, ``fit_network(studies, "MD", "REML")`` from the study contrasts (stacking,
  tau^2, GLS), median of ``--repeats``;
- ``fit MB``: the peak memory the fit allocates (tracemalloc, measured in a separate run);
- ``process s`` and ``process MB``: a whole ``rapidrec nma`` process on the network's CSV (read, contrasts, fit,
  Q decomposition, node-splitting, P-scores, files written), wall time and peak resident memory (``--process``
  to include it);

then the slope of log(time) on log(studies) from 200 studies up (1 = linear growth), and writes ``scale.csv`` and
the log-log figure ``scale.png`` to ``--out``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
from bench_network import generated_network

from analysis.effects import contrasts_from_arms
from analysis.models.network import fit_network

SEED = 20261205
TREATMENTS = 10
THREE_ARM = 0.2


def scale_network(studies: int) -> pd.DataFrame:
    return generated_network(SEED, studies, TREATMENTS, THREE_ARM)


def time_fit(studies, repeats: int) -> tuple[float, float]:
    fit_network(studies, "MD", "REML", "T01")
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fit = fit_network(studies, "MD", "REML", "T01")
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), fit.tau2


def fit_memory(studies) -> float:
    tracemalloc.start()
    fit_network(studies, "MD", "REML", "T01")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def rapidrec_command() -> list[str]:
    exe = Path(sys.executable).with_name("rapidrec")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "analysis.cli"]


def time_process(csv: Path, out: Path) -> tuple[float, float]:
    """Wall time and peak resident memory (MB) of one ``rapidrec nma`` process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(rapidrec_command() + ["nma", str(csv), "--measure", "MD", "--reference", "T01",
                                                  "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"rapidrec nma failed on {csv}: {proc.stderr.read().decode()}")
    return wall, usage.ru_maxrss / 1024


def slope(sizes, times, from_size: int = 200) -> float:
    keep = [(n, t) for n, t in zip(sizes, times) if n >= from_size and t > 0]
    if len(keep) < 2:
        return float("nan")
    x, y = np.log([n for n, _ in keep]), np.log([t for _, t in keep])
    return float(np.polyfit(x, y, 1)[0])


def figure(frame: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), dpi=150)
    series = [("fit_s", "in-process REML fit")]
    if "process_s" in frame:
        series.append(("process_s", "whole rapidrec nma process"))
    for column, label in series:
        b = slope(frame["studies"], frame[column])
        ax.loglog(frame["studies"], frame[column], "o-", label=f"{label} (slope {b:.2f} from 200 studies)")
    n = np.array([frame["studies"].min(), frame["studies"].max()], dtype=float)
    ref = frame["fit_s"].iloc[-1] * n / n[-1]
    ax.loglog(n, ref, ":", color="grey", label="linear growth")
    ax.set_xlabel("studies in the network")
    ax.set_ylabel("seconds")
    ax.legend(fontsize=8, loc="center left")  # the empty band between the process and the fit
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 100, 200, 500, 1000, 2000, 5000])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--process", action="store_true", help="also time whole rapidrec nma processes")
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "bench-scale")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    header = f"{'studies':>8s} {'contrasts':>9s} {'fit s':>9s} {'fit MB':>8s}"
    print(header + (f" {'process s':>10s} {'process MB':>11s}" if args.process else "") + "  tau2", flush=True)
    for size in args.sizes:
        arms = scale_network(size)
        studies = contrasts_from_arms(arms, "MD", "T01")
        seconds, tau2 = time_fit(studies, args.repeats)
        row = {"studies": size, "contrasts": sum(len(s.treatments) for s in studies), "fit_s": seconds,
               "fit_mb": fit_memory(studies), "tau2": tau2}
        line = f"{size:8d} {row['contrasts']:9d} {seconds:9.4f} {row['fit_mb']:8.1f}"
        if args.process:
            with tempfile.TemporaryDirectory() as tmp:
                csv = Path(tmp) / "arms.csv"
                arms.to_csv(csv, index=False)
                row["process_s"], row["process_mb"] = time_process(csv, Path(tmp) / "out")
            line += f" {row['process_s']:10.2f} {row['process_mb']:11.1f}"
        print(f"{line}  {tau2:.10g}", flush=True)
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame.to_csv(args.out / "scale.csv", index=False)
    print(f"slope of log(fit time) on log(studies), from 200 studies: {slope(frame['studies'], frame['fit_s']):.2f}")
    if args.process:
        print(f"slope of log(process time) on log(studies), from 200 studies: "
              f"{slope(frame['studies'], frame['process_s']):.2f}")
    figure(frame, args.out / "scale.png")
    print(f"wrote {args.out / 'scale.csv'} and {args.out / 'scale.png'}")


if __name__ == "__main__":
    main()
