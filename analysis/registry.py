"""The results registry: every number the book shows, with where it came from.

``rapidrec build`` fills one :class:`NumberRegistry` and writes it to
``_results/numbers.json``. Each entry has a stable id (for example
``pain/axial/joint-rf/vs-sham/estimate``), the value at full precision, the
text as printed, its unit, the function that computed it, the settings and
scenario, the studies that feed it, and the hash of the data package.
Chapters obtain numbers only by id (:func:`analysis.book.num`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path

from analysis.errors import AnalysisError
from analysis.results_io import read_json, write_json

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*(/[a-z0-9][a-z0-9_.-]*)*$")
MINUS = "\u2212"


def format_number(value: float | int, decimals: int) -> str:
    """Text as printed: fixed decimals, a true minus sign, no negative zero."""
    if isinstance(value, int) or decimals == 0:
        text = f"{round(value):,d}" if abs(value) >= 10000 else f"{round(value):d}"
    else:
        text = f"{value:.{decimals}f}"
    if text.startswith("-"):
        stripped = text[1:].replace("0", "").replace(".", "").replace(",", "")
        text = MINUS + text[1:] if stripped else text[1:]
    return text


def format_p(p: float) -> str:
    """A p-value as printed: three decimals, or "<0.001"."""
    return "<0.001" if p < 0.001 else f"{p:.3f}"


@dataclass(frozen=True)
class NumberEntry:
    id: str
    value: float
    text: str
    unit: str
    function: str  # module.function that computed the value
    studies: tuple[str, ...] = ()
    contributions: dict[str, float] = field(default_factory=dict)  # study -> percent, where known
    analysis: str = ""  # the analysis table behind it ("outcome/population"); rows in _results/provenance.csv
    scenario: str | None = None  # computed under another scenario than the registry's (answers to critics)
    settings: dict | None = None  # ... and with other settings (None: the registry's)


ENTRY_FIELDS = fields(NumberEntry)


class NumberRegistry:
    """Collects numbers during a build; ids must be unique and well formed."""

    def __init__(self, data_hash: str, settings: dict, scenario: str = "base"):
        self.data_hash = data_hash
        self.settings = settings
        self.scenario = scenario
        self._entries: dict[str, NumberEntry] = {}

    def add(self, id: str, value, *, unit: str, function: str, decimals: int = 2,
            studies=(), contributions=None, text: str | None = None, analysis: str = "",
            scenario: str | None = None, settings: dict | None = None) -> NumberEntry:
        if not ID_PATTERN.match(id):
            raise AnalysisError(f"registry id {id!r} is not well formed (lower-case words separated by '/')")
        if id in self._entries:
            raise AnalysisError(f"registry id {id!r} is registered twice")
        if value is None:
            raise AnalysisError(f"registry id {id!r} has no value")
        entry = NumberEntry(
            id=id, value=value, text=text if text is not None else format_number(value, decimals),
            unit=unit, function=function, studies=tuple(sorted(studies)),
            contributions=dict(sorted((contributions or {}).items())), analysis=analysis,
            scenario=scenario if scenario not in (None, self.scenario) else None,
            settings=dict(settings) if settings is not None and settings != self.settings else None,
        )
        self._entries[id] = entry
        return entry

    def __getitem__(self, id: str) -> NumberEntry:
        return self._entries[id]

    def __contains__(self, id: str) -> bool:
        return id in self._entries

    def to_dict(self) -> dict:
        numbers = {}
        for id_ in sorted(self._entries):
            entry = self._entries[id_]
            e = {f.name: getattr(entry, f.name) for f in ENTRY_FIELDS}  # dataclasses.asdict, without deep copies
            e["studies"] = list(e["studies"])
            e["contributions"] = dict(e["contributions"])
            e.update(settings=e["settings"] if e["settings"] is not None else self.settings,
                     scenario=e["scenario"] or self.scenario, data_hash=self.data_hash)
            numbers[id_] = e
        return {"data_hash": self.data_hash, "scenario": self.scenario, "settings": self.settings,
                "numbers": numbers}

    def save(self, path: Path) -> None:
        write_json(self.to_dict(), path)


def load_numbers(path: Path) -> dict:
    return read_json(path)["numbers"]
