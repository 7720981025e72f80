"""The ``rapidrec`` command line: discovers the subcommands in :mod:`analysis.commands`.

Errors in the user's input or environment (:class:`analysis.errors.AnalysisError`, a file that cannot be
read or written, a full disk) go to stderr as one readable message with exit status 2; anything else is an
internal error: one message with a hint to report it and exit status 1, the traceback only with ``--debug``.
Progress goes to stderr too.
"""

from __future__ import annotations

import argparse
import os
import sys

from analysis.commands import discover
from analysis.console import visible_output
from analysis.errors import AnalysisError

EPILOG = """examples:
  rapidrec build                      compute every result into _results/
  rapidrec render                     build, then render the book (_book/index.html) and the PDF
  rapidrec validate data/             check an extraction data package
  rapidrec nma arms.csv --measure MD --reference placebo --out results/
"""


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rapidrec",
        description="Regenerate a GRADE guideline, its evidence and its answers to critics from an extraction dataset.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help="on an internal error, show the Python traceback")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for mod in discover():
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP, epilog=f"example:\n  {mod.EXAMPLE}",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        mod.add_arguments(p)
        p.set_defaults(func=mod.run)
    return parser


# numpy's BLAS starts a thread per core and spins them in every matrix product; the engine's products are of a few
# rows per study (analysis.models.blocks), where those threads only burn CPU (measured: `rapidrec nma` used 1.0 s of
# CPU in 0.63 s of wall time, and 0.63 s in 0.63 s with one thread). One BLAS thread per process unless the user
# chose otherwise; the work that runs in parallel does so in processes (analysis.workers), whose children inherit it.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def main(argv: list[str] | None = None) -> int:
    for name in BLAS_THREAD_VARIABLES:  # before anything imports numpy
        os.environ.setdefault(name, "1")
    args = make_parser().parse_args(argv)
    with visible_output():
        return _run(args)


def _run(args) -> int:
    try:
        return args.func(args)
    except AnalysisError as exc:
        print(f"rapidrec {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the environment: a path that cannot be read or written, a full disk
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"rapidrec {args.command}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        print("rapidrec: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place every other failure becomes a message
        if args.debug:
            raise
        print(f"rapidrec {args.command}: internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in rapidrec, not in your input: please report it with the command you ran "
              "(rerun with --debug for the traceback).", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
