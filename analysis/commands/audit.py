"""rapidrec audit: one number's derivation, or every number a study influences."""

from pathlib import Path

from analysis.project import RESULTS_DIR

NAME = "audit"
HELP = "explain where a number in the book comes from (or list every number a study influences)"
EXAMPLE = ("rapidrec audit pain/axial/joint-rf/vs-sham/estimate    |    rapidrec audit --study SYN-008    |    "
           "rapidrec audit pain/axial/n-trials --scenario lumbar-only")


def add_arguments(p):
    p.add_argument("id", nargs="?", help="registry id of the number (see _results/numbers.json)")
    p.add_argument("--study", help="list every number this study influences")
    p.add_argument("--project", default=".", help="project directory (default: current directory)")
    p.add_argument("--scenario", metavar="ID_OR_FILE",
                   help="audit the results of a scenario (_results/scenarios/<id>/, written by rapidrec scenario)")
    p.add_argument("--results", help="results directory (default: PROJECT/_results)")


def results_dir(args) -> Path:
    from analysis.errors import AnalysisError

    if args.results:
        return Path(args.results)
    base = Path(args.project) / RESULTS_DIR
    if not args.scenario:
        return base
    sid = args.scenario
    if Path(sid).is_file():
        from analysis.scenarios import load_scenario

        sid = load_scenario(sid).id
    out = base / "scenarios" / sid
    if not (out / "numbers.json").exists():
        raise AnalysisError(f"no results for scenario {sid!r} in {out}; run `rapidrec scenario scenarios/{sid}.yaml`")
    return out


def run(args) -> int:
    from analysis.audit.explain import AuditData, format_study, format_text
    from analysis.errors import AnalysisError

    if bool(args.id) == bool(args.study):
        raise AnalysisError("give either a number id or --study STUDY (not both)")
    data = AuditData(results_dir(args))
    if args.study:
        print(format_study(args.study, data), end="")
    else:
        print(format_text(data.explain(args.id), data), end="")
    return 0
