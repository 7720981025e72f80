"""Figures drawn from result tables (never from raw data): forest plots and others.

Every label of a figure may come from the data (a procedure's name) or a letter: matplotlib must draw it as
written, so ``$...$`` never parses as mathtext (``text.parse_math`` off for every figure of the package).
"""

from pathlib import Path

import matplotlib

matplotlib.rcParams["text.parse_math"] = False

# Base case and scenario drawn side by side (scenario_forest, claims_summary): colour, marker, legend words
PAIRED_STYLE = {"base": ("#8c8c8c", "s", "base case"), "scenario": ("#1f4e79", "D", "scenario")}

SVG_SETTINGS = {"svg.hashsalt": "rapidrec", "svg.fonttype": "path"}  # stable ids, text as paths (rapidrec verify)
PNG_DPI = 200  # print quality for the PNG twin of every written figure


def save_figure(fig, stem, formats=("svg", "png"), dpi: int = PNG_DPI) -> list:
    """Write ``fig`` as ``<stem>.svg`` and ``<stem>.png`` (or ``formats``), byte-identical for the same
    figure: no date in the SVG, no software name in the PNG. Returns the paths written."""
    written = []
    for ext in formats:
        path = Path(stem).with_name(Path(stem).name + f".{ext}")
        kw = {"metadata": {"Date": None}} if ext == "svg" else {"dpi": dpi, "metadata": {"Software": None}}
        with matplotlib.rc_context(SVG_SETTINGS):
            fig.savefig(path, **kw)
        written.append(path)
    return written
