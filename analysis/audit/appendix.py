"""The audit appendix: one anchored entry per registry id, with what ``rapidrec audit`` prints.

Compact by design (it is long in the PDF): the settings, scenario and data hash
are stated once (and repeated in an entry only where they differ); each entry
lists its studies with their contributions, each linking to the study's
extracted rows, which are given once per study at the end of the appendix.
"""

from __future__ import annotations

from pathlib import Path

from analysis.audit.explain import AuditData, settings_words, study_words, unit_words
from analysis.audit.links import anchor, study_anchor

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


# smaller type for the rest of the PDF (the appendix is last); ignored by the HTML writer
COMPACT_PDF = "```{=typst}\n#set text(size: 8.5pt)\n#set par(justify: false)\n```"


def _esc(text: str) -> str:
    """Escape markdown-active characters of plain text."""
    for ch in "\\`*_[]<>#|$@~^":
        text = text.replace(ch, "\\" + ch)
    return text


def _study_link(study: str) -> str:
    return f"[{_esc(study)}](#{study_anchor(study)})"


def _same_as(id: str, data: AuditData, first: dict) -> str | None:
    """The first entry (in appendix order) with the same studies, contributions and analysis, if not ``id``."""
    e = data.numbers[id]
    key = (tuple(e.get("studies") or ()), tuple(sorted((e.get("contributions") or {}).items())),
           data.analysis_of(e))
    if len(key[0]) < 4:  # short lists are clearer written out
        return None
    owner = first.setdefault(key, id)
    return None if owner == id else owner


def entry_markdown(id: str, data: AuditData, first: dict | None = None) -> str:
    """One anchored entry; with ``first`` (shared across calls) repeated study lists refer back."""
    expl = data.explain(id)
    e = expl.entry
    reg = data.registry
    bits = [f"**{_esc(id)}**: printed {_esc(e['text'])}{_esc(unit_words(e))}; value {_esc(repr(e['value']))}; "
            f"computed by {_esc(e['function'])}"]
    analysis = data.analysis_of(e)
    if analysis:
        bits[0] += f" from the {_esc(analysis)} analysis table"
    bits[0] += "."
    for key, label in (("settings", "Settings"), ("scenario", "Scenario"), ("data_hash", "Data hash")):
        if key in e and e[key] != reg.get(key):
            value = settings_words(e[key]) if key == "settings" else str(e[key])
            bits.append(f"{label}: {_esc(value)}.")
    same = _same_as(id, data, first) if first is not None else None
    if same is not None:
        bits.append(f"{_esc(study_words(expl))} Studies and contributions: as for [{_esc(same)}](#{anchor(same)}).")
    elif expl.studies:
        bits.append(_esc(study_words(expl)))
        if expl.has_contributions:
            named = [f"{_study_link(s.study)} {s.contribution:.1f}%" for s in expl.studies if s.contribution > 0]
            zero = [_study_link(s.study) for s in expl.studies if not s.contribution > 0]
            bits.append("Contributions: " + ", ".join(named) + "." +
                        (f" Linked through the heterogeneity variance only (0%): {', '.join(zero)}." if zero else ""))
        else:
            bits.append("Studies: " + ", ".join(_study_link(s.study) for s in expl.studies) + ".")
    else:
        bits.append(_esc(study_words(expl)))
    return f"::: {{#{anchor(id)} .audit-entry}}\n" + " ".join(bits) + "\n:::\n"


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
        from analysis.book import results_dir as find

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
    first: dict = {}
    parts += [entry_markdown(i, data, first) for i in sorted(data.numbers)]
    parts += ["## Extracted rows by study {.unnumbered}", "",
              "Each study's record in `studies.csv` and every extracted row an analysis used: the file and line, "
              "the values as extracted, the values used, and any conversion.", ""]
    parts += [study_markdown(s, data) for s in cited]
    return "\n".join(parts) + "\n"
