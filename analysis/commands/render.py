"""rapidrec render: build, then render the book (HTML and PDF)."""

from pathlib import Path

from analysis.commands import progress

NAME = "render"
HELP = "build, then render the book to _book/ (HTML and PDF)"
EXAMPLE = "rapidrec render"


def add_arguments(p):
    p.add_argument("--project", default=".", help="project directory (default: current directory)")
    p.add_argument("--quarto", choices=["auto", "always", "never"], default="auto",
                   help="use quarto when it is on PATH (auto), require it (always), or use the built-in renderer (never)")
    p.add_argument("--scenario", metavar="FILE", default=None,
                   help="render the whole book under a scenario (scenarios/*.yaml) into _book-scenarios/<id>/")


def run(args) -> int:
    from analysis.render_command import render

    result = render(Path(args.project).resolve(), progress=progress, use_quarto=args.quarto,
                    scenario=args.scenario)
    for path in (result.html, result.pdf):
        if path is not None:
            print(path)
    progress(f"rendered with the {result.engine} renderer in {result.seconds:.1f} s")
    return 0
