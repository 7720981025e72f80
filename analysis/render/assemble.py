"""Turn an executed chapter into pandoc markdown.

Honours the cell options echo, eval, include, output (false / asis), warning,
error, label, fig-cap, fig-alt and tbl-cap. Figures are written to ``<fig_dir>/<chapter>-<n>.svg``.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from .errors import RenderError
from .qmd import Markdown, _mask_code, substitute_inline

IMAGE_MIMES = {"image/svg+xml": "svg", "image/png": "png", "image/jpeg": "jpg"}
_MPL_REPR = re.compile(r"^[\[(]?\s*(<matplotlib\.|<Figure size|<Axes|Text\(|<mpl_toolkits\.)")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_H1 = re.compile(r"^#[ \t]+(?P<title>.*?)(?:[ \t]+\{(?P<attrs>[^}]*)\})?[ \t]*#*[ \t]*$")


def pipe_table(df):
    """A pandas DataFrame as a pandoc pipe table (runs inside the kernel too)."""
    def fmt(v):
        if v is None or (isinstance(v, float) and v != v):
            return ""
        if isinstance(v, float):
            s = f"{v:.6g}"
            if "e" in s and 1e-4 <= abs(v) < 1e15:
                s = f"{v:.6f}".rstrip("0").rstrip(".")
            return s
        return str(v)

    def esc(s):
        return " ".join(str(s).split()).replace("|", "\\|")

    def name(c):
        return " ".join(str(x) for x in c) if isinstance(c, tuple) else ("" if c is None else c)

    index = df.index
    show_index = any(n is not None for n in index.names) or not (
        type(index).__name__ == "RangeIndex" and index.start == 0 and index.step == 1)
    header, columns, right = [], [], []
    if show_index:
        header += [name(n) for n in index.names]
        levels = [list(index.get_level_values(i)) for i in range(index.nlevels)]
        columns += levels
        right += [False] * index.nlevels
    for i, c in enumerate(df.columns):
        header.append(name(c))
        columns.append(list(df.iloc[:, i]))
        right.append(df.dtypes.iloc[i].kind in "iufc")
    cells = [[esc(fmt(v)) for v in col] for col in columns]
    header = [esc(h) for h in header]
    widths = [max([3, len(h)] + [len(x) for x in col]) for h, col in zip(header, cells)]

    def row(values):
        return "| " + " | ".join(
            v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right)) + " |"

    # pandoc sizes wrapped columns by their number of dashes: cap long columns so
    # that short ones (counts, estimates) keep room and do not wrap
    dashes = [min(w, 36) for w in widths]
    rule = "|" + "|".join(("-" * (d + 1) + ":") if r else (":" + "-" * (d + 1))
                          for d, r in zip(dashes, right)) + "|"
    lines = [row(header), rule] + [row(list(r)) for r in zip(*cells)]
    return "\n".join(lines) + "\n"


def fence(text: str, attrs: str = "") -> str:
    ticks = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", text)), default=0))
    return f"{ticks}{attrs}\n{text.rstrip()}\n{ticks}"


class Figures:
    """Writes a chapter's images to ``<fig_dir>/<stem>-<n>.<ext>``."""

    def __init__(self, fig_dir: Path, stem: str, rel: str = "figures") -> None:
        self.fig_dir, self.stem, self.rel, self.n = fig_dir, stem, rel, 0

    def write(self, mime: str, data) -> str:
        self.n += 1
        name = f"{self.stem}-{self.n}.{IMAGE_MIMES[mime]}"
        self.fig_dir.mkdir(parents=True, exist_ok=True)
        path = self.fig_dir / name
        if mime == "image/svg+xml":
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(base64.b64decode(data))
        return f"{self.rel}/{name}"


def chapter_markdown(run, chapter: str, fig_dir: Path, *, classes: tuple[str, ...] = ()) -> str:
    """Pandoc markdown of an executed chapter (see execute.ChapterRun)."""
    figures = Figures(fig_dir, Path(chapter).stem)
    parts: list[str] = []
    cells = iter(run.cells)
    for b, block in enumerate(run.qmd.blocks):
        if isinstance(block, Markdown):
            parts.append(substitute_inline(block.text, run.inline[b]) if b in run.inline
                         else block.text)
        else:
            parts.extend(cell_markdown(next(cells), chapter, figures))
    md = "\n\n".join(p.strip("\n") for p in parts if p.strip()) + "\n"
    return mark_chapter(md, run.qmd.front.get("title"), classes)


def cell_markdown(run, chapter: str, figures: Figures) -> list[str]:
    opts, label = run.options, run.code.label or ""
    if opts.get("include") is False:
        return []
    out: list[str] = []
    if opts.get("echo", True) in (True, "fenced"):
        out.append(fence(run.code.source, "{.python .cell-code}"))
    if opts.get("output") is False:
        return out
    pieces = _pieces(run.outputs, opts, figures)

    def fail(msg: str):
        return RenderError(msg, chapter=chapter, cell=run.number, label=label or None)

    images = [i for i, (kind, _) in enumerate(pieces) if kind == "image"]
    cap = " ".join(str(opts.get("fig-cap", "")).split())
    if label.startswith("fig-"):
        if len(images) != 1:
            raise fail(f"a cell labelled {label} must produce exactly one figure, "
                       f"it produced {len(images)}")
    alt = " ".join(str(opts.get("fig-alt", "")).split())
    for i in images:
        attrs = [f"#{label}"] if label.startswith("fig-") else []
        if alt:  # Quarto's fig-alt (crossref.lua makes it the image's alternative text)
            attrs.append('fig-alt="' + alt.replace("\\", "\\\\").replace('"', '\\"') + '"')
        pieces[i] = ("md", f"![{cap}]({pieces[i][1]})" + (f"{{{' '.join(attrs)}}}" if attrs else ""))
    if label.startswith("tbl-"):
        tables = [i for i, (kind, text) in enumerate(pieces) if kind == "md" and "|" in text]
        if not tables:
            raise fail(f"a cell labelled {label} must output a markdown table "
                       "(a pandas DataFrame, or `output: asis` with a printed pipe table)")
        tcap = " ".join(str(opts.get("tbl-cap", "")).split())
        i = tables[0]
        caption = f"{tcap} {{#{label}}}" if tcap else f"{{#{label}}}"
        pieces[i] = ("md", pieces[i][1].rstrip() + f"\n\n: {caption}")
    return out + [text for _, text in pieces]


def _pieces(outputs, opts: dict, figures: Figures) -> list[tuple[str, str]]:
    asis = opts.get("output") == "asis"
    pieces: list[tuple[str, str]] = []
    seen_images: set[str] = set()
    for o in _merge_streams(outputs):
        kind = o["output_type"]
        if kind == "stream":
            if o["name"] == "stderr" and opts.get("warning") is False:
                continue
            if asis and o["name"] == "stdout":
                pieces.append(("md", o["text"]))
            else:
                attrs = f"{{.cell-output .cell-output-{o['name']}}}"
                pieces.append(("code", fence(o["text"], attrs)))
        elif kind == "error":
            pieces.append(("code", fence(traceback_text(o) or f"{o['ename']}: {o['evalue']}",
                                         "{.cell-output .cell-output-error}")))
        elif kind in ("display_data", "execute_result"):
            data = o.get("data", {})
            mime = next((m for m in IMAGE_MIMES if m in data), None)
            if mime:
                image = _text(data[mime])
                if image not in seen_images:  # a returned Figure is also flushed by pyplot
                    seen_images.add(image)
                    pieces.append(("image", figures.write(mime, image)))
            elif "text/markdown" in data:
                pieces.append(("md", _text(data["text/markdown"])))
            elif "text/plain" in data:
                text = _text(data["text/plain"])
                if _MPL_REPR.match(text):
                    continue
                pieces.append(("md", text) if asis else
                              ("code", fence(text, "{.cell-output .cell-output-display}")))
            elif "text/html" in data:
                pieces.append(("raw", fence(_text(data["text/html"]), "{=html}")))
    return pieces


def traceback_text(err) -> str:
    """The traceback of an nbformat error output, without ANSI colours."""
    return _ANSI.sub("", "\n".join(err.get("traceback") or [])).strip()


def _text(value) -> str:
    return value if isinstance(value, str) else "".join(value)


def _merge_streams(outputs):
    merged: list[dict] = []
    for o in outputs:
        if (o["output_type"] == "stream" and merged and merged[-1]["output_type"] == "stream"
                and merged[-1]["name"] == o["name"]):
            merged[-1] = {**merged[-1], "text": merged[-1]["text"] + _text(o["text"])}
        else:
            merged.append(dict(o, text=_text(o["text"])) if o["output_type"] == "stream" else o)
    return merged


def mark_chapter(md: str, title: str | None, classes: tuple[str, ...]) -> str:
    """Add ``classes`` to the chapter's first level-1 header (or create it from ``title``)."""
    lines = md.splitlines(keepends=True)
    masked = _mask_code(md).splitlines(keepends=True)
    for i, line in enumerate(masked):
        m = _H1.match(line.rstrip("\n"))
        if m:
            attrs = (m.group("attrs") or "").split()
            attrs += [f".{c}" for c in classes if f".{c}" not in attrs]
            suffix = f" {{{' '.join(attrs)}}}" if attrs else ""
            lines[i] = f"# {m.group('title')}{suffix}\n"
            return "".join(lines)
    if title is None:
        return md
    attrs = " ".join(f".{c}" for c in classes)
    return f"# {title}{' {' + attrs + '}' if attrs else ''}\n\n" + md
