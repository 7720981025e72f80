"""The ``rapidrec`` command line: thin wrappers that parse arguments and call the library.

Errors go to stderr with a non-zero exit status; progress goes to stderr so that
stdout carries only what a command is asked to print.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from analysis.errors import AnalysisError

EPILOG = """examples:
  rapidrec build                      compute every result into _results/
  rapidrec render                     build, then render _book/index.html and the PDF
  rapidrec validate data/             check an extraction data package
  rapidrec nma arms.csv --measure MD --reference placebo --out results/
"""


def progress(message: str) -> None:
    print(f"[rapidrec] {message}", file=sys.stderr, flush=True)


def _project_dir(args) -> Path:
    return Path(getattr(args, "project", None) or ".").resolve()


def cmd_build(args) -> int:
    from analysis.build import build

    t0 = time.perf_counter()
    out = build(_project_dir(args), progress=progress)
    progress(f"results written to {out} in {time.perf_counter() - t0:.1f} s")
    return 0


def cmd_render(args) -> int:
    from analysis.render_command import render

    result = render(_project_dir(args), progress=progress, use_quarto=args.quarto)
    for path in (result.html, result.pdf):
        if path is not None:
            print(path)
    progress(f"rendered in {result.seconds:.1f} s")
    return 0


def cmd_validate(args) -> int:
    from analysis.dataset import validate_dataset

    path = Path(args.dir)
    issues = validate_dataset(path)
    if issues:
        for issue in issues:
            print(issue.format(), file=sys.stderr)
        print(f"{len(issues)} problem(s) found in {path}; nothing was written", file=sys.stderr)
        return 1
    print(f"{path}: valid")
    return 0


def cmd_nma(args) -> int:
    from analysis.nma_files import run_nma, summary_text

    fit, het = run_nma(Path(args.input), args.measure, args.method, args.reference, Path(args.out),
                       small_values=args.small_values)
    print(summary_text(fit, het))
    progress(f"wrote effects.csv, league.csv, heterogeneity.json, nodesplit.csv, ranking.csv to {args.out}")
    return 0


def cmd_synthesize(args) -> int:
    from analysis.synthesize import generate

    generate(Path(args.out), seed=args.seed)
    progress(f"synthetic data package written to {args.out}")
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rapidrec",
        description="Regenerate a GRADE guideline, its evidence and its answers to critics from an extraction dataset.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name, func, help_, example):
        p = sub.add_parser(name, help=help_, description=help_, epilog=f"example:\n  {example}",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(func=func)
        return p

    p = add("build", cmd_build, "compute every result from data/ into _results/", "rapidrec build --project .")
    p.add_argument("--project", default=".", help="project directory (default: current directory)")

    p = add("render", cmd_render, "build, then render the book to _book/ (HTML and PDF)", "rapidrec render")
    p.add_argument("--project", default=".", help="project directory (default: current directory)")
    p.add_argument("--quarto", choices=["auto", "always", "never"], default="auto",
                   help="use quarto when it is on PATH (auto), require it (always), or use the built-in renderer (never)")

    p = add("validate", cmd_validate, "check a data package and report every problem", "rapidrec validate data/")
    p.add_argument("dir", nargs="?", default="data", help="data package directory (default: data)")

    p = add("nma", cmd_nma, "network meta-analysis of a CSV file",
            "rapidrec nma arms.csv --measure MD --method REML --reference placebo --out results/")
    p.add_argument("input", help="CSV: arm-level (study,treatment,n,mean,sd | events) or contrast-level (study,treat1,treat2,yi,se)")
    p.add_argument("--measure", required=True, choices=["MD", "SMD", "OR", "RR", "RD"], type=str.upper)
    p.add_argument("--method", default="REML", choices=["REML", "DL", "common"],
                   help="random effects by REML (default) or DerSimonian-Laird, or the common-effect model")
    p.add_argument("--reference", default=None, help="reference treatment (default: first in sorted order)")
    p.add_argument("--small-values", default="good", choices=["good", "bad"],
                   help="whether smaller effects are better, for the P-scores (default: good)")
    p.add_argument("--out", required=True, help="output directory")

    p = add("synthesize", cmd_synthesize, "write the calibrated synthetic data package",
            "rapidrec synthesize --out data/")
    p.add_argument("--out", default="data", help="output directory (default: data)")
    p.add_argument("--seed", type=int, default=20250226, help="random seed (default: 20250226)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except AnalysisError as exc:
        print(f"rapidrec {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        print("rapidrec: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
