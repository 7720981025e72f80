"""The heterogeneity each network reports is registered as printed (tau, I², Q, its df and p, the
design-by-treatment p), and the evidence chapter's tables show them and the responder odds ratios."""

from __future__ import annotations

import json
import math

import pytest

from analysis import show
from analysis.book import reading
from analysis.registry import format_p
from tests.certainty_helpers import ROOT, run_grade


@pytest.fixture(scope="module")
def base():
    return run_grade(ROOT / "data")


def test_format_p():
    assert [format_p(p) for p in (4e-7, 0.000999, 0.001, 0.0958, 0.826)] == ["<0.001", "<0.001", "0.001", "0.096",
                                                                            "0.826"]


@pytest.mark.parametrize("key", ["pain/axial", "pain/radicular", "pain_responder/axial"])
def test_the_registered_heterogeneity_is_the_fits(base, key):
    het = json.loads((base.out / "network" / key / "heterogeneity.json").read_text())
    reg = base.registry
    assert reg[f"{key}/tau"].value == pytest.approx(math.sqrt(het["tau2"]), rel=1e-12)
    assert reg[f"{key}/i2"].value == pytest.approx(het["i2"], rel=1e-12)
    assert reg[f"{key}/q"].value == pytest.approx(het["q"], rel=1e-12)
    assert reg[f"{key}/q-df"].value == het["q_df"]
    assert reg[f"{key}/q-p"].text == format_p(het["q_p"])
    assert reg[f"{key}/design-by-treatment-p"].text == format_p(het["design_by_treatment_p"])


def test_the_tables_print_the_registered_numbers(base):
    with reading(base.out):
        het = show.heterogeneity_table()
        rows = {r[0].text: r for r in het.rows}
        pain = rows["Pain (mean difference, cm), axial"]
        assert pain[1].text == "random effects (REML)"
        assert pain[3].ids == ["pain/axial/tau"] and pain[5].ids == ["pain/axial/q", "pain/axial/q-df"]
        radicular = rows["Pain responders (log odds ratio), radicular"]
        assert radicular[3].text == "\u2013" and radicular[1].text == "common effect"  # no df: nothing estimated
        responders = show.responder_table("axial")
    effects = (base.out / "network" / "pain_responder" / "axial" / "effects.csv").read_text().splitlines()
    assert len(responders.rows) == len(effects) - 1 > 0
    assert all(i.startswith("pain_responder/axial/") for i in responders.ids)
