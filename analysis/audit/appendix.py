"""The audit appendix: one anchored entry per registry id, with what ``rapidrec audit`` prints.

Compact by design (it is long in the PDF): the settings, scenario and data hash
are stated once (and repeated in an entry only where they differ); a study list
that is a whole named set (every analysed trial, every trial of one analysis)
is named rather than listed; contributions list the main contributors (up to
:data:`MAX_SHOWN`, until they give :data:`SHOWN_SHARE` of the estimate), largest first, and count the rest (``rapidrec
audit ID`` lists them all). Each study links to its extracted rows, given once
per study at the end of the appendix.
"""

from __future__ import annotations

from pathlib import Path

from analysis.audit.explain import AuditData, settings_words, study_words, unit_words
from analysis.audit.formulas import glossary
from analysis.audit.links import AUDIT_TRAIL, anchor, study_anchor
from analysis.book import printed_where
from analysis.book import results_dir as find
from analysis.registry import MINUS
from analysis.results_io import read_json

INTRO = (
    "Every number this book prints is an entry of the results registry (`_results/numbers.json`, written by "
    "`rapidrec build`); in the HTML version each links here, and each entry links back to where it is printed. "
    "Numbers that share a derivation share a paragraph: their common id, each number's own part and printed "
    "text (with its full value where the text rounds it), the function that computed them, and the studies "
    "that feed them with each study's percentage contribution and a link to its extracted rows. `rapidrec "
    "audit ID` prints the same derivation; `rapidrec verify` rebuilds the book from the data and compares."
)


# smaller type for the rest of the PDF (the appendix is last), ids not hyphenated; ignored by the HTML writer
COMPACT_PDF = ("```{=typst}\n#set text(size: 8pt, hyphenate: false)\n#set par(justify: false, leading: 0.55em)\n"
               "#show table: set text(size: 8pt)\n#set table(inset: (x: 4pt, y: 3pt))\n```")


def _esc(text: str) -> str:
    """Escape markdown-active characters of plain text."""
    for ch in "\\`*_[]<>#|$@~^":
        text = text.replace(ch, "\\" + ch)
    return text


SHOWN_SHARE = 75.0  # percent of an estimate's information whose main contributors the appendix names
MAX_SHOWN = 8  # and at most this many of them


def named_sets(data: AuditData) -> dict[tuple[str, ...], str]:
    """Study sets the appendix names instead of listing: all studies cited, and each analysis's studies."""
    sets: dict[tuple[str, ...], str] = {}
    for e in data.numbers.values():
        studies = tuple(e.get("studies") or ())
        analysis = data.analysis_of(e)
        if analysis and e.get("contributions") and len(studies) >= 4:
            sets.setdefault(studies, f"every study of the {analysis} analysis")
    for id_ in ("dataset/trials-analysed", "dataset/trials-eligible"):
        e = data.numbers.get(id_)
        if e:
            label = "every analysed trial" if id_.endswith("analysed") else "every eligible trial"
            sets[tuple(e.get("studies") or ())] = label
    return sets


def _study_link(study: str, rows_at: str = "") -> str:
    """A study's name linking to its extracted rows (in this document, or in the document ``rows_at``)."""
    return f"[{_esc(study)}]({rows_at}#{study_anchor(study)})"


def _prefix(ids: list[str]) -> str:
    """The ids' common leading path (up to and including a '/'); '' when they share none."""
    parts = [i.split("/") for i in ids]
    common = []
    for level in zip(*(p[:-1] for p in parts)):
        if len(set(level)) > 1:
            break
        common.append(level[0])
    return "/".join(common) + "/" if common else ""


def _same(text: str, value) -> bool:
    """Whether the printed text is the value itself (then the value is not repeated)."""
    try:
        return float(str(text).replace(MINUS, "-")) == float(value)
    except (TypeError, ValueError):
        return False


def _heads(ids: list[str], data: AuditData) -> str:
    """The group's numbers in one sentence: their common id path once, then each id's last part (anchored,
    the target of the book's links), its printed text and, where the text rounds it, its full value."""
    prefix = _prefix(ids)
    items = []
    for id_ in ids:
        e = data.numbers[id_]
        exact = "" if _same(e["text"], e["value"]) else f" (value {_esc(repr(e['value']).replace('-', MINUS))})"
        items.append(f"[`{id_[len(prefix):]}`]{{#{anchor(id_)}}} {_esc(e['text'])}{_esc(unit_words(e))}{exact}")
    return (f"**`{prefix}`**: " if prefix else "") + "; ".join(items) + "."


def _group_key(id: str, data: AuditData) -> tuple:
    """Numbers with the same key share one derivation paragraph."""
    e = data.numbers[id]
    reg = data.registry
    differs = tuple((k, repr(e[k])) for k in ("settings", "scenario", "data_hash") if k in e and e[k] != reg.get(k))
    return (e["function"], data.analysis_of(e), tuple(e.get("studies") or ()),
            tuple(sorted((e.get("contributions") or {}).items())), differs)


def _contribute(n: int) -> str:
    return f"{n} study contributes" if n == 1 else f"{n} studies contribute"


def _feed(id: str, data: AuditData, sets: dict, rows_at: str = "") -> str:
    """How the numbers of a group were computed and which studies feed them (with contributions)."""
    expl = data.explain(id)
    e = expl.entry
    reg = data.registry
    text = f"Computed by {_esc(e['function'])}"
    analysis = data.analysis_of(e)
    if analysis:
        text += f" from the {_esc(analysis)} analysis table"
    text += "."
    for key, label in (("settings", "Settings"), ("scenario", "Scenario"), ("data_hash", "Data hash")):
        if key in e and e[key] != reg.get(key):
            value = settings_words(e[key]) if key == "settings" else str(e[key])
            text += f" {label}: {_esc(value)}."
    named = sets.get(tuple(e.get("studies") or ()))
    if expl.studies and expl.has_contributions:
        ranked = sorted((x for x in expl.studies if x.contribution > 0), key=lambda x: (-x.contribution, x.study))
        shown, total = [], 0.0
        for x in ranked:
            if total >= SHOWN_SHARE or len(shown) == MAX_SHOWN:
                break
            shown.append(x)
            total += x.contribution
        rest = len(ranked) - len(shown)  # contributing, not named
        idle = len(expl.studies) - len(ranked)  # in the network, contributing nothing to this estimate
        others = "one other study contributes" if idle == 1 else f"other {idle} studies contribute"
        who = f"{len(expl.studies)} studies ({named})" if named else f"{len(expl.studies)} studies"
        text += (f" Network of {_esc(who)}; largest contributions: "
                 + ", ".join(f"{_study_link(x.study, rows_at)} {x.contribution:.1f}%" for x in shown)
                 + (f"; {_contribute(rest).replace(' ', ' further ', 1)} the rest" if rest else "")
                 + (f"; the network's {others} nothing to it directly (0%)" if idle else "") + ".")
    elif expl.studies and named:
        text += f" Fed by {_esc(named)} ({len(expl.studies)} studies)."
    elif expl.studies:
        text += (f" Fed by {len(expl.studies)} {'study' if len(expl.studies) == 1 else 'studies'}: "
                 + ", ".join(_study_link(x.study, rows_at) for x in expl.studies) + ".")
    else:
        text += " " + _esc(study_words(expl))
    return text


def _group(ids: list[str], data: AuditData, sets: dict, rows_at: str = "",
           where: dict[str, list] | None = None) -> str:
    sections = list(dict.fromkeys(_back_link(s) for i in ids for s in (where or {}).get(i, ())))
    back = (" Printed in " + ", ".join(sections) + ".") if sections else ""
    return f"::: {{.audit-entry}}\n{_heads(ids, data)} {_feed(ids[0], data, sets, rows_at)}{back}\n:::\n"


def _back_link(section) -> str:
    """A cross-reference to a section of the book (``sec-x``), or from a document beside the book a link to
    its page (``[sec-x, title]``: the book's page ``sec-x.html``)."""
    if isinstance(section, str):
        return f"@{section}"
    sid, title = section
    return f"[{_esc(title)}]({sid}.html)"


def entries_markdown(data: AuditData, ids=None, rows_at: str = "", where: dict[str, list[str]] | None = None
                     ) -> list[str]:
    """Every registry id (or those of ``ids``) anchored, in id order; consecutive ids sharing a derivation
    share one paragraph. Study names link to their rows in this document or in ``rows_at``; ``where`` (id ->
    the sections printing it) ends each paragraph with links back to them."""
    sets = named_sets(data)
    out, group, key = [], [], None
    for id_ in sorted(data.numbers if ids is None else set(ids)):
        k = _group_key(id_, data)
        if group and k != key:
            out.append(_group(group, data, sets, rows_at, where))
            group = []
        group.append(id_)
        key = k
    if group:
        out.append(_group(group, data, sets, rows_at, where))
    return out


def study_markdown(study: str, data: AuditData) -> str:
    rows = data.rows_by_study.get(study, [])
    lines = [f"::: {{#{study_anchor(study)} .audit-study}}", f"**{_esc(study)}**", ""]
    for r in rows:
        head = f"{r.where}" + (f", {r.analysis}, arm {r.arm} ({r.treatment})" if r.arm else "")
        parts = [head] + [f"{label}: {value}" for label, value in r.details()]
        lines.append("- " + _esc(" — ".join(parts)))
    lines.append(":::")
    return "\n".join(lines) + "\n"


def glossary_markdown(entries: dict[str, dict]) -> str:
    """The formula or rule of every kind of number among ``entries``, as a Markdown table."""
    rows = ["| Kind of number | How it is computed |", "|:---|:---------------|"]
    rows += [f"| {_esc(kinds)} ({_esc(parts)}) | {_esc(how)} |" for parts, kinds, how in glossary(entries)]
    return "\n".join(rows) + "\n"


def appendix_markdown(results_dir: Path | None = None, ids=None, complete: bool = False,
                      printed_in: str | Path | None = None) -> str:
    """The body of the audit appendix chapter (markdown): the entries of ``ids`` (default: those the book's
    chapters printed, :func:`analysis.book.printed_where`, or every entry when that is not known), each ending
    with links back to the sections that print it, their studies
    linking to the complete audit trail (:data:`AUDIT_TRAIL`). ``complete``: the complete audit trail itself,
    every entry and every study's extracted rows; ``printed_in``: a JSON file (registry id -> [[section, title],
    ...], :attr:`analysis.render.book.RenderResult.printed`), when it exists, links the entries the book prints
    back to its pages."""
    if results_dir is None:
        results_dir = find()
    data = AuditData(Path(results_dir))
    reg = data.registry
    where = printed_where() if not complete else None
    if complete and printed_in is not None and Path(printed_in).is_file():
        where = read_json(Path(printed_in))
    if ids is None and not complete:
        ids = sorted(where) if where is not None else None
    shown = sorted(data.numbers if complete or ids is None else {i for i in ids if i in data.numbers})
    if complete:
        scope = ("This document holds every entry of the registry, and after them the extracted rows of every "
                 "study the entries cite.")
    else:
        scope = (f"This appendix holds the {len(shown)} entries the book prints in its text, tables and forest "
                 f"plots, of {len(data.numbers)} in the registry; the complete audit trail beside this book "
                 f"({AUDIT_TRAIL} and audit.pdf) holds every entry, the league tables' cells among them, and the "
                 "extracted rows of every study.")
    parts = [COMPACT_PDF, "", INTRO + " " + scope, "",
             f"All numbers were computed under scenario **{_esc(str(reg.get('scenario')))}** from the data package "
             f"with hash {_esc(str(reg.get('data_hash')))}, with these settings: "
             f"{_esc(settings_words(reg.get('settings') or {}))}. An entry states its own settings, scenario or "
             "hash only where they differ.", "",
             "## How each number is computed {.unnumbered}", "",
             "Each entry below names the function that computed it and ends in the kind of number it is "
             "(`estimate`, `ci-low`, `tau` ...); this table says, for each kind, the formula or rule and its "
             "inputs.", "", glossary_markdown({i: data.numbers[i] for i in shown}), "",
             "## Numbers {.unnumbered}", ""]
    parts += entries_markdown(data, shown, rows_at="" if complete else AUDIT_TRAIL, where=where)
    if complete:
        cited = sorted({s for i in shown for s in (data.numbers[i].get("studies") or [])})
        parts += ["## Extracted rows by study {.unnumbered}", "",
                  "Each study's record in `studies.csv` and every extracted row an analysis used: the file and "
                  "line, the values as extracted, the values used, and any conversion.", ""]
        parts += [study_markdown(s, data) for s in cited]
    return "\n".join(parts) + "\n"
