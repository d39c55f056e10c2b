"""Bad input gets one clear line and changes nothing.

For every kind of bad input the issue lists, these tests run the real command
line and prove four facts: the exit status is 2; stdout is empty; stderr is
exactly one line, starting with "error: ", naming the field and what is accepted,
with no traceback; and the store's notification log is the same afterwards as
before (nothing was written). Input checks run on SQLite and on PostgreSQL (the
``store`` fixture); store problems (missing, locked, not a store) on SQLite files.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import ArchiveUnderTest

from timeline.cli import main

KNOWN_KINDS = ("executive-order", "label", "statement", "lawsuit", "legal-demand")
EXISTING_TITLE = "Twitter labels two Trump tweets"
EXISTING_SLUG = "2020-05-26-twitter-labels-two-trump-tweets"


# Helpers -------------------------------------------------------------------


def assert_one_line_error(result: Result, *fragments: str) -> str:
    """Exit 2, nothing on stdout, one 'error: ...' line on stderr containing every fragment."""
    stderr = result.stderr
    assert result.exit_code == 2, f"exit {result.exit_code}; stdout={result.stdout!r} stderr={stderr!r}"
    assert result.stdout == "", f"stdout should be empty, got {result.stdout!r}"
    assert stderr.endswith("\n"), f"stderr should be one terminated line, got {stderr!r}"
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, f"stderr should be one line, got {len(lines)}: {stderr!r}"
    line = lines[0]
    assert line.startswith("error: "), line
    assert len(line) > len("error: "), line
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in line, f"{fragment!r} not in {line!r}"
    return line


def invoke(archive: ArchiveUnderTest, args: Sequence[str]) -> Result:
    """Run `timeline ARGS` in the archive, each item one argument (no shell splitting)."""
    return archive.runner.invoke(main, list(args), env=archive.env(), catch_exceptions=False)


def assert_refused(archive: ArchiveUnderTest, args: Sequence[str], *fragments: str) -> str:
    """The command is refused with one line holding every fragment, and the store is untouched."""
    before = archive.notifications()
    line = assert_one_line_error(invoke(archive, args), *fragments)
    assert archive.notifications() == before, "the refused command changed the notification log"
    return line


def add_args(**overrides: str | None) -> list[str]:
    """`add` with a valid entry, except for the overridden options (None drops an option)."""
    options: dict[str, str | None] = {
        "title": "Trump signs executive order on social media",
        "kind": "executive-order",
        "date": "2020-05-28",
        "source-title": "Trump signs executive order targeting Twitter",
        "source-publisher": "Example Wire",
    }
    options.update({name.replace("_", "-"): value for name, value in overrides.items()})
    args = ["add"]
    for name, value in options.items():
        if value is not None:
            args += [f"--{name}", value]
    return args


@pytest.fixture
def seeded(store: ArchiveUnderTest) -> ArchiveUnderTest:
    """An archive holding one entry, so the notification log has something to keep."""
    entry = store.add(EXISTING_TITLE, "2020-05-26", "label")
    assert entry["slug"] == EXISTING_SLUG
    assert len(store.notifications()) == 3  # the entry and its slug and short-id reservations
    return store


# `add`: every field checked ----------------------------------------------------

URL_REFUSAL = ("source url", "only http:// and https:// are accepted")
CONTROL = ("control characters", "give plain text on one line")

BAD_ADDS = [
    pytest.param({"date": "2020-02-30"}, ("date", "2020-02-30", "does not exist", "29 days"), id="date-february-30"),
    pytest.param({"date": "2021-02-29"}, ("date", "2021-02-29", "28 days"), id="date-february-29-not-leap"),
    pytest.param({"date": "2020-13"}, ("date", "2020-13", "no month 13", "01-12"), id="date-month-13"),
    pytest.param({"date": "2020-5-1"}, ("date", "'2020-5-1' is not a date", "YYYY-MM-DD"), id="date-unpadded"),
    pytest.param(
        {"date": "yesterday"}, ("date", "'yesterday' is not a date", "YYYY-MM-DD, YYYY-MM or YYYY"), id="date-word"
    ),
    pytest.param(
        {"date": "2020-06-02/2020-05-28"},
        ("date", "2020-06-02/2020-05-28", "ends before it starts"),
        id="date-range-ends-before-start",
    ),
    pytest.param({"date": "2999-01-01"}, ("date", "2999-01-01", "in the future", "--allow-future"), id="date-future"),
    pytest.param({"date": "2999"}, ("date", "2999", "in the future", "--allow-future"), id="date-future-year"),
    pytest.param({"date": "0000"}, ("date", "0000"), id="date-year-zero"),
    pytest.param({"date": "0000-01-01/2020"}, ("date", "0000-01-01"), id="date-range-from-year-zero"),
    pytest.param({"date": None}, ("date", "required"), id="date-missing"),
    pytest.param({"source_date": "2020-02-30"}, ("source date", "29 days"), id="source-date-impossible"),
    pytest.param(
        {"source_date": "2999-01-01"}, ("source date", "in the future", "--allow-future"), id="source-date-future"
    ),
    pytest.param(
        {"kind": "pamphlet"}, ("kind", "'pamphlet' is not a known kind", "known kinds", *KNOWN_KINDS), id="kind-unknown"
    ),
    pytest.param({"kind": None}, ("kind", "required"), id="kind-missing"),
    pytest.param(
        {"source_title": None, "source_publisher": None},
        ("sources", "at least one source", "--source-title"),
        id="no-source",
    ),
    pytest.param(
        {"source_title": None, "source_url": "https://example.org/a"},
        ("source title", "required", "--source-title"),
        id="source-without-title",
    ),
    pytest.param({"source_url": "javascript:alert(1)"}, (*URL_REFUSAL, "javascript:"), id="url-javascript"),
    pytest.param({"source_url": "JavaScript:alert(1)"}, (*URL_REFUSAL, "JavaScript:"), id="url-javascript-mixed-case"),
    pytest.param({"source_url": "data:text/html,x"}, (*URL_REFUSAL, "data:"), id="url-data"),
    pytest.param({"source_url": "file:///etc/passwd"}, (*URL_REFUSAL, "file:"), id="url-file"),
    pytest.param({"source_url": "ftp://x.org"}, (*URL_REFUSAL, "ftp:"), id="url-ftp"),
    pytest.param({"source_url": "example.org/page"}, (*URL_REFUSAL, "not an absolute URL"), id="url-no-scheme"),
    pytest.param({"source_url": "https://"}, ("source url", "no valid host"), id="url-no-host"),
    pytest.param(
        {"source_archived_url": "javascript:alert(1)"},
        ("source archived_url", "only http:// and https:// are accepted"),
        id="archived-url-javascript",
    ),
    pytest.param({"title": ""}, ("title", "required"), id="title-empty"),
    pytest.param({"title": "   \t "}, ("title", "is empty", "non-empty"), id="title-whitespace"),
    pytest.param({"title": "x" * 301}, ("title", "301 characters", "at most 300"), id="title-301-chars"),
    pytest.param({"title": "Order\x00signed"}, ("title", *CONTROL, "U+0000"), id="title-nul"),
    pytest.param({"title": "Order\x07signed"}, ("title", *CONTROL, "U+0007"), id="title-bell"),
    pytest.param({"title": "\x1b[31mOrder signed"}, ("title", *CONTROL, "U+001B"), id="title-ansi-escape"),
    pytest.param({"title": "Order\nsigned"}, ("title", *CONTROL, "U+000A"), id="title-newline"),
    pytest.param({"title": "Order\x7fsigned"}, ("title", *CONTROL, "U+007F"), id="title-delete"),
    pytest.param({"actor": "Donald\x07Trump:issuer"}, ("actor", *CONTROL, "U+0007"), id="actor-bell"),
    pytest.param({"actor": "Donald\nTrump"}, ("actor", *CONTROL, "U+000A"), id="actor-newline"),
    pytest.param({"actor": "Donald Trump:iss\x1b[0muer"}, ("actor role", *CONTROL, "U+001B"), id="actor-role-escape"),
    pytest.param({"actor": ""}, ("actor", "is empty", "non-empty"), id="actor-empty"),
    pytest.param({"actor": ":issuer"}, ("actor", "is empty", "non-empty"), id="actor-empty-name-with-role"),
    pytest.param({"platform": "Twit\x00ter"}, ("platforms", *CONTROL), id="platform-nul"),
    pytest.param({"source_publisher": "BBC\x1b[2J"}, ("source publisher", *CONTROL), id="publisher-escape"),
    pytest.param(
        {"summary": "Signed\x00today"}, ("summary", "control characters", "line breaks and tabs"), id="summary-nul"
    ),
    pytest.param({"source_language": "english!"}, ("source language", "not a language tag"), id="source-language"),
    pytest.param(
        {"identifier": "eo:13925"},
        ("identifier", "unknown scheme 'eo'", "executive-order", "federal-register"),
        id="identifier-unknown-scheme",
    ),
    pytest.param({"identifier": "13925"}, ("identifier", "no scheme", "SCHEME:VALUE"), id="identifier-no-scheme"),
    pytest.param(
        {"identifier": "executive-order:13,925"},
        ("identifier executive-order", "'13,925'", "in digits"),
        id="identifier-executive-order-not-digits",
    ),
    pytest.param({"identifier": "bill:H.R.\x07 1"}, ("identifier bill", *CONTROL), id="identifier-bell"),
]


@pytest.mark.parametrize(("overrides", "fragments"), BAD_ADDS)
def test_add_refuses_bad_field(
    seeded: ArchiveUnderTest, overrides: dict[str, str | None], fragments: tuple[str, ...]
) -> None:
    assert_refused(seeded, add_args(**overrides), *fragments)


def test_add_refuses_link_to_missing_entry(seeded: ArchiveUnderTest) -> None:
    assert_refused(
        seeded,
        [*add_args(), "--link", "responds-to", "2020-05-26-no-such-entry"],
        "no entry",
        "'2020-05-26-no-such-entry'",
        "timeline list",
    )


def test_add_refuses_unknown_relation(seeded: ArchiveUnderTest) -> None:
    assert_refused(
        seeded,
        [*add_args(), "--link", "causes", EXISTING_SLUG],
        "relation",
        "'causes' is not a relation",
        "responds-to",
        "supersedes",
    )


def test_add_refuses_link_to_retracted_entry(seeded: ArchiveUnderTest) -> None:
    seeded.ok("retract", EXISTING_SLUG, "--reason", "never happened")
    assert_refused(
        seeded, [*add_args(), "--link", "responds-to", EXISTING_SLUG], EXISTING_SLUG, "is retracted", "not allowed"
    )


@pytest.mark.parametrize("date", ["2999-01-01", "2999"])
def test_future_date_is_accepted_with_allow_future(seeded: ArchiveUnderTest, date: str) -> None:
    entry = seeded.json(*add_args(date=date, source_date=date), "--allow-future")
    assert entry["date"] == date
    assert entry["sources"][0]["date"] == date


def test_title_of_300_characters_is_accepted(seeded: ArchiveUnderTest) -> None:
    title = "Order " + "x" * 294
    assert len(title) == 300
    entry = seeded.json(*add_args(title=title))
    assert entry["title"] == title


# Likely duplicates ---------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    ["Trump signs executive order!", "trump signs executive order", "Trump signs an executive order"],
    ids=["trailing-punctuation", "lower-case", "one-word-more"],
)
def test_likely_duplicate_is_refused_naming_the_existing_entry(store: ArchiveUnderTest, title: str) -> None:
    existing = store.add("Trump signs executive order", "2020-05-28")
    assert existing["slug"] == "2020-05-28-trump-signs-executive-order"
    assert_refused(
        store,
        add_args(title=title, date="2020-05-28"),
        "likely duplicate of 2020-05-28-trump-signs-executive-order",
        "--allow-duplicate",
    )


def test_likely_duplicate_is_recorded_with_allow_duplicate(store: ArchiveUnderTest) -> None:
    store.add("Trump signs executive order", "2020-05-28")
    before = len(store.notifications())
    entry = store.json(*add_args(title="Trump signs executive order!"), "--allow-duplicate")
    assert entry["slug"] == "2020-05-28-trump-signs-executive-order-2"
    assert len(store.notifications()) == before + 3
    # The same title on another day is not a duplicate at all.
    other_day = store.add("Trump signs executive order", "2020-05-29")
    assert other_day["slug"] == "2020-05-29-trump-signs-executive-order"


# `correct`, `show`, `retract`, `merge` -------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        pytest.param(["--title", "New title"], ("reason", "required", "--reason"), id="no-reason"),
        pytest.param(["--title", "New title", "--reason", "  "], ("reason", "required", "--reason"), id="blank-reason"),
        pytest.param(
            ["--date", "2020-02-30", "--reason", "typo"], ("date", "2020-02-30", "29 days"), id="impossible-date"
        ),
        pytest.param(["--date", "2020-13", "--reason", "typo"], ("date", "no month 13", "01-12"), id="month-13"),
        pytest.param(["--date", "0000", "--reason", "typo"], ("date", "0000"), id="year-zero"),
        pytest.param(
            ["--date", "2999-01-01", "--reason", "typo"], ("date", "in the future", "--allow-future"), id="future-date"
        ),
        pytest.param(
            ["--kind", "pamphlet", "--reason", "typo"],
            ("kind", "not a known kind", "executive-order"),
            id="unknown-kind",
        ),
        pytest.param(["--title", "", "--reason", "typo"], ("title", "is empty"), id="empty-title"),
        pytest.param(
            ["--title", "x" * 301, "--reason", "typo"], ("title", "301 characters", "at most 300"), id="title-301-chars"
        ),
        pytest.param(["--title", "New\x1btitle", "--reason", "typo"], ("title", *CONTROL), id="title-escape"),
        pytest.param(
            ["--reason", "typo"], ("give at least one field to correct", "--title", "--date"), id="nothing-to-change"
        ),
        pytest.param(
            ["--title", EXISTING_TITLE, "--reason", "typo"], ("nothing to correct", EXISTING_SLUG), id="same-value"
        ),
    ],
)
def test_correct_refuses(seeded: ArchiveUnderTest, args: list[str], fragments: tuple[str, ...]) -> None:
    assert_refused(seeded, ["correct", EXISTING_SLUG, *args], *fragments)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["correct", "2020-05-26-no-such-entry", "--title", "New", "--reason", "typo"], id="correct"),
        pytest.param(["show", "2020-05-26-no-such-entry"], id="show"),
        pytest.param(["history", "2020-05-26-no-such-entry"], id="history"),
        pytest.param(["retract", "2020-05-26-no-such-entry", "--reason", "wrong"], id="retract"),
        pytest.param(
            ["source", "withdraw", "2020-05-26-no-such-entry", "1", "--reason", "wrong"], id="source-withdraw"
        ),
    ],
)
def test_missing_entry_is_named(seeded: ArchiveUnderTest, args: list[str]) -> None:
    assert_refused(seeded, args, "no entry '2020-05-26-no-such-entry'", "slug or short id")


def test_retract_needs_a_reason(seeded: ArchiveUnderTest) -> None:
    assert_refused(seeded, ["retract", EXISTING_SLUG], "reason", "required", "--reason")


def test_retract_of_a_retracted_entry_is_refused(seeded: ArchiveUnderTest) -> None:
    seeded.ok("retract", EXISTING_SLUG, "--reason", "never happened")
    assert_refused(
        seeded,
        ["retract", EXISTING_SLUG, "--reason", "again"],
        f"entry {EXISTING_SLUG} is retracted",
        "can no longer be changed",
    )


def test_correct_of_a_retracted_entry_is_refused(seeded: ArchiveUnderTest) -> None:
    seeded.ok("retract", EXISTING_SLUG, "--reason", "never happened")
    assert_refused(
        seeded,
        ["correct", EXISTING_SLUG, "--title", "New", "--reason", "typo"],
        f"entry {EXISTING_SLUG} is retracted",
        "can no longer be changed",
    )


def test_merge_into_itself_is_refused(seeded: ArchiveUnderTest) -> None:
    assert_refused(
        seeded,
        ["merge", EXISTING_SLUG, EXISTING_SLUG, "--reason", "same"],
        f"entry {EXISTING_SLUG} cannot be merged into itself",
    )


def test_merge_into_a_retracted_entry_is_refused(seeded: ArchiveUnderTest) -> None:
    other = seeded.add("Trump signs executive order", "2020-05-28")
    seeded.ok("retract", other["slug"], "--reason", "never happened")
    assert_refused(
        seeded, ["merge", EXISTING_SLUG, other["slug"], "--reason", "same"], other["slug"], "merge into a live entry"
    )


# Sources -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "ftp://x.org"],
    ids=["javascript", "data", "file", "ftp"],
)
def test_source_add_refuses_non_http_url(seeded: ArchiveUnderTest, url: str) -> None:
    assert_refused(
        seeded,
        ["source", "add", EXISTING_SLUG, "--title", "Another report", "--url", url, "--reason", "second account"],
        *URL_REFUSAL,
        f"{url.split(':')[0]}:",
    )


def test_source_add_refuses_a_source_already_cited(seeded: ArchiveUnderTest) -> None:
    assert_refused(
        seeded,
        [
            "source",
            "add",
            EXISTING_SLUG,
            "--title",
            f"Report: {EXISTING_TITLE}",
            "--publisher",
            "Test Wire",
            "--reason",
            "again",
        ],
        f"entry {EXISTING_SLUG} already cites this source",
    )


def test_source_withdraw_of_the_only_source_is_refused(seeded: ArchiveUnderTest) -> None:
    assert_refused(
        seeded,
        ["source", "withdraw", EXISTING_SLUG, "1", "--reason", "retracted by publisher"],
        "must keep at least one source",
        "add another",
    )


@pytest.mark.parametrize("number", ["3", "0"])
def test_source_withdraw_number_out_of_range_is_refused(seeded: ArchiveUnderTest, number: str) -> None:
    seeded.ok(
        "source",
        "add",
        EXISTING_SLUG,
        "--title",
        "Second report",
        "--url",
        "https://example.org/2",
        "--reason",
        "second account",
    )
    assert_refused(
        seeded,
        ["source", "withdraw", EXISTING_SLUG, number, "--reason", "wrong"],
        "source",
        f"has sources 1 to 2, not {number}",
    )


def test_source_withdraw_of_an_unknown_url_is_refused(seeded: ArchiveUnderTest) -> None:
    assert_refused(
        seeded,
        ["source", "withdraw", EXISTING_SLUG, "https://example.org/none", "--reason", "x"],
        "source",
        "no source with URL 'https://example.org/none'",
        "number or URL",
    )


# Relations ---------------------------------------------------------------------


def test_link_to_a_missing_entry_is_refused(seeded: ArchiveUnderTest) -> None:
    assert_refused(
        seeded,
        ["link", EXISTING_SLUG, "responds-to", "2020-05-26-no-such-entry", "--reason", "x"],
        "no entry '2020-05-26-no-such-entry'",
    )


def test_link_to_a_retracted_entry_is_refused(seeded: ArchiveUnderTest) -> None:
    order = seeded.add("Trump signs executive order", "2020-05-28", "executive-order")
    seeded.ok("retract", EXISTING_SLUG, "--reason", "the labels never happened")
    assert_refused(
        seeded,
        ["link", order["slug"], "responds-to", EXISTING_SLUG, "--reason", "cites labels"],
        f"entry {EXISTING_SLUG} is retracted",
        "relations to it are not allowed",
    )


def test_link_to_a_merged_entry_is_refused(seeded: ArchiveUnderTest) -> None:
    order = seeded.add("Trump signs executive order", "2020-05-28", "executive-order")
    copy = seeded.add("Order on preventing online censorship", "2020-05-28", "executive-order")
    seeded.ok("merge", copy["slug"], order["slug"], "--reason", "same order twice")
    assert_refused(
        seeded,
        ["link", EXISTING_SLUG, "related", copy["slug"], "--reason", "x"],
        f"entry {copy['slug']} was merged into {order['slug']}",
        "link to that one",
    )


@pytest.mark.parametrize("target", ["slug", "short_id"])
def test_self_link_is_refused(seeded: ArchiveUnderTest, target: str) -> None:
    entry = seeded.json("show", EXISTING_SLUG)
    assert_refused(
        seeded,
        ["link", EXISTING_SLUG, "related", entry[target], "--reason", "x"],
        f"entry {EXISTING_SLUG} cannot be linked to itself",
    )


def test_link_needs_a_reason(seeded: ArchiveUnderTest) -> None:
    order = seeded.add("Trump signs executive order", "2020-05-28", "executive-order")
    assert_refused(seeded, ["link", order["slug"], "responds-to", EXISTING_SLUG], "reason", "required")


def test_link_with_unknown_relation_is_one_line(seeded: ArchiveUnderTest) -> None:
    order = seeded.add("Trump signs executive order", "2020-05-28", "executive-order")
    assert_refused(
        seeded,
        ["link", order["slug"], "causes", EXISTING_SLUG, "--reason", "x"],
        "'causes' is not one of",
        "'responds-to'",
        "'supersedes'",
        "'related'",
        "--help",
    )


def test_duplicate_link_is_refused(seeded: ArchiveUnderTest) -> None:
    order = seeded.add("Trump signs executive order", "2020-05-28", "executive-order")
    seeded.ok("link", order["slug"], "responds-to", EXISTING_SLUG, "--reason", "cites the labels")
    assert_refused(
        seeded, ["link", order["slug"], "responds-to", EXISTING_SLUG, "--reason", "again"], "already has this link"
    )


def test_unlink_of_a_missing_link_is_refused(seeded: ArchiveUnderTest) -> None:
    order = seeded.add("Trump signs executive order", "2020-05-28", "executive-order")
    assert_refused(seeded, ["unlink", order["slug"], "responds-to", EXISTING_SLUG, "--reason", "x"], "has no such link")


def test_two_entry_supersedes_cycle_is_refused(store: ArchiveUnderTest) -> None:
    a = store.add("Order A", "2020-05-28")["slug"]
    b = store.add("Order B", "2020-05-29")["slug"]
    # (A dated before B: only --allow-out-of-order lets A supersede B; the cycle is refused regardless)
    store.ok("link", a, "supersedes", b, "--allow-out-of-order", "--reason", "A replaces B")
    assert_refused(
        store,
        ["link", b, "supersedes", a, "--reason", "B replaces A"],
        f"{b} supersedes {a} would make a cycle",
        f"{a} already supersedes {b}",
    )


def test_three_entry_supersedes_cycle_is_refused(store: ArchiveUnderTest) -> None:
    a = store.add("Order A", "2020-05-28")["slug"]
    b = store.add("Order B", "2020-05-29")["slug"]
    c = store.add("Order C", "2020-05-30")["slug"]
    store.ok("link", a, "supersedes", b, "--allow-out-of-order", "--reason", "A replaces B")
    store.ok("link", b, "supersedes", c, "--allow-out-of-order", "--reason", "B replaces C")
    assert_refused(
        store,
        ["link", c, "supersedes", a, "--reason", "C replaces A"],
        f"{c} supersedes {a} would make a cycle",
        "directly or through others",
    )
    # Other relations may point backwards: only 'supersedes' must not loop.
    store.ok("link", c, "related", a, "--reason", "same policy")


# The store ----------------------------------------------------------------------


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_missing_store_is_refused_and_not_created(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite"
    assert_refused(
        sqlite_archive,
        ["--store", f"sqlite:///{missing}", "list"],
        "no store at",
        str(missing),
        "timeline init",
        "--store",
    )
    assert_refused(sqlite_archive, ["--store", f"sqlite:///{missing}", *add_args()], "no store at")
    assert not missing.exists()
    assert not list(tmp_path.glob("missing.sqlite*"))


def make_text_file(path: Path) -> None:
    path.write_text("These are my notes, not a database.\n", encoding="utf-8")


def make_other_database(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE foo (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO foo (name) VALUES ('bar')")
        connection.commit()


def make_empty_file(path: Path) -> None:
    path.write_bytes(b"")


def make_fake_header(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)


@pytest.mark.parametrize(
    ("make", "fragments"),
    [
        pytest.param(make_text_file, ("not a timeline store", "not an SQLite database"), id="text-file"),
        pytest.param(make_empty_file, ("not a timeline store",), id="empty-file"),
        pytest.param(
            make_other_database,
            ("is an SQLite database but not a timeline store", "stored_events"),
            id="other-application-database",
        ),
        pytest.param(make_fake_header, ("not a timeline store",), id="sqlite-header-then-garbage"),
    ],
)
@pytest.mark.parametrize("command", [["list"], add_args()], ids=["list", "add"])
def test_a_file_that_is_not_a_store_is_refused_and_unchanged(
    sqlite_archive: ArchiveUnderTest,
    tmp_path: Path,
    make: Callable[[Path], None],
    fragments: tuple[str, ...],
    command: list[str],
) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    path = folder / "data.sqlite"
    make(path)
    before = files_in(folder)
    assert_refused(sqlite_archive, ["--store", f"sqlite:///{path}", *command], str(path), *fragments)
    assert files_in(folder) == before  # same bytes, and no -wal or -journal file left beside it


def test_the_archive_own_store_replaced_by_a_text_file_is_refused(sqlite_archive: ArchiveUnderTest) -> None:
    own = sqlite_archive.root / "timeline.sqlite"
    for sidecar in sqlite_archive.root.glob("timeline.sqlite-*"):
        sidecar.unlink()
    make_text_file(own)
    before = own.read_bytes()
    result = invoke(sqlite_archive, add_args())
    assert_one_line_error(result, str(own), "not a timeline store")
    assert own.read_bytes() == before


def test_a_folder_as_store_is_refused(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    folder = tmp_path / "folder.sqlite"
    folder.mkdir()
    assert_refused(sqlite_archive, ["--store", f"sqlite:///{folder}", "list"], "is a folder", str(folder))
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    "url",
    [
        "mysql://user@localhost/timeline",
        "timeline.sqlite",
        "sqlite://timeline.sqlite",
        "sqlite:///",
        "postgresql:///nodb",
    ],
    ids=["mysql", "bare-path", "sqlite-two-slashes", "sqlite-no-file", "postgresql-no-host"],
)
def test_unsupported_store_url_names_the_accepted_forms(sqlite_archive: ArchiveUnderTest, url: str) -> None:
    assert_refused(
        sqlite_archive,
        ["--store", url, "list"],
        "store URL",
        "accepted: sqlite:///PATH or postgresql://USER@HOST:PORT/DBNAME",
    )


def test_a_store_locked_too_long_is_refused_in_time(sqlite_archive: ArchiveUnderTest) -> None:
    sqlite_archive.add(EXISTING_TITLE, "2020-05-26", "label")
    before = sqlite_archive.notifications()
    blocker = sqlite3.connect(sqlite_archive.root / "timeline.sqlite", isolation_level=None)
    try:
        blocker.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        result = invoke(sqlite_archive, ["--lock-timeout", "1", *add_args()])
        elapsed = time.monotonic() - started
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert elapsed < 8, f"gave up after {elapsed:.1f}s, not about 1s"
    line = assert_one_line_error(result, "locked", "try again")
    assert "timeline.sqlite" in line, f"the message should name the store: {line!r}"
    assert sqlite_archive.notifications() == before
    # Once the other writer is gone, the same command succeeds.
    sqlite_archive.ok("--lock-timeout", "1", *add_args())
    assert len(sqlite_archive.notifications()) == len(before) + 3


# No archive ---------------------------------------------------------------------


@pytest.fixture
def outside_any_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder as the current folder, with no archive named in the environment."""
    for name in ("TIMELINE_ARCHIVE", "TIMELINE_STORE"):
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "nowhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.mark.parametrize("command", [["list"], add_args()], ids=["list", "add"])
def test_outside_any_archive_points_to_init(outside_any_archive: Path, command: list[str]) -> None:
    result = CliRunner().invoke(main, command, env={"TIMELINE_EDITOR": "Test Editor"})
    assert_one_line_error(result, "no timeline.toml", "timeline init", "--archive")
    assert list(outside_any_archive.iterdir()) == []


def test_archive_option_naming_a_folder_without_archive(outside_any_archive: Path) -> None:
    result = CliRunner().invoke(main, ["--archive", str(outside_any_archive), "list"])
    assert_one_line_error(result, str(outside_any_archive), "is not an archive", "timeline init")
    assert list(outside_any_archive.iterdir()) == []


# Through the installed entry point ------------------------------------------------


def test_bad_date_through_a_real_process(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    sqlite_archive.add(EXISTING_TITLE, "2020-05-26", "label")
    before = sqlite_archive.notifications()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIMELINE_")}
    env |= {"TIMELINE_ARCHIVE": str(sqlite_archive.root), "TIMELINE_EDITOR": "Test Editor"}
    completed = subprocess.run(
        [sys.executable, "-m", "timeline", *add_args(date="2020-02-30")],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 2, completed.stderr
    assert completed.stdout == ""
    assert "Traceback" not in completed.stderr
    assert completed.stderr.endswith("\n")
    assert completed.stderr.strip().splitlines() == [
        "error: date: 2020-02-30 does not exist (February 2020 has 29 days)"
    ]
    assert sqlite_archive.notifications() == before
