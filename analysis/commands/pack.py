"""rapidrec pack: one deterministic archive for a reviewer."""

from pathlib import Path

NAME = "pack"
HELP = "write a reviewer's pack: data, results registry, rendered book, environment record and a README"
EXAMPLE = "rapidrec pack --out review.tar.gz"


def add_arguments(p):
    p.add_argument("--project", default=".", help="project directory (default: current directory)")
    p.add_argument("--out", help="archive to write (default: PROJECT/rapidrec-pack.tar.gz); never inside the "
                                 "project's inputs, results or book")
    p.add_argument("--force", action="store_true", help="replace an existing file that is not an earlier pack")


def run(args) -> int:
    from analysis.audit.pack import DEFAULT_OUT, pack

    project = Path(args.project).resolve()
    out = pack(project, Path(args.out) if args.out else project / DEFAULT_OUT, force=args.force)
    print(out)
    return 0
