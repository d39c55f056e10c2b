"""Weekday names in an entry's words, and whether they agree with the calendar.

A text can name a weekday two ways, and each is checked differently:

- *with a date*: "Wednesday 26 May 2020", "Tuesday, May 26, 2020", "Tuesday, May 26",
  "Tuesday the 26th of May", "Tuesday 2020-05-26". The weekday must be that date's. A date
  without a year is read in the year of the entry's date, and near the turn of a year also in
  the year beside it (a summary of a 2 January entry may speak of "Thursday, December 31" of
  the year before); it is wrong only if it fits none of them.
- *alone*: "Twitter said on Tuesday". It is compared with the entry's own date, and only when
  that date is one exact day (not a range, not approximate). To keep false alarms rare, a lone
  weekday is skipped when it is possessive ("Tuesday's labels"), follows a word that points
  elsewhere ("last Tuesday", "Super Tuesday", "until Monday"), begins a name ("Sunday Times";
  not after "on"), or when the text names two or more different lone weekdays (a story told
  over several days).

Only full English weekday names with a capital letter count; "Wed" or "sun" never do.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

WEEKDAYS = tuple(calendar.day_name)  # Monday ... Sunday, as date.weekday() numbers them
_MONTHS = {name: number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name: number for number, name in enumerate(calendar.month_abbr) if name})
_MONTHS["Sept"] = 9

_WEEKDAY = "(?P<weekday>" + "|".join(WEEKDAYS) + ")"
_MONTH = "(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
_AFTER = r"(?![\w-])"

# A weekday written right before a date, in the forms newspapers and press releases use.
_DATED = [
    re.compile(rf"\b{_WEEKDAY},?\s+(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}{_AFTER}"),
    re.compile(rf"\b{_WEEKDAY},?\s+{_MONTH}\s+{_DAY}{_YEAR}{_AFTER}"),
    re.compile(rf"\b{_WEEKDAY},?\s+\(?(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})\)?{_AFTER}"),
]
_LONE = re.compile(rf"\b{_WEEKDAY}\b")

# A lone weekday after one of these words is some other day than the entry's.
_ELSEWHERE = {
    "last",
    "next",
    "previous",
    "following",
    "preceding",
    "that",
    "each",
    "every",
    "until",
    "till",
    "since",
    "by",
    "before",
    "after",
    "super",
    "black",
    "cyber",
    "good",
    "easter",
    "ash",
    "holy",
    "palm",
    "maundy",
    "bloody",
    "giving",
}
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\W*$")
_CAPITALISED_AFTER = re.compile(r"^\s+([A-Z][a-z]*)")


@dataclass(frozen=True)
class Contradiction:
    """A weekday that the calendar says is wrong: ``said`` in the text, ``actual`` on ``day``."""

    phrase: str
    said: str
    day: dt.date
    actual: str
    dated: bool  # True: the weekday stands beside a date; False: a lone weekday checked against the entry's day


def contradictions(text: str, entry_day: dt.date | None, near: dt.date) -> list[Contradiction]:
    """Weekdays in ``text`` that disagree with the calendar.

    ``entry_day`` is the entry's date when it is one exact day (lone weekdays are checked
    against it), else None; ``near`` is a day within the entry's date, for dates written
    without a year.
    """
    found: list[Contradiction] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATED:
        for match in pattern.finditer(text):
            if any(start <= match.start() < end for start, end in taken):
                continue
            taken.append(match.span())
            days = _dates_of(match, near)
            said = match["weekday"]
            if days and all(WEEKDAYS[day.weekday()] != said for day in days):
                found.append(Contradiction(match[0], said, days[0], WEEKDAYS[days[0].weekday()], dated=True))
    if entry_day is None:
        return found
    lone = [
        match
        for match in _LONE.finditer(text)
        if not any(start <= match.start() < end for start, end in taken) and _plainly_a_day(text, match)
    ]
    if len({match["weekday"] for match in lone}) == 1:
        actual = WEEKDAYS[entry_day.weekday()]
        said = lone[0]["weekday"]
        if said != actual:
            found.append(Contradiction(said, said, entry_day, actual, dated=False))
    return found


def _plainly_a_day(text: str, match: re.Match[str]) -> bool:
    """Whether a lone weekday most likely means the day of the event itself."""
    after = text[match.end() :]
    if after[:2] in ("'s", "’s"):
        return False
    before = _WORD_BEFORE.search(text[: match.start()])
    if before is not None and before[1].casefold() in _ELSEWHERE:
        return False
    if before is not None and before[1].casefold() == "on":
        return True
    following = _CAPITALISED_AFTER.match(after)
    # "Sunday Times", "Monday Night Football": a name, unless the next word is a month.
    return following is None or following[1] in _MONTHS


def _dates_of(match: re.Match[str], near: dt.date) -> list[dt.date]:
    """The dates a match may name (none for 31 February or a bad ISO date): one if it gives its
    year, else the one in ``near``'s year, first, and one in the year beside it across a turn of the year."""
    groups = match.groupdict()
    try:
        if groups.get("iso"):
            return [dt.date.fromisoformat(groups["iso"])]
        month, day = _MONTHS[groups["month"]], int(groups["day"])
        if groups.get("year"):
            return [dt.date(int(groups["year"]), month, day)]
    except ValueError:
        return []
    years = [near.year]
    if month >= 11 and near.month <= 2:
        years.append(near.year - 1)
    if month <= 2 and near.month >= 11:
        years.append(near.year + 1)
    dates = []
    for year in years:
        try:
            dates.append(dt.date(year, month, day))
        except ValueError:  # 29 February in a common year
            continue
    return dates
