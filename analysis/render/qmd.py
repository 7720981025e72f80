"""Parse a Quarto .qmd file: YAML front matter, markdown, ```{python} cells.

Cells carry their leading ``#| key: value`` lines parsed as YAML. Inline
expressions `` `{python} expr` `` are left in the markdown and located with
:func:`inline_expressions`; the executor evaluates them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

_FENCE_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>.*?)\s*$")
_PY_INFO = re.compile(r"^\{python(?:[\s,][^}]*)?\}$")
_OPTION = re.compile(r"^#\|\s?(.*)$")
INLINE = re.compile(r"`\{python\}\s+([^`]+?)\s*`")


class QmdError(ValueError):
    """A .qmd file could not be parsed; the message names the line."""


@dataclass(frozen=True)
class Markdown:
    text: str
    line: int  # 1-based line of the first line in the source file


@dataclass(frozen=True)
class Code:
    source: str  # without the #| option lines
    options: dict = field(default_factory=dict)
    line: int = 0  # 1-based line of the opening fence

    @property
    def label(self) -> str | None:
        label = self.options.get("label")
        return str(label) if label is not None else None


@dataclass(frozen=True)
class Qmd:
    front: dict
    blocks: tuple[Markdown | Code, ...]

    @property
    def cells(self) -> tuple[Code, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Code))


def inline_expressions(text: str) -> list[str]:
    """The `{python} expr` expressions of a markdown text, in order."""
    return [m.group(1) for m in INLINE.finditer(_mask_code(text))]


def substitute_inline(text: str, values: list[str]) -> str:
    """Replace the inline expressions of ``text`` by ``values`` (same order)."""
    masked = _mask_code(text)
    spans = [m.span() for m in INLINE.finditer(masked)]
    if len(spans) != len(values):
        raise ValueError(f"{len(spans)} inline expressions but {len(values)} values")
    out, pos = [], 0
    for (start, end), value in zip(spans, values):
        out += [text[pos:start], value]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _mask_code(text: str) -> str:
    """Blank out fenced code blocks (same length) so inline search skips them."""
    lines = text.splitlines(keepends=True)
    out, fence = [], None
    for line in lines:
        m = _FENCE_OPEN.match(line.rstrip("\n"))
        if fence is None and m:
            fence = m.group("fence")
            out.append(" " * len(line.rstrip("\n")) + line[len(line.rstrip("\n")):])
        elif fence is not None:
            stripped = line.strip()
            if stripped.startswith(fence[0] * len(fence)) and set(stripped) == {fence[0]}:
                fence = None
            out.append(" " * len(line.rstrip("\n")) + line[len(line.rstrip("\n")):])
        else:
            out.append(line)
    return "".join(out)


def parse(text: str, name: str = "<qmd>") -> Qmd:
    """Split ``text`` into front matter, markdown blocks and python cells."""
    lines = text.splitlines()
    front, start = _front_matter(lines, name)
    blocks: list[Markdown | Code] = []
    md: list[str] = []
    md_line = start + 1
    i = start
    while i < len(lines):
        line = lines[i]
        m = _FENCE_OPEN.match(line)
        if not m:
            md.append(line)
            i += 1
            continue
        fence, info = m.group("fence"), m.group("info")
        end = _closing_fence(lines, i + 1, fence)
        if end is None:
            raise QmdError(f"{name}:{i + 1}: code fence {fence} is never closed")
        if fence[0] == "`" and _PY_INFO.match(info):
            if any(s.strip() for s in md):
                blocks.append(Markdown("\n".join(md).strip("\n") + "\n", md_line))
            blocks.append(_code(lines[i + 1 : end], i + 1, name))
            md, md_line = [], end + 2
        elif fence[0] == "`" and info.startswith("{") and not info.startswith("{="):
            raise QmdError(f"{name}:{i + 1}: unsupported executable cell {info!r} "
                           "(only {python} cells are supported)")
        else:
            md.extend(lines[i : end + 1])
        i = end + 1
    if any(s.strip() for s in md):
        blocks.append(Markdown("\n".join(md).strip("\n") + "\n", md_line))
    return Qmd(front, tuple(blocks))


def _front_matter(lines: list[str], name: str) -> tuple[dict, int]:
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for j in range(1, len(lines)):
        if lines[j].strip() in ("---", "..."):
            try:
                data = yaml.safe_load("\n".join(lines[1:j])) or {}
            except yaml.YAMLError as e:
                raise QmdError(f"{name}: invalid YAML front matter: {e}") from None
            if not isinstance(data, dict):
                raise QmdError(f"{name}: front matter must be a YAML mapping")
            return data, j + 1
    raise QmdError(f"{name}:1: front matter opened with --- is never closed")


def _closing_fence(lines: list[str], start: int, fence: str) -> int | None:
    for j in range(start, len(lines)):
        s = lines[j].strip()
        if len(s) >= len(fence) and set(s) == {fence[0]}:
            return j
    return None


def _code(body: list[str], fence_line: int, name: str) -> Code:
    opts: list[str] = []
    k = 0
    while k < len(body) and (m := _OPTION.match(body[k])):
        opts.append(m.group(1))
        k += 1
    options: dict = {}
    if opts:
        try:
            options = yaml.safe_load("\n".join(opts)) or {}
        except yaml.YAMLError as e:
            raise QmdError(f"{name}:{fence_line}: invalid #| cell options: {e}") from None
        if not isinstance(options, dict):
            raise QmdError(f"{name}:{fence_line}: #| cell options must be key: value lines")
    source = "\n".join(body[k:]).strip("\n")
    return Code(source, options, fence_line)
