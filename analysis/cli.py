"""The ``rapidrec`` command line: discovers the subcommands in :mod:`analysis.commands`.

Errors in the user's input (:class:`analysis.errors.AnalysisError`) go to stderr
as one readable message with exit status 2; progress goes to stderr too.
"""

from __future__ import annotations

import argparse
import sys

from analysis.commands import discover
from analysis.errors import AnalysisError

EPILOG = """examples:
  rapidrec build                      compute every result into _results/
  rapidrec render                     build, then render _book/index.html and the PDF
  rapidrec validate data/             check an extraction data package
  rapidrec nma arms.csv --measure MD --reference placebo --out results/
"""


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rapidrec",
        description="Regenerate a GRADE guideline, its evidence and its answers to critics from an extraction dataset.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for mod in discover():
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP, epilog=f"example:\n  {mod.EXAMPLE}",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        mod.add_arguments(p)
        p.set_defaults(func=mod.run)
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
