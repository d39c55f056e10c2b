"""`timeline add` weighs a new entry against the live entries of its day, kept between commands
in .timeline/same-day.sqlite and caught up with the store's changes since: what it finds is what
reading every entry would find, after corrections of dates, retractions and merges, after
another writer's changes, and after the store is made anew."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from conftest import ArchiveUnderTest

TITLE = "Platform suspends accounts of a state-backed network"


def try_add(archive: ArchiveUnderTest, date: str) -> str | None:
    """Record the same title on ``date``: its slug, or None when it is refused as a likely duplicate."""
    result = archive.run(
        "add", "--title", TITLE, "--kind", "suspension", "--date", date,
        "--source-title", "Report", "--source-publisher", "Test Wire", "--json",
    )  # fmt: skip
    if result.exit_code == 0:
        return str(json.loads(result.stdout)["slug"])
    assert result.exit_code == 2 and "likely duplicate of" in result.stderr, result.stderr
    return None


def refused(archive: ArchiveUnderTest, date: str) -> bool:
    return try_add(archive, date) is None


def test_the_days_entries_follow_every_change_to_the_store(store: ArchiveUnderTest) -> None:
    first = store.add(TITLE, "2020-05-28", "suspension")
    cache = store.root / ".timeline" / "same-day.sqlite"
    assert refused(store, "2020-05-28")
    assert cache.exists()
    assert not refused(store, "2020-05-29") and refused(store, "2020-05-29")  # the one just recorded counts

    # Moved to another day: the new day is taken, the old one free.
    store.ok("correct", first["slug"], "--date", "2020-06-01", "--reason", "the suspension came later")
    assert refused(store, "2020-06-01")
    assert not refused(store, "2020-05-28")

    # Retracted, it is no longer weighed; restored, it is again.
    day = "2020-07-04"
    entry = store.add(TITLE, day, "suspension")
    store.ok("retract", entry["slug"], "--yes", "--reason", "never happened")
    second = try_add(store, day)
    assert second is not None, "a retracted entry is not weighed"
    store.ok("retract", second, "--yes", "--reason", "recorded to test")  # both retracted now
    store.ok("unretract", entry["slug"], "--reason", "it did happen")
    assert refused(store, day), "a restored entry is weighed again"


def test_a_lost_cache_or_a_store_made_anew_gives_the_same_answers(sqlite_archive: ArchiveUnderTest) -> None:
    archive = sqlite_archive
    kept = archive.add(TITLE, "2020-05-28", "suspension")
    dropped = archive.add(TITLE, "2020-05-29", "suspension")
    assert refused(archive, "2020-05-28") and refused(archive, "2020-05-29")

    (archive.root / ".timeline" / "same-day.sqlite").unlink()
    assert refused(archive, "2020-05-29")

    # The archive as an older commit had it: one entry fewer, the store rebuilt from history/,
    # then changes enough to pass the cached position. The dropped entry no longer counts.
    for path in archive.root.glob("timeline.sqlite*"):
        path.unlink()
    (archive.root / "events" / f"{dropped['slug']}.md").unlink()
    (archive.root / "history" / f"{dropped['slug']}.jsonl").unlink()
    for n in range(3):
        archive.add(f"Court hears the case of the network, day {n}", f"2021-01-0{n + 1}", "hearing")
    assert not refused(archive, "2020-05-29")
    assert refused(archive, "2020-05-28")
    assert kept["slug"] in {e["slug"] for e in archive.json("list")}


def test_another_archive_folder_with_its_own_cache_agrees(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    archive = sqlite_archive
    archive.add(TITLE, "2020-05-28", "suspension")
    assert refused(archive, "2020-05-28")
    # A copy of the folder (its cache included) that goes its own way is caught up on its own.
    copy = ArchiveUnderTest(root=tmp_path / "copy", store_url=None, runner=archive.runner)
    shutil.copytree(archive.root, copy.root)
    copy.add(TITLE, "2020-06-02", "suspension")
    assert refused(copy, "2020-06-02")
    assert not refused(archive, "2020-06-02")


def test_a_clone_catches_the_cache_up_as_it_replays_the_history(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    archive = sqlite_archive
    first = archive.add(TITLE, "2020-05-28", "suspension")
    archive.add("Court hears the network's appeal", "2020-06-03", "hearing")
    archive.ok("retract", first["slug"], "--yes", "--reason", "recorded twice")
    archive.add(TITLE, "2020-05-30", "suspension")

    # A fresh clone: the committed files only, no store, no .timeline/.
    clone = ArchiveUnderTest(root=tmp_path / "clone", store_url=None, runner=archive.runner)
    clone.root.mkdir()
    shutil.copy(archive.root / "timeline.toml", clone.root / "timeline.toml")
    for folder in ("events", "history"):
        shutil.copytree(archive.root / folder, clone.root / folder)
    clone.ok("sync")

    # The sync that replayed the history left the cache at the store's newest change, holding the
    # live entries by day, so the first add reads one day's rows rather than every entry.
    with sqlite3.connect(clone.root / ".timeline" / "same-day.sqlite") as cache:
        position = int(cache.execute("SELECT value FROM meta WHERE key = 'position'").fetchone()[0])
        days = sorted(row[0] for row in cache.execute("SELECT day FROM evidence"))
    with sqlite3.connect(clone.root / "timeline.sqlite") as store:
        newest = store.execute("SELECT MAX(rowid) FROM stored_events").fetchone()[0]
    assert position == newest
    assert days == ["2020-05-30", "2020-06-03"]
    assert refused(clone, "2020-05-30") and not refused(clone, "2020-05-28")
