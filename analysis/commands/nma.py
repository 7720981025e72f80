"""rapidrec nma: network meta-analysis of any arm-level or contrast-level CSV file."""

import sys
from pathlib import Path

from analysis.commands import progress

NAME = "nma"
HELP = "network meta-analysis of a CSV file"
EXAMPLE = ("rapidrec nma arms.csv --measure MD --method REML --reference placebo --out results/\n"
           "  rapidrec nma contrasts.csv --measure OR --format json > result.json")


def add_arguments(p):
    p.add_argument("input", help="CSV: arm-level (study,treatment,n,mean,sd | events) "
                                 "or contrast-level (study,treat1,treat2,yi,se)")
    p.add_argument("--measure", required=True, choices=["MD", "SMD", "OR", "RR", "RD"], type=str.upper)
    p.add_argument("--method", default="REML", choices=["REML", "DL", "PM", "common"],
                   help="random effects with tau^2 by REML (default), DerSimonian-Laird or Paule-Mandel, or the "
                        "common-effect model")
    p.add_argument("--test", default="z", choices=["z", "knha"],
                   help="intervals: normal (default), or Knapp-Hartung (covariance scaled by the generalised Q "
                        "over its df, t on that df) for the CIs and prediction intervals")
    p.add_argument("--reference", default=None, help="reference treatment (default: first in sorted order)")
    p.add_argument("--small-values", default="good", choices=["good", "bad"],
                   help="whether smaller effects are better, for the P-scores (default: good)")
    p.add_argument("--out", help="output directory for the CSV and JSON files (required unless --format json)")
    p.add_argument("--format", default="text", choices=["text", "json"],
                   help="what goes to standard output: a readable summary (default), or the whole result as one JSON "
                        "document, every table as a list of rows (with --out the files are written too)")
    p.add_argument("--rankogram", action="store_true",
                   help="also draw the rank probabilities as rankogram.png (imports matplotlib)")
    p.add_argument("--force", action="store_true",
                   help="write into --out even if it holds other files (never over the input or into a data package)")
    p.add_argument("--keep-double-zero", action="store_true",
                   help="OR/RR: keep studies with no events in any arm (default: leave them out, naming each)")


def run(args) -> int:
    from analysis.errors import DataError
    from analysis.nma_files import OUTPUT_FILES, run_nma, summary_text
    from analysis.output_paths import check_output_dir
    from analysis.results_io import json_text

    if args.out is None and (args.format == "text" or args.rankogram):
        raise DataError("--out: expected an output directory (only --format json without --rankogram may omit it)")
    if args.out is not None:
        check_output_dir(Path(args.out), OUTPUT_FILES, reads=(Path(args.input),), force=args.force)
    result = run_nma(Path(args.input), args.measure, args.method, args.reference, small_values=args.small_values,
                     keep_double_zero=args.keep_double_zero, report=progress, test=args.test)
    if args.out is not None:
        result.write(Path(args.out))
    if args.format == "json":
        sys.stdout.write(json_text(result.document(args.input)))
    else:
        print(summary_text(result.fit, result.heterogeneity))
    if args.out is None:
        return 0
    written = "effects.csv, league.csv, heterogeneity.json, nodesplit.csv, ranking.csv, rank_probabilities.csv"
    if args.rankogram:  # matplotlib only when asked for: it would double the command's start-up time
        from analysis.figures.rankogram import rankogram_figure

        fig = rankogram_figure(result.ranks)
        fig.savefig(Path(args.out) / "rankogram.png", dpi=150, metadata={"Software": None})
        written += ", rankogram.png"
    progress(f"wrote {written} to {args.out}")
    return 0
