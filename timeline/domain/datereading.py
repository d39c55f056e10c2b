"""Dates written other ways than the archive's: what the person meant, when it can be known.

An entry's date is kept in one form (``2021-05-14``, see dates.py). A date typed without its
leading zeros (``2021-5-14``, ``2021-5``) can only mean one thing and is taken as it is
normalised. A date written as people write it (``May 14, 2021``, ``14 May 2021``,
``05/14/2021``) is refused, but the refusal says what it would be (``did you mean
2021-05-14?``), so the archive never guesses in silence: only when there is one plain
reading. ``05/06/2021`` is 6 May in one country and 5 June in another, so it is refused as
ambiguous, with both readings. Dates written with words are read by python-dateutil.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_UNPADDED = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(~)?$", re.ASCII)
_CANONICAL = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?~?$", re.ASCII)
# A reading needs the year written in full: "5/14/21" could be 1921 in a historical archive.
_FULL_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)|^\d{8}$", re.ASCII)
_YEAR_FIRST = re.compile(r"^\d{4}(?!\d)", re.ASCII)
# Words that make a date approximate, as "~" does: "c. 2020", "circa May 2020", "about 2020".
_ABOUT = re.compile(r"^(?:c\.|ca\.|circa|about|around|approximately)\s*", re.IGNORECASE)
# The longest text read for a date: "Wednesday, September 30, 2020 / Thursday, October 1, 2020" fits.
LONGEST = 100
# Two defaults that differ in every field: a field the parser filled in from them was not written.
_DEFAULTS = (dt.datetime(1004, 1, 1), dt.datetime(1008, 2, 2))


@dataclass(frozen=True)
class Ambiguous:
    """A date written so that it means two different days (day and month swapped)."""

    readings: tuple[str, str]


Reading = str | Ambiguous | None


def padded(text: str) -> str | None:
    """``text`` with the leading zeros it lacks (``2021-5-14`` gives ``2021-05-14``, ``2021-5``
    ``2021-05``, in each end of a range), or None when it lacks none or is not written so."""
    parts = [_pad(part) for part in text.split("/")]
    if "/".join(parts) == text or not all(_CANONICAL.match(part) for part in parts):
        return None
    return "/".join(parts)


def uncertain(text: str) -> str | None:
    """For a date marked uncertain (``2020?``, ``2020%``; the archive records no uncertainty), the
    approximate date to suggest instead."""
    if text.endswith(("?", "%")) and _CANONICAL.match(text[:-1]):
        return text[:-1].rstrip("~") + "~"
    return None


def reading(text: str) -> Reading:
    """The archive's form of a day, month, year or range written another way, when it has one
    plain reading (an :class:`Ambiguous` when it has two); None when it cannot be read."""
    if len(text) > LONGEST or text.count("/") > 5:
        return None  # no date is written so; and reading every split of it would take long
    # A range first: the parser would read "2021-05-14 / 2021-05-20" as its first day alone.
    return _range_reading(text) or _reading(text)


def _pad(part: str) -> str:
    match = _UNPADDED.match(part)
    if not match:
        return part
    year, month, day, approximate = match.groups()
    written = f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
    return written + (approximate or "")


def _range_reading(text: str) -> Reading:
    """A range written with '/' whose two ends are each read: "May 14, 2021/May 20, 2021"."""
    for at in (i for i, char in enumerate(text) if char == "/"):
        start, end = _reading(text[:at].strip()), _reading(text[at + 1 :].strip())
        if start is None or end is None:
            continue
        if isinstance(start, Ambiguous) or isinstance(end, Ambiguous):
            # Both ends are read the same way: day first in both, or month first in both.
            starts = start.readings if isinstance(start, Ambiguous) else (start, start)
            ends = end.readings if isinstance(end, Ambiguous) else (end, end)
            return Ambiguous((f"{starts[0]}/{ends[0]}", f"{starts[1]}/{ends[1]}"))
        return f"{start}/{end}"
    return None


def _reading(part: str) -> Reading:
    """One date (not a range) in the archive's form, if it has one plain reading."""
    if _CANONICAL.match(part) or _UNPADDED.match(part):
        return _pad(part)
    written = _ABOUT.sub("", part).removesuffix("~").strip()
    approximate = written != part
    # One year written in full, and only one: the parser would drop a second ("2021/2022").
    if len(_FULL_YEAR.findall(written)) != 1:
        return None
    # A year written first is followed by month and day, never day and month (2021/05/06).
    orders = (False,) if _YEAR_FIRST.match(written) else (False, True)
    readings = [_parsed(written, day_first) for day_first in orders]
    if any(reading is None for reading in readings):
        return None
    found = [r for r in dict.fromkeys(readings) if r is not None]
    if len(found) == 2:
        return Ambiguous((found[0], found[1]))
    return found[0] + ("~" if approximate else "")


def _parsed(text: str, day_first: bool) -> str | None:
    from dateutil import parser

    try:
        one, other = (parser.parse(text, default=default, dayfirst=day_first) for default in _DEFAULTS)
    except (ValueError, OverflowError):  # the parser's error is a ValueError
        return None
    if one.year != other.year or (one.month != other.month and one.day == other.day):
        return None  # no year, or a day without its month
    if one.month != other.month:
        return f"{one.year:04d}"
    if one.day != other.day:
        return f"{one.year:04d}-{one.month:02d}"
    return f"{one.year:04d}-{one.month:02d}-{one.day:02d}"
