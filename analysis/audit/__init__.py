"""Auditing: every printed number traceable to its inputs, and a check a reviewer can run.

How numbers reach the book
--------------------------
* **Prose.** ``analysis.book.num(id)`` returns the registry text; rendered as an
  inline expression it becomes a link ``[text](#audit-<slug>){.rr-num}`` to the
  number's entry in the audit appendix (:func:`links.anchor`).
* **Tables.** Every cell that shows a computed number is a registry entry:
  tables are :class:`links.LinkedTable` objects built from registry ids (the
  result CSVs only give the rows and their order), so every cell links to its
  entry like prose numbers do.
* **Figures.** The numbers written on a figure (estimates and intervals, trial
  counts in brackets) are registry texts, looked up by id when the figure is
  drawn (``analysis.book.network_rows``). Axis tick labels are a scale, not
  results, and are not registered.

Modules: :mod:`.provenance` (``_results/provenance.csv``: the extracted rows
behind each study, written once per study), :mod:`.explain` (``rapidrec
audit``), :mod:`.appendix` (the audit appendix chapter), :mod:`.lint`
(``rapidrec lint``; allowlist in :mod:`.lint_allowlist`), :mod:`.verify`
(``rapidrec verify``), :mod:`.pack` (``rapidrec pack``).
"""
