"""Deterministic writing of result files (CSV and JSON).

Every result file is written the same way so that the same input gives
byte-identical files: floats in their shortest round-trip form, keys sorted,
LF line endings, no timestamps. Files are written to a temporary name and
renamed, so a reader never sees a half-written file.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError


def _clean(value):
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, (np.floating, float)):
        v = float(value)
        if math.isnan(v) or math.isinf(v):
            raise ValueError(f"refusing to write a non-finite number ({v}) to a result file")
        return v
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    os.replace(tmp, path)


def json_text(data) -> str:
    """``data`` as the JSON every result file holds: keys sorted, floats exact, two-space indent, final newline."""
    return json.dumps(_clean(data), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_json(data, path: Path) -> None:
    _atomic_write(Path(path), json_text(data))


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    _atomic_write(Path(path), frame.to_csv(index=False, lineterminator="\n"))


def read_json(path: Path):
    """The JSON document rapidrec wrote at ``path``; a damaged one (cut short, overwritten) is an
    :class:`AnalysisError` saying how to write it again, not a decoding traceback."""
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise AnalysisError(f"{path}: damaged ({exc}); expected the JSON document rapidrec wrote there: build the "
                            "project again (`rapidrec build`)") from None
