"""Benchmark: REML network fit, ours versus metafor's rma.mv, in the same run.

Not a test. Run from the repository root:

    .venv/bin/python benchmarks/bench_network.py [--repeats 21]

Datasets: dat.senn2013 (tests/reference/data/senn2013.csv, MD, reference placebo) and
a generated network of 81 trials and 15 treatments (fixed seed; 9 three-arm trials).
Our time: ``fit_network(studies, "MD", "REML")`` from the study contrasts (stacking,
REML tau^2, GLS). metafor's time: ``rma.mv(yi, V, mods = X, intercept = FALSE,
random = ~ comp | study, struct = "CS", rho = 1/2, method = "REML")`` on the same
contrasts, timed inside R (R start-up and data loading excluded). Median of repeats.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.effects import contrasts_from_arms
from analysis.models.network import build_network, fit_network

ROOT = Path(__file__).resolve().parents[1]

R_SCRIPT = r"""
suppressPackageStartupMessages(library(metafor))
args <- commandArgs(TRUE); dir <- args[1]; reps <- as.integer(args[2])
dat <- read.csv(file.path(dir, "rows.csv"), stringsAsFactors = FALSE)
X <- as.matrix(read.csv(file.path(dir, "X.csv"))); V <- as.matrix(read.csv(file.path(dir, "V.csv")))
fit1 <- function() rma.mv(dat$yi, V, mods = X, intercept = FALSE, random = ~ comp | study, struct = "CS",
                          rho = 1/2, method = "REML", data = dat)
f <- fit1()
times <- vapply(seq_len(reps), function(i) { t0 <- proc.time()[["elapsed"]]; fit1(); proc.time()[["elapsed"]] - t0 },
                numeric(1))
# finer clock: repeat inside one timing when a single fit is below the clock's resolution
inner <- 20
t0 <- proc.time()[["elapsed"]]; for (i in seq_len(inner)) fit1(); per <- (proc.time()[["elapsed"]] - t0) / inner
cat(sprintf("%.17g %.17g %.17g\n", median(times), per, f$tau2))
"""


def generated_network(seed: int = 20240601, trials: int = 81, treatments: int = 15,
                      three_arm: float = 1 / 9) -> pd.DataFrame:
    """Arm-level continuous data: a star around T01 (so the network is connected), then random designs, each
    three-arm with probability ``three_arm``."""
    rng = np.random.default_rng(seed)
    names = [f"T{i:02d}" for i in range(1, treatments + 1)]
    effect = dict(zip(names, np.concatenate([[0.0], rng.normal(-0.5, 0.4, treatments - 1)])))
    designs = [(names[0], names[i]) for i in range(1, treatments)]
    while len(designs) < trials:
        k = 3 if rng.random() < three_arm else 2
        designs.append(tuple(rng.choice(names, size=k, replace=False)))
    rows = []
    for s, design in enumerate(designs, 1):
        base = rng.normal(0, 1)
        delta = rng.normal(0, 0.3, len(design))
        for j, t in enumerate(design):
            n = int(rng.integers(20, 200))
            sd = float(rng.uniform(0.8, 1.6))
            mu = base + effect[t] + (delta[j] if j else 0.0)
            rows.append((f"trial{s:05d}", t, n, round(mu + rng.normal(0, sd / np.sqrt(n)), 6), round(sd, 4)))
    return pd.DataFrame(rows, columns=["study", "treatment", "n", "mean", "sd"])


def time_ours(studies, reference, repeats):
    fit = fit_network(studies, "MD", "REML", reference)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fit_network(studies, "MD", "REML", reference)
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), fit.tau2


def time_metafor(studies, reference, repeats):
    net = build_network(studies, reference)
    with tempfile.TemporaryDirectory() as tmp:
        comp = [f"{a} vs {b}" for a, b in net.row_contrast]
        pd.DataFrame({"study": net.row_study, "comp": comp, "yi": net.y}).to_csv(Path(tmp) / "rows.csv", index=False)
        pd.DataFrame(net.X, columns=list(net.parameters)).to_csv(Path(tmp) / "X.csv", index=False)
        V = np.zeros((len(net.y), len(net.y)))
        for rows, block in zip(net.model.rows, net.model.V):
            k = int(np.sum(rows >= 0))
            V[np.ix_(rows[:k], rows[:k])] = block[:k, :k]
        pd.DataFrame(V).to_csv(Path(tmp) / "V.csv", index=False)
        (Path(tmp) / "bench.R").write_text(R_SCRIPT)
        out = subprocess.run(["Rscript", str(Path(tmp) / "bench.R"), tmp, str(repeats)],
                             check=True, capture_output=True, text=True).stdout.split()
    median, per_inner, tau2 = map(float, out)
    return median, per_inner, tau2


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=21)
    args = ap.parse_args()
    sets = {
        "senn2013 (26 trials, 10 treatments)": (pd.read_csv(ROOT / "tests/reference/data/senn2013.csv"), "placebo"),
        "generated (81 trials, 15 treatments)": (generated_network(), "T01"),
    }
    print(f"{'network':40s} {'ours ms':>9s} {'metafor ms':>11s} {'ratio':>7s}  tau2 ours / metafor")
    for label, (arms, ref) in sets.items():
        studies = contrasts_from_arms(arms, "MD", ref)
        ours, tau_ours = time_ours(studies, ref, args.repeats)
        median, per_inner, tau_r = time_metafor(studies, ref, args.repeats)
        r_time = per_inner if median < 0.01 else median
        print(f"{label:40s} {1e3 * ours:9.2f} {1e3 * r_time:11.2f} {ours / r_time:7.3f}  {tau_ours:.8g} / {tau_r:.8g}")


if __name__ == "__main__":
    main()
