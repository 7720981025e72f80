"""Issue 11: what evidence would change the recommendations (analysis.robustness)."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analysis.certainty import assess_network, load_rules
from analysis.dataset import load_dataset
from analysis.engine import Results, analyse, analyse_population
from analysis.models.network import fit_network
from analysis.pipeline.context import BuildContext
from analysis.recommendations import recommendations_frame
from analysis.registry import NumberRegistry
from analysis.robustness import STEP_CM, first_change, influence_matrix, judge_for, study_thresholds
from analysis.robustness.loo import exclusion_scenario, leave_one_out
from analysis.robustness.shift import EffectRange, effect_range
from analysis.robustness.trial import changes_recommendation, smallest_trial, trial_scenario, trial_template
from analysis.scenarios import apply_scenario
from analysis.settings import Settings

from .conftest import ROOT, RULES_FILE

MID = 1.5


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    """A test-built copy of the data package (loaded from a copy, so the project's data/ is not touched)."""
    copy = tmp_path_factory.mktemp("robustness") / "data"
    shutil.copytree(ROOT / "data", copy)
    return load_dataset(copy)


@pytest.fixture(scope="module")
def rules():
    return load_rules(RULES_FILE)


@pytest.fixture(scope="module")
def settings(ds):
    return Settings().with_guideline(ds.guideline)


@pytest.fixture(scope="module")
def base(ds, settings, rules):
    return {p: analyse_population(ds, settings, rules, p) for p in ("axial", "radicular")}


def _assessment(net, code, ds, rules):
    return assess_network(net, ds.studies, rules, MID, False, ds.judgements, [code])[0]


def test_rerun_reproduces_the_build_stages(ds, settings, base, rules, tmp_path):

    recs = recommendations_frame(analyse(ds, settings, rules).recommendations)
    for pop, res in base.items():
        built = recs[recs["population"] == pop]
        got = res.by_code()
        assert len(got) == len(built)
        for r in built.itertuples():
            code = next(c for c in got if ds.category(c) == r.procedure)
            assert (got[code]["direction"], got[code]["strength"]) == (r.direction, r.strength)


@pytest.mark.parametrize("pop,code", [("axial", "epidural-la"), ("radicular", "drg-rf-epidural-la"),
                                      ("axial", "im-la-steroid")])
def test_threshold_applied_as_a_shift_moves_the_classification(ds, base, rules, pop, code):
    net = base[pop].net
    a = _assessment(net, code, ds, rules)
    judge = judge_for(a, net.fit.tau2, MID, False, rules, ds.guideline)
    for sign in (-1, 1):
        shift, _ = first_change(judge, sign, "classification")
        short = round(shift - sign * STEP_CM, 2)
        i = net.fit.treatments.index(code)

        def moved(delta):  # the real certainty code on a fit whose estimate is shifted
            d = net.fit.d.copy()
            d[i] += delta
            return _assessment(replace(net, fit=replace(net.fit, d=d)), code, ds, rules)

        assert moved(shift).classification.label != a.classification.label
        assert moved(short).classification.label == a.classification.label
        # the judge re-rates the location-dependent domains as the real certainty code does (incoherence is
        # held: shifting the fitted estimate without its data would distort the node split's back-calculation)
        real = moved(shift)
        assert judge.state(shift).classification == real.classification.label
        for domain in ("imprecision", "inconsistency"):
            mine = judge.rated(shift).domain(domain).levels_down
            assert mine == real.rating.domain(domain).levels_down


def test_recommendation_threshold_and_the_shift_short_of_it(ds, base, rules):
    net = base["axial"].net
    judge = judge_for(_assessment(net, "epidural-la", ds, rules), net.fit.tau2, MID, False, rules, ds.guideline)
    shift, after = first_change(judge, -1, "recommendation")
    assert after.recommendation != judge.state(0).recommendation
    assert judge.state(round(shift + STEP_CM, 2)).recommendation == judge.state(0).recommendation


def test_study_threshold_moves_the_estimate_by_the_shift(ds, base):
    fit = base["radicular"].net.fit
    code, shift = "drg-rf-epidural-la", -1.0
    st = study_thresholds(fit, code, shift, influence_matrix(fit))
    row = st[st["plausible"]].iloc[0]
    y = fit.data.y.copy()
    y[int(row["row"])] += row["change"]
    refit = fit_network(replace(fit.data, model=fit.data.model.with_response(y)), "MD", tau2=fit.tau2, reference=fit.reference)
    moved = refit.effect(code, fit.reference)[0] - fit.effect(code, fit.reference)[0]
    assert moved == pytest.approx(shift, abs=1e-9)


def test_reported_flipping_trial_flips_and_one_patient_fewer_does_not(ds, settings, base, rules):
    pop, code, effect = "radicular", "drg-rf-epidural-la", -2 * MID
    before = base[pop].by_code()[code]
    t = trial_template(ds, base[pop].net.arms, pop, code, "sham")
    n = smallest_trial(ds, settings, t, before, effect, rules)
    assert n is not None and n > 1

    def recommendation(n_per_arm):
        ds2 = apply_scenario(ds, trial_scenario(t, n_per_arm, effect))  # with the dataset's row checks
        r = analyse_population(ds2, settings, rules, pop).by_code()[code]
        return r["direction"], r["strength"]

    assert recommendation(n) != (before["direction"], before["strength"])
    assert recommendation(n - 1) == (before["direction"], before["strength"])


def test_a_trial_at_the_mid_cannot_pull_the_estimate_past_it(ds, settings, base, rules):
    pop, code = "radicular", "drg-rf-epidural-la"
    t = trial_template(ds, base[pop].net.arms, pop, code, "sham")
    assert not changes_recommendation(ds, settings, t, base[pop].by_code()[code], 2000, -MID, rules)


def test_pivotal_study_changes_the_recommendation_and_another_does_not(ds, settings, base, rules):
    before = base["axial"].by_code()
    pivotal = leave_one_out(ds, settings, "axial", "SYN-075", before, rules)
    assert any(r["recommendation_changed"] for r in pivotal)
    other = leave_one_out(ds, settings, "axial", "SYN-088", before, rules)
    assert not any(r["recommendation_changed"] for r in other)
    # and directly: the recommendations without each study
    for study, same in (("SYN-075", False), ("SYN-088", True)):
        after = analyse_population(apply_scenario(ds, exclusion_scenario(study)), settings, rules, "axial").by_code()
        unchanged = all(c in after and (after[c]["direction"], after[c]["strength"]) ==
                        (b["direction"], b["strength"]) for c, b in before.items())
        assert unchanged is same


def test_builds_under_a_scenario_run_the_threshold_analysis_only(ds, settings, base, rules, tmp_path):
    import pandas as pd

    from analysis.build import stages
    from analysis.robustness.analyse import robustness_analysis
    from analysis.robustness.stage import robustness_stage

    nets = {f"pain/{p}": r.net for p, r in base.items()}
    assessments = {f"pain/{p}": r.assessments for p, r in base.items()}
    res = robustness_analysis(ds, settings, nets, assessments, rules, full=False)
    assert not res.full and not any(r.searched or r.trial_n_per_arm is not None for r in res.rows)
    assert any(r.recommendation_down is not None and np.isfinite(r.recommendation_down) for r in res.rows)
    under_scenario = [s.__name__ for s in stages(scenario=True)]
    base_case = [s.__name__ for s in stages(scenario=False)]
    assert "robustness (thresholds only)" in under_scenario and "robustness" not in under_scenario
    assert "calibration" not in under_scenario and "answers to critics" not in under_scenario
    assert {"robustness", "calibration", "answers to critics"} <= set(base_case)
    ctx = BuildContext(ds=ds, settings=settings, rules=rules, registry=NumberRegistry(ds.data_hash, {}),
                       out=tmp_path, progress=lambda m: None,
                       results=Results(networks=nets, assessments=assessments))
    robustness_stage(full=False)(ctx)
    written = pd.read_csv(tmp_path / "robustness.csv")
    assert len(written) == len(res.rows) and (written["trial_n_per_arm"] == "not run").all()
    assert (written["loo_changes"] == "not run").all() and (written["typical_trial_effect"] == "not run").all()


def test_what_a_trial_can_show_is_bounded_by_where_sham_patients_end(ds, base, rules):
    """Sham at 5.2 cm: no procedure arm ends below 0, so no effect beyond -5.2 cm (or above 4.8 cm) is plausible;
    a threshold that needs the estimate beyond that is none, not a number no trial could show."""
    net = base["axial"].net
    plausible = effect_range(net.arms, "sham")
    assert 5 < plausible.sham < 5.3 and plausible.low == -plausible.sham
    assert plausible.high == pytest.approx(10 - plausible.sham, abs=1e-12)
    assert plausible.contains(plausible.low) and not plausible.contains(plausible.low - STEP_CM)
    a = _assessment(net, "im-la-steroid", ds, rules)  # estimate +1.8 cm: the recommendation flips near -1.5
    judge = judge_for(a, net.fit.tau2, MID, False, rules, ds.guideline, plausible)
    shift, _ = first_change(judge, -1, "recommendation")
    assert plausible.contains(a.estimate + shift)
    tight = judge_for(a, net.fit.tau2, MID, False, rules, ds.guideline, EffectRange(sham=1.0))
    assert first_change(tight, -1, "recommendation") is None  # it would need the estimate below -1 cm


def test_the_built_robustness_prints_only_effects_a_trial_could_show(rendered_project):
    """Every printed threshold, study change and typical-trial effect (robustness.csv) is reachable: the
    estimate after the shift, the pivotal study's contrast after its change and the typical trial's effect
    all lie between -B and 10 - B, B the registered final-score mean of the sham arms."""
    results = rendered_project.path / "_results"
    numbers = json.loads((results / "numbers.json").read_text())["numbers"]
    rob = pd.read_csv(results / "robustness.csv", dtype=str, keep_default_na=False)
    studies = pd.read_csv(results / "robustness_studies.csv")
    checked = 0
    for r in rob.itertuples():
        bounds = EffectRange(numbers[f"pain/{r.population}/sham/baseline"]["value"])
        est = float(r.estimate)
        for col in ("recommendation_down", "recommendation_up", "certainty_down", "certainty_up",
                    "classification_down", "classification_up"):
            if getattr(r, col) != "none":
                assert bounds.contains(est + float(getattr(r, col))), (r.code, col)
                checked += 1
        if r.typical_trial_effect not in ("none", "not run"):
            assert bounds.contains(float(r.typical_trial_effect)), r.code
            checked += 1
        if r.pivotal_study not in ("", "none"):
            st = studies[(studies["population"] == r.population) & (studies["code"] == r.code)
                         & (studies["study"] == r.pivotal_study)].iloc[0]
            after = st["observed"] + st["change"]
            assert bounds.contains(after), r.code
            checked += 1
    assert checked > 30


@pytest.mark.parametrize("population", ["axial", "radicular"])
def test_a_studys_threshold_shows_its_result_now_and_needed_with_its_comparison(rendered_project, population):
    """The robustness table gives the pivotal study's own result and the result it would need (their difference
    is the registered change), naming the study's comparison when it is not the procedure against sham, so that
    the direction of the change can be read (issue 16: 'SYN-092: 1.97' could not be)."""
    from analysis.book import reading
    from analysis.show_robustness import robustness_table

    results = rendered_project.path / "_results"
    numbers = json.loads((results / "numbers.json").read_text())["numbers"]
    summary = pd.read_csv(results / "robustness.csv", keep_default_na=False)
    with reading(results):
        table = robustness_table(population).frame()
    cells = dict(zip(table.iloc[:, 0], table.iloc[:, 3]))
    named = 0
    for r in summary[(summary["population"] == population) & (summary["pivotal_study"] != "")].itertuples():
        stem = f"robustness/{population}/{r.code}/pivotal-study"
        now, needed, change = (numbers[f"{stem}-{k}"]["value"] for k in ("observed", "required", "change"))
        assert needed == pytest.approx(now + change, abs=1e-12)
        cell = next(c for p, c in cells.items() if p.startswith(r.procedure + " ("))
        assert cell.startswith(r.pivotal_study) and numbers[f"{stem}-required"]["text"] in cell
        if r.pivotal_contrast != f"{r.code} vs sham":
            named += 1
            assert " minus " in cell, cell
    assert population == "axial" or named > 0  # radicular: studies without sham decide some thresholds
