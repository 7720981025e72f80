"""The HTML book as a website, as a Quarto book is: one page per chapter, a sidebar of chapters, previous and
next links, and search.

pandoc's ``chunkedhtml`` writer splits the book at its chapters (level-1 headings) and rewrites every link
that crosses pages (the numbers' links to the audit appendix among them). This module gives the pages their
layout (:data:`SITE_TEMPLATE`), drops the pages that would hold only a part's title ("Answering the critics",
"Appendices": in the sidebar they are labels, as in Quarto), writes the previous/next links and the search
index, and returns the files of the site.

Scripts: ``search.js`` (static, ours) and ``search-index.js`` (the pages' text as JSON data) are files of the
site; the Content-Security-Policy allows scripts from the site's own files only (``'self'``), never inline
ones, so a script smuggled into the text by data or a letter does not run. Search builds its results with
``textContent``, never as markup.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from .pandoc import CSS, MATH_HTML, common_args, run_pandoc

CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; object-src 'none'; base-uri 'none'; "
                           "form-action 'none'; img-src 'self' data:; font-src 'self' data:; "
                           "style-src 'self' 'unsafe-inline'")

PAGER_MARK = "<!--rapidrec:pager-->"
RESULTS_BOX = '<section id="search-results" aria-live="polite" hidden></section>'
CONTENT_START = '<main id="content">'

SITE_TEMPLATE = """<!DOCTYPE html>
<html lang="$lang$" xml:lang="$lang$">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="%(csp)s">
<meta name="generator" content="rapidrec (pandoc chunkedhtml)">
<title>$if(top)$$pagetitle$ – $title$$else$$title$$endif$</title>
<style>
$styles.html()$
</style>
<link rel="stylesheet" href="rapidrec.css">
$for(css)$
<link rel="stylesheet" href="$css$">
$endfor$
<script src="search-index.js" defer></script>
<script src="search.js" defer></script>
</head>
<body class="site">
<a class="skip-link" href="#content">Skip to the text</a>
<header class="site-header">
<a class="book-title" href="index.html">$title$</a>
<a class="to-contents" href="#sidebar">Contents</a>
<form class="site-search" role="search" hidden>
<input type="search" id="search-box" placeholder="Search the book" aria-label="Search the book"
 autocomplete="off" spellcheck="false">
</form>
%(results)s
</header>
<div class="site-body">
<nav id="sidebar" aria-label="Chapters">
<p class="sidebar-title">Contents</p>
$table-of-contents$
</nav>
%(main)s
$if(top)$
$else$
<header id="title-block-header">
<h1 class="title">$title$</h1>
$if(subtitle)$
<p class="subtitle">$subtitle$</p>
$endif$
$for(author)$
<p class="author">$author$</p>
$endfor$
$if(date)$
<p class="date">$date$</p>
$endif$
$if(abstract)$
<div class="abstract">
<div class="abstract-title">$abstract-title$</div>
$abstract$
</div>
$endif$
</header>
$endif$
$body$
%(pager)s
</main>
</div>
</body>
</html>
""" % {"csp": CONTENT_SECURITY_POLICY, "pager": PAGER_MARK, "results": RESULTS_BOX, "main": CONTENT_START}

SITE_CSS = """
body.site { max-width: none; margin: 0; padding: 0; }
[id] { scroll-margin-top: 4rem; }
:target { background: #fff8c5; }
.skip-link { position: absolute; left: -999em; }
.skip-link:focus { left: 1em; top: 0.5em; background: #fff; padding: 0.3em 0.6em; z-index: 3; }
header.site-header { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; align-items: center;
  gap: 0.4em 1.2em; margin: 0; padding: 0.55em 1.2em; text-align: left; background: #f6f8fa;
  border-bottom: 1px solid #d0d7de; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  font-size: 0.95rem; line-height: 1.4; }
.book-title { font-weight: 600; color: #1b1f24; flex: 1 1 auto; }
.to-contents { display: none; }
.site-search input { font: inherit; width: 16em; max-width: 100%; box-sizing: border-box; padding: 0.3em 0.6em;
  border: 1px solid #afb8c1; border-radius: 6px; }
#search-results { position: absolute; top: 100%; right: 1em; width: min(38em, calc(100vw - 2em));
  max-height: 70vh; overflow-y: auto; box-sizing: border-box; padding: 0.4em 1em 0.8em; background: #fff;
  border: 1px solid #afb8c1; border-radius: 6px; box-shadow: 0 8px 24px rgba(0, 0, 0, 0.15); }
#search-results ol { padding-left: 1.4em; margin: 0.3em 0; }
#search-results li { margin: 0.6em 0; }
#search-results .snippet { display: block; font-size: 0.9em; color: #444; }
#search-results mark { background: #fff1a8; color: inherit; }
.site-body { display: grid; grid-template-columns: 17rem minmax(0, 1fr); }
nav#sidebar { position: sticky; top: 3rem; align-self: start; max-height: calc(100vh - 3rem); overflow-y: auto;
  padding: 1.2em 1em 2em 1.2em; border-right: 1px solid #d8dee4; font-size: 0.88rem; line-height: 1.4;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
nav#sidebar ul { list-style: none; margin: 0; padding: 0; }
nav#sidebar .sidebar-title { display: none; margin: 0 0 0.5em; font-weight: 600; }
nav#sidebar li { margin: 0.3em 0; }
nav#sidebar li ul { display: none; padding-left: 1em; }
nav#sidebar li.current > ul { display: block; }
nav#sidebar li.current > a { font-weight: 600; color: #1b1f24; }
nav#sidebar .part-label { display: block; margin-top: 1em; color: #57606a; font-weight: 600;
  text-transform: uppercase; letter-spacing: 0.04em; font-size: 0.8rem; }
nav#sidebar .toc-section-number { color: #57606a; margin-right: 0.35em; }
main#content { max-width: 44em; min-width: 0; padding: 1.5rem 2rem 4rem; margin: 0 auto; }
nav.pager { display: flex; justify-content: space-between; gap: 1em; margin-top: 3em; padding-top: 1em;
  border-top: 1px solid #d0d7de; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
nav.pager a { max-width: 48%; }
nav.pager .next { margin-left: auto; text-align: right; }
@media (max-width: 800px) {
  header.site-header { position: static; }
  [id] { scroll-margin-top: 0.5rem; }
  #search-results { position: static; width: 100%; flex: 1 1 100%; max-height: 60vh; }
  .site-body { display: block; }
  main#content { width: auto; max-width: none; margin: 0; padding: 1rem 0.9rem 2rem; }
  nav#sidebar { position: static; max-height: none; border-right: 0; border-top: 1px solid #d8dee4;
    padding: 1em 0.9rem 2em; font-size: 1rem; }
  nav#sidebar li { margin: 0; }
  nav#sidebar li a, nav#sidebar .part-label { display: block; padding: 0.45em 0; }
  .to-contents { display: inline; }
  nav#sidebar .sidebar-title { display: block; }
  .site-search { flex: 1 1 100%; }
  .site-search input { width: 100%; }
}
@media print { .site-header, nav#sidebar, nav.pager { display: none; } .site-body { display: block; } }
"""

SEARCH_JS = r"""// rapidrec book search: the pages' text is in search-index.js (window.RAPIDREC_SEARCH_INDEX, data only).
// Results are built with DOM text nodes: a page's text is never read as markup.
(function () {
  "use strict";
  var index = window.RAPIDREC_SEARCH_INDEX || [];
  var form = document.querySelector("form.site-search");
  var box = document.getElementById("search-box");
  var out = document.getElementById("search-results");
  if (!form || !box || !out || !index.length) { return; }
  form.hidden = false;
  var GREEK = { "τ": "tau", "χ": "chi", "α": "alpha", "β": "beta", "μ": "mu", "σ": "sigma", "²": "2" };
  // one character in, one character out (except the Greek letters spelled out), so positions map back
  function norm(s) {
    return s.replace(/[τχαβμσ²]/g, function (c) { return GREEK[c]; }).toLowerCase()
      .normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }
  var docs = index.map(function (e) { return { url: e[0], title: e[1], text: e[2], hay: norm(e[1] + " " + e[2]) }; });
  function clear() { while (out.firstChild) { out.removeChild(out.firstChild); } out.hidden = true; }
  function snippet(text, term) {
    var at = Math.max(0, norm(text).indexOf(term));
    var start = at > 70 ? text.lastIndexOf(" ", at - 60) + 1 : 0;
    var end = text.indexOf(" ", Math.min(text.length, start + 200));
    end = end < 0 ? text.length : end;
    return (start > 0 ? "… " : "") + text.slice(start, end) + (end < text.length ? " …" : "");
  }
  function marked(text, terms) {  // text with each term wrapped in <mark>, as DOM nodes
    var span = document.createElement("span");
    span.className = "snippet";
    var low = text.toLowerCase(), i = 0;
    while (i < text.length) {
      var next = -1, len = 0;
      terms.forEach(function (t) {
        var j = low.indexOf(t, i);
        if (j >= 0 && (next < 0 || j < next)) { next = j; len = t.length; }
      });
      if (next < 0) { span.appendChild(document.createTextNode(text.slice(i))); break; }
      span.appendChild(document.createTextNode(text.slice(i, next)));
      var m = document.createElement("mark");
      m.textContent = text.slice(next, next + len);
      span.appendChild(m);
      i = next + len;
    }
    return span;
  }
  function show() {
    var query = box.value.trim();
    var terms = norm(query).split(/\s+/).filter(function (t) { return t.length > 0; });
    clear();
    if (!terms.length) { return; }
    var hits = docs.filter(function (d) { return terms.every(function (t) { return d.hay.indexOf(t) >= 0; }); });
    var head = document.createElement("p");
    head.textContent = hits.length === 0 ? "No section contains \u201c" + query + "\u201d."
      : hits.length + (hits.length === 1 ? " section contains \u201c" : " sections contain \u201c") + query
        + "\u201d" + (hits.length > 50 ? "; the first 50:" : ":");
    out.appendChild(head);
    var list = document.createElement("ol");
    hits.slice(0, 50).forEach(function (d) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = d.url;
      link.textContent = d.title || d.url;
      item.appendChild(link);
      item.appendChild(marked(snippet(d.text, terms[0]), terms));
      list.appendChild(item);
    });
    out.appendChild(list);
    out.hidden = false;
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var first = out.querySelector("li a");
    if (first) { location.href = first.href; }
  });
  box.addEventListener("input", show);
  box.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { box.value = ""; clear(); } });
  var query = new URLSearchParams(location.search).get("q");
  if (query) { box.value = query; show(); }
}());
"""

def to_html_pages(work: Path, *, css: list[Path] = (), toc_depth: int = 2,
                  number_sections: bool = True) -> dict[str, bytes]:
    """The book as a website: ``{relative path: bytes}`` for ``index.html``, one page per chapter, the figures,
    the stylesheet and the search scripts."""
    (work / "rapidrec-site.html").write_text(SITE_TEMPLATE, encoding="utf-8")
    site = work / "site"
    shutil.rmtree(site, ignore_errors=True)
    args = common_args(work, toc_depth, number_sections) + [
        "--to", "chunkedhtml", "--split-level=1", "--chunk-template=%i.html", "--template", "rapidrec-site.html",
        "--wrap=none",
        MATH_HTML, *[f"--css={c.name}" for c in css], "--output", str(site)]
    run_pandoc(args, work, "HTML")
    pages = _reading_order(json.loads((site / "sitemap.json").read_text(encoding="utf-8")))
    texts = {p["path"]: (site / p["path"]).read_text(encoding="utf-8") for p in pages}
    parts = {path for path, text in texts.items() if _PART_HEADING.search(text)}
    readable = [p for p in pages if p["path"] not in parts]
    if len(readable) > 1 and _FIRST_HEADING_UNNUMBERED.search(texts[readable[1]["path"]]):
        merged = readable.pop(1)["path"]  # the index chapter shares the first page, as in Quarto
        body = texts.pop(merged)
        body = body[body.index(CONTENT_START) + len(CONTENT_START):body.index(PAGER_MARK)]
        texts["index.html"] = texts["index.html"].replace(PAGER_MARK, body + PAGER_MARK)
        texts = {path: text.replace(f'href="{merged}#', 'href="index.html#').replace(f'href="{merged}"',
                                                                                    'href="index.html"')
                 for path, text in texts.items()}
    files: dict[str, bytes] = {}
    index: list[list[str]] = []
    for n, page in enumerate(readable):
        text = _sidebar(texts[page["path"]], page["path"], parts)
        text = text.replace(PAGER_MARK, _pager(readable[n - 1] if n else None,
                                               readable[n + 1] if n + 1 < len(readable) else None))
        files[page["path"]] = text.encode("utf-8")
        index += _sections(text, page["path"])
    known = {p["path"] for p in pages} | {"sitemap.json"}  # pages (kept, merged or dropped above); pandoc's map
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.is_file() and rel not in known:
            if rel.endswith(".html"):
                raise ValueError(f"pandoc wrote a page the site does not know: {rel}")
            files[rel] = path.read_bytes()
    files["rapidrec.css"] = (CSS + SITE_CSS).encode("utf-8")
    for c in css:
        files[c.name] = c.read_bytes()
    files["search.js"] = SEARCH_JS.encode("utf-8")
    files["search-index.js"] = search_index_script(index).encode("utf-8")
    return dict(sorted(files.items()))


def _reading_order(sitemap: dict) -> list[dict]:
    """Every page once, in reading order: its file and its title as pandoc numbered it."""
    pages, seen = [], set()

    def walk(node: dict) -> None:
        section = node["section"]
        path = section["path"].split("#")[0]
        if path not in seen:
            seen.add(path)
            title, number = section["title"] or "", section.get("number")
            pages.append({"path": path, "title": f"{number} {title}" if number else title})
        for sub in node["subsections"]:
            walk(sub)

    walk(sitemap)
    return pages


_PART_HEADING = re.compile(r'<h1 class="[^"]*\bpart\b')
_FIRST_HEADING_UNNUMBERED = re.compile(re.escape(CONTENT_START) + r'\s*<h1 class="unnumbered"')


def _pager(prev: dict | None, nxt: dict | None) -> str:
    links = []
    if prev:
        links.append(f'<a class="prev" href="{html.escape(prev["path"])}" rel="prev">← '
                     f'{html.escape(prev["title"])}</a>')
    if nxt:
        links.append(f'<a class="next" href="{html.escape(nxt["path"])}" rel="next">'
                     f'{html.escape(nxt["title"])} →</a>')
    return f'<nav class="pager" aria-label="Previous and next chapter">{"".join(links)}</nav>' if links else ""


def _sidebar(text: str, path: str, parts: set[str]) -> str:
    """Mark the current chapter in the sidebar and turn the parts' links into labels."""
    start = text.find('<nav id="sidebar"')
    end = text.find("</nav>", start)
    nav = text[start:end]
    for part in parts:
        nav = re.sub(r'<a href="' + re.escape(part) + r'(?:#[^"]*)?"[^>]*>(.*?)</a>',
                     r'<span class="part-label">\1</span>', nav, flags=re.S)
    nav = re.sub(r'<li>(<a href="' + re.escape(path) + r'[#"])', r'<li class="current">\1', nav, count=1)
    return text[:start] + nav + text[end:]


class _SectionText(HTMLParser):
    """The text of ``<main>``, cut at every heading with an id: [(id, heading, text)]."""

    SKIP = {"script", "style", "svg", "math", "nav"}
    BREAKS = {"p", "li", "td", "th", "tr", "div", "br", "figcaption", "caption", "dt", "dd", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[list] = []
        self.in_main = False
        self.skip = 0
        self.heading: list[str] | None = None

    def _space(self, tag) -> None:  # table cells and paragraphs do not run together
        if tag in self.BREAKS:
            self.handle_data(" ")

    def handle_starttag(self, tag, attrs):
        self._space(tag)
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
        elif tag in self.SKIP:
            self.skip += 1
        elif self.in_main and re.fullmatch(r"h[1-4]", tag):
            self.sections.append([attrs.get("id") or "", [], []])
            self.heading = self.sections[-1][1]

    def handle_endtag(self, tag):
        self._space(tag)
        if tag == "main":
            self.in_main = False
        elif tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif re.fullmatch(r"h[1-4]", tag):
            self.heading = None

    def handle_data(self, data):
        if not self.in_main or self.skip or not self.sections:
            return
        (self.heading if self.heading is not None else self.sections[-1][2]).append(data)


def _sections(page: str, path: str) -> list[list[str]]:
    parser = _SectionText()
    parser.feed(page)
    out = []
    for anchor, heading, body in parser.sections:
        title = " ".join("".join(heading).split())
        text = " ".join("".join(body).split())
        if title or text:
            out.append([f"{path}#{anchor}" if anchor else path, title, text])
    return out


def search_index_script(index: list[list[str]]) -> str:
    """The search index as a script that only assigns data: JSON with <, >, & and the JavaScript line
    separators escaped, so no text of the book can end the string or the script."""
    data = json.dumps(index, ensure_ascii=True, separators=(",", ":"))
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"window.RAPIDREC_SEARCH_INDEX = {data};\n"


def site_pages(book_dir: Path) -> list[Path]:
    """The pages of a rendered site in reading order (``index.html`` first, then the sidebar's order); for a
    single-page book, just its ``index.html``."""
    book_dir = Path(book_dir)
    first = book_dir / "index.html"
    nav = re.search(r'<nav id="sidebar".*?</nav>', first.read_text(encoding="utf-8"), flags=re.S)
    names = ["index.html"] + (re.findall(r'<a href="([^"#]+\.html)(?:#[^"]*)?"', nav.group(0)) if nav else [])
    return [book_dir / name for name in dict.fromkeys(names)]
