"""rapidrec synthesize: write the calibrated synthetic data package."""

import argparse
from pathlib import Path

from analysis.commands import progress
from analysis.errors import DataError
from analysis.project import DATA_DIR

NAME = "synthesize"
HELP = "write the calibrated synthetic data package (fixed seed)"
EXAMPLE = "rapidrec synthesize --out data/\n  rapidrec synthesize --scale 5 --out /tmp/x5/data   # 5 times the trials, for benchmarks"
SECONDS_PER_REPLICA = 10


def add_arguments(p):
    p.add_argument("--out", default=None, help=f"output directory (default: {DATA_DIR}; with --scale, required and "
                                               f"outside {DATA_DIR}/)")
    p.add_argument("--seed", type=int, default=20250226, help="random seed (default: 20250226)")
    p.add_argument("--scale", type=_scale, default=1, metavar="N",
                   help="write a dataset N times the size of the embedded one: N replicas of it, each drawn and "
                        "calibrated by the same rules (default: 1)")


def _scale(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def run(args) -> int:
    from analysis.synthesize import generate

    if args.scale > 1:
        if args.out is None:
            raise DataError(f"--scale {args.scale}: give --out, a directory outside {DATA_DIR}/ "
                            f"(for example --out /tmp/x{args.scale}/{DATA_DIR})")
        if _inside(Path(args.out), Path(DATA_DIR)):
            raise DataError(f"--out {args.out}: a scaled dataset is for benchmarks and is never written into "
                            f"{DATA_DIR}/; give a directory outside it")
    out = Path(args.out or DATA_DIR)
    progress(f"generating and calibrating the synthetic trials (about {SECONDS_PER_REPLICA * args.scale} s)")
    generate(out, seed=args.seed, scale=args.scale, report=progress)
    progress(f"synthetic data package written to {out}")
    return 0
