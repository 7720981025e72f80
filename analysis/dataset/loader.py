"""``load_dataset``: a validated data package as normalised tables, read-only."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.dataset.analysis_table import build_analysis_arms
from analysis.dataset.issues import DatasetInvalid
from analysis.dataset.optional_tables import OPTIONAL_TABLES
from analysis.dataset.responders import build_responder_arms, optional_files
from analysis.dataset.schema import DESCRIPTOR_FILE, GUIDELINE_FILE, TABLES
from analysis.dataset.validate import check_package

HASHED_FILES = (DESCRIPTOR_FILE, GUIDELINE_FILE, *(t.filename for t in TABLES))
OPTIONAL_NAMES = frozenset(t.name for t in OPTIONAL_TABLES)  # hashed and loaded only when present


def data_hash(path: Path) -> str:
    """sha256 over the package files (datapackage.json, guideline.yaml, the CSVs) in sorted order of name."""
    h = hashlib.sha256()
    for name in sorted((*HASHED_FILES, *optional_files(path))):
        h.update(name.encode() + b"\0")
        h.update((Path(path) / name).read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in override.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else copy.deepcopy(v)
    return out


def _overrides(settings) -> dict:
    """Guideline entries a caller overrides: a mapping, or an object's ``guideline_overrides`` attribute."""
    if settings is None:
        return {}
    if isinstance(settings, dict):
        return settings
    return dict(getattr(settings, "guideline_overrides", None) or {})


@dataclass
class Dataset:
    """The tables of a valid data package. ``source_row`` columns give each row's CSV line."""

    path: Path
    studies: pd.DataFrame
    nodes: pd.DataFrame
    arms: pd.DataFrame
    procedures: pd.DataFrame
    outcomes: pd.DataFrame
    adverse_events: pd.DataFrame
    guideline: dict
    data_hash: str
    _tables: dict = field(repr=False, default_factory=dict)

    def analysis_arms(self, outcome: str = "pain", population: str = "axial") -> pd.DataFrame:
        """Arm-level analysis table (see :mod:`analysis.dataset.analysis_table`)."""
        return build_analysis_arms(self._tables, self.guideline, outcome, population)

    @property
    def responders(self) -> pd.DataFrame:
        """The optional responders table (empty when the package has no responders.csv)."""
        return _public(self._tables["responders"]) if "responders" in self._tables else pd.DataFrame()

    def responder_arms(self, population: str = "axial", outcome: str = "pain_responder") -> pd.DataFrame:
        """Arm-level responder table (``events`` of ``n``; see :mod:`analysis.dataset.responders`)."""
        return build_responder_arms(self._tables, self.guideline, population, outcome)

    @property
    def judgements(self) -> pd.DataFrame:
        """The panel's GRADE judgements (optional judgements.csv; empty when absent)."""
        if "judgements" in self._tables:
            return _public(self._tables["judgements"])
        return pd.DataFrame(columns=["estimate", "domain", "rating", "rationale", "source_row"])

    @property
    def other_guidance(self) -> pd.DataFrame:
        """Other organisations' guidance (optional other_guidance.csv, cited data; empty when absent)."""
        if "other_guidance" in self._tables:
            return _public(self._tables["other_guidance"])
        return pd.DataFrame(columns=["organisation", "year", "citation", "procedures", "recommendation",
                                     "source_row"])

    def source_of(self, file: str, row: int) -> tuple[str, int]:
        """Where a table row came from: (file, line); a scenario's dataset maps the rows it added to its file."""
        return file, row

    def category(self, code: str) -> str:
        """The guideline's category name of a node code."""
        return dict(zip(self.nodes["code"], self.nodes["category"]))[code]


def _public(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.rename(columns={"_line": "source_row"})
    return out[[c for c in out.columns if c != "source_row"] + ["source_row"]].reset_index(drop=True)


def load_dataset(path: Path | str, settings=None) -> Dataset:
    """Validate, then load, the data package at ``path``; raises :class:`DatasetInvalid` listing every problem.

    ``settings`` may override guideline.yaml entries (a dict such as
    ``{"timepoint_rules": {"injection": {"max_weeks": 26}}}``, or an object with
    a ``guideline_overrides`` dict); the files are never modified.
    """
    path = Path(path)
    issues, tables, guideline = check_package(path)
    if issues:
        raise DatasetInvalid(issues)
    guideline = _merge(guideline or {}, _overrides(settings))
    public = {name: _public(frame) for name, frame in tables.items() if name not in OPTIONAL_NAMES}
    return Dataset(path=path, guideline=guideline, data_hash=data_hash(path), _tables=tables, **public)
