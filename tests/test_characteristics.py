"""Table 2 and the trial flow, computed from the data package, against the published counts."""

import pytest

from analysis.characteristics import characteristics, flow_frame, trial_flow
from analysis.dataset import load_dataset
from analysis.synthesize import targets as T
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def studies():
    return load_dataset(ROOT / "data").studies


@pytest.fixture(scope="module")
def rows(studies):
    return {(r.section, r.item): r for r in characteristics(studies)}


def test_counts_match_the_published_table(rows):
    for code, n in T.REGIONS.items():
        assert rows[("Location", code.replace("_", "-"))].n == n
    for code, n in T.FUNDING.items():
        assert rows[("Funding", code.replace("_", "-"))].n == n
    for code, n in T.DURATION_REPORTING.items():
        assert rows[("Pain duration", code.replace("_", "-"))].n == n
    assert rows[("Positive diagnostic block required", "block-not-required")].n == T.BLOCK_NOT_REQUIRED
    for code, n in T.BLOCK_THRESHOLDS.items():
        assert rows[("Positive diagnostic block required", f"block-{code}".replace("_", "-"))].n == n
    for pop, conditions in T.CONDITIONS.items():
        section = f"Presenting complaint, {'mixed axial and radicular' if pop == 'mixed' else pop} pain"
        assert rows[(section, f"{pop}-total")].n == sum(conditions.values())
        if pop != "mixed":
            for code, n in conditions.items():
                assert rows[(section, f"{pop}-{code}".replace("_", "-"))].n == n


def test_medians_match_the_published_table(rows):
    for col, (median, q1, q3, k) in T.QUANTILES.items():
        r = rows[("Trial characteristics", col.replace("_", "-"))]
        assert r.n == k
        assert (r.median, r.q1, r.q3) == pytest.approx((median, q1, q3), abs=0.05 if median < 10 else 0.5)


def test_flow_adds_up(studies):
    flow = flow_frame(trial_flow(studies)).set_index("item")["trials"]
    excluded = flow[[i for i in flow.index if i.startswith("excluded-")]].sum()
    assert flow["eligible"] == T.TRIALS_ELIGIBLE
    assert flow["analysed"] == T.TRIALS_ANALYSED
    assert flow["eligible"] - excluded == flow["analysed"]
    assert flow[["analysed-axial", "analysed-radicular", "analysed-mixed"]].sum() == flow["analysed"]


def test_a_changed_study_changes_the_table(studies):
    changed = studies.copy()
    first = changed.index[changed["has_data"].astype(bool)][0]
    changed.loc[first, "region"] = "africa"
    before = {r.item: r.n for r in characteristics(studies) if r.section == "Location"}
    after = {r.item: r.n for r in characteristics(changed) if r.section == "Location"}
    assert after["africa"] == before["africa"] + 1
    assert sum(after.values()) == sum(before.values())
