"""rapidrec lint: flag numerals typed by hand in chapter prose."""

from pathlib import Path

NAME = "lint"
HELP = "flag numbers typed by hand in chapter prose (they must come from the registry)"
EXAMPLE = "rapidrec lint    |    rapidrec lint chapters/evidence.qmd"


def add_arguments(p):
    p.add_argument("files", nargs="*", help="chapter files (default: every chapter and appendix in _quarto.yml)")
    p.add_argument("--project", default=".", help="project directory (default: current directory)")


def run(args) -> int:
    import sys

    from analysis.audit.lint import book_sources, lint_files

    project = Path(args.project).resolve()
    files = [Path(f).resolve() for f in args.files] or book_sources(project)
    findings = lint_files(files, root=project)
    for f in findings:
        print(f)
    print(f"rapidrec lint: {len(files)} files, {len(findings)} hand-typed numbers", file=sys.stderr)
    return 1 if findings else 0
