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
from analysis.audit.links import anchor, study_anchor
from analysis.book import results_dir as find

INTRO = (
    "Every number printed in this book is an entry of the results registry (`_results/numbers.json`) "
    "written by `rapidrec build`; in the HTML version each links here. Numbers in tables are registry "
    "entries too, and the estimates and trial counts written on the forest plots are registry texts "
    "(axis ticks are a scale, not results). An entry gives the number's full-precision value, the "
    "function that computed it and the studies that feed it: for a network estimate, every study of its "
    "network, since the shared heterogeneity variance links them all, with its percentage contribution "
    "from the contribution matrix. The extracted rows behind each study, with the values used and any "
    "conversion, follow the entries. `rapidrec audit ID` prints the same derivation, and `rapidrec audit "
    "--study STUDY` every number a study influences; `rapidrec verify` rebuilds the book from the data "
    "and compares."
)


# smaller type for the rest of the PDF (the appendix is last), ids not hyphenated; ignored by the HTML writer
COMPACT_PDF = "```{=typst}\n#set text(size: 8pt, hyphenate: false)\n#set par(justify: false)\n```"


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


def _study_link(study: str) -> str:
    return f"[{_esc(study)}](#{study_anchor(study)})"


def _head(id: str, data: AuditData) -> str:
    """One number's own line: its id (anchored), printed text, and full-precision value."""
    e = data.numbers[id]
    return (f"::: {{#{anchor(id)} .audit-entry}}\n**`{id}`**: printed {_esc(e['text'])}{_esc(unit_words(e))}; "
            f"value {_esc(repr(e['value']))}\n:::\n")


def _group_key(id: str, data: AuditData) -> tuple:
    """Numbers with the same key share one derivation paragraph."""
    e = data.numbers[id]
    reg = data.registry
    differs = tuple((k, repr(e[k])) for k in ("settings", "scenario", "data_hash") if k in e and e[k] != reg.get(k))
    return (e["function"], data.analysis_of(e), tuple(e.get("studies") or ()),
            tuple(sorted((e.get("contributions") or {}).items())), differs)


def _feed(id: str, data: AuditData, sets: dict, count: int) -> str:
    """How the numbers of a group were computed and which studies feed them (with contributions)."""
    expl = data.explain(id)
    e = expl.entry
    reg = data.registry
    which = "this number" if count == 1 else f"the {count} numbers above"
    text = f"For {which}: computed by {_esc(e['function'])}"
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
        rest = len(expl.studies) - len(shown)
        who = f"{len(expl.studies)} studies ({named})" if named else f"{len(expl.studies)} studies"
        text += (f" Fed by {_esc(who)}, linked through the shared heterogeneity variance; largest contributions "
                 "(contribution matrix): "
                 + ", ".join(f"{_study_link(x.study)} {x.contribution:.1f}%" for x in shown)
                 + (f"; {rest} further studies contribute the rest." if rest else "."))
    elif expl.studies and named:
        text += f" Fed by {_esc(named)} ({len(expl.studies)} studies)."
    elif expl.studies:
        text += f" Fed by {len(expl.studies)} studies: " + ", ".join(_study_link(x.study) for x in expl.studies) + "."
    else:
        text += " " + _esc(study_words(expl))
    return f"::: {{.audit-feed}}\n{text}\n:::\n"


def entries_markdown(data: AuditData, ids=None) -> list[str]:
    """Every registry id (or those of ``ids``) anchored, in id order; consecutive ids sharing a derivation
    share its paragraph."""
    sets = named_sets(data)
    out, group, key = [], [], None
    for id_ in sorted(data.numbers if ids is None else set(ids)):
        k = _group_key(id_, data)
        if group and k != key:
            out += [_head(i, data) for i in group] + [_feed(group[0], data, sets, len(group))]
            group = []
        group.append(id_)
        key = k
    if group:
        out += [_head(i, data) for i in group] + [_feed(group[0], data, sets, len(group))]
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


def appendix_markdown(results_dir: Path | None = None) -> str:
    """The body of the audit appendix chapter (markdown)."""
    if results_dir is None:
        results_dir = find()
    data = AuditData(Path(results_dir))
    reg = data.registry
    cited = sorted({s for e in data.numbers.values() for s in (e.get("studies") or [])})
    parts = [COMPACT_PDF, "", INTRO, "",
             f"All numbers were computed under scenario **{_esc(str(reg.get('scenario')))}** from the data package "
             f"with hash {_esc(str(reg.get('data_hash')))}, with these settings: "
             f"{_esc(settings_words(reg.get('settings') or {}))}. An entry states its own settings, scenario or "
             "hash only where they differ.", "",
             "## Numbers {.unnumbered}", ""]
    parts += entries_markdown(data)
    parts += ["## Extracted rows by study {.unnumbered}", "",
              "Each study's record in `studies.csv` and every extracted row an analysis used: the file and line, "
              "the values as extracted, the values used, and any conversion.", ""]
    parts += [study_markdown(s, data) for s in cited]
    return "\n".join(parts) + "\n"
