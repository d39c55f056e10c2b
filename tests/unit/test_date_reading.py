"""Dates written other ways than the archive's (domain/datereading.py, through PartialDate.parse):
taken when only their leading zeros are missing, else refused with the form they would have, or
as ambiguous when they could mean two days; the archive's own EDTF forms are unchanged."""

from __future__ import annotations

import pytest

from timeline.domain.dates import PartialDate
from timeline.errors import InvalidField

FORM = "is not in the form YYYY-MM-DD (or YYYY-MM, YYYY)"
MAY_OR_JUNE = "write it as YYYY-MM-DD (2021-05-06 or 2021-06-05)"


def refusal(text: str, field: str = "date") -> str:
    with pytest.raises(InvalidField) as refused:
        PartialDate.parse(text, field)
    assert refused.value.field == field
    return refused.value.problem


@pytest.mark.parametrize(
    ("text", "edtf"),
    [
        ("2021-5-14", "2021-05-14"),
        ("2021-5", "2021-05"),
        ("2021-05-4", "2021-05-04"),
        ("2021-5-14~", "2021-05-14~"),
        ("2021-5-1/2021-6-2", "2021-05-01/2021-06-02"),
        ("2021-5/2021-06", "2021-05/2021-06"),
    ],
)
def test_a_date_lacking_only_its_leading_zeros_is_taken_in_the_archive_form(text: str, edtf: str) -> None:
    date = PartialDate.parse(text)
    assert date.edtf == edtf
    assert date == PartialDate(edtf)


@pytest.mark.parametrize("text", ["2020", "2020-05", "2020-05-28", "2020-05-28~", "2020~", "2020-05-28/2020-06-02"])
def test_the_archive_forms_are_unchanged(text: str) -> None:
    assert PartialDate.parse(text).edtf == text


def test_a_padded_date_must_still_exist() -> None:
    assert refusal("2021-2-30") == "2021-02-30 does not exist (February 2021 has 28 days)"


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("May 14, 2021", "2021-05-14"),
        ("14 May 2021", "2021-05-14"),
        ("05/14/2021", "2021-05-14"),
        ("14/05/2021", "2021-05-14"),
        ("14.05.2021", "2021-05-14"),
        ("2021/05/14", "2021-05-14"),
        ("Friday, May 14, 2021", "2021-05-14"),
        ("Sept. 14 2021", "2021-09-14"),
        ("May 2021", "2021-05"),
        ("14 May 2021~", "2021-05-14~"),
        ("c. 2020", "2020~"),
        ("circa May 2020", "2020-05~"),
        ("May 14, 2021/May 20, 2021", "2021-05-14/2021-05-20"),
        ("2021-05-14/May 20, 2021", "2021-05-14/2021-05-20"),
        ("2021-05-14 / 2021-05-20", "2021-05-14/2021-05-20"),
    ],
)
def test_a_date_with_one_plain_reading_is_refused_with_it(text: str, meant: str) -> None:
    assert refusal(text, "source date") == f"{text!r} {FORM}; did you mean {meant}?"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "05/06/2021",
            "'05/06/2021' could be 6 May 2021 or 5 June 2021; write it as YYYY-MM-DD (2021-05-06 or 2021-06-05)",
        ),
        (
            "5-6-2021",
            "'5-6-2021' could be 6 May 2021 or 5 June 2021; write it as YYYY-MM-DD (2021-05-06 or 2021-06-05)",
        ),
        (
            "05/06/2021/05/07/2021",
            "'05/06/2021/05/07/2021' could be 6 May 2021 – 7 May 2021 or 5 June 2021 – 5 July 2021; "
            "write it as YYYY-MM-DD (2021-05-06/2021-05-07 or 2021-06-05/2021-07-05)",
        ),
    ],
)
def test_a_date_that_could_mean_two_days_is_refused_as_ambiguous(text: str, problem: str) -> None:
    assert refusal(text) == problem


def test_an_uncertain_date_is_refused_with_the_approximate_one() -> None:
    expected = (
        "'2020-05?' marks the date uncertain, which the archive does not record; did you mean 2020-05~ (approximate)?"
    )
    assert refusal("2020-05?") == expected


@pytest.mark.parametrize(
    "text", ["May 14", "5/14/21", "yesterday", "February 30, 2021", "May 14, 2021 to May 20, 2021"]
)
def test_a_date_without_a_plain_reading_gets_the_accepted_forms(text: str) -> None:
    problem = refusal(text)
    assert "did you mean" not in problem
    assert "accepted: YYYY-MM-DD, YYYY-MM or YYYY" in problem, problem


def test_a_value_made_directly_is_never_reread() -> None:
    """Only input is forgiven: a stored date is in the archive's form or it is not a date."""
    with pytest.raises(InvalidField):
        PartialDate("2021-5-14")


@pytest.mark.parametrize("text", ["２０２０", "２０２０-５-１４", "٢٠٢٠"])
def test_only_ascii_digits_make_a_date(text: str) -> None:
    """Other scripts' digits would be stored as they are and read back as no year at all."""
    assert "is not a date" in refusal(text)
