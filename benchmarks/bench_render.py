"""Wall time of `rapidrec render` (built-in renderer) in the four situations of issue 14.

1. a clean render (no results, no book, no cache);
2. a second render with nothing changed;
3. after editing one chapter's prose (a sentence appended to chapters/harms.qmd);
4. after changing one value in data/ (the first pain mean of data/outcomes.csv, 10.7 -> 10.8).

Run from the repository root:

    .venv/bin/python benchmarks/bench_render.py [--cli PATH/TO/rapidrec] [--project-from DIR] [--repeats N]

It copies the project's inputs into a temporary directory, so the working tree is untouched. ``--cli`` and
``--project-from`` let one run time another checkout (e.g. the previous commit, in a worktree with its own
virtual environment) side by side: ``--repeats`` alternates between them when several ``--cli`` are given.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.audit.verify import copy_inputs  # the project's inputs (analysis.project.INPUTS)

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("clean render", "nothing changed", "one chapter's prose edited", "one value in data/ changed")


def render(cli: str, project: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run([cli, "render", "--quarto", "never"], cwd=project, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def one_run(cli: str, source: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        copy_inputs(source, project)
        times = {STEPS[0]: render(cli, project), STEPS[1]: render(cli, project)}
        chapter = project / "chapters" / "harms.qmd"
        chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
        times[STEPS[2]] = render(cli, project)
        outcomes = project / "data" / "outcomes.csv"
        text = outcomes.read_text(encoding="utf-8")
        outcomes.write_text(text.replace(",51,10.7,20.6,", ",51,10.8,20.6,", 1), encoding="utf-8")
        times[STEPS[3]] = render(cli, project)
        return times


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", action="append", help="rapidrec executable (repeat to compare; default: this venv's)")
    ap.add_argument("--project-from", action="append", type=Path,
                    help="checkout whose project inputs each --cli renders (default: this repository)")
    ap.add_argument("--repeats", type=int, default=1)
    args = ap.parse_args()
    clis = args.cli or [str(Path(sys.executable).with_name("rapidrec"))]
    sources = args.project_from or [ROOT] * len(clis)
    results: dict[str, list[dict[str, float]]] = {c: [] for c in clis}
    for i in range(args.repeats):
        for cli, source in zip(clis, sources):  # alternating: the machine's load falls on both alike
            results[cli].append(one_run(cli, source))
            print(f"run {i + 1} {cli}: " + ", ".join(f"{k} {v:.1f} s" for k, v in results[cli][-1].items()),
                  flush=True)
    for cli, runs in results.items():
        print(f"\n{cli} (median of {len(runs)}):")
        for step in STEPS:
            values = sorted(r[step] for r in runs)
            print(f"  {step:<30} {values[len(values) // 2]:6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
