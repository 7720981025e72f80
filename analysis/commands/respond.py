"""rapidrec respond: answer a critic's letter (responses/NAME/letter.yaml) with the analysis re-run."""

import time
from pathlib import Path

from analysis.commands import progress

NAME = "respond"
HELP = ("answer a critic's letter: `respond new NAME` writes responses/NAME/letter.yaml to fill in; "
        "`respond NAME` runs its scenarios and renders the answer into _responses/NAME/: response.html|pdf (what the "
        "authors would post) and appendix.html|pdf (every analysis in full, with the audit trail)")
EXAMPLE = "rapidrec respond new my-letter    |    rapidrec respond society-34"


def add_arguments(p):
    p.add_argument("words", nargs="+", metavar="NAME", help="`new NAME` to start a letter, or NAME to answer it")
    p.add_argument("--project", default=".", help="project directory (default: current directory)")
    p.add_argument("--html-only", action="store_true", help="render the HTML only (no PDF)")
    p.add_argument("--force", action="store_true", help="with `new`: overwrite an existing letter file")


def run(args) -> int:
    from analysis.errors import AnalysisError

    project = Path(args.project).resolve()
    if args.words[0] == "new":
        if len(args.words) != 2:
            raise AnalysisError("usage: rapidrec respond new NAME")
        from analysis.responses.scaffold import scaffold

        path = scaffold(project, args.words[1], force=args.force)
        print(path)
        progress(f"fill it in from the letter, then run: rapidrec respond {args.words[1]}")
        return 0
    if len(args.words) != 1:
        raise AnalysisError("usage: rapidrec respond NAME   (or: rapidrec respond new NAME)")
    respond(project, args.words[0], formats=("html",) if args.html_only else ("html", "pdf"))
    return 0


def respond(project: Path, name: str, formats=("html", "pdf")):
    from analysis.build import build
    from analysis.responses.document import render_answer
    from analysis.responses.letter import load_letter

    t0 = time.perf_counter()
    # the file and its form now; the build checks it against the data with every other letter, before any stage
    letter = load_letter(project, name)
    progress(f"{letter.file}: {len(letter.claims)} claim(s), {len(letter.scenarios())} scenario(s)")
    build(project, progress=progress)  # runs every letter's scenarios (reusing unchanged ones)
    t1 = time.perf_counter()
    result = render_answer(project, name, progress=progress, formats=formats)
    for path in result.paths():
        print(path)
    progress(f"answer to {name} in {time.perf_counter() - t0:.1f} s (analysis {t1 - t0:.1f} s, "
             f"rendering {time.perf_counter() - t1:.1f} s)")
    return result
