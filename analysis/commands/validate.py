"""rapidrec validate: check a data package and report every problem."""

import sys
from pathlib import Path

NAME = "validate"
HELP = "check a data package and report every problem with file, row and column"
EXAMPLE = "rapidrec validate data/"


def add_arguments(p):
    p.add_argument("dir", nargs="?", default="data", help="data package directory (default: data)")


def run(args) -> int:
    from analysis.dataset import validate_dataset
    from analysis.dataset.issues import problem_lines

    path = Path(args.dir)
    issues = validate_dataset(path)
    if issues:
        for line in problem_lines(issues):
            print(line, file=sys.stderr)
        print(f"{len(issues)} problem(s) found in {path}; nothing was written", file=sys.stderr)
        return 1
    print(f"{path}: valid")
    return 0
