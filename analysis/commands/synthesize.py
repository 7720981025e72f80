"""rapidrec synthesize: write the calibrated synthetic data package."""

from pathlib import Path

from analysis.commands import progress

NAME = "synthesize"
HELP = "write the calibrated synthetic data package (fixed seed)"
EXAMPLE = "rapidrec synthesize --out data/"


def add_arguments(p):
    p.add_argument("--out", default="data", help="output directory (default: data)")
    p.add_argument("--seed", type=int, default=20250226, help="random seed (default: 20250226)")


def run(args) -> int:
    from analysis.synthesize import generate

    progress("generating and calibrating the synthetic trials (about 20 s)")
    generate(Path(args.out), seed=args.seed)
    progress(f"synthetic data package written to {args.out}")
    return 0
