"""``rapidrec pack``: one deterministic archive for a reviewer.

A gzipped tar of the project's inputs (data package, chapters, book
configuration, bibliography, scenarios, letters), the results registry
(``_results/``, with ``environment.json``), the rendered book (``_book/``) and a README for the reviewer. Entries are
sorted and their metadata fixed (time, owner, mode), and the gzip header carries
no name or time, so the archive is byte-identical whenever its contents are.
"""

from __future__ import annotations

import gzip
import io
import tarfile
from importlib import metadata
from pathlib import Path

from analysis.errors import AnalysisError
from analysis.output_paths import check_output_file
from analysis.project import BOOK_DIR, INPUTS, RESULTS_DIR
from analysis.results_io import read_json

ROOT = "rapidrec-pack"
MTIME = 315532800  # 1980-01-01T00:00:00Z: fixed, and representable in every archive format
DEFAULT_OUT = "rapidrec-pack.tar.gz"

README = """\
# rapidrec reviewer's pack

This archive holds everything behind the guideline book it contains:

- `data/`: the extraction data package (data hash {data_hash});
- `chapters/`, `index.qmd`, `_quarto.yml`, `references.bib`{extra}: the book's sources;
- `_results/`: the results registry (`numbers.json`: every number printed in the book, with
  its value, the function and settings that computed it, its studies and their contributions),
  `provenance.csv` (the extracted rows behind each study), the result tables, and
  `environment.json` (the Python and package versions and the platform it was built with);
- `_book/`: the rendered book, a website (open `index.html`: a page per chapter, with search) and
  `{pdf}`; every number in the HTML links to its entry in the book's audit appendix.

Results computed under scenario: {scenario}. Environment: Python {python} on {platform};
rapidrec {rapidrec}.

## Reproduce and verify

With rapidrec installed (`pip install rapidrec=={rapidrec}`, or from its repository, in an
environment matching `_results/environment.json`), run in this directory:

    rapidrec verify     # rebuild from data/ in a temporary directory; compare with this pack
    rapidrec render     # rebuild every result from data/ and render the book here again

`rapidrec verify` exits with status 0 when every result file, the HTML and the PDF text are
identical to a rebuild from the data, and otherwise lists each difference by file and entry
(for `numbers.json`, by number id). To see where any number comes from:
`rapidrec audit ID` (ids are in `_results/numbers.json` and in the audit appendix), or
`rapidrec audit --study STUDY` for every number one trial influences.
"""


def _members(project: Path) -> list[tuple[str, Path]]:
    """(archive name, path) of every file in the pack, sorted by name. A symbolic link that leaves the project is
    refused: the pack holds the project's own files, never what a link points at elsewhere."""
    out = []
    for name in (*INPUTS, RESULTS_DIR, BOOK_DIR):
        src = project / name
        if src.is_file():
            out.append((name, src))
        elif src.is_dir():
            for p in src.rglob("*"):
                rel = p.relative_to(project)
                if p.is_file() and not any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
                    out.append((rel.as_posix(), p))
    for name, path in out:
        real = path.resolve()
        if real != project and project not in real.parents:
            raise AnalysisError(f"{name}: a symbolic link to {real}, outside the project; a pack holds the "
                                "project's own files only: copy the file into the project or remove the link")
    return sorted(out)


def is_pack(path: Path) -> bool:
    """Whether ``path`` is an archive ``pack`` wrote (a gzipped tar whose entries are under rapidrec-pack/)."""
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            first = tar.next()
    except (OSError, tarfile.TarError, EOFError):
        return False
    return first is not None and first.name == ROOT


def readme(project: Path) -> str:
    manifest = read_json(project / RESULTS_DIR / "manifest.json")
    env = read_json(project / RESULTS_DIR / "environment.json")
    try:
        version = metadata.version("rapidrec")
    except metadata.PackageNotFoundError:  # pragma: no cover
        version = "unknown"
    pdfs = sorted((project / BOOK_DIR).glob("*.pdf"))
    extra = "".join(f", `{n}/`" for n in ("scenarios", "responses", "settings") if (project / n).is_dir())
    return README.format(data_hash=manifest.get("data_hash"), scenario=manifest.get("scenario", "base"),
                         python=env.get("python"), platform=env.get("platform"), rapidrec=version,
                         pdf=pdfs[0].name if pdfs else "the PDF", extra=extra)


def _info(name: str, size: int, directory: bool = False) -> tarfile.TarInfo:
    info = tarfile.TarInfo(f"{ROOT}/{name}" if name else ROOT)
    info.size, info.mtime = size, MTIME
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.type = tarfile.DIRTYPE if directory else tarfile.REGTYPE
    info.mode = 0o755 if directory else 0o644
    return info


def pack(project: Path, out: Path, force: bool = False) -> Path:
    """Write the reviewer's pack of ``project`` to ``out`` (see :func:`check_output_file`); returns ``out``."""
    project = Path(project).resolve()
    check_output_file(out, project, is_pack, force)
    for need in (RESULTS_DIR + "/numbers.json", RESULTS_DIR + "/environment.json", "data"):
        if not (project / need).exists():
            raise AnalysisError(f"{project} has no {need}: run `rapidrec render` before packing")
    if not (project / BOOK_DIR / "index.html").exists():
        raise AnalysisError(f"{project} has no rendered book ({BOOK_DIR}/index.html): run `rapidrec render` first")
    out = Path(out).resolve()
    files = [(n, p) for n, p in _members(project) if p.resolve() != out]
    files.append(("README.md", None))
    files.sort(key=lambda f: f[0])
    dirs = sorted({"/".join(n.split("/")[:i]) for n, _ in files for i in range(1, n.count("/") + 1)})
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        tar.addfile(_info("", 0, directory=True))
        entries = [(d, None, True) for d in dirs] + [(n, p, False) for n, p in files]
        for name, path, is_dir in sorted(entries, key=lambda e: e[0]):
            if is_dir:
                tar.addfile(_info(name, 0, directory=True))
                continue
            data = readme(project).encode("utf-8") if path is None else path.read_bytes()
            tar.addfile(_info(name, len(data)), io.BytesIO(data))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    with open(tmp, "wb") as fh, gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    tmp.replace(out)
    return out
