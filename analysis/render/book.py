"""Render a Quarto book project (``_quarto.yml``) to HTML and PDF without Quarto.

Everything is written into a hidden staging directory next to the output
directory, which replaces the output directory only when every step worked; the
output directory holds what a reader needs (``index.html``, the PDF), readable by
everyone the umask allows. Intermediate files (executed notebooks, kernel logs,
book.md, book.typ, figures, bibliography) go to
:func:`analysis.project.render_work_dir` (``_cache/render/<output>``), replaced at
each render, kept for debugging.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import yaml

from analysis.cache import Cache, tree_digest
from analysis.project import BOOK_DIR, PRINTED_IDS_ENV, PRINTED_LOG_ENV, TRAIL_MARK, render_work_dir
from analysis.scratch import scratch_dir

from .assemble import chapter_markdown
from .errors import RenderError
from .execute import Kernel, execute_chapter
from .pandoc import to_html, to_typst
from .pdf import compile_pdf, source_date_epoch
from .qmd import Qmd, QmdError, parse
from .site import to_html_pages

FORMATS = ("html", "pdf")
# a companion document's configuration key (and the metadata its filters read): the file name of the book's PDF,
# which its PDF's links to the book's pages (index.html, sec-*.html) open
BOOK_PDF_KEY = "rapidrec-book-pdf"


@dataclass(frozen=True)
class RenderResult:
    html: Path | None
    pdf: Path | None
    chapters: tuple[str, ...]
    seconds: float
    work: Path | None = None  # the intermediate files (render_work_dir)
    printed: dict | None = None  # registry id -> [[section id, chapter title], ...] of the chapters printing it


@dataclass(frozen=True)
class Entry:
    """One piece of the book: a chapter file, or a part heading without a file."""
    path: str | None
    title: str | None = None
    classes: tuple[str, ...] = ()


def load_config(project_dir: Path) -> dict:
    path = project_dir / "_quarto.yml"
    try:
        cfg = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise RenderError(f"no _quarto.yml in {project_dir}") from None
    except yaml.YAMLError as e:
        raise RenderError("_quarto.yml is not valid YAML", detail=str(e)) from None
    if not isinstance(cfg.get("book"), dict) or not cfg["book"].get("chapters"):
        raise RenderError("_quarto.yml has no book: chapters: list")
    return cfg


def book_entries(book: dict) -> list[Entry]:
    """Chapters, parts and appendices in reading order."""
    entries: list[Entry] = []

    def chapter(item, classes=()) -> Entry:
        if not isinstance(item, str):
            raise RenderError(f"_quarto.yml: unsupported chapter entry {item!r}")
        if Path(item).name == "index.qmd" and not entries:
            classes = ("unnumbered",)
        return Entry(item, None, classes)

    for item in book["chapters"]:
        if isinstance(item, dict) and "part" in item:
            part = str(item["part"])
            if part.endswith((".qmd", ".md")):
                entries.append(Entry(part, None, ("unnumbered", "part")))
            else:
                entries.append(Entry(None, part, ("unnumbered", "part")))
            entries.extend(chapter(c) for c in item.get("chapters") or [])
        else:
            entries.append(chapter(item))
    appendices = book.get("appendices") or []
    if appendices:
        entries.append(Entry(None, "Appendices", ("unnumbered", "part")))
        entries.extend(chapter(c, ("appendix",)) for c in appendices)
    stems = [Path(e.path).stem for e in entries if e.path]
    dupes = sorted({s for s in stems if stems.count(s) > 1})
    if dupes:
        raise RenderError(f"_quarto.yml: chapter file names must be unique: {', '.join(dupes)}")
    return entries


def render_book(project_dir: Path, out_dir: Path | None = None,
                progress: Callable[[str], None] | None = None,
                formats: Iterable[str] = FORMATS, cache: Cache | None = None,
                reads: str = "", single_page: bool = False) -> RenderResult:
    """Execute every chapter and write ``<out>/index.html`` and ``<out>/<name>.pdf``.

    The HTML is a website as a Quarto book's is (one page per chapter, a sidebar, previous/next links and
    search: :mod:`analysis.render.site`), or with ``single_page`` one self-contained page (a letter's answer,
    the complete audit trail).

    Quarto's ``freeze`` idea, keyed on content: with a ``cache``, a chapter re-executes only when its
    source, the execution options or ``reads`` (a digest of what the chapters read, e.g. the results
    directory) changed; otherwise its markdown and figures come from the cache. The chapters that do run
    share one kernel, each starting from a cleared namespace.
    """
    t0 = time.perf_counter()
    say = progress or (lambda _msg: None)
    formats = tuple(formats)
    if not formats or set(formats) - set(FORMATS):
        raise RenderError(f"formats must be a non-empty subset of {FORMATS}, got {formats}")
    project_dir = Path(project_dir).resolve()
    cfg = load_config(project_dir)
    book = cfg["book"]
    out_dir = Path(out_dir or project_dir / ((cfg.get("project") or {}).get("output-dir")
                                             or BOOK_DIR)).resolve()
    _guard_out_dir(out_dir, project_dir)
    entries = book_entries(book)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = scratch_dir(out_dir.parent, f"{out_dir.name}.staging")
    _readable(staging)
    last_work = render_work_dir(project_dir, out_dir)
    last_work.parent.mkdir(parents=True, exist_ok=True)
    work = scratch_dir(last_work.parent, f"{last_work.name}.work")
    try:
        chapters, printed = _chapters(entries, project_dir, cfg, work, say, cache or Cache(None), reads)
        bibs = _copy_all(cfg.get("bibliography"), project_dir, work)
        csl = _copy_all(cfg.get("csl"), project_dir, work)
        (work / "book.md").write_text(_metadata(cfg, bibs, csl) + "\n".join(chapters),
                                      encoding="utf-8")
        fmt = cfg.get("format") or {}
        html = pdf = None
        made = _outputs(work, staging, project_dir, fmt, book, formats, cache or Cache(None), say, single_page)
        if "html" in made:
            html = out_dir / "index.html"
        if "pdf" in made:
            pdf = out_dir / made["pdf"]
        _swap(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:  # the intermediates of this render, also a failed one, replace the last render's
        shutil.rmtree(last_work, ignore_errors=True)
        os.replace(work, last_work)
    done = tuple(e.path for e in entries if e.path)
    return RenderResult(html, pdf, done, round(time.perf_counter() - t0, 3), last_work, printed)


def _readable(path: Path) -> None:
    """Give a directory made by ``mkdtemp`` (mode 0700) the permissions the umask gives a new directory."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o777 & ~umask)


def _outputs(work: Path, staging: Path, project_dir: Path, fmt: dict, book: dict, formats: tuple[str, ...],
             cache: Cache, say: Callable[[str], None], single_page: bool) -> dict[str, str]:
    """Pandoc -> HTML and pandoc -> Typst -> PDF, side by side (two processes), each reused from the cache
    when the assembled book (markdown, figures, bibliography) and its options are unchanged. Returns the
    file name written into ``staging`` for each format."""
    inputs = tree_digest(work, skip=lambda rel: rel.parts[0] in ("notebooks", "chapter-figures", "printed"))
    jobs = {}
    if "html" in formats:
        html_opts = fmt.get("html") if isinstance(fmt.get("html"), dict) else {}
        css = [project_dir / c for c in _as_list(html_opts.get("css"))]
        key = {"format": "html", "book": inputs, "toc": _toc(html_opts), "single_page": single_page,
               "css": [hashlib.sha256(c.read_bytes() if c.is_file() else b"").hexdigest() for c in css]}

        def html() -> dict[str, bytes]:
            say("pandoc -> HTML")
            if single_page:
                return {"index.html": to_html(work, work / "index.html", css=css, **_toc(html_opts)).read_bytes()}
            return to_html_pages(work, css=css, **_toc(html_opts))

        jobs["index.html"] = (key, html)
    if "pdf" in formats:
        typ_opts = fmt.get("typst") if isinstance(fmt.get("typst"), dict) else {}
        variables = {k: typ_opts[k] for k in ("papersize", "fontsize", "mainfont") if typ_opts.get(k)}
        if single_page:  # a document of its own (a letter's answer): its title heads the first page, no title page
            variables["compacttitle"] = "true"
        name = f"{Path(str(book.get('output-file') or 'book')).stem}.pdf"
        timestamp = pdf_timestamp(book.get("date"))
        key = {"format": "pdf", "book": inputs, "toc": _toc(typ_opts), "variables": variables,
               "created": timestamp}

        def pdf() -> tuple[bytes, list[str]]:
            say("pandoc -> Typst")
            typ = to_typst(work, variables=variables, **_toc(typ_opts))
            say("typst -> PDF")
            warnings = compile_pdf(typ, staging / name, timestamp)
            return (staging / name).read_bytes(), warnings

        jobs[name] = (key, pdf)
    for name, (key, _) in jobs.items():
        if cache.contains("output", key):
            say(f"{name}: the book is unchanged, not converted again")
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(cache.get, "output", key, make) for name, (key, make) in jobs.items()}
        results = {name: f.result() for name, f in futures.items()}
    made = {}
    for name, value in results.items():
        if name == "index.html":  # the HTML's files: {relative path: bytes}
            for rel, data in value.items():
                (staging / rel).parent.mkdir(parents=True, exist_ok=True)
                (staging / rel).write_bytes(data)
            made["html"] = name
            continue
        data, warnings = value
        for warning in warnings:
            say(f"typst warning: {warning}")
        (staging / name).write_bytes(data)
        made["pdf"] = name
    return made


def _chapters(entries: list[Entry], project_dir: Path, cfg: dict, work: Path,
              say: Callable[[str], None], cache: Cache, reads: str) -> tuple[list[str], dict]:
    """Each chapter's markdown, and where each registry id was printed (id -> [[section, title], ...])."""
    defaults = dict(cfg.get("execute") or {})  # Quarto's defaults apply when unset (echo: true)
    files = [e for e in entries if e.path]
    out = []
    printed: dict[str, list[str]] = {}  # registry id -> the sections of the chapters so far that printed it
    in_trail: dict[str, list[str]] = {}  # the same for ids printed with a link to the complete audit trail
    titles: dict[str, str] = {}  # section id -> its chapter's title
    (work / "printed").mkdir()
    with Kernel(project_dir, work / "notebooks" / "kernel.log") as kernel:
        for entry in entries:
            if entry.path is None:
                classes = " ".join(f".{c}" for c in entry.classes)
                out.append(f"# {entry.title} {{{classes}}}\n")
                continue
            n = files.index(entry) + 1
            text = _source(project_dir, entry.path)
            before = json.dumps(printed, sort_keys=True)  # (analysis.book.printed_where)
            key = {"chapter": entry.path, "source": text, "classes": list(entry.classes), "defaults": defaults,
                   "reads": reads, "printed": hashlib.sha256(before.encode()).hexdigest()}
            # (not the project's location: output never depends on it, rapidrec verify)
            if cache.contains("chapter", key):
                say(f"{entry.path} ({n}/{len(files)}): unchanged, not executed again")
            else:
                say(f"executing {entry.path} ({n}/{len(files)})")
            env = {PRINTED_LOG_ENV: str(work / "printed" / f"{n:03d}.txt"),
                   PRINTED_IDS_ENV: str(work / "printed" / f"{n:03d}-before.json")}
            Path(env[PRINTED_IDS_ENV]).write_text(before, encoding="utf-8")
            md, figures, ids = cache.get("chapter", key, lambda: _execute(
                entry, _parse(text, entry.path), project_dir, defaults, work, kernel, env))
            for name, data in figures.items():
                (work / "figures").mkdir(exist_ok=True)
                (work / "figures" / name).write_bytes(data)
            section, title = _first_section(md)
            if section:
                titles[section] = title
            for id_ in ids:
                trail = id_.startswith(TRAIL_MARK)
                where = (in_trail if trail else printed).setdefault(id_.removeprefix(TRAIL_MARK), [])
                if section and section not in where:
                    where.append(section)
            out.append(md)
    everywhere = {i: list(dict.fromkeys(printed.get(i, []) + in_trail.get(i, []))) for i in {*printed, *in_trail}}
    return out, {i: [[s, titles[s]] for s in everywhere[i]] for i in sorted(everywhere)}


_SECTION = re.compile(r"^# ([^\n{]*?) *\{[^}\n]*#(sec-[A-Za-z0-9_-]+)", re.MULTILINE)


def _first_section(md: str) -> tuple[str | None, str]:
    """The id and title of a chapter's first level-1 heading (``# Title {#sec-x}``), if it has one."""
    m = _SECTION.search(md)
    return (m.group(2), m.group(1).strip()) if m else (None, "")


def _execute(entry: Entry, qmd: Qmd, project_dir: Path, defaults: dict, work: Path,
             kernel: Kernel, env: dict[str, str]) -> tuple[str, dict[str, bytes], list[str]]:
    """(the chapter's markdown, its figures by file name, the registry ids it looked up) from running it in
    ``kernel``."""
    run = execute_chapter(qmd, entry.path, project_dir, defaults, work / "notebooks", kernel=kernel, env=env)
    fig_dir = work / "chapter-figures" / Path(entry.path).stem
    md = chapter_markdown(run, entry.path, fig_dir, classes=entry.classes)
    figures = {p.name: p.read_bytes() for p in sorted(fig_dir.glob("*"))} if fig_dir.is_dir() else {}
    shutil.rmtree(fig_dir, ignore_errors=True)
    log = Path(env[PRINTED_LOG_ENV])
    ids = sorted(set(log.read_text(encoding="utf-8").split())) if log.is_file() else []
    return md, figures, ids


def _source(project_dir: Path, rel: str) -> str:
    path = project_dir / rel
    if path.suffix not in (".qmd", ".md"):
        raise RenderError(f"unsupported chapter type {path.suffix!r} (use .qmd or .md)",
                          chapter=rel)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RenderError("chapter file listed in _quarto.yml does not exist",
                          chapter=rel) from None


def _parse(text: str, rel: str) -> Qmd:
    try:
        return parse(text, rel)
    except QmdError as e:
        raise RenderError("cannot parse chapter", chapter=rel, detail=str(e)) from None


def _metadata(cfg: dict, bibs: list[str], csl: list[str]) -> str:
    book = cfg["book"]
    meta: dict = {k: str(book[k]) for k in ("title", "subtitle", "abstract") if book.get(k)}
    authors = _authors(book.get("author"))
    if authors:
        meta["author"] = authors
    if book.get("date"):
        meta["date"] = _date(book["date"], cfg.get("date-format") or DEFAULT_DATE_FORMAT)
    meta["lang"] = str(cfg.get("lang") or "en")
    if bibs:
        meta["bibliography"] = bibs
        meta["link-citations"] = True
    if csl:
        meta["csl"] = csl[0]
    if cfg.get(BOOK_PDF_KEY):  # a companion document: its links to the book's pages open the book's PDF
        meta[BOOK_PDF_KEY] = str(cfg[BOOK_PDF_KEY])
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"


def _authors(value) -> list[str]:
    names = []
    for a in _as_list(value):
        if isinstance(a, dict):
            a = a.get("name", "")
            if isinstance(a, dict):
                a = a.get("literal") or " ".join(
                    str(a[k]) for k in ("given", "family") if a.get(k))
        if str(a).strip():
            names.append(str(a))
    return names


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def book_date(value) -> dt.date | str | None:
    """The book's date (``book.date`` of _quarto.yml): an ISO date, or ``today`` (SOURCE_DATE_EPOCH's day
    when set, as Quarto's ``today``); other text is kept as written; None when there is none."""
    if value in (None, ""):
        return None
    if value in ("today", "now", "last-modified"):
        epoch = source_date_epoch()
        return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).date() if epoch is not None else dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value if isinstance(value, dt.date) else str(value)


DEFAULT_DATE_FORMAT = "MMMM D, YYYY"  # Quarto's default for English


def _date(value, fmt: str = DEFAULT_DATE_FORMAT) -> str:
    """The date as Quarto's ``date-format`` writes it, for its tokens ``D``, ``DD``, ``MMMM``, ``MM``, ``YYYY``
    (e.g. ``D MMMM YYYY``: ``1 May 2024``; the default: ``May 1, 2024``)."""
    value = book_date(value)
    if not isinstance(value, dt.date):
        return str(value)
    tokens = {"YYYY": str(value.year), "MMMM": _MONTHS[value.month - 1], "MM": f"{value.month:02d}",
              "DD": f"{value.day:02d}", "D": str(value.day)}
    return re.sub("|".join(tokens), lambda m: tokens[m.group(0)], str(fmt))


def pdf_timestamp(date_value) -> int:
    """When the PDF says it was created: SOURCE_DATE_EPOCH when set; otherwise midnight (UTC) of the book's
    date, so that the same project gives the same PDF; 0 (1970) only for a book without a date."""
    epoch = source_date_epoch()
    if epoch is not None:
        return epoch
    day = book_date(date_value)
    if isinstance(day, dt.date):
        return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())
    return 0


def _toc(opts: dict) -> dict:
    return {"toc_depth": int(opts.get("toc-depth", 2)) if opts.get("toc", True) is not False else 0,
            "number_sections": bool(opts.get("number-sections", True))}


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _copy_all(value, project_dir: Path, work: Path) -> list[str]:
    names = []
    for rel in _as_list(value):
        src = project_dir / str(rel)
        if not src.is_file():
            raise RenderError(f"file {rel} named in _quarto.yml does not exist")
        shutil.copyfile(src, work / src.name)
        names.append(src.name)
    return names


def _guard_out_dir(out_dir: Path, project_dir: Path) -> None:
    if out_dir == project_dir or out_dir in project_dir.parents or out_dir == Path.home():
        raise RenderError(f"refusing to use {out_dir} as output directory "
                          "(it contains the project)")
    if out_dir.exists():
        if not out_dir.is_dir():
            raise RenderError(f"output path {out_dir} exists and is not a directory")
        looks_rendered = (out_dir / "index.html").exists() or any(out_dir.glob("*.pdf"))
        if any(out_dir.iterdir()) and not looks_rendered:
            raise RenderError(f"refusing to replace {out_dir}: "
                              "it does not look like a rendered book")


def _swap(staging: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``staging`` with renames (never a half-written out_dir)."""
    old = None
    if out_dir.exists():
        old = scratch_dir(out_dir.parent, f"{out_dir.name}.old")
        os.replace(out_dir, old)
    try:
        os.replace(staging, out_dir)
    except BaseException:
        if old is not None:
            os.replace(old, out_dir)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
