"""`timeline check`: an archive made to have each problem, and one entry made to have none."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import ArchiveUnderTest

from timeline.lint.check import is_short_link
from timeline.lint.similarnames import near_duplicates
from timeline.lint.weekdays import contradictions

CLEAN = "2020-05-26-twitter-labels-two-tweets"
WRONG_DAY = "2020-05-27-jack-dorsey-defends-the-labels"
UNARCHIVED = "2020-05-28-trump-signs-an-order"
LONELY = "2020-06-02-dhs-comments-on-the-order"


def _kinds(findings: list[dict]) -> set[tuple[str, str, tuple[str, ...]]]:
    return {(f["severity"], f["check"], tuple(f["entries"])) for f in findings}


def _problem_archive(archive: ArchiveUnderTest) -> None:
    """Four entries: the first is right in every way the checks look at; the others each go wrong
    (the last has no summary, and its source no URL and no date)."""
    archive.add(
        "Twitter labels two tweets",
        "2020-05-26",
        "label",
        "--summary",
        "On Tuesday, May 26, Twitter labelled two tweets. It said on Tuesday that more would follow.",
        "--actor",
        "Twitter:author",
        "--topic",
        "election misinformation",
        "--source-url",
        "https://example.org/labels",
        "--source-archived-url",
        "https://web.archive.org/web/2020/https://example.org/labels",
        "--source-quote",
        "We added labels on Tuesday 26 May 2020",
        "--source-date",
        "2020-05-26",
    )
    archive.add(
        "Jack Dorsey defends the labels",
        "2020-05-27",
        "statement",
        "--summary",
        "Dorsey wrote on Wednesday 26 May 2020 that the labels would stay.",
        "--actor",
        "Jack Dorsy:author",
        "--topic",
        "election misinformation",
        "--source-url",
        "https://www.bit.ly/3abcdef",
        "--source-archived-url",
        "https://web.archive.org/web/2020/https://bit.ly/3abcdef",
        "--source-date",
        "2020-05-27",
        "--link",
        "responds-to",
        CLEAN,
    )
    archive.add(
        "Trump signs an order",
        "2020-05-28",
        "executive-order",
        "--summary",
        "The order asks agencies to review the liability shield.",
        "--actor",
        "Jack Dorsey:subject",
        "--actor",
        "Department of Homeland Security:subject",
        "--topic",
        "election misinformation",
        "--source-url",
        "https://example.org/order",
        "--source-quote",
        "The President signed the order on Friday",
        "--source-date",
        "2020-05-28",
        "--link",
        "responds-to",
        CLEAN,
    )
    archive.add(
        "DHS comments on the order",
        "2020-06-02",
        "statement",
        "--actor",
        "Dept. of Homeland Security:author",
        "--topic",
        "Section 230",
    )


def test_a_checked_archive_shows_each_problem_and_nothing_of_the_clean_entry(store: ArchiveUnderTest) -> None:
    _problem_archive(store)
    before = store.notifications()
    files = {p.name: p.read_bytes() for p in (store.root / "events").iterdir()}

    findings = store.json("check")

    assert _kinds(findings) == {
        ("error", "weekdays", (WRONG_DAY,)),
        ("warning", "weekdays", (UNARCHIVED,)),
        ("warning", "short-links", (WRONG_DAY,)),
        ("warning", "no-archived-copy", (UNARCHIVED,)),
        ("warning", "actor-spellings", (WRONG_DAY, UNARCHIVED)),
        ("warning", "actor-spellings", (LONELY, UNARCHIVED)),
        ("warning", "no-summary", (LONELY,)),
        ("notice", "no-source-url", (LONELY,)),
        ("notice", "no-source-date", (LONELY,)),
        ("notice", "unrelated", (LONELY,)),
        ("notice", "single-topics", (LONELY,)),
    }
    assert not [f for f in findings if CLEAN in f["entries"]], "the clean entry is in no finding"
    # Most severe first, and each message says what is wrong and what to do.
    assert [f["severity"] for f in findings] == sorted(
        (f["severity"] for f in findings), key=["error", "warning", "notice"].index
    )
    by_check = {(f["check"], f["severity"]): f["message"] for f in findings}
    error, warning = by_check["weekdays", "error"], by_check["weekdays", "warning"]
    assert "'Wednesday 26 May 2020'" in error and "was a Tuesday" in error
    assert "'Friday'" in warning and "was a Thursday" in warning
    assert "https://www.bit.ly/3abcdef" in by_check["short-links", "warning"]
    spellings = [f["message"] for f in findings if f["check"] == "actor-spellings"]
    assert any("'Jack Dorsy'" in m and "looks like 'Jack Dorsey'" in m for m in spellings)
    assert any("Dept. of Homeland Security" in m and "'Department of Homeland Security'" in m for m in spellings)
    assert "'Section 230'" in by_check["single-topics", "notice"]
    assert f"timeline link {LONELY}" in by_check["unrelated", "notice"]

    # The check wrote nothing: no domain event, no file touched.
    assert store.notifications() == before
    assert {p.name: p.read_bytes() for p in (store.root / "events").iterdir()} == files


def test_the_human_report_groups_findings_by_severity(sqlite_archive: ArchiveUnderTest) -> None:
    _problem_archive(sqlite_archive)
    result = sqlite_archive.ok("check")
    lines = result.stdout.splitlines()
    headings = [line for line in lines if not line.startswith("  ")]
    assert headings == ["errors (1):", "warnings (6):", "notices (4):"]
    assert f"  {WRONG_DAY}: [weekdays] the summary says 'Wednesday 26 May 2020'" in result.stdout
    assert result.stderr.strip() == "1 error, 6 warnings, 4 notices"


def test_strict_fails_on_warnings_and_errors_only(sqlite_archive: ArchiveUnderTest) -> None:
    _problem_archive(sqlite_archive)
    assert sqlite_archive.run("check").exit_code == 0
    assert sqlite_archive.run("check", "--strict").exit_code == 1
    strict_json = sqlite_archive.run("check", "--strict", "--json")
    assert strict_json.exit_code == 1 and json.loads(strict_json.stdout)
    # Notices alone do not fail a strict check.
    notices_only = sqlite_archive.run("check", "--strict", "--check", "unrelated", "--check", "single-topics")
    assert notices_only.exit_code == 0, notices_only.output
    assert "notices (2):" in notices_only.stdout and "warnings" not in notices_only.stdout


def test_one_check_at_a_time(sqlite_archive: ArchiveUnderTest) -> None:
    _problem_archive(sqlite_archive)
    only = sqlite_archive.json("check", "--check", "short-links")
    assert _kinds(only) == {("warning", "short-links", (WRONG_DAY,))}


def test_an_empty_archive_checks_clean(store: ArchiveUnderTest) -> None:
    result = store.run("check", "--strict")
    assert result.exit_code == 0
    assert result.stdout == "" and "checks clean" in result.stderr
    assert store.json("check", "--strict") == []


def test_an_unknown_check_is_bad_input(sqlite_archive: ArchiveUnderTest) -> None:
    result = sqlite_archive.run("check", "--check", "spelling")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "'spelling' is not one of" in result.stderr
    assert "weekdays" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_retracted_entries_are_not_checked(sqlite_archive: ArchiveUnderTest) -> None:
    wrong = sqlite_archive.add("A wrong entry", "2020-05-26", "statement", "--summary", "On Friday it was wrong.")
    slug = wrong["slug"]
    assert ("warning", "weekdays", (slug,)) in _kinds(sqlite_archive.json("check"))
    sqlite_archive.ok("retract", slug, "--reason", "recorded by mistake")
    assert sqlite_archive.json("check") == []


def test_the_flagship_archive_has_no_weekday_or_spelling_problems(tmp_path: Path) -> None:
    """The repository's own entries name many weekdays beside dates; none is wrong."""
    from click.testing import CliRunner

    root = Path(__file__).resolve().parent.parent
    archive = ArchiveUnderTest(root=tmp_path / "flagship", store_url=None, runner=CliRunner())
    archive.ok("init", str(archive.root), "--title", "Flagship copy")
    for path in sorted((root / "events").glob("*.md")):
        (archive.root / "events" / path.name).write_bytes(path.read_bytes())
    archive.ok("sync")
    findings = archive.json("check", "--check", "weekdays", "--check", "actor-spellings", "--check", "short-links")
    assert findings == []


# The rules underneath, on their own -----------------------------------------------------------------

TUESDAY = dt.date(2020, 5, 26)


@pytest.mark.parametrize(
    "text",
    [
        "Wednesday 26 May 2020",
        "Wednesday, May 26, 2020",
        "Wednesday, May 26",
        "Wednesday the 26th of May",
        "Wednesday (2020-05-26)",
        "Twitter said on Friday that",
        "On Friday Twitter said",
    ],
)
def test_weekdays_the_calendar_contradicts(text: str) -> None:
    assert len(contradictions(text, TUESDAY, TUESDAY)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Tuesday 26 May 2020",
        "on Tuesday, May 26",
        "Twitter said Tuesday",
        "after last Friday's hearing",
        "ahead of Super Thursday",
        "The Sunday Times reported",
        "labels on Monday and an order on Thursday",
        "Thursday, May 28",  # a date of its own, and right
        "Friday, February 30",  # no such date: nothing to compare
    ],
)
def test_weekdays_that_are_right_or_not_about_the_entrys_day(text: str) -> None:
    assert contradictions(text, TUESDAY, TUESDAY) == []


def test_a_lone_weekday_needs_an_exact_day_and_a_yearless_date_may_cross_the_year() -> None:
    assert contradictions("on Friday", None, TUESDAY) == []
    january = dt.date(2021, 1, 2)
    assert contradictions("on Thursday, December 31", january, january) == []  # 31 December 2020
    assert len(contradictions("on Monday, December 31", january, january)) == 1


def test_near_duplicate_names() -> None:
    pairs = near_duplicates(
        [
            "Jack Dorsey",
            "Jack Dorsy",
            "Department of Homeland Security",
            "Dept. of Homeland Security",
            "YouTube",
            "You Tube",
            "Donald Trump",
            "Donald Trump Jr.",
            "John Smith",
            "Jane Smith",
            "Ann Lee",
            "Anna Lee",
            "Meta",
            "Beta",
        ]
    )
    assert pairs == [
        ("Department of Homeland Security", "Dept. of Homeland Security"),
        ("Jack Dorsey", "Jack Dorsy"),
        ("You Tube", "YouTube"),
    ]


@pytest.mark.parametrize(
    "url,short",
    [
        ("https://bit.ly/3abc", True),
        ("http://www.t.co/x", True),
        ("https://TinyURL.com/y", True),
        ("https://notbit.ly/3abc", False),
        ("https://bit.ly.example.org/3abc", False),
        ("https://youtu.be/dQw4w9WgXcQ", False),
        ("https://example.org/t.co", False),
    ],
)
def test_short_links_are_told_by_their_exact_host(url: str, short: bool) -> None:
    assert is_short_link(url) is short
