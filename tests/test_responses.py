"""Answers to critics (issues 7 and 10): letters as data, their validation, generated paragraphs, rendering.

One module-scoped project (data and committed scenarios, plus a test letter) is built once; the robustness
stage is switched off there (RAPIDREC_ROBUSTNESS=off) to keep the builds short.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.responses import CATEGORIES, LetterInvalid, load_letter, load_letters, parse_letter
from analysis.responses.facts import scenario_facts
from analysis.responses.paragraphs import claim_verdict, scenario_paragraphs

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("rapidrec"))
NUM_LINK = re.compile(r"\[([^\]]*)\]\(#audit-[^)]*\)\{\.rr-num\}")

PROBE = """\
citation:
  authors: A Test Society
  date: 2025-04-01
  published_in: [A test journal]
claims:
  - id: smaller-mid
    category: expertise-process
    summary: The minimal important difference is too large.
    answer: A judgement about what matters to patients.
    scenarios:
      - id: probe-mid
        title: A smaller MID
        description: The pain MID set to three millimetres.
        operations:
          - mid: {pain: 0.3, reason: test}
  - id: nothing-changes
    category: omitted-trial
    summary: A trial without usable data was wrongly included.
    scenarios:
      - id: probe-no-data-trial
        title: Without a trial that has no usable data
        description: Removes a trial that reports its results in figures only.
        operations:
          - exclude_studies: {ids: [SYN-003], reason: test}
  - id: regions
    category: pooling
    summary: Regions were pooled.
    scenarios:
      - scenarios/lumbar-only.yaml
  - id: retraction
    category: not-addressable
    summary: The guideline should be retracted.
    answer: Retraction is a judgement for the journal.
"""


def rapidrec(*args, cwd, timeout=600):
    import os

    env = {**os.environ, "RAPIDREC_ROBUSTNESS": "off"}
    return subprocess.run([CLI, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


def make_project(dest: Path, letters: dict[str, str] | None = None) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("data", "scenarios", "settings"):
        shutil.copytree(ROOT / name, dest / name)
    for name, text in (letters or {}).items():
        (dest / "responses" / name).mkdir(parents=True, exist_ok=True)
        (dest / "responses" / name / "letter.yaml").write_text(text, encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A project with the probe letter, built (every letter's scenarios run)."""
    from analysis.build import build

    mp = pytest.MonkeyPatch()
    mp.setenv("RAPIDREC_ROBUSTNESS", "off")
    try:
        proj = make_project(tmp_path_factory.mktemp("responses") / "project", {"probe": PROBE})
        build(proj)
    finally:
        mp.undo()
    return proj


def answer_text(project: Path, name: str) -> str:
    """The answer's markdown with the number links replaced by their text."""
    from analysis import book
    from analysis.responses.show import letter_markdown

    mp = pytest.MonkeyPatch()
    mp.setenv(book.RESULTS_ENV, str(project / "_results"))
    book._numbers.cache_clear()
    try:
        return NUM_LINK.sub(r"\1", letter_markdown(name))
    finally:
        mp.undo()
        book._numbers.cache_clear()


def section(text: str, name: str, claim: str) -> str:
    start = text.index(f"{{#sec-response-{name}-{claim}}}")
    nxt = text.find("\n## ", start)
    return text[start: nxt if nxt > 0 else len(text)]


# --- the letters of the project ------------------------------------------------------------------

def test_committed_letters_validate_against_the_data():
    from analysis.dataset import load_dataset

    letters = {l.name: l for l in load_letters(ROOT, load_dataset(ROOT / "data"))}
    assert {"society-34", "pacific-spine", "example"} <= set(letters)
    used = {c.category for l in letters.values() for c in l.claims}
    assert used == set(CATEGORIES)  # between them, every category is exercised
    for l in letters.values():
        for c in l.claims:
            assert c.scenarios or c.answer, (l.name, c.id)
    assert "inline" not in {s.file for s in letters["example"].scenarios()}
    assert all(s.file == "responses/example/letter.yaml" for s in letters["example"].scenarios())


# --- respond new, respond NAME ----------------------------------------------------------------------

def test_a_letter_made_with_respond_new_and_one_scenario_renders(tmp_path):
    proj = make_project(tmp_path / "p")
    done = rapidrec("respond", "new", "my-letter", cwd=proj)
    assert done.returncode == 0, done.stderr
    path = proj / "responses" / "my-letter" / "letter.yaml"
    text = path.read_text()
    for category in CATEGORIES:  # a commented example of every category
        assert f"category: {category}" in text
    load_letter(proj, "my-letter")  # valid as scaffolded: the build keeps working
    text = text.replace("claims: []", """claims:
  - id: regions
    where: Pooling of regions
    category: pooling
    summary: Trials of different spinal regions were pooled.
    scenarios:
      - scenarios/cervical-only.yaml""", 1)
    path.write_text(text)
    done = rapidrec("respond", "my-letter", cwd=proj)
    assert done.returncode == 0, done.stderr
    out = proj / "_responses" / "my-letter"
    assert sorted(p.name for p in out.iterdir()) == ["appendix.html", "appendix.pdf", "response.html", "response.pdf"]
    html = (out / "appendix.html").read_text(encoding="utf-8")
    response = (out / "response.html").read_text(encoding="utf-8")
    for pdf in (out / "appendix.pdf", out / "response.pdf"):
        assert pdf.stat().st_size > 10_000
    assert "Pooling of regions" in html and "cervical-only" in html and "Pooling of regions" in response
    assert "<img" in html and "<img" in response  # the regenerated figures
    links = set(re.findall(r'href="#(audit-[^"]+)"', html))
    assert links and all(f'id="{a}"' in html for a in links)  # every number links to its audit entry
    cross = set(re.findall(r'href="appendix.html#(audit-[^"]+)"', response))
    assert cross and all(f'id="{a}"' in html for a in cross)  # the response's numbers: entries of the appendix
    from analysis.audit.lint import html_unlinked_numerals

    assert html_unlinked_numerals(html) == [] and html_unlinked_numerals(response) == []
    assert rapidrec("respond", "new", "my-letter", cwd=proj).returncode == 2  # never overwritten


def test_a_malformed_letter_is_rejected_with_file_line_and_field_and_nothing_is_rendered(tmp_path):
    bad = PROBE.replace("category: pooling", "category: regions").replace(
        "      - scenarios/lumbar-only.yaml", "      - scenarios/no-such-file.yaml").replace(
        "          - mid: {pain: 0.3, reason: test}", "          - mid: {pain: 30, reason: test}")
    proj = make_project(tmp_path / "p", {"bad": bad})
    done = rapidrec("respond", "bad", cwd=proj)
    assert done.returncode == 2
    err = done.stderr
    lines = bad.splitlines()
    cat_line = next(i for i, l in enumerate(lines, 1) if "category: regions" in l)
    file_line = next(i for i, l in enumerate(lines, 1) if "no-such-file" in l)
    mid_line = next(i for i, l in enumerate(lines, 1) if "pain: 30" in l)
    assert f"responses/bad/letter.yaml, line {cat_line}, field claims[2].category" in err
    assert f"responses/bad/letter.yaml, line {file_line}, field claims[2].scenarios[0]" in err
    assert f"responses/bad/letter.yaml, line {mid_line}, field claims[0].scenarios[0].operations[0].mid.pain" in err
    assert "expected one of the categories" in err
    assert not (proj / "_responses").exists() and not (proj / "_results").exists()


def test_letter_validation_reports_every_problem_at_once(tmp_path):
    text = """citation:
  authors: Someone
  date: 18 March
  published_in: []
claims:
  - id: Bad Id
    category: pooling
    summary: Evidence from 12 trials was pooled.
  - id: fine
    category: not-addressable
    summary: Retract it.
    scenarios: [scenarios/lumbar-only.yaml]
"""
    with pytest.raises(LetterInvalid) as exc:
        parse_letter(text, "responses/x/letter.yaml", "x", ROOT)
    found = {(i.row, i.column) for i in exc.value.issues}
    assert (3, "citation.date") in found
    assert (4, "citation.published_in") in found
    assert (6, "claims[0].id") in found
    assert (6, "claims[0].scenarios") in found  # a pooling claim needs a scenario (missing: the claim's line)
    assert (8, "claims[0].summary") in found  # hand-typed number in printed text
    assert (12, "claims[1].scenarios") in found  # not-addressable: no scenario
    assert (9, "claims[1].answer") in found  # ... but an answer


# --- the generated paragraphs --------------------------------------------------------------------

def test_a_scenario_that_changes_a_recommendation_says_so(built):
    text = answer_text(built, "probe")
    part = section(text, "probe", "smaller-mid")
    assert "**This changes the recommendations**" in part
    assert re.search(r"from a strong recommendation against to a conditional recommendation against", part)
    assert "`probe-mid` changes at least one recommendation" in part


def test_a_scenario_that_changes_nothing_says_so(built):
    text = answer_text(built, "probe")
    part = section(text, "probe", "nothing-changes")
    assert "**No recommendation changes**" in part
    assert "No certainty rating changes." in part
    assert "No pooled estimate of pain relief changes" in part
    assert "`probe-no-data-trial` changes no estimate, certainty rating or recommendation" in part
    assert "does not change the guideline's recommendations" in part
    unsettled = section(text, "probe", "retraction")
    assert "No analysis of the data can settle this claim" in unsettled and "Retraction is a judgement" in unsettled


def test_every_number_of_an_answer_is_a_registry_entry(built):
    import json

    from analysis import book
    from analysis.responses.show import letter_markdown

    numbers = json.loads((built / "_results" / "numbers.json").read_text())["numbers"]
    book._numbers.cache_clear()
    mp = pytest.MonkeyPatch()
    mp.setenv(book.RESULTS_ENV, str(built / "_results"))
    try:
        md = letter_markdown("probe")
    finally:
        mp.undo()
        book._numbers.cache_clear()
    links = re.findall(r"\[([^\]]*)\]\(#audit-([^)]*)\)\{\.rr-num\}", md)
    assert links
    for text, anchor in links:
        id_ = anchor.replace(":", "/")
        assert id_ in numbers and numbers[id_]["text"] == text
    scen = [i for i in numbers if i.startswith("scenarios/probe-mid/")]
    assert scen and all(numbers[i]["scenario"] == "probe-mid" for i in scen)
    assert numbers["scenarios/probe-mid/settings/pain-mid"]["value"] == 0.3
    assert numbers["settings/pain-mid"]["scenario"] == "base"
    from analysis.audit.lint import lint_text

    assert lint_text(NUM_LINK.sub("", md), "answer.md") == []  # no other numeral, but for the allowlisted


def test_removing_a_claim_removes_its_section(built, tmp_path):
    from analysis.build import build

    proj = tmp_path / "p"
    shutil.copytree(built, proj)
    before = answer_text(proj, "probe")
    assert "{#sec-response-probe-regions}" in before and "`lumbar-only`" in before
    letter = proj / "responses" / "probe" / "letter.yaml"
    text = letter.read_text()
    start = text.index("  - id: regions")
    end = text.index("  - id: retraction")
    letter.write_text(text[:start] + text[end:])
    mp = pytest.MonkeyPatch()
    mp.setenv("RAPIDREC_ROBUSTNESS", "off")
    try:
        build(proj)
    finally:
        mp.undo()
    after = answer_text(proj, "probe")
    assert "{#sec-response-probe-regions}" not in after and "`lumbar-only`" not in after
    assert "{#sec-response-probe-smaller-mid}" in after and "{#sec-response-probe-retraction}" in after


def _comparison(estimate: float, certainty: str, strength: str) -> pd.DataFrame:
    key = "outcome=pain;population=axial;treatment=joint-rf"
    rows = [
        ("network/pain/axial/effects.csv", key, "estimate", -0.62, estimate),
        ("certainty.csv", "population=axial;outcome=pain;procedure=joint radiofrequency", "certainty", "low", certainty),
        ("certainty.csv", "population=axial;outcome=pain;procedure=joint radiofrequency", "classification",
         "little or no effect", "little or no effect"),
        ("recommendations.csv", "population=axial;procedure=joint radiofrequency", "direction", "against", "against"),
        ("recommendations.csv", "population=axial;procedure=joint radiofrequency", "strength", "strong", strength),
        ("numbers.json", "id=settings/pain-mid", "value", 1.5, 1.5),
    ]
    frame = pd.DataFrame(rows, columns=["table", "key", "column", "base", "scenario"])
    frame["change"] = ["unchanged" if str(b) == str(s) else "changed" for b, s in zip(frame["base"], frame["scenario"])]
    return frame


class _Num(str):
    def __new__(cls, id_):
        obj = super().__new__(cls, "0.00")
        obj.id = id_
        return obj

    @property
    def markdown(self):
        return f"<{self.id}>"


def test_the_answer_says_which_rule_changed_from_what_to_what():
    f = scenario_facts(_comparison(-0.62, "low", "strong"), {"joint-rf": "joint radiofrequency"}, "s",
                       operations=[("rule", {"path": "risk_of_bias.serious_share", "value": 0.75, "reason": "r"})],
                       rule_changes=[("risk_of_bias.serious_share", 0.5, 0.75)])
    text = "\n".join(scenario_paragraphs(f, _Num))
    assert "changes the rule `risk_of_bias.serious_share` of the certainty assessment from `0.5` to `0.75`" in text


def test_a_rule_change_that_a_panel_judgement_overrides_is_said_to_be_overridden():
    """The letter contests a rule; where a panel judgement decides that domain, the answer must not suggest
    that the rule decided (never 'changes nothing' without saying why)."""
    op = ("rule", {"path": "risk_of_bias.domains", "value": ["sequence"], "reason": "r"})

    def text(judged):
        f = scenario_facts(_comparison(-0.62, "low", "strong"), {"joint-rf": "joint radiofrequency"}, "s",
                           operations=[op], rule_changes=[("risk_of_bias.domains", ["sequence", "concealment"],
                                                           ["sequence"])], panel_judged=judged)
        return "\n".join(scenario_paragraphs(f, _Num))

    judged = text([("pain/axial/joint-rf", "risk_of_bias"), ("pain/radicular/drg-rf", "inconsistency")])
    assert "A panel judgement, not the rule, decides risk of bias for `pain/axial/joint-rf`" in judged
    assert "drg-rf" not in judged  # a judgement of another domain is not the rule's business
    assert "panel judgement" not in text([])


def test_a_changed_rule_is_told_in_words_with_its_numbers_linked():
    """The response names what a rule change does, without paths, codes or Python values; numbers are the
    registry's (base and scenario), a list of words is told as what no longer (or now) counts."""
    from analysis.responses.rule_words import judgement_sentence, rule_sentence, set_judgement_sentence

    def number(path, which):
        return f"<{which}:{path}>"

    domains = ["sequence", "concealment", "blinding_patients", "blinding_providers", "blinding_assessors"]
    said = rule_sentence("risk_of_bias.domains", domains, domains[:3] + domains[4:] + ["missing_data"], number)
    assert said == ("This analysis changes the guideline's rule for risk of bias (the domains that count): blinding "
                    "of providers no longer counts; missing outcome data now counts.")
    said = rule_sentence("risk_of_bias.serious_share", 0.5, 0.75, number)
    assert said.endswith("the share of the evidence that rates an estimate down one level, from "
                         "<base:risk_of_bias.serious_share> to <scenario:risk_of_bias.serious_share>.")
    said = rule_sentence("imprecision.thresholds_mid", [-1.0, 1.0], [-0.5, 0.5], number)
    assert "from <base:imprecision.thresholds_mid.0> and <base:imprecision.thresholds_mid.1> to " in said
    assert rule_sentence("risk_of_bias.very_serious_share", None, 0.8, number).endswith(
        "from none (left to the panel) to <scenario:risk_of_bias.very_serious_share>.")
    assert judgement_sentence("risk_of_bias", ["a (axial pain)", "b (radicular pain)"]) == (
        "A panel judgement, not the rule, still decides risk of bias for a (axial pain) and b (radicular pain).")
    assert "sets aside the panel's judgement of imprecision for a (axial pain)" in set_judgement_sentence(
        "imprecision", "a (axial pain)", "rule")


def test_a_changed_rules_new_numbers_are_copied_for_the_answer():
    """The scenario's registry numbers of a changed rule's new value go with the answer's copies."""
    f = scenario_facts(_comparison(-0.62, "low", "strong"), {"joint-rf": "joint radiofrequency"}, "s",
                       rule_changes=[("imprecision.thresholds_mid", [-1.0, 1.0], [-0.5, 0.5]),
                                     ("risk_of_bias.serious_share", 0.5, 0.75),
                                     ("risk_of_bias.domains", ["sequence", "concealment"], ["sequence"])])
    ids = f.number_ids()
    assert {"rules/imprecision/thresholds-mid/0", "rules/imprecision/thresholds-mid/1",
            "rules/risk-of-bias/serious-share"} <= set(ids)
    assert not any("domains" in i for i in ids)


def test_the_example_letters_response_tells_the_rule_and_the_judgement_it_contests(rendered_project):
    """A claim against a GRADE rule that a panel judgement decides: the response says which rule changed, that
    the judgement (not the rule) decides while it stands, and what follows once it is set aside."""
    _, plain = _response_plain(rendered_project.path / "_results", "example")
    plain = re.sub(r"\s+", " ", plain.replace("\u2019", "'"))
    claim = plain[plain.index("Blinding of providers."):]
    claim = claim[:claim.index("Our comment")]
    assert "rule for risk of bias (the domains that count): blinding of providers no longer counts" in claim
    assert ("A panel judgement, not the rule, still decides risk of bias for joint radiofrequency nerve ablation "
            "(axial pain)") in claim
    assert "sets aside the panel's judgement of risk of bias for joint radiofrequency nerve ablation" in claim
    assert claim.count("no longer counts") == 1  # the rule both analyses change is told once
    assert "now rests on low certainty evidence (in the guideline, very low)" in claim


def test_a_rebuttal_paragraph_changes_when_its_scenarios_results_change():
    names = {"joint-rf": "joint radiofrequency"}

    def text(comparison):
        f = scenario_facts(comparison, names, "s", operations=[("exclude_studies", {"where": {"year": {"before": 2005}}})])
        return "\n".join(scenario_paragraphs(f, _Num)) + claim_verdict([f])

    same = text(_comparison(-0.62, "low", "strong"))
    assert "No pooled estimate of pain relief changes" in same and "changes no estimate" in same
    moved = text(_comparison(-0.90, "low", "strong"))
    assert moved != same and "<scenarios/s/pain/axial/joint-rf/vs-sham/estimate>" in moved
    rated = text(_comparison(-0.90, "very low", "strong"))
    assert rated != moved and "from low to very low" in rated
    flipped = text(_comparison(-0.90, "very low", "conditional"))
    assert flipped != rated and "**This changes the recommendations**" in flipped
    assert "from a strong recommendation against to a conditional recommendation against" in flipped


def test_a_bad_letter_stops_the_build_before_any_stage(tmp_path):
    """Every letter is checked as soon as the data package is loaded: a broken letter is one located message
    before the first stage runs, not an error in the last stage after a full build."""
    import shutil

    from analysis.build import build
    from tests.conftest import ROOT

    project = tmp_path / "project"
    for name in ("data", "settings", "responses", "scenarios", "_quarto.yml"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, project / name)
    (project / "responses" / "broken").mkdir()
    (project / "responses" / "broken" / "letter.yaml").write_text("title: broken\nclaims: [unclosed\n")
    said = []
    with pytest.raises(LetterInvalid) as err:
        build(project, progress=said.append, cache=False)
    assert any("broken" in i.file and i.row is not None for i in err.value.issues)
    assert said == ["validating and loading the data package"]
    assert not (project / "_results").exists()


LETTER_WITH = """citation:
  authors: Someone
  date: 2025-03-18
  published_in: [BMJ]
claims:
  - id: region
    category: pooling
    summary: Only lumbar trials should be pooled.
    scenarios:
      - {scenario}
"""


@pytest.mark.parametrize("path", ["../../../../etc/passwd", "/etc/passwd", "data/studies.csv",
                                  "scenarios/../settings/guideline.yaml"])
def test_a_letter_reads_no_file_outside_the_projects_scenarios(tmp_path, path):
    """A letter names scenario files of scenarios/ only: another path is refused without being read, so nothing
    of it is echoed back."""
    project = make_project(tmp_path / "project")
    with pytest.raises(LetterInvalid) as err:
        parse_letter(LETTER_WITH.format(scenario=path), "responses/x/letter.yaml", "x", project)
    (issue,) = err.value.issues
    assert (issue.row, issue.column) == (10, "claims[0].scenarios[0]")
    assert "a scenario file of the project's scenarios/" in issue.expected and "root:" not in str(err.value)


def test_an_inline_scenario_reusing_a_scenario_files_id_is_the_one_named(tmp_path):
    """scenarios/lumbar-only.yaml owns its id: a new letter whose inline scenario takes that id for something else
    is named at the line of that id, not the committed letters that use the file."""
    inline = "{id: lumbar-only, title: t, description: d, operations: [{exclude_studies: {where: {year: {max: 2000}}, reason: r}}]}"
    project = make_project(tmp_path / "project", {"a-new": LETTER_WITH.format(scenario=inline),
                                                  "b-old": LETTER_WITH.format(scenario="scenarios/lumbar-only.yaml")})
    with pytest.raises(LetterInvalid) as err:
        load_letters(project)
    (issue,) = err.value.issues
    assert (issue.file, issue.row) == ("responses/a-new/letter.yaml", 10)
    assert "already the id of a different scenario in responses/b-old/letter.yaml (scenarios/lumbar-only.yaml)" \
        in issue.expected


def test_a_file_where_the_results_directory_goes_is_a_message_before_any_work(tmp_path):
    from analysis.build import build
    from analysis.errors import AnalysisError

    project = make_project(tmp_path / "project")
    (project / "_results").write_text("not a directory")
    said = []
    with pytest.raises(AnalysisError, match="_results: a file where rapidrec keeps its results"):
        build(project, progress=said.append, cache=False)
    assert said == [] and sorted(p.name for p in project.iterdir()) == ["_results", "data", "scenarios", "settings"]


# --- the response (what the authors would post) ----------------------------------------------------------------

WORDS_PER_CLAIM = 115  # a seven-claim letter: at most 800 words besides the introduction


def _response_plain(results, name: str) -> tuple[str, str]:
    import pypandoc

    from analysis.book import reading
    from analysis.responses.brief import response_markdown

    with reading(results):
        markdown = response_markdown(name)
    return markdown, pypandoc.convert_text(markdown, "plain", format="markdown", extra_args=["--wrap=none"])


@pytest.mark.parametrize("name", ["society-34", "pacific-spine", "example"])
def test_every_committed_letters_response_is_short_plain_and_linked(rendered_project, name):
    """A paragraph per claim in words a clinician reads: no code spans, column names or Python values; at most
    115 words a claim; every number a registry entry (a link to its audit entry)."""
    from analysis.audit.lint import lint_text
    from analysis.responses.letter import load_letter

    results = rendered_project.path / "_results"
    markdown, plain = _response_plain(results, name)
    claims = load_letter(rendered_project.path, name).claims
    intro = 80
    assert len(plain.split()) <= intro + WORDS_PER_CLAIM * len(claims), len(plain.split())
    assert "`" not in markdown and not re.search(r"\b(None|nan|True|False)\b", plain)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", plain), re.findall(r"\b[a-z]+_[a-z_]+\b", plain)  # no column names
    # the authors' own answer to a claim no analysis settles is checked by the letter's rule (parse_letter)
    markdown = re.sub(r"(No analysis of the data can settle this claim\.)[^\n]*", r"\1", markdown)
    numbers_and_quotes = re.sub(r"\[[^\]]*\]\(#audit-[^)]*\)\{[^}]*\}|\[[^\]]*\]\{\.rr-quote\}", "N", markdown)
    unlinked = [f for f in lint_text(numbers_and_quotes, "response.md")]
    assert unlinked == [], unlinked


@pytest.mark.parametrize("name", ["society-34", "pacific-spine", "example"])
def test_every_committed_letters_response_keeps_issue_15s_text_rules(rendered_project, name):
    """One term for the minimal important difference; no effect on pain beyond what the 10 cm scale allows; no
    claim that says both that no recommendation changes and that one would."""
    _, plain = _response_plain(rendered_project.path / "_results", name)
    plain = re.sub(r"\s+", " ", plain)
    assert "minimal important difference" in plain
    assert not re.search(r"\bMID\b|minimally important|minimal clinically important|clinically important diff", plain)
    values = [float(v.replace("\u2212", "-")) for v in re.findall(r"([\u2212-]?\d+\.\d+) cm", plain)]
    values += [float(v.replace("\u2212", "-")) for lo, hi in re.findall(
        r"cm \(95% CI ([\u2212-]?\d+\.\d+) to ([\u2212-]?\d+\.\d+)", plain) for v in (lo, hi)]
    assert len(values) > 4 and max(abs(v) for v in values) <= 10  # a pain effect or bound beyond the scale
    for claim in re.split(r"\n(?=\S[^.\n]{3,80}\. )", plain):
        if "In none of these analyses does a recommendation change" in claim:
            assert "would change from" not in claim, claim


def test_an_estimate_resting_on_few_trials_says_how_many_from_the_scenarios_count(rendered_project):
    """'from 2 trials' after an interval is the scenario's registered trial count for that procedure (at most
    FEW_TRIALS); the cervical-only analysis's harm of joint-targeted steroid injection is one of them."""
    import json

    from analysis.book import reading
    from analysis.responses.brief import response_markdown
    from analysis.responses.facts import FEW_TRIALS

    results = rendered_project.path / "_results"
    numbers = json.loads((results / "numbers.json").read_text())["numbers"]
    with reading(results):
        markdown = response_markdown("society-34")
    counts = re.findall(r", from \[(\d+)\]\(#audit-(scenarios:[^)]*:n-trials)\)\{\.rr-num\} trials?\)", markdown)
    assert counts
    for text, anchor in counts:
        entry = numbers[anchor.replace(":", "/")]
        assert entry["text"] == text and entry["value"] <= FEW_TRIALS
    assert ("scenarios:cervical-only:pain:axial:joint-steroid:n-trials" in markdown)


def test_a_response_figure_that_would_show_nothing_new_is_a_sentence():
    from analysis.figures.claims_summary import ClaimRow, identical

    same = ClaimRow("a claim", (-0.5, -1.0, 0.0), (-0.5, -1.0, 0.0))
    moved = ClaimRow("another", (-0.5, -1.0, 0.0), (-1.5, -2.0, -1.0))
    assert identical([same]) and not identical([same, moved])


def test_an_added_trials_own_procedure_decides_its_paragraph():
    """A letter adding a trial asks what that trial does to its procedure's estimate: the paragraph reports that
    estimate even when another one moved more."""
    from analysis.responses.brief import decisive

    frame = _comparison(-0.70, "low", "strong")
    other = "outcome=pain;population=axial;treatment=joint-la"
    frame.loc[len(frame)] = ("network/pain/axial/effects.csv", other, "estimate", -0.20, -1.40, "changed")
    names = {"joint-rf": "joint radiofrequency", "joint-la": "joint-targeted local anaesthetic"}
    arms = [{"arm": "a", "procedure": "joint-rf"}, {"arm": "b", "procedure": "sham"}]
    plain = scenario_facts(frame, names, "s", operations=[("exclude_studies", {"ids": ["X"]})])
    added = scenario_facts(frame, names, "s", operations=[("add_study", {"study": {"id": "X"}, "arms": arms})])
    assert decisive(plain).code == "joint-la"  # the largest shift
    assert added.added_procedures() == ["joint-rf"] and decisive(added).code == "joint-rf"


def test_the_scaffold_shows_every_operation_and_its_examples_apply_to_the_data():
    """`respond new` writes an example of every scenario operation; each one-line example (all but add_study,
    whose fields are placeholders) is a valid operation on the project's data, and `answer` beside scenarios is
    documented."""
    from analysis.certainty.config import load_rules
    from analysis.dataset import load_dataset
    from analysis.responses.scaffold import scaffold_text
    from analysis.scenarios import apply_scenario, parse_scenario
    from analysis.scenarios.spec import OPERATIONS

    text = scaffold_text("probe")
    shown = set(re.findall(r"#\s+(?:# )?- (\w+): ", text))
    assert set(OPERATIONS) <= shown, set(OPERATIONS) - shown
    assert "answer: >-                            # optional beside scenarios" in text
    lines = text.splitlines()
    examples, i = [], 0
    while i < len(lines):  # "#           # - op: {...}" and its continuation lines "#           #    ..."
        m = re.match(r"#\s+# - (\w+): (.*)", lines[i])
        i += 1
        if m:
            body = m.group(2)
            while i < len(lines) and re.match(r"#\s+#\s{3,}", lines[i]):
                body += " " + re.sub(r"#\s+#\s+", "", lines[i]).split("   #")[0]
                i += 1
            examples.append((m.group(1), body.split("   #")[0]))
    ds, rules = load_dataset(ROOT / "data"), load_rules(ROOT / "settings" / "guideline.yaml")
    checked = 0
    for kind, body in examples:
        if kind == "add_study":
            continue
        sc = parse_scenario(f"id: probe-{kind.replace('_', '-')}\ntitle: t\ndescription: d\n"
                            f"operations:\n  - {kind}: {body}\n")
        apply_scenario(ds, sc, rules=rules)  # raises ScenarioInvalid, naming line and field, if it is not valid
        checked += 1
    assert checked >= 10


def test_a_claims_estimate_must_name_an_estimate_of_the_network_or_its_scenarios():
    """`estimate:` is outcome/population/procedure; a procedure neither in the data nor made by the claim's
    scenarios is refused at its line and field, and one the scenarios make (a split's part) is accepted."""
    from analysis.dataset import load_dataset

    ds = load_dataset(ROOT / "data")
    bad = PROBE.replace("    category: expertise-process\n", "    category: expertise-process\n    estimate: pain/axial\n"
                        ).replace("    category: pooling\n", "    category: pooling\n    estimate: pain/axial/no-such-node\n")
    with pytest.raises(LetterInvalid) as err:
        parse_letter(bad, "responses/probe/letter.yaml", "probe", ROOT, ds)
    lines = bad.splitlines()
    text = "\n".join(i.format() for i in err.value.issues)
    first = next(i for i, line in enumerate(lines, 1) if "estimate: pain/axial" == line.strip())
    second = next(i for i, line in enumerate(lines, 1) if "no-such-node" in line)
    assert f"line {first}, field claims[0].estimate: value 'pain/axial'; expected the estimate the claim" in text
    assert f"line {second}, field claims[2].estimate: value 'pain/axial/no-such-node'; expected a procedure" in text
    split = PROBE.replace("      - scenarios/lumbar-only.yaml", "      - scenarios/split-joint-rf.yaml").replace(
        "    category: pooling\n", "    category: pooling\n    estimate: pain/axial/joint-rf-lateral-branch\n")
    letter = parse_letter(split, "responses/probe/letter.yaml", "probe", ROOT, ds)
    assert letter.claims[2].estimate == "pain/axial/joint-rf-lateral-branch"


def test_a_change_in_physical_functioning_is_noticed():
    """Every outcome that changes is mentioned: physical functioning's estimates are in the appendix, and the
    facts say when any of them changed (the response then says so once for the claim)."""
    frame = _comparison(-0.62, "low", "strong")
    key = "outcome=physical_function;population=axial;treatment=joint-rf"
    assert not scenario_facts(frame, {}, "s").function_changed
    frame.loc[len(frame)] = ("network/physical_function/axial/effects.csv", key, "estimate", 4.0, 6.5, "changed")
    assert scenario_facts(frame, {}, "s").function_changed


@pytest.mark.parametrize("name", ["society-34"])
def test_a_response_says_when_physical_functioning_changes(rendered_project, name):
    from analysis.book import reading
    from analysis.responses.brief import FUNCTION_NOTE, claim_paragraph
    from analysis.responses.show import letter_facts, letter_record

    results = rendered_project.path / "_results"
    with reading(results):
        letter = letter_record(name, results)
        facts = letter_facts(letter, results)
        for claim in letter["claims"]:
            mine = [facts[s["id"]] for s in claim["scenarios"]]
            said = claim_paragraph(claim, mine)
            assert (FUNCTION_NOTE in said) == any(f.function_changed for f in mine), claim["id"]
    assert any(f.function_changed for f in facts.values())
