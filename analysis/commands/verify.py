"""rapidrec verify: rebuild from scratch in a temporary directory and compare with the current results and book."""

from pathlib import Path

from analysis.commands import progress

NAME = "verify"
HELP = "rebuild everything from the data in a temporary directory and report every difference from _results/ and _book/"
EXAMPLE = "rapidrec verify"


def add_arguments(p):
    p.add_argument("--project", default=".", help="project directory (default: current directory)")
    p.add_argument("--quarto", choices=["auto", "always", "never"], default="never",
                   help="renderer for the rebuild; use the one that rendered _book/ (default: the built-in one)")
    p.add_argument("--keep", help="also copy the rebuilt project to this directory")


def run(args) -> int:
    from analysis.audit.verify import verify

    result = verify(Path(args.project), progress=progress, use_quarto=args.quarto,
                    keep=Path(args.keep) if args.keep else None)
    for d in result.differences:
        print(d)
    if result.differences:
        progress(f"verify FAILED: {len(result.differences)} differences in {result.compared} files "
                 f"({result.seconds:.1f} s)")
        return 1
    progress(f"verify passed: {result.compared} files identical to a rebuild from scratch ({result.seconds:.1f} s)")
    return 0
