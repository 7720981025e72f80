"""Validation problems, each naming the file, row, column, value and what was expected."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from analysis.errors import DataError


@dataclass(frozen=True)
class ValidationIssue:
    """One problem in the data package.

    ``row`` is the line number in the CSV file (the header is line 1), or None
    for a problem with a whole file or table; ``column`` is None when the
    problem is with a row or a table rather than one cell.
    """

    file: str
    row: int | None
    column: str | None
    value: object
    expected: str
    row_label: ClassVar[str] = "row"  # subclasses for other files (scenarios: "line", "field")
    column_label: ClassVar[str] = "column"

    def format(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"{self.row_label} {self.row}")
        if self.column is not None:
            where.append(f"{self.column_label} {self.column}")
        shown = "" if self.value is None else f"value '{self.value}'; "
        return f"{', '.join(where)}: {shown}expected {self.expected}"

    def __str__(self) -> str:
        return self.format()


@dataclass(frozen=True)
class YamlIssue(ValidationIssue):
    """A problem in a YAML file of the package (guideline.yaml): ``row`` is the line, ``column`` the field."""

    row_label: ClassVar[str] = "line"
    column_label: ClassVar[str] = "field"


SHOWN_PROBLEMS = 200  # a message lists at most this many problems, then how many more there are


def problem_lines(issues: list[ValidationIssue], limit: int = SHOWN_PROBLEMS) -> list[str]:
    """One line per problem, the first ``limit`` of them, then a line counting the rest: a file broken on every
    row gives a readable message, not millions of lines."""
    lines = [i.format() for i in issues[:limit]]
    if len(issues) > limit:
        lines.append(f"... and {len(issues) - limit} more problem(s) (the first {limit} are shown; fix these and "
                     "validate again)")
    return lines


class DatasetInvalid(DataError):
    """The data package has problems; ``issues`` lists them all, the message the first :data:`SHOWN_PROBLEMS`."""

    def __init__(self, issues: list[ValidationIssue]):
        self.issues = list(issues)
        super().__init__(f"{len(self.issues)} problem(s) in the data package:\n"
                         + "\n".join(problem_lines(self.issues)))
