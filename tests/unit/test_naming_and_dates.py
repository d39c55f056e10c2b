"""The domain's values alone: slugs and short ids (domain/naming.py), partial dates (domain/dates.py)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import pytest

from timeline.domain.dates import PartialDate, check_not_future
from timeline.domain.naming import (
    base_slug,
    check_short_id,
    check_slug,
    near_identical,
    short_id_for,
    title_key,
)
from timeline.errors import InvalidField

ORDER_ID = UUID("12345678-1234-5678-1234-567812345678")
LABELS_ID = UUID("87654321-4321-8765-4321-876543218765")
TODAY = dt.date(2024, 3, 1)


# Names -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "date,title,slug",
    [
        ("2020-05-28", "Trump signs Executive Order", "2020-05-28-trump-signs-executive-order"),
        ("2020-05~", "Order: «Preventing» Online Censorship!", "2020-05-order-preventing-online-censorship"),
        ("2021", "Landgericht Köln: „Löschpflicht“ für Beiträge", "2021-landgericht-koln-loschpflicht-fur-beitrage"),
        ("2020-05-28/2020-06-02", "Über Straße – ein Gesetz", "2020-05-28-uber-strasse-ein-gesetz"),
        ("2019~/2020", "Twitter suspends 936 accounts", "2019-twitter-suspends-936-accounts"),
        ("2020-05-28", "!!! ???", "2020-05-28-entry"),
        ("2020-05-28", "微博", "2020-05-28-wei-bo"),
        ("2020-05-28", "word " * 40, "2020-05-28" + "-word" * 16),  # 80 characters of title,
    ],
)
def test_a_slug_is_the_start_date_and_the_title_in_ascii(date: str, title: str, slug: str) -> None:
    made = base_slug(PartialDate(date), title)
    assert made == slug
    assert check_slug(made) == made


@pytest.mark.parametrize(
    "entry_id,short_id",
    [
        (ORDER_ID, "ci2fm6as"),
        (LABELS_ID, "q5sugikd"),
        (UUID(int=0), "aaaaaaaa"),
        (UUID(int=2**128 - 1), "77777777"),
    ],
)
def test_a_short_id_is_eight_base32_characters_of_the_id(entry_id: UUID, short_id: str) -> None:
    assert short_id_for(entry_id) == short_id
    assert check_short_id(short_id) == short_id


@pytest.mark.parametrize(
    "slug", ["", "2020-05-28-Order", "2020-05-28--order", "-order", "order-", "ordre_2", "köln", "a" * 93]
)
def test_a_bad_slug_is_refused(slug: str) -> None:
    with pytest.raises(InvalidField) as refused:
        check_slug(slug)
    assert refused.value.field == "slug"
    assert refused.value.problem == f"{slug!r} is not a slug; use lowercase ASCII letters, digits and hyphens"


@pytest.mark.parametrize("short_id", ["Ci2fm6as", "ci2/fm6as", "ci2 fm6as", "x" * 33, "../e"])
def test_a_bad_short_id_is_refused(short_id: str) -> None:
    with pytest.raises(InvalidField) as refused:
        check_short_id(short_id)
    assert refused.value.field == "short_id"


def test_a_short_id_may_be_empty_and_up_to_32_characters() -> None:
    assert check_short_id("") == ""
    assert check_short_id("x" * 32) == "x" * 32
    assert check_slug("a" * 92) == "a" * 92


@pytest.mark.parametrize(
    "one,other,same",
    [
        ("Twitter labels two tweets", "twitter labels two tweets!", True),
        ("Twitter labels two tweets", "Twitter  labels – two tweets", True),
        ("Twitter labels two tweets", "Twitter labels two tweet", True),
        ("Twitter suspends 936 accounts", "Twitter suspends 200 accounts", False),
        ("Twitter labels two tweets", "Facebook labels two posts", False),
        ("Order on censorship", "Order on preventing online censorship", False),
    ],
)
def test_near_identical_titles(one: str, other: str, same: bool) -> None:
    assert near_identical(one, other) is same
    assert near_identical(other, one) is same


def test_a_title_key_ignores_case_and_punctuation() -> None:
    assert title_key("  Twitter LABELS: two tweets (again)! ") == "twitter labels two tweets again"
    assert title_key("Straße") == "strasse"


# Partial dates (the forms tests/test_dates.py does not already cover) --------------------------------------


@pytest.mark.parametrize(
    "text,shown,start,end,is_range,approximate,slug_part",
    [
        ("2020-05~", "c. May 2020", "2020-05-01", "2020-05-31", False, True, "2020-05"),
        ("2020-05/2020-07", "May 2020 – July 2020", "2020-05-01", "2020-07-31", True, False, "2020-05"),
        ("2019~/2020", "c. 2019 – 2020", "2019-01-01", "2020-12-31", True, True, "2019"),
        ("2020-12-31/2021", "31 December 2020 – 2021", "2020-12-31", "2021-12-31", True, False, "2020-12-31"),
        ("2020-05-28/2020-05-28", "28 May 2020 – 28 May 2020", "2020-05-28", "2020-05-28", True, False, "2020-05-28"),
        ("2000-02-29", "29 February 2000", "2000-02-29", "2000-02-29", False, False, "2000-02-29"),
        ("1900-02", "February 1900", "1900-02-01", "1900-02-28", False, False, "1900-02"),
        ("0001", "0001", "0001-01-01", "0001-12-31", False, False, "0001"),
        ("9999-12", "December 9999", "9999-12-01", "9999-12-31", False, False, "9999-12"),
    ],
)
def test_more_forms_people_write(
    text: str, shown: str, start: str, end: str, is_range: bool, approximate: bool, slug_part: str
) -> None:
    date = PartialDate.parse(f"  {text}\n")
    assert (date.edtf, str(date)) == (text, text)
    assert date.display() == shown
    assert (date.start, date.end) == (dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    assert (date.is_range, date.is_approximate, date.slug_part) == (is_range, approximate, slug_part)
    assert date == PartialDate(text) and hash(date) == hash(PartialDate(text))


@pytest.mark.parametrize(
    "text,problem",
    [
        ("1900-02-29", "1900-02-29 does not exist (February 1900 has 28 days)"),
        ("2020-04-31~", "2020-04-31 does not exist (April 2020 has 30 days)"),
        ("2020-05-00", "2020-05-00 does not exist (May 2020 has 31 days)"),
        ("2020-00", "'2020-00' has no month 00; months run 01-12"),
        ("0000", "'0000' has year 0000; years run from 0001 to 9999"),
        ("2020/2021/2022", "'2020/2021/2022' has more than one '/'"),
        ("2020~~", "'2020~~' is not a date"),
        ("~2020", "'~2020' is not a date"),
        ("2020/", "'2020/' is not in the form YYYY-MM-DD (or YYYY-MM, YYYY); did you mean 2020?"),
        ("20200528", "did you mean 2020-05-28?"),
        ("2020-05-28T10:00", "did you mean 2020-05-28?"),
        ("2021/2020-12", "the range '2021/2020-12' ends before it starts"),
        ("   ", "is empty"),
    ],
)
def test_more_impossible_dates(text: str, problem: str) -> None:
    with pytest.raises(InvalidField) as refused:
        PartialDate.parse(text, "source date")
    assert refused.value.field == "source date"
    assert problem in refused.value.problem
    with pytest.raises(InvalidField) as made_directly:
        PartialDate(text.strip())
    assert made_directly.value.field == "date"


@pytest.mark.parametrize(
    "text,future",
    [
        ("2024-03-01", False),
        ("2024-03-02", True),
        ("2024-03", False),  # the month that includes today
        ("2024-04", True),
        ("2024", False),
        ("2025~", True),
        ("2023/2024-03-01", False),
        ("2023/2024-03-02", True),
    ],
)
def test_a_date_after_today_is_refused_unless_it_includes_today(text: str, future: bool) -> None:
    if not future:
        check_not_future(PartialDate(text), TODAY)
        return
    with pytest.raises(InvalidField) as refused:
        check_not_future(PartialDate(text), TODAY, "source date")
    assert refused.value.field == "source date"
    assert refused.value.problem == f"{text} is in the future (today is 2024-03-01); pass --allow-future"
