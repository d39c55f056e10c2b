"""Partial, approximate and ranged dates: the subset of EDTF an entry's date may use.

Accepted forms: ``2020-05-28``, ``2020-05``, ``2020``, any of them followed by
``~`` (approximate), and a range of two of them joined by ``/``: a subset of
EDTF small enough to check with a regular expression and the calendar. The
``edtf`` library's parser was measured at ~11 ms per date (pyparsing), which made
a 10,000-row import take minutes; the tests check this module against it instead.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from timeline.errors import InvalidField

_PART = r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(~)?"
_PART_RE = re.compile(rf"^{_PART}$")
ACCEPTED = "YYYY-MM-DD, YYYY-MM or YYYY, optionally ending in ~ (approximate), or a range A/B"


@dataclass(frozen=True)
class PartialDate:
    """A day, month or year, maybe approximate, maybe a range; kept as its EDTF text."""

    edtf: str

    def __post_init__(self) -> None:
        # Checked on every construction, so an impossible date can never exist as a value.
        _check(self.edtf)

    @classmethod
    def parse(cls, text: str, field: str = "date") -> PartialDate:
        """Parse ``text`` or raise :class:`InvalidField` naming ``field`` and the accepted forms.

        A date lacking only its leading zeros (``2021-5-14``) is taken in the archive's form; one
        written another way (``May 14, 2021``) is refused with the form it would have, or, when
        it could mean two days (``05/06/2021``), with both."""
        text = str(text).strip()
        try:
            try:
                if not text.isascii():
                    # Other scripts' digits match \d: "２０２０" must not be recorded as a year.
                    raise InvalidField("date", f"{text!r} is not a date; accepted: {ACCEPTED}")
                return cls(text)
            except InvalidField as refused:
                return cls._reread(text, refused.problem)
        except InvalidField as error:
            raise InvalidField(field, error.problem) from None

    @classmethod
    def _reread(cls, text: str, problem: str) -> PartialDate:
        # Only for text the strict form refused, so the usual path (an import's 10,000 dates)
        # never loads the date parser.
        from timeline.domain import datereading

        padded = datereading.padded(text)
        if padded is not None:
            return cls(padded)  # may still not exist: "2021-2-30" is refused as 2021-02-30
        approximate = datereading.uncertain(text)
        if approximate is not None:
            raise InvalidField(
                "date",
                f"{text!r} marks the date uncertain, which the archive does not record; "
                f"did you mean {approximate} (approximate)?",
            )
        reading = datereading.reading(text)
        if isinstance(reading, datereading.Ambiguous):
            first, second = (cls(one) for one in reading.readings)
            raise InvalidField(
                "date",
                f"{text!r} could be {first.display()} or {second.display()}; "
                f"write it as YYYY-MM-DD ({first} or {second})",
            )
        if reading is not None and reading != text and _exists(reading):
            raise InvalidField(
                "date", f"{text!r} is not in the form YYYY-MM-DD (or YYYY-MM, YYYY); did you mean {reading}?"
            )
        raise InvalidField("date", problem)

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.edtf.split("/"))

    @property
    def is_range(self) -> bool:
        return "/" in self.edtf

    @property
    def is_approximate(self) -> bool:
        return "~" in self.edtf

    @property
    def start(self) -> dt.date:
        """The earliest day the date can mean (used for sorting and year pages)."""
        return _bounds(self.parts[0])[0]

    @property
    def end(self) -> dt.date:
        """The latest day the date can mean."""
        return _bounds(self.parts[-1])[1]

    @property
    def slug_part(self) -> str:
        """The start as written, without approximation marks: ``2020-05-28``, ``2020-05``."""
        return self.parts[0].rstrip("~")

    def display(self) -> str:
        """The date as people write it: '28 May 2020', 'May 2020', 'c. 2020', '28 May – 2 June 2020'."""
        if not self.is_range:
            return _display_part(self.parts[0])
        first, last = (_display_part(p) for p in self.parts)
        return f"{first} – {last}"

    def __str__(self) -> str:
        return self.edtf


def _display_part(part: str) -> str:
    match = _PART_RE.match(part)
    assert match is not None  # validated on construction
    year, month, day, approx = match.groups()
    if day:
        text = f"{int(day)} {calendar.month_name[int(month)]} {year}"
    elif month:
        text = f"{calendar.month_name[int(month)]} {year}"
    else:
        text = year
    return f"c. {text}" if approx else text


def _bounds(part: str) -> tuple[dt.date, dt.date]:
    """First and last day a part can mean (approximation does not widen them, as in EDTF's strict bounds)."""
    match = _PART_RE.match(part)
    assert match is not None  # validated on construction
    year, month, day, _ = match.groups()
    if day:
        exact = dt.date(int(year), int(month), int(day))
        return exact, exact
    if month:
        last = calendar.monthrange(int(year), int(month))[1]
        return dt.date(int(year), int(month), 1), dt.date(int(year), int(month), last)
    return dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)


def _check(text: str) -> None:
    if not text:
        raise InvalidField("date", f"is empty; accepted: {ACCEPTED}")
    parts = text.split("/")
    if len(parts) > 2:
        raise InvalidField("date", f"{text!r} has more than one '/'; accepted: {ACCEPTED}")
    for part in parts:
        match = _PART_RE.match(part)
        if not match:
            raise InvalidField("date", f"{text!r} is not a date; accepted: {ACCEPTED}")
        year, month, day, _ = match.groups()
        if int(year) < 1:
            raise InvalidField("date", f"{text!r} has year 0000; years run from 0001 to 9999")
        if month and not 1 <= int(month) <= 12:
            raise InvalidField("date", f"{text!r} has no month {month}; months run 01-12")
        if day:
            last = calendar.monthrange(int(year), int(month))[1]
            if not 1 <= int(day) <= last:
                month_name = calendar.month_name[int(month)]
                raise InvalidField(
                    "date",
                    f"{part.rstrip('~')} does not exist ({month_name} {year} has {last} days)",
                )
    if len(parts) == 2 and _bounds(parts[1])[1] < _bounds(parts[0])[0]:
        raise InvalidField("date", f"the range {text!r} ends before it starts")


def _exists(edtf: str) -> bool:
    try:
        _check(edtf)
    except InvalidField:
        return False
    return True


def check_not_future(date: PartialDate, today: dt.date, field: str = "date") -> None:
    """Refuse a date, or a range whose last part, starts after ``today`` (a likely typo in a
    historical archive); a year or month that includes today is fine."""
    if _bounds(date.parts[-1])[0] > today:
        raise InvalidField(field, f"{date} is in the future (today is {today.isoformat()}); pass --allow-future")
