"""The Frictionless Data Package descriptor (``datapackage.json``) of the package: its required tables
(:mod:`analysis.dataset.schema`) and the tables a package may omit (:mod:`analysis.dataset.responders`)."""

from __future__ import annotations

from analysis.dataset.optional_tables import OPTIONAL_TABLES
from analysis.dataset.schema import TABLES


def datapackage_descriptor() -> dict:
    """The Frictionless Data Package descriptor of the package."""
    return {
        "profile": "tabular-data-package",
        "name": "rapidrec-spine-procedures-extraction",
        "title": "Trial extraction for the BMJ Rapid Recommendation on interventional procedures for chronic "
                 "spine pain (SYNTHETIC demonstration data)",
        "description": "Synthetic, calibrated stand-in for the real extraction, which is not public. See README.md.",
        "licenses": [{"name": "CC0-1.0", "title": "CC0 1.0"}],
        "resources": [t.descriptor() for t in (*TABLES, *OPTIONAL_TABLES)],
    }
