"""Figures drawn from result tables (never from raw data): forest plots and others.

Every label of a figure may come from the data (a procedure's name) or a letter: matplotlib must draw it as
written, so ``$...$`` never parses as mathtext (``text.parse_math`` off for every figure of the package).
"""

import matplotlib

matplotlib.rcParams["text.parse_math"] = False

# Base case and scenario drawn side by side (scenario_forest, claims_summary): colour, marker, legend words
PAIRED_STYLE = {"base": ("#8c8c8c", "s", "base case"), "scenario": ("#1f4e79", "D", "scenario")}
