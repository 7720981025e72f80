"""Benchmark: the robustness stage (analysis/robustness/stage.py) on the embedded dataset.

Not a test. Run from the repository root:

    .venv/bin/python benchmarks/bench_robustness.py [--workers 2] [--repeats 1]

Times the threshold analysis (no re-run) and the leave-one-out pass plus the new-trial searches (each a
re-run of the networks, certainty and recommendations stage functions of one population on a dataset
changed by apply_scenario), with ``--workers`` processes, and counts the re-runs. The networks are fitted
once beforehand, as the build's networks stage does.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from analysis import engine
from analysis.certainty import load_rules
from analysis.dataset import load_dataset
from analysis.robustness import loo, trial
from analysis.robustness.analyse import robustness_analysis
from analysis.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=1)
    args = ap.parse_args()
    ds = load_dataset(ROOT / "data")
    settings = Settings().with_guideline(ds.guideline)
    rules = load_rules(ROOT / "settings" / "guideline.yaml")
    nets, assessments = {}, {}
    for pop in settings.populations:
        net, _ = engine.fit_outcome_network(ds, settings, "pain", pop)
        nets[net.key], assessments[net.key] = net, engine.assess(ds, settings, rules, net)
    calls = {"n": 0}
    original = engine.analyse_population

    def counted(*a, **k):
        calls["n"] += 1
        return original(*a, **k)

    for i in range(args.repeats):
        t0 = time.perf_counter()
        if args.workers == 1:  # count re-runs (in-process only)
            loo.analyse_population = trial.analyse_population = counted
        res = robustness_analysis(ds, settings, nets, assessments, rules, workers=args.workers)
        loo.analyse_population = trial.analyse_population = original
        total = time.perf_counter() - t0
        print(f"run {i + 1}: total {total:.1f} s (thresholds {res.seconds['thresholds']:.2f} s, "
              f"leave-one-out + trial searches {res.seconds['reruns']:.1f} s) with {args.workers} worker(s); "
              f"{len(res.rows)} recommendations, {len(res.loo)} leave-one-out changes"
              + (f", {calls['n']} re-runs" if args.workers == 1 else ""))


if __name__ == "__main__":
    main()
