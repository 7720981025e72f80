"""Run the bundled pandoc (pypandoc-binary, 3.x) on the assembled book markdown.

HTML: one self-contained page (embedded resources, MathML, TOC, numbered sections).
Typst: a4 book with title page and TOC, for pdf.py. Both use crossref.lua
(before --citeproc) and --fail-if-warnings, so unknown references fail.
"""

from __future__ import annotations

import functools
import os
import subprocess
import threading
from pathlib import Path

import pypandoc

from .errors import RenderError

CROSSREF = Path(__file__).with_name("crossref.lua")

CSS = """\
html { color: #1b1f24; background: #fff; -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 46em; padding: 2.5rem 2rem 4rem;
  font: 17px/1.6 Georgia, "Libertinus Serif", "Times New Roman", serif;
  overflow-wrap: break-word; hyphens: auto; }
h1, h2, h3, h4 { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  line-height: 1.25; margin: 1.6em 0 0.6em; }
h1 { font-size: 1.9em; margin-top: 2.4em; padding-bottom: 0.25em; border-bottom: 1px solid #d0d7de; }
h1.title { margin-top: 0.5em; border: 0; font-size: 2.3em; }
h1.part { text-align: center; border: 0; color: #57606a; font-size: 1.6em; }
p.subtitle { font-size: 1.3em; margin: 0; color: #444; }
header#title-block-header { margin-bottom: 2em; }
header p.author, header p.date { margin: 0.3em 0; color: #444; }
header .abstract { margin-top: 1.5em; }
header .abstract-title { font-weight: bold; }
.header-section-number { margin-right: 0.45em; color: #57606a; }
a { color: #0b5cad; text-decoration: none; }
a:hover { text-decoration: underline; }
nav#TOC { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px;
  padding: 0.8em 1.2em; margin: 1.5em 0 2.5em; }
nav#TOC ul { list-style: none; padding-left: 1.1em; margin: 0.2em 0; }
nav#TOC > ul { padding-left: 0; }
nav#TOC .toc-section-number { color: #57606a; margin-right: 0.4em; }
img, svg { max-width: 100%; height: auto; }
figure { margin: 1.8em 0; text-align: center; }
figcaption, caption { font-size: 0.92em; color: #333; padding: 0.5em 0; }
figcaption { text-align: center; }
table { display: block; width: fit-content; max-width: 100%; overflow-x: auto;
  margin: 1.5em auto; border-collapse: collapse; font-size: 0.92em;
  font-variant-numeric: tabular-nums; }
caption { display: block; caption-side: top; text-align: left; }
th, td { padding: 0.35em 0.8em; border-bottom: 1px solid #d8dee4; vertical-align: top; }
thead th { border-bottom: 2px solid #57606a; }
pre { background: #f6f8fa; border-radius: 6px; padding: 0.8em 1em; overflow-x: auto;
  font-size: 0.85em; line-height: 1.45; }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
blockquote { margin: 1em 0; padding-left: 1em; border-left: 4px solid #d0d7de; color: #444; }
div#refs.hanging-indent { margin-left: 0; text-indent: 0; }
.csl-entry { margin-bottom: 0.6em; }
math[display="block"] { overflow-x: auto; max-width: 100%; }
@media (max-width: 600px) {
  body { padding: 1rem 0.9rem 3rem; font-size: 16px; }
  h1 { font-size: 1.5em; margin-top: 1.8em; }
  h1.title { font-size: 1.8em; }
  nav#TOC { padding: 0.6em 0.8em; }
  th, td { padding: 0.3em 0.5em; }
}
@media print { body { max-width: none; padding: 0; font-size: 11pt; } nav#TOC { display: none; } }
"""

TYPST_TEMPLATE = r"""
#let content-to-string(c) = {
  if c.has("text") { c.text }
  else if c.has("children") { c.children.map(content-to-string).join("") }
  else if c.has("body") { content-to-string(c.body) }
  else if c == [ ] { " " }
}
#let horizontalrule = line(start: (25%, 0%), end: (75%, 0%))
#show terms.item: it => block(breakable: false)[
  #text(weight: "bold")[#it.term]
  #block(inset: (left: 1.5em, top: -0.4em))[#it.description]
]
#set table(inset: 6pt, stroke: none)
#show figure.where(kind: table): set figure.caption(position: top)
#show figure.where(kind: image): set figure.caption(position: bottom)
#show figure.caption: set text(size: 0.92em)
#show figure: set block(above: 1.6em, below: 1.6em)
$if(highlighting-definitions)$
$highlighting-definitions$
$endif$
#set document(title: [$title$]$if(author)$, author: ($for(author)$content-to-string([$author$]),$endfor$)$endif$)
#set page(paper: "$if(papersize)$$papersize$$else$a4$endif$", margin: (x: 2.5cm, y: 2.7cm), numbering: "1")
#set text(lang: "$if(lang)$$lang$$else$en$endif$", size: $if(fontsize)$$fontsize$$else$11pt$endif$$if(mainfont)$, font: ("$mainfont$",)$endif$)
#set par(justify: true, leading: 0.65em)
#show raw.where(block: true): block.with(fill: luma(246), inset: 8pt, radius: 2pt, width: 100%)
#show raw: set text(size: 0.9em)
#show link: set text(fill: rgb("#0b4f9c"))
$if(numbersections)$
#set heading(numbering: "1.1")
$endif$
#show heading: set block(above: 1.4em, below: 0.8em)
#show heading: set text(hyphenate: false)
#show heading: set par(justify: false)
#set table.cell(breakable: false)
#show heading.where(level: 1, outlined: true): it => {
$if(compacttitle)$
  v(1.2em)
$else$
  pagebreak(weak: true)
  v(2.5em)
$endif$
  set text(size: 1.6em)
  it
  v(1em)
}
#show heading.where(level: 1, outlined: false): set text(size: 1.4em)
#show outline.entry.where(level: 1): set block(above: 1em)
#set image(fit: "contain")
#show figure.where(kind: table): set block(breakable: true)
#show table: set text(size: 9pt)
#show table: set par(justify: false)
$for(header-includes)$
$header-includes$
$endfor$

$if(compacttitle)$
#block(width: 100%)[
$else$
#page(numbering: none)[
  #v(1fr)
$endif$
  #align(center)[
    #text(size: 26pt, weight: "bold")[$title$]
$if(subtitle)$
    #v(0.6em)
    #text(size: 16pt)[$subtitle$]
$endif$
    #v(2.5em)
$for(author)$
    #text(size: 13pt)[$author$] \
$endfor$
$if(date)$
    #v(1.5em)
    #text(size: 12pt)[$date$]
$endif$
  ]
$if(abstract)$
  #v(2.5em)
  #align(center)[#block(width: 85%)[
    #align(left)[#text(weight: "bold")[$if(abstract-title)$$abstract-title$$else$Abstract$endif$] \
    $abstract$]
  ]]
$endif$
$if(compacttitle)$
  #v(1.5em)
$else$
  #v(2fr)
$endif$
]
$if(toc)$
#page(numbering: none)[
  #outline(title: [$if(toc-title)$$toc-title$$else$Contents$endif$], depth: $toc-depth$)
]
$endif$
#counter(page).update(1)
$for(include-before)$
$include-before$
$endfor$

$body$
$for(include-after)$

$include-after$
$endfor$
"""


_PATH_LOCK = threading.Lock()


@functools.cache
def _resolve_pandoc() -> str:
    # The pandoc bundled with pypandoc-binary, unless PYPANDOC_PANDOC names another. pypandoc's own search is not
    # thread-safe: it sets its global to each candidate it tries (a PATH `pandoc` 2.x first), so a second thread
    # could run Debian's pandoc 2.17, which knows neither --embed-resources nor Typst.
    chosen = os.environ.get("PYPANDOC_PANDOC")
    if chosen:
        return os.path.expanduser(chosen)
    bundled = Path(pypandoc.__file__).parent / "files" / "pandoc"
    if bundled.is_file() and os.access(bundled, os.X_OK):
        return str(bundled)
    return pypandoc.get_pandoc_path()


def pandoc_path() -> str:
    """The pandoc to run, resolved once per process (safe from several threads)."""
    with _PATH_LOCK:
        return _resolve_pandoc()


MINIMUM_PANDOC = (3, 1, 2)  # the first pandoc with a Typst writer; --embed-resources came in 2.19


def check_pandoc() -> str:
    """The pandoc that will run and its version; a RenderError before any work if it cannot run or is too old."""
    path = pandoc_path()
    try:
        proc = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RenderError(f"pandoc ({path}) cannot be run: {exc}; reinstall pypandoc-binary or set "
                          "PYPANDOC_PANDOC to a pandoc >= 3.1.2") from None
    first = proc.stdout.splitlines()[0] if proc.stdout else ""
    numbers = first.split()[-1].split(".") if first.startswith("pandoc") else []
    version = tuple(int(n) for n in numbers if n.isdigit())
    if proc.returncode != 0 or not version or version < MINIMUM_PANDOC:
        raise RenderError(f"pandoc ({path}) reports {first or 'no version'!r}; rapidrec needs pandoc >= "
                          f"{'.'.join(map(str, MINIMUM_PANDOC))} (pypandoc-binary bundles one; or set "
                          "PYPANDOC_PANDOC)")
    return first


def run_pandoc(args: list[str], cwd: Path, what: str) -> None:
    """Run pandoc; on failure (incl. warnings) raise RenderError with its stderr."""
    proc = subprocess.run([pandoc_path(), *args], cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RenderError(f"pandoc failed while writing {what} (exit {proc.returncode})",
                          detail=proc.stderr.strip())


MATH_HTML = "--mathml"  # formulas as MathML: no script, no web font


def common_args(work: Path, toc_depth: int, number_sections: bool) -> list[str]:
    """Pandoc's arguments for both outputs; ``toc_depth`` 0: no table of contents (``toc: false``)."""
    contents = ["--toc", f"--toc-depth={toc_depth}"] if toc_depth > 0 else []
    args = ["book.md", "--from", "markdown", "--standalone", *contents,
            "--lua-filter", str(CROSSREF), "--citeproc", "--resource-path", str(work),
            "--fail-if-warnings"]
    return args + (["--number-sections"] if number_sections else [])


# The book runs no script: a browser must refuse any that data or a letter might smuggle in. Embedded resources
# are data: URIs and the stylesheet is inline (pandoc --embed-resources).
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; "
                           "form-action 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'")


def to_html(work: Path, out: Path, *, css: list[Path] = (), toc_depth: int = 2,
            number_sections: bool = True) -> Path:
    """Write the single-page, self-contained HTML book to ``out`` (with :data:`CONTENT_SECURITY_POLICY`)."""
    style = work / "rapidrec.css"
    style.write_text(CSS, encoding="utf-8")
    header = work / "csp.html"
    header.write_text(f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n',
                      encoding="utf-8")
    args = common_args(work, toc_depth, number_sections) + [
        "--to", "html5", "--embed-resources", MATH_HTML, "--css", style.name, "--include-in-header", header.name,
        *[f"--css={c}" for c in css], "--output", str(out)]
    run_pandoc(args, work, "HTML")
    return out


def to_typst(work: Path, *, toc_depth: int = 2, number_sections: bool = True,
             variables: dict | None = None) -> Path:
    """Write ``work/book.typ`` (paths inside relative to ``work``)."""
    template = work / "rapidrec.typst"
    template.write_text(TYPST_TEMPLATE.lstrip(), encoding="utf-8")
    out = work / "book.typ"
    args = common_args(work, toc_depth, number_sections) + [
        "--to", "typst", "--template", template.name, "--output", out.name]
    if number_sections:
        args += ["-V", "numbersections=true"]
    for key, value in (variables or {}).items():
        args += ["-V", f"{key}={value}"]
    run_pandoc(args, work, "Typst")
    return out
