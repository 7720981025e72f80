"""``rapidrec lint``: numerals typed by hand in chapter prose.

Every computed number must come from the registry (``book.num(id)``), so a
numeral typed in prose is either a mistake or on the allowlist
(:mod:`analysis.audit.lint_allowlist`). Not checked: YAML front matter, code
cells, inline code (including inline expressions), fenced blocks, HTML comments,
raw blocks, attributes and cross-reference labels (``{#sec-x}``, ``@fig-x``),
citations (``[@key]``), link and image targets, and ``:::`` div fences.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import yaml

from analysis.audit.lint_allowlist import ALLOWLIST
from analysis.render.qmd import Markdown, QmdError, _mask_code, parse

NUMERAL = re.compile(r"(?<![\w.])[-\u2212+]?\d+(?:[.,]\d+)*%?")
_MASKS = (
    re.compile(r"<!--.*?-->", re.S),                      # HTML comments
    re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)"),            # inline code and inline expressions
    re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"),          # link and image targets
    re.compile(r"\{[#.=][^}\n]*\}"),                       # attributes, labels, raw markers
    re.compile(r"\[[^\[\]]*@[^\[\]]*\]"),                  # bracketed citations, with locators
    re.compile(r"@[\w:.#$%&\-+?<>~/]*\w"),                 # citations and cross-references
    re.compile(r"^[ \t]*:::.*$", re.M),                    # div fences
    re.compile(r"https?://\S+"),                            # bare URLs
)
_ALLOW = [(re.compile(p), why) for p, why in ALLOWLIST]


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    column: int
    numeral: str
    context: str

    def __str__(self) -> str:
        return (f"{self.file}:{self.line}:{self.column}: hand-typed number {self.numeral!r} in prose "
                f"(use book.num(id), or add it to analysis/audit/lint_allowlist.py with a reason): {self.context}")


def _blank(text: str, pattern: re.Pattern) -> str:
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def prose_mask(text: str) -> str:
    """``text`` with everything that is not prose blanked out (same length, same line breaks)."""
    text = _mask_code(text)
    for pattern in _MASKS:
        text = _blank(text, pattern)
    return text


def lint_text(text: str, name: str) -> list[Finding]:
    """Hand-typed numerals in the prose of one .qmd/.md source."""
    try:
        qmd = parse(text, name)
    except QmdError as e:
        return [Finding(name, 0, 0, "", f"cannot parse: {e}")]
    findings = []
    source = text.splitlines()
    for block in qmd.blocks:
        if not isinstance(block, Markdown):
            continue
        masked = prose_mask(block.text)
        original = block.text.splitlines()
        first = block.line  # the parser strips leading blank lines: find the block's first line
        while first <= len(source) and original and source[first - 1] != original[0]:
            first += 1
        # the allowlist reads the block as one text (a line break is a space), so that an allowed phrase
        # broken across two source lines ("at least\n50% relief") is still allowed
        joined = masked.replace("\n", " ")
        starts = [0] + [i + 1 for i, ch in enumerate(masked) if ch == "\n"]
        allowed = [m.span() for pat, _ in _ALLOW for m in pat.finditer(joined)]
        for m in NUMERAL.finditer(joined):
            if any(a <= m.start() and m.end() <= b for a, b in allowed):
                continue
            offset = bisect_right(starts, m.start()) - 1
            context = original[offset].strip() if offset < len(original) else joined.strip()
            findings.append(Finding(name, first + offset, m.start() - starts[offset] + 1, m.group(0),
                                    context[:120]))
    return findings


def book_sources(project_dir: Path) -> list[Path]:
    """The chapters and appendices of ``_quarto.yml`` (the sources the book is rendered from)."""
    cfg = yaml.safe_load((project_dir / "_quarto.yml").read_text(encoding="utf-8")) or {}
    book = cfg.get("book") or {}
    items = []

    def walk(entries):
        for item in entries or []:
            if isinstance(item, dict):
                if str(item.get("part", "")).endswith((".qmd", ".md")):
                    items.append(item["part"])
                walk(item.get("chapters"))
            else:
                items.append(item)

    walk(book.get("chapters"))
    walk(book.get("appendices"))
    return [project_dir / i for i in items if str(i).endswith((".qmd", ".md"))]


def lint_files(paths, root: Path | None = None) -> list[Finding]:
    findings = []
    for path in paths:
        path = Path(path)
        name = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
        findings += lint_text(path.read_text(encoding="utf-8"), name)
    return findings


_HTML_SKIP = (
    r"<(script|style|svg|code|pre|nav)\b.*?</\1>",                    # code, figures, table of contents
    r'<header id="title-block-header">.*?</header>',                   # title page
    r'<div id="refs".*?</div>\s*</div>',                                # bibliography
    r'<a href="[^"#]*#audit-[^"]*" class="rr-num">[^<]*</a>',          # generated numbers
    r'<span class="rr-quote">[^<]*</span>',                            # words quoted from the data package
    r'<a href="[^"#]*#(?:ref|fig|tbl|sec)-[^"]*"[^>]*>.*?</a>',        # citations and cross-references
    r'<span class="header-section-number">[^<]*</span>',              # section numbers
    r"<img\b[^>]*>",
)
_CAPTION_NUMBER = re.compile(r"^(?:Table|Figure)\s+[A-Z0-9]+(?:\.\d+)*:")


def html_unlinked_numerals(html: str) -> list[str]:
    """Numerals in the rendered HTML (before the appendices; the pages of a site joined in reading order)
    that are not generated numbers.

    A generated number is a link to its audit entry; what remains must be allowlisted
    (captions and labels included). Returns ``"numeral | context"`` strings.
    """
    body = html[html.find("<body"):]
    cuts = [at for at in (body.find('id="appendices"'), body.find('<h1 class="appendix"')) if at > 0]
    body = body[:min(cuts)] if cuts else body
    for pattern in _HTML_SKIP:
        body = re.sub(pattern, " ", body, flags=re.S)
    body = re.sub(r"\s*\n\s*", " ", body)
    found = []
    for chunk in re.split(r"<(?:/?(?:p|div|h\d|li|td|th|tr|figcaption|caption|table|ul|ol|figure)\b)[^>]*>", body):
        line = " ".join(unescape(re.sub(r"<[^>]+>", "", chunk)).replace("\u00a0", " ").split())
        line = _CAPTION_NUMBER.sub("", line)
        allowed = [m.span() for pat, _ in _ALLOW for m in pat.finditer(line)]
        found += [f"{m.group(0)} | {line[:120]}" for m in NUMERAL.finditer(line)
                  if not any(a <= m.start() and m.end() <= b for a, b in allowed)]
    return found
