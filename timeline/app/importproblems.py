"""The import's problem report: every bad row, kept whole, then told in one line, in full, as CSV or as JSON.

A refused import must tell its user everything at once without burying it: the terminal line
groups the problems by kind with counts and a few row numbers each, ``-v`` lists every problem,
``--errors FILE`` writes them all as CSV (row, field, problem) and ``--json`` prints them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from timeline.app.names import Likeness
from timeline.app.rowidentity import IDENTITY
from timeline.errors import InvalidField, TimelineError
from timeline.wording import plural

# How many row numbers a group shows before "... and N more"; how many problems are shown in full.
ROWS_SHOWN = 3
IN_FULL = 3
# A message that starts by naming its field: "Month: 13 is out of range", "start_date.year: is empty".
_FIELD_FIRST = re.compile(r"^([A-Za-z_][\w.]*(?: [a-z_]\w*)?): (.+)$", re.S)
# Fields whose problems count as "bad dates", "bad actors" (the noun, singular); other fields' as
# "problems with text" (a TimelineJS field's name, say, is no noun to count).
_NOUNS = {
    **{name: name for name in ("title", "kind", "date", "summary", "slug", "id", "relation", "identifier")},
    **{name: name for name in ("headline", "year", "month", "day", "end year", "end month", "end day")},
    **{f"{name}s": name for name in ("actor", "platform", "topic", "jurisdiction", "identifier", "source", "relation")},
    "source": "source",
    "short_id": "short id",
    **{f"source {name}": f"source {name}" for name in ("url", "date", "title", "language", "archived_url")},
}


def _allow(number: int) -> str:
    """The option that lets one row in despite a likely duplicate."""
    return f"--allow-duplicate-row {number}"


@dataclass(frozen=True)
class Problem:
    """One bad row: its number (a TimelineJS JSON file's event number), the field at fault (empty
    when no one field is), and what is wrong with what is accepted."""

    number: int
    text: str
    field: str = ""
    unit: str = "row"
    duplicate_of: Likeness | None = None
    repeats: int | None = None  # the earlier row of the same file this one repeats

    @classmethod
    def of(cls, number: int, error: Exception, unit: str = "row") -> Problem:
        """The problem an exception raised for a row describes."""
        if isinstance(error, InvalidField):
            return cls(number, error.problem, error.field, unit)
        match = _FIELD_FIRST.match(str(error))
        if match and not isinstance(error, TimelineError):
            return cls(number, match.group(2), match.group(1), unit)
        return cls(number, str(error), "", unit)

    @classmethod
    def duplicate(cls, number: int, likeness: Likeness, unit: str = "row") -> Problem:
        return cls(number, likeness.message(f"pass {_allow(number)} to import it anyway"), "", unit, likeness)

    @classmethod
    def repeated(cls, number: int, earlier: int, unit: str = "row", *, by_id: bool = False) -> Problem:
        """A row that is an earlier row of the file again: by its id (which two entries never
        share), or by its identity (which ``--allow-duplicate-row`` may let in)."""
        if by_id:
            text = f"the same entry as {unit} {earlier} (the same id); give each entry its own"
        else:
            text = f"the same entry as {unit} {earlier} ({IDENTITY}); remove one, or pass {_allow(number)} to keep both"
        return cls(number, text, "id" if by_id else "", unit, None, earlier)

    @property
    def line(self) -> str:
        """``row 40: date: 2020-02-30 does not exist ...``"""
        field = f"{self.field}: " if self.field else ""
        return f"{self.unit} {self.number}: {field}{self.text}"

    @property
    def kind(self) -> tuple[str, str]:
        """What kind of problem it is, as (singular, plural) words for the grouped line."""
        if self.duplicate_of is not None:
            return "likely duplicate", "likely duplicates"
        if self.repeats is not None:
            return f"repeated {self.unit}", f"repeated {self.unit}s"
        if not self.field:
            return "other problem", "other problems"
        noun = _NOUNS.get(self.field.casefold())
        if noun is None:
            return f"problem with {self.field}", f"problems with {self.field}"
        return f"bad {noun}", f"bad {noun}s"

    def as_json(self) -> dict[str, Any]:
        """The problem as ``--json`` prints it; a likely duplicate names the entry it looks like, and why."""
        data: dict[str, Any] = {self.unit: self.number, "field": self.field, "problem": self.text}
        if self.duplicate_of is not None:
            existing = self.duplicate_of.existing
            data["duplicate_of"] = {"slug": existing.slug, "date": existing.date, "title": existing.title}
            data["why"] = self.duplicate_of.why
        return data


def _numbers(unit: str, numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"{unit} {numbers[0]}"
    shown = ", ".join(str(n) for n in numbers[:ROWS_SHOWN])
    more = f" ... and {len(numbers) - ROWS_SHOWN:,} more" if len(numbers) > ROWS_SHOWN else ""
    return f"{unit}s {shown}{more}"


def summary(problems: Sequence[Problem], hint: str) -> str:
    """One line for them all: a few problems in full; more grouped by kind, with counts and the
    first row numbers of each, then ``hint`` (where to read every one)."""
    if len(problems) <= IN_FULL:
        return f"{plural(len(problems), 'problem')}: " + "; ".join(problem.line for problem in problems)
    groups: dict[tuple[str, str], list[Problem]] = {}
    for problem in problems:
        groups.setdefault(problem.kind, []).append(problem)
    parts = [
        f"{plural(len(members), *kind)} ({_numbers(members[0].unit, [p.number for p in members])})"
        for kind, members in sorted(groups.items(), key=lambda item: -len(item[1]))
    ]
    return f"{', '.join(parts)}; {hint}"


def problems_csv(problems: Sequence[Problem]) -> str:
    """Every problem as CSV: row, field, problem (the row holds a JSON file's event number)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["row", "field", "problem"])
    writer.writerows([problem.number, problem.field, problem.text] for problem in problems)
    return out.getvalue()


class ImportRejected(TimelineError):
    """The file has bad rows; nothing was imported. ``hint`` says where every problem can be read."""

    def __init__(
        self, problems: Sequence[Problem], path: Path | None = None, hint: str = "every problem: --errors FILE or -v"
    ):
        self.problems = sorted(problems, key=lambda problem: problem.number)
        self.path = path
        where = f"{path.name}: " if path else ""
        super().__init__(f"{where}import refused, nothing recorded: {summary(self.problems, hint)}")
