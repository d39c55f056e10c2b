"""Dates and kinds typed another way than the archive writes them, through the command line.

A date lacking only its leading zeros is recorded in the archive's form; a date written as
people write it is refused with the form it would have (or as ambiguous); either way a refusal
is one line, exit 2, and nothing recorded.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from click.testing import Result
from conftest import ArchiveUnderTest

FORM = "is not in the form YYYY-MM-DD (or YYYY-MM, YYYY)"


def refused(archive: ArchiveUnderTest, *args: str) -> str:
    """Run `timeline ARGS`; it must be refused with one 'error: ...' line, exit 2, nothing saved."""
    before = archive.notifications()
    result: Result = archive.run(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert archive.notifications() == before, "a refused command recorded something"
    return lines[0]


def add(archive: ArchiveUnderTest, date: str, *extra: str) -> Sequence[str]:
    return ("add", "--title", "Twitter labels two tweets", "--kind", "label", "--date", date,
            "--source-title", "Twitter labels tweets", "--source-publisher", "Test Wire", *extra)  # fmt: skip


@pytest.fixture
def entry(store: ArchiveUnderTest) -> dict[str, str]:
    return store.add("Trump signs an order", "2020-05-28", "executive-order")


# Dates ---------------------------------------------------------------------------------------


def test_add_takes_a_date_without_leading_zeros_in_the_archive_form(store: ArchiveUnderTest) -> None:
    added = store.json(*add(store, "2021-5-14", "--source-date", "2021-5"))
    assert added["date"] == "2021-05-14"
    assert added["slug"].startswith("2021-05-14-")
    assert added["sources"][0]["date"] == "2021-05"


def test_correct_takes_a_month_without_its_leading_zero(store: ArchiveUnderTest, entry: dict[str, str]) -> None:
    store.ok("correct", entry["slug"], "--date", "2020-5", "--reason", "only the month is known")
    assert store.json("show", entry["slug"])["date"] == "2020-05"


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("May 14, 2021", "2021-05-14"),
        ("14 May 2021", "2021-05-14"),
        ("05/14/2021", "2021-05-14"),
        ("May 14, 2021/May 20, 2021", "2021-05-14/2021-05-20"),
    ],
)
def test_add_refuses_a_date_written_another_way_with_the_form_it_would_have(
    store: ArchiveUnderTest, written: str, meant: str
) -> None:
    line = refused(store, *add(store, written))
    assert line == f"error: date: {written!r} {FORM}; did you mean {meant}?"


def test_correct_refuses_an_ambiguous_date_with_both_readings(store: ArchiveUnderTest, entry: dict[str, str]) -> None:
    line = refused(store, "correct", entry["slug"], "--date", "05/06/2021", "--reason", "the right day")
    assert line == (
        "error: date: '05/06/2021' could be 6 May 2021 or 5 June 2021; "
        "write it as YYYY-MM-DD (2021-05-06 or 2021-06-05)"
    )


def test_a_source_date_written_another_way_is_refused_naming_the_source_date(store: ArchiveUnderTest) -> None:
    line = refused(store, *add(store, "2021-05-14", "--source-date", "14 May 2021"))
    assert line == f"error: source date: '14 May 2021' {FORM}; did you mean 2021-05-14?"


def test_an_uncertain_date_is_refused_with_the_approximate_one(store: ArchiveUnderTest) -> None:
    line = refused(store, *add(store, "2020?"))
    assert line == (
        "error: date: '2020?' marks the date uncertain, which the archive does not record; "
        "did you mean 2020~ (approximate)?"
    )


def test_the_archive_forms_still_record(store: ArchiveUnderTest) -> None:
    for date in ("2020", "2020-05", "2020-05-28~", "2020-05-28/2020-06-02"):
        added = store.json(*add(store, date, "--allow-duplicate"))
        assert added["date"] == date


# Kinds ---------------------------------------------------------------------------------------

KINDS_HELP = "('timeline kinds' says what each means; add a kind in timeline.toml: kinds = [\"press-release\"])"


def add_kind(kind: str) -> Sequence[str]:
    return ("add", "--title", "Trump signs an order", "--kind", kind, "--date", "2020-05-28",
            "--source-title", "The order", "--source-publisher", "Test Wire")  # fmt: skip


@pytest.mark.parametrize("typed", ["Executive Order", "EXECUTIVE-ORDER", "executive_order", " executive  order "])
def test_add_records_a_kind_typed_with_other_case_or_spaces_as_the_archive_writes_it(
    store: ArchiveUnderTest, typed: str
) -> None:
    added = store.json(*add_kind(typed))
    assert added["kind"] == "executive-order"
    assert store.json("list")[0]["kind"] == "executive-order"


def test_correct_records_a_kind_typed_with_other_case_as_the_archive_writes_it(
    store: ArchiveUnderTest, entry: dict[str, str]
) -> None:
    store.ok("correct", entry["slug"], "--kind", "Court Ruling", "--reason", "a court decided")
    assert store.json("show", entry["slug"])["kind"] == "court-ruling"


def test_add_refuses_a_misspelt_kind_with_the_one_meant(store: ArchiveUnderTest) -> None:
    line = refused(store, *add_kind("excutive order"))
    assert line.startswith(
        "error: kind: 'excutive order' is not a known kind; did you mean executive-order? known kinds: "
    )
    assert line.endswith(KINDS_HELP)


def test_correct_refuses_a_misspelt_kind_with_the_one_meant(store: ArchiveUnderTest, entry: dict[str, str]) -> None:
    line = refused(store, "correct", entry["slug"], "--kind", "Lawsiut", "--reason", "filed")
    assert line.startswith("error: kind: 'Lawsiut' is not a known kind; did you mean lawsuit? known kinds: ")
    assert line.endswith(KINDS_HELP)


def test_an_unknown_kind_like_none_is_refused_without_a_guess(store: ArchiveUnderTest) -> None:
    line = refused(store, *add_kind("pamphlet"))
    assert line.startswith("error: kind: 'pamphlet' is not a known kind; known kinds: executive-order, label, ")
    assert "did you mean" not in line
    assert line.endswith(KINDS_HELP)


def test_an_archive_kind_is_recorded_as_timeline_toml_writes_it(store: ArchiveUnderTest) -> None:
    settings = store.root / "timeline.toml"
    settings.write_text(settings.read_text().replace("kinds = []", 'kinds = ["Press Release"]'))
    assert store.json(*add_kind("press-release"))["kind"] == "Press Release"
