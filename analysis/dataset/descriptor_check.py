"""``datapackage.json`` checked against the schema rapidrec enforces (:mod:`analysis.dataset.schema`), so that
the descriptor never declares a constraint that nothing enforces: the required tables and, where the descriptor
lists them, the optional ones."""

from __future__ import annotations

import json

from analysis.dataset.issues import ValidationIssue
from analysis.dataset.optional_tables import OPTIONAL_TABLES
from analysis.dataset.schema import TABLES


def descriptor_problems(found: object, display: str) -> list[ValidationIssue]:
    """Where a package's ``datapackage.json`` declares something other than what rapidrec enforces.

    The schema is declared once, in :mod:`analysis.dataset.schema`; ``datapackage.json`` is written from it
    (``rapidrec synthesize``). A descriptor edited by hand (a maximum changed, a field renamed) would otherwise
    promise a constraint that nothing enforces, so each difference is a problem naming its field.
    """
    expected = {t.name: t.descriptor() for t in (*TABLES, *OPTIONAL_TABLES)}
    if not isinstance(found, dict) or not isinstance(found.get("resources"), list):
        return [ValidationIssue(display, None, "resources", None, "a list of the package's tables")]
    issues = []
    for n, resource in enumerate(found["resources"]):
        name = resource.get("name") if isinstance(resource, dict) else None
        if not isinstance(name, str):
            issues.append(ValidationIssue(display, None, f"resources[{n}].name", _short(name), "a table's name"))
            continue
        if name not in expected:
            continue  # a table rapidrec does not read
        where = f"resources[{n}] ({name})"
        want = {f["name"]: f for f in expected[name]["schema"]["fields"]}
        fields = (resource.get("schema") or {}).get("fields") if isinstance(resource.get("schema"), dict) else None
        if not isinstance(fields, list) or not all(isinstance(f, dict) for f in fields):
            issues.append(ValidationIssue(display, None, f"{where}.schema.fields", None,
                                          "a list of the table's fields, as rapidrec's schema declares them"))
            continue
        named = [f for f in fields if isinstance(f.get("name"), str)]
        issues += [ValidationIssue(display, None, f"{where}.schema.fields[{i}].name", _short(f.get("name")),
                                   "a field's name") for i, f in enumerate(fields) if f not in named]
        have = {f["name"]: f for f in named}
        for field_name, spec in want.items():
            got = have.get(field_name)
            path = f"{where}.schema.fields.{field_name}"
            if got is None:
                issues.append(ValidationIssue(display, None, path, None, "the field, as rapidrec's schema declares it"))
                continue
            for key in ("type", "constraints"):
                if got.get(key) != spec.get(key):
                    issues.append(ValidationIssue(display, None, f"{path}.{key}", _short(got.get(key)),
                                                  f"{_short(spec.get(key))}, what rapidrec enforces (its schema, "
                                                  "analysis/dataset/schema.py, is the one source: restore "
                                                  "datapackage.json, or change the schema there)"))
        for field_name in sorted((k for k in have if k not in want), key=str):
            issues.append(ValidationIssue(display, None, f"{where}.schema.fields.{field_name}", None,
                                          "only the fields rapidrec's schema declares"))
    return issues


def _short(value) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "..."
