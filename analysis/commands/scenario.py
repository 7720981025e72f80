"""rapidrec scenario: re-run the whole pipeline under a scenario file and compare it with the base case."""

import time
from pathlib import Path

from analysis.commands import progress
from analysis.errors import AnalysisError

NAME = "scenario"
HELP = "re-run the analysis under a scenario (scenarios/*.yaml) and compare it with the base case"
EXAMPLE = "rapidrec scenario scenarios/lumbar-only.yaml"


def add_arguments(p):
    p.add_argument("file", nargs="*", help="scenario file(s) (YAML; see scenarios/README.md)")
    p.add_argument("--project", default=".", help="project directory (default: current directory)")
    p.add_argument("--check", action="store_true", help="only validate the scenario(s) against the data; write nothing")
    p.add_argument("--no-figures", action="store_true", help="skip the base-versus-scenario forest plots")
    p.add_argument("--filters", action="store_true",
                   help="print the columns a `where` filter can test and their values (from the data package) "
                        "as the Markdown table of scenarios/README.md, and exit")


def run(args) -> int:
    from analysis.certainty.config import load_rules
    from analysis.dataset import load_dataset
    from analysis.project import DATA_DIR, settings_file
    from analysis.scenarios import apply_scenario, load_scenario
    from analysis.scenarios.run import run_scenario

    project = Path(args.project).resolve()
    if args.filters:
        from analysis.scenarios.filters_guide import filters_markdown

        print(filters_markdown(project / DATA_DIR), end="")
        return 0
    if not args.file:
        raise AnalysisError("name at least one scenario file (e.g. rapidrec scenario scenarios/lumbar-only.yaml), "
                            "or --filters")
    if args.check:
        ds = load_dataset(project / DATA_DIR)
        rules = load_rules(settings_file(project))
        for f in args.file:
            applied = apply_scenario(ds, load_scenario(f), rules=rules)
            print(f"{f}: valid ({len(applied.log)} operation(s))")
        return 0
    for f in args.file:
        t0 = time.perf_counter()
        result = run_scenario(project, f, progress=progress, figures=not args.no_figures)
        print(result.summary)
        print(f"\nresults, comparison.csv and figures: {result.results}")
        progress(f"scenario {result.scenario.id} done in {time.perf_counter() - t0:.1f} s")
    return 0
