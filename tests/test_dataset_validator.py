"""The validator on a corpus of broken copies of data/: each names file, row and column; nothing is written."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest

from analysis.dataset import DatasetInvalid, load_dataset, validate_dataset

DATA = Path(__file__).resolve().parents[1] / "data"


def read_rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def find_line(d: Path, file: str, **match) -> int:
    """CSV line number (header = 1) of the first row whose cells equal ``match``."""
    rows = read_rows(d / file)
    header = rows[0]
    for i, row in enumerate(rows[1:], start=2):
        if all(row[header.index(k)] == v for k, v in match.items()):
            return i
    raise LookupError(match)


def set_cell(d: Path, file: str, line: int, column: str, value: str) -> None:
    rows = read_rows(d / file)
    rows[line - 1][rows[0].index(column)] = value
    write_rows(d / file, rows)


def get_cell(d: Path, file: str, line: int, column: str) -> str:
    rows = read_rows(d / file)
    return rows[line - 1][rows[0].index(column)]


def drop_line(d: Path, file: str, line: int) -> None:
    rows = read_rows(d / file)
    del rows[line - 1]
    write_rows(d / file, rows)


def snapshot(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())}


@pytest.fixture
def pkg(tmp_path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(DATA, d)
    return d


def two_arm_study(d: Path) -> str:
    rows = read_rows(d / "arms.csv")
    counts: dict[str, int] = {}
    for r in rows[1:]:
        counts[r[0]] = counts.get(r[0], 0) + 1
    return sorted(s for s, k in counts.items() if k == 2)[0]


# Each case: (name, mutate(d) -> (file, line or None, column or None, words expected in the message))
def cell_case(file, column, value, words, **match):
    def mutate(d):
        line = find_line(d, file, **match) if match else 2
        set_cell(d, file, line, column, value)
        return file, line, column, words
    return mutate


def m_one_arm(d):
    study = two_arm_study(d)
    line = find_line(d, "arms.csv", study=study, arm="b")
    drop_line(d, "arms.csv", line)
    return "studies.csv", find_line(d, "studies.csv", id=study), "id", "at least 2 arms"


def m_duplicate_id(d):
    first = get_cell(d, "studies.csv", 2, "id")
    set_cell(d, "studies.csv", 3, "id", first)
    return "studies.csv", 3, "id", "unique"


def m_dangling_study(d):
    set_cell(d, "arms.csv", 2, "study", "SYN-999")
    return "arms.csv", 2, "study", "existing studies.id"


def m_outcome_without_arm(d):
    set_cell(d, "outcomes.csv", 2, "arm", "z")
    return "outcomes.csv", 2, "study, arm", "existing arms.study + arms.arm"


def m_missing_column(d):
    rows = read_rows(d / "outcomes.csv")
    i = rows[0].index("sd")
    write_rows(d / "outcomes.csv", [r[:i] + r[i + 1:] for r in rows])
    return "outcomes.csv", 1, "sd", "a column named 'sd'"


def m_extra_column(d):
    rows = read_rows(d / "arms.csv")
    write_rows(d / "arms.csv", [rows[0] + ["dose"]] + [r + ["1"] for r in rows[1:]])
    return "arms.csv", 1, "dose", "only the columns"


def m_missing_file(d):
    (d / "adverse_events.csv").unlink()
    return "adverse_events.csv", None, None, "the file to exist"


def m_ragged_row(d):
    rows = read_rows(d / "arms.csv")
    rows[4] = rows[4][:-1]
    write_rows(d / "arms.csv", rows)
    return "arms.csv", 5, None, "5 cells"


def m_statistic_without_value(d):
    line = find_line(d, "outcomes.csv", statistic="mean_se")
    set_cell(d, "outcomes.csv", line, "se", "")
    return "outcomes.csv", line, "se", "when statistic is mean_se"


def past_cell(file, column, bound, delta, words, **match):
    """Set ``column`` to ``bound``'s value plus ``delta`` in the first row matching ``match``."""
    def mutate(d):
        line = find_line(d, file, **match)
        set_cell(d, file, line, column, str(float(get_cell(d, file, line, bound)) + delta))
        return file, line, column, words
    return mutate


m_iqr_order = past_cell("outcomes.csv", "median", "q3", 0.5, "q1 <= median <= q3", statistic="median_iqr")
m_mean_outside_ci = past_cell("outcomes.csv", "mean", "ci_high", 0.2, "between ci_low", statistic="mean_ci95",
                              measure_type="final")


def m_no_exclusion_reason(d):
    line = find_line(d, "studies.csv", has_data="false")
    set_cell(d, "studies.csv", line, "exclusion_reason", "")
    return "studies.csv", line, "exclusion_reason", "a reason when has_data is false"


def m_block_without_threshold(d):
    line = find_line(d, "studies.csv", diagnostic_block="true")
    set_cell(d, "studies.csv", line, "block_threshold", "")
    return "studies.csv", line, "block_threshold", "a threshold"


def m_events_over_n(d):
    n = get_cell(d, "adverse_events.csv", 2, "n")
    set_cell(d, "adverse_events.csv", 2, "events", str(int(n) + 1))
    return "adverse_events.csv", 2, "events", "at most n"


def m_analysed_over_randomised(d):
    study, arm = get_cell(d, "outcomes.csv", 2, "study"), get_cell(d, "outcomes.csv", 2, "arm")
    n = get_cell(d, "arms.csv", find_line(d, "arms.csv", study=study, arm=arm), "n_randomised")
    set_cell(d, "outcomes.csv", 2, "n_analysed", str(int(n) + 5))
    return "outcomes.csv", 2, "n_analysed", "at most the arm's n_randomised"


def m_enrolled_mismatch(d):
    n = get_cell(d, "studies.csv", 2, "enrolled_n")
    set_cell(d, "studies.csv", 2, "enrolled_n", str(int(n) + 7))
    return "studies.csv", 2, "enrolled_n", "the sum of its arms' n_randomised"


def m_same_node_twice(d):
    study = two_arm_study(d)
    a = find_line(d, "arms.csv", study=study, arm="a")
    b = find_line(d, "arms.csv", study=study, arm="b")
    set_cell(d, "arms.csv", b, "procedure", get_cell(d, "arms.csv", a, "procedure"))
    return "arms.csv", b, "procedure", "one arm per node"


def m_disconnected(d):
    for line in range(2, len(read_rows(d / "arms.csv")) + 1):
        if get_cell(d, "arms.csv", line, "procedure") == "drg-rf-epidural-la":
            study = get_cell(d, "arms.csv", line, "study")
            other = find_line(d, "arms.csv", study=study, procedure="epidural-la")
            set_cell(d, "arms.csv", other, "procedure", "im-la")
    return "outcomes.csv", None, "outcome", "connected radicular network"


def m_guideline_mid(d):
    text = (d / "guideline.yaml").read_text().replace("value: 1.5", "value: -1.5")
    (d / "guideline.yaml").write_text(text)
    return "guideline.yaml", 6, "mids.pain.value", "minimal important difference > 0"


def m_guideline_wrong_type_deep(d):
    text = (d / "guideline.yaml").read_text().replace("      value: 8.6", "      value: [8.6]")
    (d / "guideline.yaml").write_text(text)
    line = text.splitlines().index("      value: [8.6]") + 1
    return ("guideline.yaml", line, "harms_observational.incidence_percent.prolonged_pain_or_stiffness_over_48h.value",
            "expected a number")


def m_guideline_not_a_boolean(d):
    text = (d / "guideline.yaml").read_text().replace("higher_is_better: false", "higher_is_better: maybe")
    (d / "guideline.yaml").write_text(text)
    line = text.splitlines().index("    higher_is_better: maybe") + 1
    return "guideline.yaml", line, "analysis_scales.pain.higher_is_better", "expected true or false"


def m_guideline_unknown_field(d):
    text = (d / "guideline.yaml").read_text().replace("burden:\n", "burden:\n  certainity: high\n", 1)
    (d / "guideline.yaml").write_text(text)
    line = text.splitlines().index("  certainity: high") + 1
    return "guideline.yaml", line, "burden.certainity", "one of the known fields of burden: certainty, description"


def m_guideline_section_of_wrong_type(d):
    text = (d / "guideline.yaml").read_text().replace("mids:\n", "mids: 1.5\nold_mids:\n", 1)
    (d / "guideline.yaml").write_text(text)
    return "guideline.yaml", text.splitlines().index("mids: 1.5") + 1, "mids", "expected a mapping"


def m_guideline_yaml(d):
    (d / "guideline.yaml").write_text("mids: [unclosed\n")
    return "guideline.yaml", 2, None, "valid YAML"


def m_no_descriptor(d):
    (d / "datapackage.json").unlink()
    return "datapackage.json", None, None, "datapackage.json"


def m_scale_order(d):
    set_cell(d, "outcomes.csv", 2, "scale_max", "0")
    return "outcomes.csv", 2, "scale_max", "> scale_min"


def _second_arm_line(d, **match) -> tuple[int, int]:
    """(line of an arm's outcome row matching ``match``, line of another arm's row at the same outcome and time)."""
    rows = read_rows(d / "outcomes.csv")
    h = rows[0]
    for i, row in enumerate(rows[1:], start=2):
        if all(row[h.index(k)] == v for k, v in match.items()):
            same = [j for j, other in enumerate(rows[1:], start=2) if j != i and all(
                other[h.index(c)] == row[h.index(c)] for c in ("study", "outcome", "timepoint_weeks"))]
            if same:
                return i, same[0]
    raise LookupError(match)


def m_arms_on_different_scales(d):
    """One arm on 0-100 beside one on 0-10 of the same instrument: the contrast would be a change of unit."""
    first, second = _second_arm_line(d, instrument="vas_10cm", statistic="mean_sd")
    set_cell(d, "outcomes.csv", second, "scale_max", "100")
    return "outcomes.csv", second, "scale_max", "10 as on row"


def m_arms_final_and_change(d):
    first, second = _second_arm_line(d, measure_type="final", statistic="mean_sd")
    set_cell(d, "outcomes.csv", second, "measure_type", "change")
    return "outcomes.csv", second, "measure_type", "final as on row"


CASES = {
    "negative n": cell_case("arms.csv", "n_randomised", "-3", "an integer > 0"),
    "text n": cell_case("arms.csv", "n_randomised", "many", "an integer > 0"),
    "full-width digits in n": cell_case("arms.csv", "n_randomised", "\uff11\uff12", "an integer > 0"),
    "digit separator in a number": cell_case("studies.csv", "age_mean", "4_5.2", "a number >= 18"),
    "full-width digits in a number": cell_case("studies.csv", "age_mean", "\uff14\uff15", "a number >= 18"),
    "zero sd": cell_case("outcomes.csv", "sd", "0", "a number > 0", statistic="mean_sd"),
    "negative sd": cell_case("outcomes.csv", "sd", "-1.2", "a number > 0", statistic="mean_sd"),
    "percent over 100": cell_case("studies.csv", "women_percent", "120", "<= 100"),
    "age under 18": cell_case("studies.csv", "age_mean", "12", ">= 18"),
    "baseline pain over 10": cell_case("studies.csv", "baseline_pain_cm", "11.2", "<= 10"),
    "mean above 10 cm": cell_case("outcomes.csv", "mean", "11.5", "within the instrument's range",
                                  instrument="vas_10cm", measure_type="final", statistic="mean_sd"),
    "mean above 100 mm": cell_case("outcomes.csv", "mean", "150", "within the instrument's range",
                                   instrument="vas_100mm", measure_type="final", statistic="mean_sd"),
    "unknown node": cell_case("arms.csv", "procedure", "epidural-magic", "existing nodes.code"),
    "unknown region": cell_case("studies.csv", "region", "antarctica", "one of north_america"),
    "unknown outcome": cell_case("outcomes.csv", "outcome", "happiness", "one of pain"),
    "bad boolean": cell_case("studies.csv", "has_data", "yes", "true or false"),
    "empty citation": cell_case("studies.csv", "citation", "", "citation is required"),
    "zero timepoint": cell_case("outcomes.csv", "timepoint_weeks", "0", "a number >= 0.005"),
    "timepoint of 1e-300 weeks": cell_case("outcomes.csv", "timepoint_weeks", "1e-300", "a number >= 0.005"),
    "timepoint of centuries": cell_case("outcomes.csv", "timepoint_weeks", "1e9", "<= 1040"),
    "overflow-sized sd": cell_case("outcomes.csv", "sd", "1e200", "an SD of at most", statistic="mean_sd"),
    "sd wider than the scale allows": cell_case("outcomes.csv", "sd", "5.6", "an SD of at most 5.",
                                                instrument="vas_10cm", measure_type="final", statistic="mean_sd"),
    "sd of 1e-300": cell_case("outcomes.csv", "sd", "1e-300", "an SD of at least", statistic="mean_sd"),
    "se of 1e-300": cell_case("outcomes.csv", "se", "1e-300", "the SD it gives is", statistic="mean_se"),
    "overflow-sized n": cell_case("arms.csv", "n_randomised", "100000000000000000000", "<= 1000000"),
    "overflow-sized n analysed": cell_case("outcomes.csv", "n_analysed", "1e20", "an integer > 0 and <= 1000000"),
    "overflow-sized scale": cell_case("outcomes.csv", "scale_max", "1e308", "<= 1000000"),
    "arms on different scales of one instrument": m_arms_on_different_scales,
    "final values beside changes in one trial": m_arms_final_and_change,
    "year in future": cell_case("studies.csv", "year", str(date.today().year + 1), "no later than the current one"),
    "one arm": m_one_arm,
    "duplicate id": m_duplicate_id,
    "dangling study": m_dangling_study,
    "outcome without arm": m_outcome_without_arm,
    "missing column": m_missing_column,
    "extra column": m_extra_column,
    "missing file": m_missing_file,
    "ragged row": m_ragged_row,
    "statistic without value": m_statistic_without_value,
    "median outside iqr": m_iqr_order,
    "mean outside ci": m_mean_outside_ci,
    "no exclusion reason": m_no_exclusion_reason,
    "block without threshold": m_block_without_threshold,
    "events over n": m_events_over_n,
    "analysed over randomised": m_analysed_over_randomised,
    "enrolled mismatch": m_enrolled_mismatch,
    "same node twice": m_same_node_twice,
    "disconnected network": m_disconnected,
    "guideline mid": m_guideline_mid,
    "guideline wrong type deep": m_guideline_wrong_type_deep,
    "guideline not a boolean": m_guideline_not_a_boolean,
    "guideline unknown field": m_guideline_unknown_field,
    "guideline section of wrong type": m_guideline_section_of_wrong_type,
    "guideline yaml": m_guideline_yaml,
    "no descriptor": m_no_descriptor,
    "scale order": m_scale_order,
}


def test_committed_package_is_valid():
    assert validate_dataset(DATA) == []


def test_a_trial_published_this_year_is_accepted(pkg):
    """Letters bring trials published after the guideline: any year up to the current one is valid."""
    set_cell(pkg, "studies.csv", 2, "year", str(date.today().year))
    assert validate_dataset(pkg) == []


def test_corpus_is_large_enough():
    assert len(CASES) >= 25


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_input_is_reported(pkg, name):
    file, line, column, words = CASES[name](pkg)
    before = snapshot(pkg)
    issues = validate_dataset(pkg)
    assert snapshot(pkg) == before, "validation must not write anything"
    hits = [i for i in issues if i.file.endswith(file) and i.row == line and i.column == column
            and words in i.format()]
    assert hits, f"{name}: expected an issue at {file}, row {line}, column {column} mentioning {words!r}; got\n" + \
        "\n".join(i.format() for i in issues)
    assert hits[0].format().startswith(f"data/{file}")


def test_all_problems_reported_together(pkg):
    expected = [CASES[n](pkg) for n in ("negative n", "percent over 100", "zero sd", "events over n",
                                        "guideline mid")]
    issues = validate_dataset(pkg)
    for file, line, column, words in expected:
        assert any(i.file.endswith(file) and i.row == line and i.column == column for i in issues), (file, line)
    with pytest.raises(DatasetInvalid) as err:
        load_dataset(pkg)
    message = str(err.value)
    for file, line, column, _ in expected:
        where = f"{file}, {'line' if file.endswith('.yaml') else 'row'} {line}" if line else file
        assert where in message


def test_message_format(pkg):
    CASES["negative n"](pkg)
    issue = next(i for i in validate_dataset(pkg) if i.column == "n_randomised")
    assert issue.format() == "data/arms.csv, row 2, column n_randomised: value '-3'; expected an integer > 0 and <= 1000000"


def test_committed_data_untouched_by_validation():
    before = snapshot(DATA)
    validate_dataset(DATA)
    load_dataset(DATA)
    assert snapshot(DATA) == before


def test_guideline_yaml_problems_are_located_not_silently_resolved(pkg):
    """A duplicated key (a plain loader keeps the last: pain MID 1.5 -> 9.5) and a missing section are each
    reported with their line or field, and the package does not load."""
    path = pkg / "guideline.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    mids = lines.index("mids:")
    lines.insert(mids, "mids: {pain: {value: 9.5}}")  # the same key twice
    path.write_text("\n".join(lines).replace("harms_observational:", "harms_observed:") + "\n", encoding="utf-8")
    found = [i.format() for i in validate_dataset(pkg) if i.file.endswith("guideline.yaml")]
    assert any("unique keys" in f and f"line {mids + 2}" in f for f in found)  # the second mids
    assert any("field harms_observational: expected a section harms_observational" in f for f in found)
    with pytest.raises(DatasetInvalid):
        load_dataset(pkg)


def test_a_non_finite_number_in_guideline_yaml_is_named(pkg):
    path = pkg / "guideline.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("value: 1.5", "value: .inf", 1), encoding="utf-8")
    issues = [i for i in validate_dataset(pkg) if i.column == "mids.pain.value"]
    assert any("a finite number" in i.format() and "field mids.pain.value" in i.format() for i in issues)


def test_a_line_break_inside_a_quoted_cell_is_kept_and_later_rows_keep_their_line_numbers(pkg):
    """A quoted cell may hold a line break (RFC 4180): it is kept, and a problem on a later row names the file
    line the row starts on, counting the broken cell's two lines."""
    rows = read_rows(pkg / "studies.csv")
    header = rows[0]
    rows[1][header.index("citation")] = "[SYNTHETIC] First line of a citation\nand its second line"
    good_year = rows[2][header.index("year")]
    rows[2][header.index("year")] = "nineteen"
    write_rows(pkg / "studies.csv", rows)
    issues = validate_dataset(pkg)
    assert [(i.file.endswith("studies.csv"), i.row, i.column) for i in issues] == [(True, 4, "year")]
    rows[2][header.index("year")] = good_year
    write_rows(pkg / "studies.csv", rows)
    studies = load_dataset(pkg).studies.set_index("id")
    assert studies.loc[rows[1][header.index("id")], "citation"] == rows[1][header.index("citation")]


def test_an_unterminated_quote_is_a_located_problem(pkg):
    text = (pkg / "nodes.csv").read_text(encoding="utf-8")
    (pkg / "nodes.csv").write_text(text + '"sham-2,"unterminated\n', encoding="utf-8")
    issues = validate_dataset(pkg)
    assert any(i.file.endswith("nodes.csv") and i.row is not None and "well-formed CSV" in i.expected
               for i in issues), issues


def test_a_byte_order_mark_is_accepted(pkg):
    """Some spreadsheets save UTF-8 with a byte-order mark: the header's first column is still found."""
    for name in ("studies.csv", "arms.csv"):
        (pkg / name).write_bytes(b"\xef\xbb\xbf" + (pkg / name).read_bytes())
    assert validate_dataset(pkg) == []


def test_a_flood_of_problems_is_capped_with_a_count(pkg):
    """Every row broken: the message shows the first 200 problems and counts the rest."""
    from analysis.dataset.issues import SHOWN_PROBLEMS

    rows = read_rows(pkg / "outcomes.csv")
    for row in rows[1:]:
        row[rows[0].index("timepoint_weeks")] = "soon"
    write_rows(pkg / "outcomes.csv", rows)
    issues = validate_dataset(pkg)
    assert len(issues) > SHOWN_PROBLEMS + 100
    with pytest.raises(DatasetInvalid) as err:
        load_dataset(pkg)
    lines = str(err.value).splitlines()
    assert len(lines) == 1 + SHOWN_PROBLEMS + 1
    assert lines[-1].startswith(f"... and {len(issues) - SHOWN_PROBLEMS} more problem(s)")


def test_a_constraint_changed_in_datapackage_json_is_reported_not_ignored(pkg):
    """The schema in analysis/dataset/schema.py is the one source: a maximum edited in datapackage.json would
    declare a constraint that nothing enforces, so it is a problem naming the field (and a malformed
    descriptor is a message, not a crash)."""
    import json

    path = pkg / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    studies = next(r for r in descriptor["resources"] if r["name"] == "studies")
    age = next(f for f in studies["schema"]["fields"] if f["name"] == "age_mean")
    enforced = dict(age["constraints"])
    age["constraints"]["maximum"] = 99999
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    found = [i.format() for i in validate_dataset(pkg) if i.file.endswith("datapackage.json")]
    index = descriptor["resources"].index(studies)
    assert found == [f"data/datapackage.json, column resources[{index}] (studies).schema.fields.age_mean.constraints: "
                     f"value '{json.dumps({**enforced, 'maximum': 99999}, sort_keys=True)}'; expected "
                     f"{json.dumps(enforced, sort_keys=True)}, what rapidrec enforces (its schema, "
                     "analysis/dataset/schema.py, is the one source: restore datapackage.json, or change the schema "
                     "there)"]
    path.write_text('{"resources": 5}', encoding="utf-8")
    assert [i.format() for i in validate_dataset(pkg) if i.file.endswith("datapackage.json")] == [
        "data/datapackage.json, column resources: expected a list of the package's tables"]


def test_an_optional_table_declared_in_datapackage_json_is_checked_too(pkg):
    import json

    path = pkg / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    responders = next(r for r in descriptor["resources"] if r["name"] == "responders")
    field = next(f for f in responders["schema"]["fields"] if f["name"] == "n")
    del field["constraints"]["maximum"]
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    found = [i for i in validate_dataset(pkg) if i.file.endswith("datapackage.json")]
    assert [i.column for i in found] == [
        f"resources[{descriptor['resources'].index(responders)}] (responders).schema.fields.n.constraints"]


def _row(**cells):
    base = {"_line": 7, "scale_min": 0.0, "scale_max": 10.0, "n_analysed": 30, "measure_type": "final",
            "instrument": "vas_10cm", "mean": 5.0, "sd": None, "se": None, "ci_low": None, "ci_high": None,
            "median": None, "q1": None, "q3": None}
    return {**base, **cells}


@pytest.mark.parametrize("cells, column, words", [
    # a difference of two arms' means: SE at most sqrt(2) x the largest change SD (10 x sqrt(30/29) here)
    ({"statistic": "difference_se", "mean": -1.0, "se": 14.5}, "se", "a difference's SE of at most 14.38"),
    ({"statistic": "difference_se", "mean": -1.0, "se": 1e-6}, "se", "a difference's SE of at least"),
    ({"statistic": "difference_ci95", "mean": -1.0, "ci_low": -1.0, "ci_high": -1.0 + 1e-9}, "ci_high", "at least"),
    ({"statistic": "mean_ci95", "ci_low": 4.9999, "ci_high": 5.0001}, "ci_high", "an SD of at least 0.01"),
    ({"statistic": "median_iqr", "median": 5.0, "q1": 4.99999, "q3": 5.0}, "q3", "an SD of at least 0.01"),
    # changes span twice the range of final values: an SD of 9 on a 0-10 scale is possible for changes only
    ({"statistic": "mean_sd", "sd": 9.0, "measure_type": "change", "mean": -1.0}, None, None),
    ({"statistic": "mean_sd", "sd": 9.0}, "sd", "an SD of at most 5.085"),
    ({"statistic": "difference_se", "mean": -1.0, "se": 0.8}, None, None),
    ({"statistic": "median_iqr", "median": 5.0, "q1": 0.0, "q3": 10.0}, None, None),
])
def test_a_spread_no_score_on_the_scale_can_have_is_named(cells, column, words):
    from analysis.dataset.checks import _spread_issues

    found = _spread_issues(_row(**cells), "data/outcomes.csv")
    if column is None:
        assert found == []
    else:
        assert [(i.row, i.column) for i in found] == [(7, column)] and words in found[0].format(), found


def _problems(pkg: Path) -> list[str]:
    return [i.format() for i in validate_dataset(pkg)]


def test_a_column_named_twice_in_a_header_is_named(pkg):
    """A reader keeps only the last of two cells under one name; which sd would the analysis use? Neither."""
    rows = read_rows(pkg / "outcomes.csv")
    sd = rows[0].index("sd")
    write_rows(pkg / "outcomes.csv", [row + [row[sd]] for row in rows])
    assert "data/outcomes.csv, row 1, column sd: expected each column named once in the header" in _problems(pkg)


def test_a_pipe_or_a_directory_where_a_file_should_be_is_named_without_reading_it(pkg):
    """A named pipe would block the reader forever: it is named, never opened."""
    import os

    (pkg / "nodes.csv").unlink()
    os.mkfifo(pkg / "nodes.csv")
    (pkg / "guideline.yaml").unlink()
    (pkg / "guideline.yaml").mkdir()
    found = _problems(pkg)
    assert "data/nodes.csv: expected a regular file (not a directory, pipe or device)" in found
    assert "data/guideline.yaml: expected a regular file (not a directory, pipe or device)" in found


@pytest.mark.parametrize("text, expected", [
    ('{"resources": [], "resources": [1]}', "data/datapackage.json, column resources: expected each key once"),
    ("[" * 100_000, "data/datapackage.json: expected JSON nested to a reasonable depth"),
    ('{"resources": [{"name": ["studies"]}]}', "column resources[0].name: value '[\"studies\"]'; expected a table"),
    ('{"resources":\n 5 x}', "data/datapackage.json, row 2: expected valid JSON (Expecting ',' delimiter"),
])
def test_a_malformed_descriptor_is_a_located_problem(pkg, text, expected):
    (pkg / "datapackage.json").write_text(text, encoding="utf-8")
    assert any(expected in p for p in _problems(pkg)), _problems(pkg)[:3]


def test_a_descriptor_that_is_not_utf8_is_named(pkg):
    path = pkg / "datapackage.json"
    path.write_bytes(path.read_bytes().replace(b'"name"', "\"n\u00e9me\"".encode("latin-1"), 1))
    assert any(p.startswith("data/datapackage.json: expected UTF-8 text") for p in _problems(pkg))


@pytest.mark.parametrize("value", ["1.0e-300", "1000000"])
def test_a_mid_outside_its_scale_is_named(pkg, value):
    path = pkg / "guideline.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("value: 1.5", f"value: {value}", 1), encoding="utf-8")
    assert any("field mids.pain.value" in p and "within the pain scale's range (0.01 to 10" in p
               for p in _problems(pkg))
