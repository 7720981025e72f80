"""The synthetic demonstration data package, calibrated to the published aggregates.

    from analysis.synthesize import generate
    generate(Path("data"))   # writes datapackage.json, guideline.yaml and the six CSVs
    generate(Path("/tmp/x5"), scale=5)   # five times the trials, for benchmarks (analysis.synthesize.scale)

Deterministic: the same seed gives byte-identical files. data/README.md (kept
by hand) explains the design and lists every assumption.
"""

from __future__ import annotations

from pathlib import Path

from analysis.dataset.descriptor import datapackage_descriptor
from analysis.dataset.optional_tables import OPTIONAL_TABLES
from analysis.dataset.schema import DESCRIPTOR_FILE, GUIDELINE_FILE, TABLES
from analysis.synthesize.guideline import guideline_text
from analysis.synthesize.scale import scaled_rows
from analysis.synthesize.write import csv_text, json_text, write_text

DEFAULT_SEED = 20250226
GENERATED_FILES = (DESCRIPTOR_FILE, GUIDELINE_FILE, *(t.filename for t in (*TABLES, *OPTIONAL_TABLES)))


def generate(out_dir: Path, seed: int = DEFAULT_SEED, scale: int = 1, report=lambda message: None) -> None:
    """Write the synthetic data package, ``scale`` times the size of the embedded one, into ``out_dir`` (created
    if needed). Every row is computed before the first file is written."""
    out_dir = Path(out_dir)
    rows = scaled_rows(seed, scale, report)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_text(out_dir / DESCRIPTOR_FILE, json_text(datapackage_descriptor()))
    write_text(out_dir / GUIDELINE_FILE, guideline_text())
    for table in (*TABLES, *OPTIONAL_TABLES):
        write_text(out_dir / table.filename, csv_text(table, rows[table.name]))


__all__ = ["DEFAULT_SEED", "GENERATED_FILES", "generate"]
