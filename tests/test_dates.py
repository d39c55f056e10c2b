"""Partial dates: parsed, bounded and displayed as people write them; bounds agree with the edtf library."""

from __future__ import annotations

import datetime as dt

import edtf
import pytest

from timeline.domain.dates import PartialDate
from timeline.errors import InvalidField


@pytest.mark.parametrize(
    "text,shown,start,end",
    [
        ("2020-05-28", "28 May 2020", "2020-05-28", "2020-05-28"),
        ("2020-05", "May 2020", "2020-05-01", "2020-05-31"),
        ("2020", "2020", "2020-01-01", "2020-12-31"),
        ("2020-05-28~", "c. 28 May 2020", "2020-05-28", "2020-05-28"),
        ("2020~", "c. 2020", "2020-01-01", "2020-12-31"),
        ("2020-05-28/2020-06-02", "28 May 2020 – 2 June 2020", "2020-05-28", "2020-06-02"),
        ("2020-02", "February 2020", "2020-02-01", "2020-02-29"),
    ],
)
def test_forms_people_write(text: str, shown: str, start: str, end: str) -> None:
    date = PartialDate.parse(text)
    assert date.display() == shown
    assert (date.start, date.end) == (dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    for part in date.parts:  # our bounds are the edtf library's strict bounds
        parsed = edtf.parse_edtf(part)
        assert date.start <= dt.date(*parsed.lower_strict()[:3])
        assert dt.date(*parsed.upper_strict()[:3]) <= date.end


@pytest.mark.parametrize(
    "text,problem",
    [
        ("2020-02-30", "does not exist (February 2020 has 29 days)"),
        ("2021-02-29", "does not exist (February 2021 has 28 days)"),
        ("2020-13", "no month 13"),
        ("28 May 2020", "is not in the form YYYY-MM-DD (or YYYY-MM, YYYY); did you mean 2020-05-28?"),
        ("2020-06-02/2020-05-28", "ends before it starts"),
        ("", "is empty"),
    ],
)
def test_impossible_dates_are_refused(text: str, problem: str) -> None:
    with pytest.raises(InvalidField) as refused:
        PartialDate.parse(text, "source date")
    assert refused.value.field == "source date"
    assert problem in str(refused.value)
