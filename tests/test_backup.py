"""`timeline dump` and `timeline restore`: the whole history out to a file, and back.

What these tests prove:

1. An archive with every kind of change (corrections, sources added and withdrawn, links and
   unlinks, a retraction, a merge, a bundle) dumped from SQLite, restored into PostgreSQL,
   dumped again and restored into a new SQLite store has the same history everywhere: the
   three dumps are byte-identical, `history`, `log`, `list` and `show` print the same, the
   events/ files are the same, and the three built sites are byte-identical.
2. More changes than one batch of the dump round-trip whole, on SQLite and on PostgreSQL.
3. `dump` refuses to replace a file without --force; a dump that fails leaves the old file
   as it was and no temporary file.
4. `restore` refuses a store that holds changes, and a malformed dump, naming its line, with
   one line and exit status 2, writing nothing; a restore that fails half-way through its
   writing leaves the store empty (one transaction), on SQLite and on PostgreSQL.
5. Restoring an older dump over a lost store brings the site and events/ back to that state.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from uuid import UUID

import pytest
from click.testing import CliRunner
from conftest import ArchiveUnderTest, record_every_kind_of_change
from eventsourcing.persistence import StoredEvent

from timeline.app.application import TimelineArchive
from timeline.app.backup import restore_events
from timeline.files.archive import DEFAULT_KINDS
from timeline.formats.dumpfile import MalformedDump
from timeline.store.location import parse_store_url

SEARCH_INDEX = "pagefind/"


def new_archive(root: Path, store_url: str | None = None) -> ArchiveUnderTest:
    archive = ArchiveUnderTest(root=root, store_url=store_url, runner=CliRunner())
    archive.ok("init", str(root), "--title", "Test archive")
    return archive


def site_files(out: Path) -> dict[str, bytes]:
    """Every file of a built site but the search index: Pagefind names its files with a hash
    that differs from one run to the next, even for the same pages."""
    return {
        path: p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not (path := p.relative_to(out).as_posix()).startswith(SEARCH_INDEX)
    }


def readings(archive: ArchiveUnderTest, slugs: list[str]) -> dict[str, str]:
    """What people read of the history: the log, every entry's history and state, as text and JSON."""
    seen = {
        "log": archive.ok("log", "--limit", "1000").stdout,
        "log --json": archive.ok("log", "--limit", "1000", "--json").stdout,
        "list --all --json": archive.ok("list", "--all", "--json").stdout,
    }
    for slug in slugs:
        seen[f"history {slug}"] = archive.ok("history", slug).stdout
        seen[f"history {slug} --json"] = archive.ok("history", slug, "--json").stdout
        seen[f"show {slug} --json"] = archive.ok("show", slug, "--json").stdout
    return seen


def events_files(archive: ArchiveUnderTest) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((archive.root / "events").glob("*.md"))}


def stored(archive: ArchiveUnderTest) -> list[tuple[int, UUID, str]]:
    return [(position, UUID(originator), topic) for position, originator, topic in archive.notifications()]


# 1. SQLite -> PostgreSQL -> SQLite -----------------------------------------------------------------


def test_a_dump_restored_into_postgresql_and_back_into_sqlite_keeps_every_change_and_the_same_site(
    tmp_path: Path, postgres_schema: str
) -> None:
    original = new_archive(tmp_path / "original")
    slugs = sorted(record_every_kind_of_change(original).values())
    first, second, third = (tmp_path / f"{n}.jsonl" for n in ("first", "second", "third"))
    dumped = original.ok("dump", str(first))
    assert "dumped" in dumped.stdout and "(5 entries)" in dumped.stdout

    on_postgres = new_archive(tmp_path / "on-postgres", postgres_schema)
    restored = on_postgres.ok("restore", str(first))
    assert "(5 entries, 2 bundles)" in restored.stdout
    assert "events/: 5 files match the store (5 written)" in restored.stdout
    on_postgres.ok("dump", str(second))

    back_on_sqlite = new_archive(tmp_path / "back-on-sqlite")
    back_on_sqlite.ok("restore", str(second))
    back_on_sqlite.ok("dump", str(third))

    assert first.read_bytes() == second.read_bytes() == third.read_bytes()
    archives = (original, on_postgres, back_on_sqlite)
    assert stored(original) == stored(on_postgres) == stored(back_on_sqlite)
    expected = readings(original, slugs)
    assert "merged into" in expected["log"] and "retracted" in expected["log"]
    for archive in archives[1:]:
        assert readings(archive, slugs) == expected
        assert events_files(archive) == events_files(original)

    sites = []
    for archive in archives:
        out = tmp_path / f"site-of-{archive.root.name}"
        archive.ok("build", "--out", str(out))
        sites.append(site_files(out))
        archive.ok("verify", "--out", str(out))
    assert "manifest.json" in sites[0] and len(sites[0]) > 50
    assert sites[0].keys() == sites[1].keys() == sites[2].keys()
    assert [name for name in sites[0] if not sites[0][name] == sites[1][name] == sites[2][name]] == []


# 2. Many changes ---------------------------------------------------------------------------------


def test_more_changes_than_a_batch_round_trip_whole(store: ArchiveUnderTest, tmp_path: Path) -> None:
    source = new_archive(tmp_path / "source")
    spreadsheet = tmp_path / "entries.csv"
    with spreadsheet.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "kind", "date", "source_title"])
        for number in range(240):
            writer.writerow([f"Takedown number {number} of a page network", "takedown", "2019-08-19", "Report"])
    source.ok("import", str(spreadsheet))
    dump, again = tmp_path / "source.jsonl", tmp_path / "again.jsonl"
    source.ok("dump", str(dump))
    lines = dump.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 + 3 * 240  # an entry and its two reservations each, between the opening and closing lines

    store.ok("restore", str(dump))
    store.ok("dump", str(again))
    assert again.read_bytes() == dump.read_bytes()
    assert len(list((store.root / "events").glob("*.md"))) == 240


# 3. Dumping -----------------------------------------------------------------------------------------


def test_dump_replaces_a_file_only_with_force(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    target = tmp_path / "backup.jsonl"
    target.write_text("an older backup\n", encoding="utf-8")
    refused = sqlite_archive.run("dump", str(target))
    assert refused.exit_code == 2
    assert refused.stderr.strip().splitlines() == [f"error: {target} already exists; pass --force to replace it"]
    assert target.read_text(encoding="utf-8") == "an older backup\n"

    sqlite_archive.ok("dump", str(target), "--force")
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # not left private, as temporary files are
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {"format": "timeline-dump", "version": 1}
    assert lines[-1] == {"end": "timeline-dump", "events": 3}
    assert [line["topic"] for line in lines[1:-1]] == [
        "timeline:PolicyEvent.Recorded",
        "timeline:Reservation.Reserved",
        "timeline:Reservation.Reserved",
    ]
    recorded = lines[1]
    assert recorded["state"]["title"] == "Twitter labels two tweets"
    assert recorded["timestamp"] == recorded["state"]["timestamp"]["_data_"]


def test_a_dump_that_fails_leaves_the_old_file_and_no_temporary_file(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    sqlite_archive.add("Facebook removes a network", "2019-08-19", "takedown")
    with closing(sqlite3.connect(sqlite_archive.root / "timeline.sqlite")) as connection:
        connection.execute("UPDATE stored_events SET state = ? WHERE rowid = 4", (b"\x00 not JSON",))
        connection.commit()
    target = tmp_path / "backup.jsonl"
    target.write_text("an older backup\n", encoding="utf-8")

    failed = sqlite_archive.run("dump", str(target), "--force")
    assert failed.exit_code == 2
    [line] = failed.stderr.strip().splitlines()
    assert line.startswith("error: the store's change at position 4 (timeline:PolicyEvent.Recorded) cannot be read")
    assert target.read_text(encoding="utf-8") == "an older backup\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive", "backup.jsonl"]


# 4. Refusals ----------------------------------------------------------------------------------------


def test_restore_refuses_a_store_that_holds_changes(store: ArchiveUnderTest, tmp_path: Path) -> None:
    source = new_archive(tmp_path / "source")
    source.add("Twitter labels two tweets", "2020-05-26", "label")
    dump = tmp_path / "source.jsonl"
    source.ok("dump", str(dump))
    store.add("An entry already here", "2021-01-08", "suspension")
    before, files_before = store.notifications(), events_files(store)

    refused = store.run("restore", str(dump))
    assert refused.exit_code == 2
    [line] = refused.stderr.strip().splitlines()
    assert (
        line.startswith("error: the store ") and "is not empty" in line and "restore only into an empty store" in line
    )
    assert store.notifications() == before
    assert events_files(store) == files_before


def _dump_lines(tmp_path: Path) -> list[str]:
    """The lines of a dump with an entry corrected twice and another entry."""
    source = new_archive(tmp_path / "source")
    entry = source.add("Twitter labels two tweets", "2020-05-26", "label")
    source.ok("correct", entry["slug"], "--title", "Twitter labels two Trump tweets", "--reason", "whose")
    source.ok("correct", entry["slug"], "--date", "2020-05-27", "--reason", "the day after")
    source.add("Facebook removes a network", "2019-08-19", "takedown")
    dump = tmp_path / "source.jsonl"
    source.ok("dump", str(dump))
    return dump.read_text(encoding="utf-8").splitlines()


def _edit_line(lines: list[str], number: int, **changes: object) -> list[str]:
    data = json.loads(lines[number - 1])
    data.update(changes)
    return [*lines[: number - 1], json.dumps(data, ensure_ascii=False), *lines[number:]]


def _retitled(lines: list[str]) -> list[str]:
    data = json.loads(lines[1])
    data["state"]["title"] = "A title the store never held"
    return [lines[0], json.dumps(data, ensure_ascii=False), *lines[2:]]


# Lines: 1 opening, 2 Recorded, 3-4 its reservations, 5-6 Corrected twice, 7 Recorded, 8-9, 10 closing.
MALFORMED = [
    pytest.param(lambda lines: [json.dumps({"title": "An entry", "kind": "label"})], 1,
                 "not a timeline dump", id="an-export-not-a-dump"),
    pytest.param(lambda lines: [*lines[:2], "{broken", *lines[3:]], 3, "the line is not JSON", id="not-json"),
    pytest.param(_retitled, 2, "the state does not match its state_sha256", id="state-edited"),
    pytest.param(lambda lines: [*lines[:4], *lines[5:]], 5,
                 "must be 2 here (got 3): a change is missing, repeated or out of order", id="change-missing"),
    pytest.param(lambda lines: lines[:-1], 9, "it was cut short", id="cut-short"),
    pytest.param(lambda lines: [*lines[:-1], json.dumps({"end": "timeline-dump", "events": 99})], 10,
                 'the closing line must be {"end": "timeline-dump", "events": 8}', id="wrong-count"),
    pytest.param(lambda lines: _edit_line(lines, 6, topic="timeline:PolicyEvent.Renamed"), 6,
                 "the state is not a timeline:PolicyEvent.Renamed change", id="unknown-topic"),
    pytest.param(lambda lines: _edit_line(lines, 5, timestamp="2020-01-01T00:00:00+00:00"), 5,
                 "is not the time in the change's state", id="timestamp-edited"),
    pytest.param(lambda lines: _edit_line(lines, 4, position=1), 4,
                 "position must be a whole number after the previous line's (2)", id="position-backwards"),
    pytest.param(lambda lines: _edit_line(lines, 3, originator_id="not-a-uuid"), 3,
                 "originator_id 'not-a-uuid' is not a UUID", id="bad-originator"),
    pytest.param(lambda lines: [lines[0], lines[1].replace('"state_sha256"', '"sha"'), *lines[2:]], 2,
                 "missing state_sha256; unexpected sha", id="a-key-renamed"),
    pytest.param(lambda lines: [*lines[:-1], lines[-1], lines[1]], 11,
                 "a line after the dump's closing line", id="after-the-end"),
]  # fmt: skip


@pytest.mark.parametrize(("damage", "line", "problem"), MALFORMED)
def test_restore_refuses_a_malformed_dump_naming_the_line_and_writes_nothing(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path, damage: object, line: int, problem: str
) -> None:
    lines = _dump_lines(tmp_path)
    assert len(lines) == 10
    assert callable(damage)
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_text("\n".join(damage(lines)) + "\n", encoding="utf-8")

    refused = sqlite_archive.run("restore", str(damaged))
    assert refused.exit_code == 2, refused.output
    [message] = refused.stderr.strip().splitlines()
    assert message.startswith(f"error: {damaged}:{line}: "), message
    assert problem in message
    assert message.endswith("nothing was restored")
    assert sqlite_archive.notifications() == []
    assert events_files(sqlite_archive) == {}


def test_a_restore_that_fails_half_way_through_writing_leaves_the_store_empty(
    store: ArchiveUnderTest, tmp_path: Path
) -> None:
    source = new_archive(tmp_path / "source")
    source.add("Twitter labels two tweets", "2020-05-26", "label")
    source.add("Facebook removes a network", "2019-08-19", "takedown")
    reader = TimelineArchive(parse_store_url("sqlite:///timeline.sqlite", source.root), kinds=DEFAULT_KINDS)
    target = TimelineArchive(parse_store_url(store.store_url or "sqlite:///timeline.sqlite", store.root), kinds=())
    try:
        changes = list(reader.recorder.select_notifications(1, 100))
        assert len(changes) == 6

        def batches() -> Iterator[list[StoredEvent]]:
            for change in changes[:4]:
                yield [change]  # four separate inserts...
            raise MalformedDump(tmp_path / "source.jsonl", 6, "damaged after the check")  # ...then a failure

        with pytest.raises(MalformedDump):
            restore_events(target, batches())
        assert target.position() == 0
        assert store.notifications() == []
        assert restore_events(target, [changes[:3], changes[3:]]) == 6  # the same store takes the whole history after
        assert [(n.originator_id, n.state) for n in target.recorder.select_notifications(1, 100)] == [
            (c.originator_id, c.state) for c in changes
        ]
    finally:
        reader.close()
        target.close()


# 5. Disaster recovery --------------------------------------------------------------------------------


def test_restoring_an_older_dump_over_a_lost_store_brings_back_that_state(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    archive = sqlite_archive
    slugs = record_every_kind_of_change(archive)
    nightly = tmp_path / "nightly.jsonl"
    archive.ok("dump", str(nightly))
    as_dumped = readings(archive, sorted(slugs.values()))
    order_file = (archive.root / "events" / f"{slugs['order']}.md").read_bytes()
    archive.ok("correct", slugs["order"], "--title", "A title given after the dump", "--reason", "later")
    archive.ok("build")
    assert "A title given after the dump" in (archive.root / "_site/events" / slugs["order"] / "index.html").read_text()

    for lost in archive.root.glob("timeline.sqlite*"):
        lost.unlink()
    restored = archive.ok("restore", str(nightly))
    assert "events/: 5 files match the store (1 written)" in restored.stdout
    assert (archive.root / "events" / f"{slugs['order']}.md").read_bytes() == order_file
    assert readings(archive, sorted(slugs.values())) == as_dumped

    archive.ok("build")
    page = (archive.root / "_site/events" / slugs["order"] / "index.html").read_text()
    assert "A title given after the dump" not in page
    assert "Executive order on preventing online censorship" in page
    archive.ok("build", "--full", "--out", str(tmp_path / "full"))
    assert site_files(archive.root / "_site") == site_files(tmp_path / "full")
    assert archive.ok("verify").stdout.startswith("verified: ")
