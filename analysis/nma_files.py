"""Network meta-analysis of a user's CSV file: read the input, write the result files.

Input is either arm-level (``study, treatment, n`` plus ``mean, sd`` or
``events``) or contrast-level (``study, treat1, treat2, yi, se``; yi is treat1
minus treat2). Output files (ratio measures on the log scale):

- ``effects.csv``: treatment, estimate, se, ci_low, ci_high versus the reference, and pi_low, pi_high (the 95%
  prediction interval, estimate +/- z sqrt(se^2 + tau^2));
- ``league.csv``: treat1, treat2, estimate, se, ci_low, ci_high (treat1 minus treat2);
- ``heterogeneity.json``: tau2 with its Q-profile 95% CI, i2, q, q_df, q_p, q_within, q_between, design_by_treatment_p and more;
- ``nodesplit.csv``: direct, indirect and network estimates per directly compared pair;
- ``ranking.csv``: P-scores;
- ``rank_probabilities.csv``: SUCRA, mean and median rank and the probability of each rank (1 = best), from
  100,000 draws of the effects' joint normal distribution with a fixed seed (``analysis.models.ranking``);
- ``rankogram.png`` (with ``--rankogram``): those probabilities drawn per treatment.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from analysis.effects import contrasts_from_arms, contrasts_from_pairs, without_information
from analysis.effects.measures import RATIO_MEASURES, check_measure
from analysis.errors import DataError, NetworkError
from analysis.models.inconsistency import decompose_q
from analysis.models.network import NetworkFit, fit_network
from analysis.models.nodesplit import node_split
from analysis.models.ranking import RankProbabilities, p_scores, rank_probabilities
from analysis.models.tau2 import tau2_q_profile
from analysis.results_io import write_csv, write_json

CONTRAST_COLUMNS = {"treat1", "treat2", "yi", "se"}
OUTPUT_FILES = ("effects.csv", "league.csv", "heterogeneity.json", "nodesplit.csv", "ranking.csv",
                "rank_probabilities.csv", "rankogram.png")


def read_network_input(path: Path, measure: str, reference: str | None, keep_double_zero: bool = False,
                       left_out: Callable[[str], None] = lambda study: None):
    """Study contrasts from a CSV file, arm-level or contrast-level (detected from its columns). Arm-level odds
    and risk ratios leave out the studies without information (:func:`without_information`), each passed to
    ``left_out``, unless ``keep_double_zero``."""
    measure = check_measure(measure)
    try:
        # every cell as the text in the file: no "NA" or empty cell turned into NaN (a treatment named "nan"), no
        # "01" and "1" merged into one treatment; numbers are parsed, and located, where they are used
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        df = df.rename(columns=str.strip).apply(lambda column: column.str.strip())  # " A" and "A": one treatment
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: not a readable CSV file ({exc})") from None
    if CONTRAST_COLUMNS <= set(df.columns):
        return contrasts_from_pairs(df, reference, source=str(path))
    if "treatment" not in df.columns:
        raise DataError(
            f"{path}: expected arm-level columns study,treatment,n plus mean,sd or events, "
            f"or contrast-level columns study,treat1,treat2,yi,se; found {','.join(map(str, df.columns))}"
        )
    if not keep_double_zero and {"events", "n", "study"} <= set(df.columns):
        for study in without_information(df, measure):
            left_out(study)
            df = df[df["study"].astype(str) != study]
    return contrasts_from_arms(df, measure, reference, source=str(path))


def heterogeneity_summary(fit: NetworkFit) -> dict:
    dq = decompose_q(fit.data)
    tau2_ci = tau2_q_profile(fit.data.model, fit.level) if fit.q_df > 0 else (None, None)
    i2_ci = fit.i2_ci or (None, None)
    return {
        "measure": fit.measure,
        "method": fit.method,
        "reference": fit.reference,
        "n_studies": fit.n_studies,
        "n_treatments": len(fit.treatments),
        "n_contrasts": fit.n_contrasts,
        "tau2": fit.tau2,
        "tau2_ci_low": tau2_ci[0],  # Q-profile, whatever the estimator (also for the common-effect model)
        "tau2_ci_high": tau2_ci[1],
        "i2": fit.i2,
        "i2_ci_low": i2_ci[0],  # test-based (Higgins and Thompson 2002), as netmeta
        "i2_ci_high": i2_ci[1],
        "q": fit.q,
        "q_df": fit.q_df,
        "q_p": fit.q_p,
        "q_within": dq.q_within,
        "q_within_df": dq.df_within,
        "q_within_p": dq.q_within_p,
        "q_between": dq.q_between,
        "q_between_df": dq.df_between,
        "q_between_p": dq.q_between_p,
        "tau2_within": dq.tau2_within,
        "q_between_random": dq.q_between_random,
        "design_by_treatment_p": dq.design_by_treatment_p,
    }


@dataclass(frozen=True)
class NmaRun:
    """Everything ``rapidrec nma`` reports on one input: the fit, its heterogeneity summary, the rank
    probabilities, the tables written as CSV files (by file name) and the studies left out (with why)."""

    fit: NetworkFit
    heterogeneity: dict
    ranks: RankProbabilities
    tables: dict[str, pd.DataFrame]
    left_out: tuple[str, ...]  # studies without information on an odds or risk ratio, left out

    def write(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, frame in self.tables.items():
            write_csv(frame, out_dir / name)
        write_json(self.heterogeneity, out_dir / "heterogeneity.json")

    def document(self, source: str) -> dict:
        """The whole result as one JSON-ready mapping (``--format json``): the settings, the heterogeneity
        summary, and each table as a list of rows keyed by the CSV file's columns (empty cells as null)."""
        fit = self.fit
        return {
            "input": source, "measure": fit.measure, "scale": "log" if fit.measure in RATIO_MEASURES else "natural",
            "method": fit.method, "test": fit.test, "df": fit.df, "reference": fit.reference,
            "treatments": list(fit.treatments), "studies_left_out": list(self.left_out),
            "heterogeneity": self.heterogeneity,
            **{name.removesuffix(".csv"): records(frame) for name, frame in self.tables.items()},
        }


def records(frame: pd.DataFrame) -> list[dict]:
    """A table's rows as mappings, missing values as None."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def run_nma(path: Path, measure: str, method: str, reference: str | None, small_values: str = "good",
            keep_double_zero: bool = False, report: Callable[[str], None] = lambda m: None, test: str = "z",
            ) -> NmaRun:
    """Read ``path``, fit its network and compute every table ``rapidrec nma`` reports (nothing is written)."""
    left_out: list[str] = []

    def leave_out(study: str) -> None:
        left_out.append(study)
        report(f"{path}: study {study} left out: no events in any arm (or events in every arm), so it carries no "
               f"information on the {check_measure(measure)}; --keep-double-zero keeps it")

    studies = read_network_input(Path(path), measure, reference, keep_double_zero, leave_out)
    try:
        fit = fit_network(studies, measure=check_measure(measure), method=method, reference=reference, test=test)
    except NetworkError as exc:
        raise NetworkError(f"{path}: {exc}") from None
    ranks = rank_probabilities(fit, small_values)
    tables = {
        "effects.csv": fit.prediction_frame(),
        "league.csv": fit.league_frame(),
        "nodesplit.csv": node_split(fit),
        "ranking.csv": p_scores(fit, small_values),
        "rank_probabilities.csv": ranks.frame(),
    }
    return NmaRun(fit, heterogeneity_summary(fit), ranks, tables, tuple(left_out))


def summary_text(fit: NetworkFit, het: dict) -> str:
    scale = " (log scale)" if fit.measure in ("OR", "RR") else ""
    lines = [
        f"Network meta-analysis: {fit.n_studies} studies, {len(fit.treatments)} treatments, "
        f"{fit.n_contrasts} contrasts; measure {fit.measure}{scale}; "
        f"method {'common' if fit.method == 'FE' else fit.method}; reference {fit.reference}",
        f"tau^2 = {fit.tau2:.4g}"
        + (f" (95% CI {het['tau2_ci_low']:.4g} to {het['tau2_ci_high']:.4g}, Q-profile)"
           if het["tau2_ci_low"] is not None else "")
        + f"; Q = {fit.q:.4g} on {fit.q_df} df"
        + (f" (p = {fit.q_p:.3g}); I^2 = {fit.i2:.1f}%" if fit.q_df > 0 else "")
        + (f" (95% CI {het['i2_ci_low']:.1f}% to {het['i2_ci_high']:.1f}%)" if het["i2_ci_low"] is not None else ""),
    ]
    if het["design_by_treatment_p"] is not None:
        lines.append(
            f"Inconsistency: Q between designs = {het['q_between']:.4g} on {het['q_between_df']} df; "
            f"design-by-treatment interaction (random effects) p = {het['design_by_treatment_p']:.3g}"
        )
    intervals = "normal" if fit.df is None else f"Knapp-Hartung (t on {fit.df} df)"
    lines.append(f"\nEffects versus {fit.reference} (95% CI, {intervals}):")
    eff = fit.effects_frame()
    width = max(len(t) for t in eff["treatment"])
    for r in eff.itertuples():
        lines.append(f"  {r.treatment:<{width}}  {r.estimate:8.3f}  ({r.ci_low:.3f} to {r.ci_high:.3f})")
    return "\n".join(lines)
