"""A critic's letter as data: ``responses/<name>/letter.yaml``, its schema and its validation.

::

    citation:                                # the letter, as it was published
      authors: Pacific Spine and Pain Society
      title: Statement of concern ...       # optional
      date: 2025-03-01                       # YYYY-MM-DD
      published_in: [Society website]        # where it appeared (one or more)
      url: https://...                       # optional
    title: The Pacific Spine and Pain Society statement   # optional: the heading of its answer
    summary: >-                              # optional: the letter in two sentences, in our words
      ...
    claims:
      - id: grouping-diagnoses               # lower-case letters, digits, '-'; unique in the letter
        summary: >-                          # the criticism in our own words (never the letter's sentences)
          ...
        category: pooling                    # see CATEGORIES
        where: Inappropriate grouping of diagnoses   # optional: the letter's section or point
        scenarios:                           # the analyses that test it: files under scenarios/, or inline
          - scenarios/axial-facet-joint-only.yaml
          - {id: ..., title: ..., description: ..., operations: [...]}
        estimate: pain/axial/joint-rf        # optional: the estimate the claim is about (its paragraph reports it)
        answer: >-                           # required when no analysis can settle the claim; else optional
          ...

Every problem is reported at once, each with the file, line, field and what was expected
(:class:`analysis.scenarios.ScenarioIssue`, the scenarios' own issue class); scenarios are checked
against the dataset too (:func:`analysis.scenarios.apply_scenario`). Nothing is run or written when a
letter has a problem.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis.audit.lint import _ALLOW, NUMERAL
from analysis.cache import Cache
from analysis.certainty.config import load_rules
from analysis.project import SCENARIOS_DIR, settings_file
from analysis.scenarios import apply_scenario
from analysis.scenarios.spec import (
    ID_RE,
    Scenario,
    ScenarioInvalid,
    ScenarioIssue,
    _Collector,
    _mapping_keys,
    load_scenario,
    scenario_from_data,
)
from analysis.scenarios.spec import (
    _is_text as _text,
)
from analysis.yamlines import dotted, line_of, load_with_lines

RESPONSES_DIR = "responses"
LETTER_FILE = "letter.yaml"

# category code -> what it covers (the order is the order of the scaffold's examples)
CATEGORIES = {
    "pooling": "pooling across spinal regions, procedures or techniques",
    "omitted-trial": "an omitted trial",
    "extraction-error": "an error in the extraction of a trial",
    "technical-fidelity": "technical fidelity or outdated techniques",
    "subgroups": "subgroups of patients or procedures",
    "analysis-choices": "an analysis choice: the MID, the follow-up used, the model or a rule of the certainty "
                        "assessment",
    "expertise-process": "the authors' expertise or the review's process",
    "not-addressable": "a claim no analysis of the data can settle",
}
NEEDS_SCENARIO = ("pooling", "omitted-trial", "extraction-error", "technical-fidelity", "subgroups",
                  "analysis-choices")
NEEDS_ANSWER = ("expertise-process", "not-addressable")
TOP_KEYS = {"citation": True, "title": False, "summary": False, "claims": True}
CITATION_KEYS = {"authors": True, "title": False, "date": True, "published_in": True, "url": False}
CLAIM_KEYS = {"id": True, "summary": True, "category": True, "where": False, "scenarios": False, "answer": False,
              "estimate": False}
ESTIMATE_RE = re.compile(r"(pain|pain_responder)/(axial|radicular)/[A-Za-z0-9][A-Za-z0-9_.-]*")


class LetterInvalid(ScenarioInvalid):
    """The letter (or a scenario it names) has problems; ``issues`` lists them all. Nothing was run or written."""


@dataclass(frozen=True)
class Claim:
    id: str
    summary: str
    category: str
    where: str = ""
    scenarios: tuple[Scenario, ...] = ()
    answer: str = ""
    line: int = 0
    estimate: str = ""  # outcome/population/node: the estimate the claim is about, which its paragraph reports

    @property
    def addressable(self) -> bool:
        return bool(self.scenarios)


@dataclass(frozen=True)
class Letter:
    name: str
    file: str
    citation: dict
    claims: tuple[Claim, ...]
    title: str = ""
    summary: str = ""

    @property
    def heading(self) -> str:
        return self.title or f"The letter of {self.citation['authors']}"

    def scenarios(self) -> list[Scenario]:
        """Every scenario of the letter once, in order of first use."""
        seen: dict[str, Scenario] = {}
        for c in self.claims:
            for s in c.scenarios:
                seen.setdefault(s.id, s)
        return list(seen.values())

    def to_dict(self) -> dict:
        """What the chapters read (``_results/responses/<name>/letter.json``)."""
        return {"name": self.name, "file": self.file, "citation": self.citation, "title": self.heading,
                "summary": self.summary,
                "claims": [{"id": c.id, "summary": c.summary, "category": c.category,
                            "category_text": CATEGORIES[c.category], "where": c.where, "answer": c.answer,
                            "estimate": c.estimate,
                            "scenarios": [{"id": s.id, "file": s.file, "title": s.title} for s in c.scenarios]}
                           for c in self.claims]}


def _words(v) -> str:
    return " ".join(str(v).split())


def _inline(data, prefix: tuple, file: str, lines: dict, text: str) -> Scenario:
    """An inline scenario: checked by the scenarios' own rules, with lines and fields in the letter's terms."""
    sub = {p[len(prefix):]: n for p, n in lines.items() if p[:len(prefix)] == prefix}
    canonical = yaml.safe_dump(data, sort_keys=True, allow_unicode=True) if isinstance(data, dict) else ""
    try:
        return scenario_from_data(data, file, sub, (), canonical)
    except ScenarioInvalid as exc:
        raise ScenarioInvalid([_prefixed(i, prefix) for i in exc.issues], file) from None


def _prefixed(issue: ScenarioIssue, prefix: tuple) -> ScenarioIssue:
    head = dotted(prefix)
    col = f"{head}.{issue.column}" if issue.column and not issue.column.startswith("[") else \
        f"{head}{issue.column or ''}"
    return dataclasses.replace(issue, column=col)


def parse_letter(text: str, file: str, name: str, project_dir: Path, dataset=None, cache: Cache | None = None
                 ) -> Letter:
    """Check a letter given as YAML text; raises :class:`LetterInvalid` with every problem.

    ``dataset`` (a loaded :class:`analysis.dataset.Dataset`) also checks each scenario against the data; with a
    ``cache`` (the project's), a scenario found valid for the same data, rules and text is not checked again
    (an edit of the letter's prose re-checks none of its scenarios).
    """
    try:
        data, lines, dup = load_with_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise LetterInvalid([ScenarioIssue(file, mark.line + 1 if mark else None, None, None,
                                           f"valid YAML ({problem})")], file) from None
    c = _Collector(file, lines)
    rules = load_rules(settings_file(project_dir)) if dataset is not None else None
    for line, problem in dup:
        c.issues.append(ScenarioIssue(file, line, None, None, f"unique keys ({problem})"))
    if not ID_RE.fullmatch(name):
        c.add((), name, "a letter directory named with lower-case letters, digits and '-'")
    if not isinstance(data, dict):
        c.add((), None if data is None else str(data)[:60], "a YAML mapping with citation and claims")
        raise LetterInvalid(c.issues, file)
    _mapping_keys(c, data, (), TOP_KEYS, "a letter")
    cit = data.get("citation")
    citation: dict = {}
    if "citation" in data and _mapping_keys(c, cit, ("citation",), CITATION_KEYS, "the citation"):
        for k in ("authors", "title", "url"):
            if k in cit and not _text(cit[k]):
                c.add(("citation", k), cit[k], f"the letter's {k} as text")
        date = _date(cit.get("date"))
        if "date" in cit and date is None:
            c.add(("citation", "date"), cit["date"],
                  "the date the letter was published: YYYY-MM-DD, or YYYY-MM or YYYY when that is all that is known")
        venues = cit.get("published_in")
        venues = [venues] if isinstance(venues, str) else venues
        if "published_in" in cit and (not isinstance(venues, list) or not venues or not all(map(_text, venues))):
            c.add(("citation", "published_in"), cit.get("published_in"),
                  "where the letter was published: text, or a list of texts (journal, website, rapid response)")
        citation = {k: _words(cit[k]) for k in ("authors", "title", "url") if _text(cit.get(k))}
        if date is not None:
            citation["date"] = date
        if isinstance(venues, list):
            citation["published_in"] = [_words(v) for v in venues if _text(v)]
    for k in ("title", "summary"):
        if k in data and not _text(data[k]):
            c.add((k,), data[k], f"the letter's {k} in words")
    raw_claims = data.get("claims")
    if "claims" in data and raw_claims is not None and not isinstance(raw_claims, list):
        c.add(("claims",), str(raw_claims)[:60], "a list of claims (it may be empty: claims: [])")
    claims: list[Claim] = []
    seen_ids: dict[str, int] = {}
    used: dict[str, tuple[str, str]] = {}  # scenario id -> (canonical content, where first used)
    for i, raw in enumerate(raw_claims if isinstance(raw_claims, list) else []):
        path = ("claims", i)
        if not _mapping_keys(c, raw, path, CLAIM_KEYS, "a claim"):
            continue
        cid = raw.get("id")
        if "id" in raw and not (isinstance(cid, str) and ID_RE.fullmatch(cid)):
            c.add(path + ("id",), cid, "a claim id of lower-case letters, digits and '-'")
        elif isinstance(cid, str):
            if cid in seen_ids:
                c.add(path + ("id",), cid, f"a claim id not used before (claim id '{cid}' is on line {seen_ids[cid]})")
            seen_ids.setdefault(cid, line_of(lines, path + ("id",)))
        for k in ("summary", "where", "answer"):
            if k in raw and not _text(raw[k]):
                c.add(path + (k,), raw[k], f"the claim's {k} in words")
        est = raw.get("estimate")
        if "estimate" in raw and not (isinstance(est, str) and ESTIMATE_RE.fullmatch(est.strip())):
            c.add(path + ("estimate",), est, "the estimate the claim is about, as outcome/population/procedure "
                  "(e.g. pain/axial/joint-rf; outcome pain or pain_responder, population axial or radicular)")
        cat = raw.get("category")
        if "category" in raw and cat not in CATEGORIES:
            c.add(path + ("category",), cat, f"one of the categories {', '.join(CATEGORIES)}")
        scen_raw = raw.get("scenarios")
        if scen_raw is not None and not isinstance(scen_raw, list):
            c.add(path + ("scenarios",), str(scen_raw)[:60],
                  "a list of scenarios: file names under scenarios/, or scenarios written inline")
            scen_raw = []
        scen_raw = scen_raw or []
        if cat in NEEDS_SCENARIO and not scen_raw:
            c.add(path + ("scenarios",), None, f"at least one scenario that tests a claim of category {cat} "
                  "(or the category not-addressable, with an answer saying why no analysis can settle it)")
        if cat == "not-addressable" and scen_raw:
            c.add(path + ("scenarios",), None, "no scenario for a claim of category not-addressable "
                  "(choose the category the scenario tests)")
        if cat in NEEDS_ANSWER and not _text(raw.get("answer")):
            c.add(path + ("answer",), None, f"an answer in words for a claim of category {cat}: why no analysis "
                  "of the data can settle it")
        scenarios: list[Scenario] = []
        for j, item in enumerate(scen_raw):
            q = path + ("scenarios", j)
            sc = None
            try:
                if isinstance(item, str):
                    target = (project_dir / item)
                    folder = (project_dir / SCENARIOS_DIR).resolve()
                    if not item.strip() or folder not in target.resolve().parents:
                        c.add(q, item, f"a scenario file of the project's {SCENARIOS_DIR}/ (e.g. "
                              f"{SCENARIOS_DIR}/lumbar-only.yaml), or a scenario written inline; a letter reads no "
                              "other file")
                        continue
                    if not target.is_file():
                        c.add(q, item, "a scenario file that exists (a path from the project directory, "
                              "e.g. scenarios/lumbar-only.yaml), or a scenario written inline")
                        continue
                    sc = load_scenario(target)
                    sc = dataclasses.replace(sc, file=item)  # named as in the letter (relative to the project)
                elif isinstance(item, dict):
                    sc = _inline(item, q, file, lines, text)
                else:
                    c.add(q, str(item)[:60], "a scenario file name or a scenario written inline (a mapping)")
                    continue
                if dataset is not None:  # raises ScenarioInvalid when the result is not a valid dataset
                    _check_against_data(sc, dataset, rules, cache)
            except ScenarioInvalid as exc:
                issues = exc.issues
                if isinstance(item, dict):
                    issues = [i if (i.column or "").startswith(dotted(q)) else _prefixed(i, q) for i in issues]
                c.issues.extend(issues)
                continue
            content = json.dumps({"file": sc.file if isinstance(item, str) else "<inline>",
                                  "text": sc.text}, sort_keys=True)
            where = f"{dotted(q)} (line {line_of(lines, q)})"
            if sc.id in used and used[sc.id][0] != content:
                c.add(q + (("id",) if isinstance(item, dict) else ()), sc.id,
                      f"a scenario id not used by another scenario (id '{sc.id}' is used by {used[sc.id][1]})")
                continue
            used.setdefault(sc.id, (content, where))
            scenarios.append(sc)
        if isinstance(est, str) and ESTIMATE_RE.fullmatch(est.strip()) and dataset is not None:
            known = list(dataset.nodes["code"]) + _created_nodes(scenarios)
            if est.strip().rsplit("/", 1)[1] not in known:
                c.add(path + ("estimate",), est, f"a procedure of the network or one its scenarios create "
                      f"({', '.join(known)})")
        if isinstance(cid, str) and _text(raw.get("summary")) and cat in CATEGORIES:
            claims.append(Claim(id=cid, summary=_words(raw["summary"]), category=cat,
                                where=_words(raw.get("where") or ""), scenarios=tuple(scenarios),
                                answer=_words(raw.get("answer") or ""), line=line_of(lines, path),
                                estimate=est.strip() if isinstance(est, str) else ""))
    _numerals(c, data)
    if c.issues:
        raise LetterInvalid(c.issues, file)
    return Letter(name=name, file=file, citation=citation, claims=tuple(claims),
                  title=_words(data.get("title") or ""), summary=_words(data.get("summary") or ""))


def _check_against_data(sc: Scenario, dataset, rules: dict, cache: Cache | None) -> None:
    """Apply ``sc`` to the data (its problems raise :class:`ScenarioInvalid`); a valid result is remembered in
    ``cache`` under what it depends on, so the same scenario is not applied again to check it."""
    def check() -> bool:
        apply_scenario(dataset, sc, rules=rules)
        return True

    if cache is None:
        check()
    else:
        cache.get("scenario-check", {"data": dataset.data_hash, "rules": rules, "text": sc.text, "file": sc.file},
                  check)


def _created_nodes(scenarios) -> list[str]:
    """The network nodes the scenarios make: the codes of split_node's parts and merge_nodes' result."""
    out = []
    for sc in scenarios:
        for op in sc.operations:
            if op.kind == "split_node":
                out += [part.get("code") for part in op.spec.get("into") or [] if isinstance(part, dict)]
            elif op.kind == "merge_nodes":
                out.append(op.spec.get("into"))
    return [c for c in out if isinstance(c, str)]


def _date(value) -> str | None:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (as text), or None when ``value`` is none of these."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and 1900 <= value <= 2100:
        return str(value)
    if isinstance(value, str) and re.fullmatch(r"(19|20)\d{2}(-(0[1-9]|1[0-2])(-\d{2})?)?", value.strip()):
        v = value.strip()
        if len(v) == 10:
            try:
                dt.date.fromisoformat(v)
            except ValueError:
                return None
        return v
    return None


PROSE_FIELDS = (("citation", "authors"), ("citation", "title"), ("title",), ("summary",))
CLAIM_PROSE = ("summary", "where", "answer")


def _numerals(c: _Collector, data: dict) -> None:
    """Text the book prints must not carry hand-typed numbers (the rule of :mod:`analysis.audit.lint`)."""
    def check(path, value):
        if not isinstance(value, str):
            return
        text = " ".join(value.split())
        allowed = [m.span() for pat, _ in _ALLOW for m in pat.finditer(text)]
        bad = [m.group(0) for m in NUMERAL.finditer(text) if not any(a <= m.start() and m.end() <= b
                                                                    for a, b in allowed)]
        if bad:
            c.add(path, ", ".join(bad), "text without hand-typed numbers (every number the book prints is a "
                  "registry entry): write small counts as words, or leave the number out")

    for path in PROSE_FIELDS:
        node = data
        for k in path:
            node = node.get(k) if isinstance(node, dict) else None
        check(path, node)
    venues = (data.get("citation") or {}).get("published_in") if isinstance(data.get("citation"), dict) else None
    for i, v in enumerate(venues if isinstance(venues, list) else [venues]):
        check(("citation", "published_in") + ((i,) if isinstance(venues, list) else ()), v)
    for i, claim in enumerate(data.get("claims") or [] if isinstance(data.get("claims"), list) else []):
        if isinstance(claim, dict):
            for k in CLAIM_PROSE:
                check(("claims", i, k), claim.get(k))


def letter_path(project_dir: Path, name: str) -> Path:
    return Path(project_dir) / RESPONSES_DIR / name / LETTER_FILE


def load_letter(project_dir: Path, name: str, dataset=None, cache: Cache | None = None) -> Letter:
    """Read and check ``responses/<name>/letter.yaml``; raises :class:`LetterInvalid`."""
    project_dir = Path(project_dir)
    path = letter_path(project_dir, name)
    rel = path.relative_to(project_dir).as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LetterInvalid([ScenarioIssue(rel, None, None, None,
                                           f"a letter file (create it with `rapidrec respond new {name}`)")],
                            rel) from None
    except UnicodeDecodeError as exc:
        raise LetterInvalid([ScenarioIssue(rel, None, None, None, f"UTF-8 text ({exc.reason})")], rel) from None
    return parse_letter(text, rel, name, project_dir, dataset, cache)


def letter_names(project_dir: Path) -> list[str]:
    """Every letter of the project: the directories of ``responses/`` that hold a letter.yaml."""
    root = Path(project_dir) / RESPONSES_DIR
    return sorted(p.parent.name for p in root.glob(f"*/{LETTER_FILE}")) if root.is_dir() else []


def load_letters(project_dir: Path, dataset=None, cache: Cache | None = None) -> list[Letter]:
    """Every letter, checked together: one :class:`LetterInvalid` lists the problems of all of them, and a
    scenario id used by two letters for different scenarios is a problem too (``cache``: see
    :func:`parse_letter`)."""
    letters, issues = [], []
    for name in letter_names(project_dir):
        try:
            letters.append(load_letter(project_dir, name, dataset, cache))
        except LetterInvalid as exc:
            issues.extend(exc.issues)
    first: dict[str, tuple[str, str]] = {}
    uses = [(letter, sc) for letter in letters for sc in letter.scenarios()]
    # a scenario file of scenarios/ owns its id: an inline scenario that reuses it differently is the one named
    for letter, sc in sorted(uses, key=lambda use: use[1].file == use[0].file):
        inline = sc.file == letter.file
        where = f"{letter.file}" + (" (inline)" if inline else f" ({sc.file})")
        if sc.id in first and first[sc.id][0] != sc.text:
            issues.append(ScenarioIssue(sc.file, sc.line(("id",)), "id" if not inline else None, sc.id,
                                        f"a scenario id not used for another scenario (already the id of a "
                                        f"different scenario in {first[sc.id][1]})"))
        first.setdefault(sc.id, (sc.text, where))
    if issues:
        raise LetterInvalid(issues, f"{RESPONSES_DIR}/")
    return letters


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def month_year(date: str) -> str:
    """``March 2025`` for ``2025-03-18`` or ``2025-03``; ``2025`` for ``2025``."""
    parts = str(date).split("-")
    return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}" if len(parts) > 1 else parts[0]


def short_citation(citation: str, year: int | str | None = None) -> str:
    """``Ghahreman et al. 2010`` from a Vancouver citation and the year."""
    first = re.split(r"[,.;]", citation.strip(), 1)[0].strip().split(" ")[0]
    authors = [a for a in re.split(r",\s*", citation.split(".")[0]) if a.strip()]
    return f"{first}{' et al.' if len(authors) > 1 else ''} {year}".strip() if year else first
