"""Where the events are kept: the store URL, which one wins, and what survives.

Requirement "Stores": an SQLite file in the archive by default; ``--store``,
``TIMELINE_STORE`` and ``timeline.toml`` accept ``sqlite:///path`` and
``postgresql://user@host:port/db``; the store survives the process, the
machine's restart and a second writer (the second writer: test_two_writers.py).

What these tests prove:

- a ``timeline.toml`` naming a PostgreSQL store sends every event there (read
  back with psycopg) and leaves no SQLite file behind;
- ``sqlite:///relative.sqlite`` in timeline.toml is taken from the archive
  folder, whatever the current directory; ``sqlite:////absolute/path`` is used
  as is;
- ``timeline init DIR --store URL`` writes that URL to timeline.toml;
- ``--store`` beats ``TIMELINE_STORE``, which beats timeline.toml, for reads and writes;
- entries written by one process are read by the next; a process killed in the
  middle of writing leaves every acknowledged entry whole and nothing half-written;
  a copy of the cleanly closed archive folder (even of the SQLite file alone)
  holds the same entries;
- ``timeline init`` keeps the SQLite store and its WAL files out of git;
- the SQLite connections the application opens use WAL and ``synchronous=FULL``
  (a commit survives a power cut), even where SQLite's compiled default is NORMAL;
- every stored topic is an explicit ``timeline:`` name, never a Python module path.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tomllib
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import POSTGRES_DSN, ArchiveUnderTest

from timeline.app.application import TimelineArchive
from timeline.app.service import ArchiveService
from timeline.cli import main

PROCESS_TIMEOUT = 60


@pytest.fixture(autouse=True)
def no_store_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what a test sets chooses the archive and the store."""
    for name in ("TIMELINE_STORE", "TIMELINE_ARCHIVE", "TIMELINE_LOCK_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)


def init_archive(root: Path, store_url: str | None = None) -> ArchiveUnderTest:
    """`timeline [--store URL] init ROOT`, then an archive driven without --store or TIMELINE_STORE."""
    archive = ArchiveUnderTest(root=root, store_url=None, runner=CliRunner())
    if store_url is None:
        archive.ok("init", str(root), "--title", "Test archive")
    else:
        archive.ok("--store", store_url, "init", str(root), "--title", "Test archive")
    return archive


def timeline_process(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Any:
    """Run `python -m timeline ARGS --json` as a new process; its JSON output."""
    full_env = {**os.environ, "TIMELINE_EDITOR": "Test Editor", **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "timeline", *args, "--json"],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, f"timeline {args} exited {result.returncode}: {result.stderr}"
    return json.loads(result.stdout)


def add_args(title: str, date: str = "2020-05-28") -> list[str]:
    return [
        "add",
        "--title",
        title,
        "--kind",
        "statement",
        "--date",
        date,
        "--source-title",
        f"Report: {title}",
        "--source-publisher",
        "Test Wire",
    ]


def sqlite_rows(path: Path) -> list[tuple[str, bytes]]:
    """(topic, state) of every event in an SQLite store, read without the application."""
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT topic, state FROM stored_events ORDER BY rowid").fetchall()


def postgres_rows(store_url: str) -> list[tuple[str, bytes]]:
    """(topic, state) of every event in the PostgreSQL schema a store URL names."""
    import psycopg

    schema = store_url.split("schema=")[1]
    with psycopg.connect(POSTGRES_DSN) as connection:
        rows = connection.execute(
            f"SELECT topic, state FROM {schema}.timeline_events ORDER BY notification_id"
        ).fetchall()
    return [(topic, bytes(state)) for topic, state in rows]


def titles(archive: ArchiveUnderTest, *args: str) -> list[str]:
    return [entry["title"] for entry in archive.json(*args, "list", "--all")]


# Choosing the store ------------------------------------------------------------


def test_timeline_toml_naming_postgresql_records_there(postgres_schema: str, tmp_path: Path) -> None:
    archive = init_archive(tmp_path / "archive", postgres_schema)
    config = tomllib.loads((archive.root / "timeline.toml").read_text(encoding="utf-8"))
    assert config["store"] == postgres_schema

    # No --store, no TIMELINE_STORE: timeline.toml alone names the store.
    first = archive.add("Platform statement on PostgreSQL")
    second = archive.add("Second platform statement on PostgreSQL", "2020-05-29")
    rows = postgres_rows(postgres_schema)
    assert [topic for topic, _ in rows] == [
        "timeline:PolicyEvent.Recorded",
        "timeline:Reservation.Reserved",
        "timeline:Reservation.Reserved",
    ] * 2
    assert first["slug"].encode() in rows[0][1]
    assert second["slug"].encode() in rows[3][1]
    assert not list(archive.root.glob("*.sqlite*")), "no SQLite store may appear beside a PostgreSQL one"

    # A new process, started inside the archive, finds the same store.
    listed = timeline_process("list", cwd=archive.root / "events")
    assert [e["slug"] for e in listed] == [first["slug"], second["slug"]]


def test_relative_sqlite_url_in_timeline_toml_is_relative_to_the_archive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    archive = init_archive(tmp_path / "archive", "sqlite:///relative.sqlite")
    store_file = archive.root / "relative.sqlite"
    assert store_file.is_file()

    # From another directory, in this process and in a new one.
    entry = archive.add("Platform statement kept beside timeline.toml")
    other = timeline_process(
        *add_args("Another statement kept beside timeline.toml", "2020-05-29"),
        cwd=elsewhere,
        env={"TIMELINE_ARCHIVE": str(archive.root)},
    )
    # From a folder inside the archive, found by walking up.
    listed = timeline_process("list", cwd=archive.root / "events")
    assert [e["slug"] for e in listed] == [entry["slug"], other["slug"]]

    assert len(sqlite_rows(store_file)) == 6
    assert not (elsewhere / "relative.sqlite").exists()
    assert not (archive.root / "events" / "relative.sqlite").exists()
    assert not (archive.root / "timeline.sqlite").exists()


def test_absolute_sqlite_url(tmp_path: Path) -> None:
    store_file = tmp_path / "stores" / "policy events.sqlite"
    store_file.parent.mkdir()
    url = f"sqlite:///{store_file}"
    assert url.startswith("sqlite:////")
    archive = init_archive(tmp_path / "archive", url)

    entry = archive.add("Platform statement kept outside the archive")
    assert [topic for topic, _ in sqlite_rows(store_file)] == [
        "timeline:PolicyEvent.Recorded",
        "timeline:Reservation.Reserved",
        "timeline:Reservation.Reserved",
    ]
    assert not (archive.root / "timeline.sqlite").exists()
    listed = timeline_process("list", cwd=tmp_path, env={"TIMELINE_ARCHIVE": str(archive.root)})
    assert [e["slug"] for e in listed] == [entry["slug"]]


def test_init_takes_store_after_the_command_too(tmp_path: Path) -> None:
    """`timeline init DIR --store URL`, as `timeline init --help` describes it, names the store."""
    store_file = tmp_path / "stores" / "named.sqlite"
    store_file.parent.mkdir()
    url = f"sqlite:///{store_file}"
    archive = ArchiveUnderTest(root=tmp_path / "archive", store_url=None, runner=CliRunner())
    archive.ok("init", str(archive.root), "--store", url)
    config = tomllib.loads((archive.root / "timeline.toml").read_text(encoding="utf-8"))
    assert config["store"] == url
    assert store_file.is_file()


def test_store_option_beats_environment_beats_timeline_toml(tmp_path: Path) -> None:
    archive = init_archive(tmp_path / "archive")  # timeline.toml: sqlite:///timeline.sqlite
    env_store = init_archive(tmp_path / "env-store").root / "timeline.sqlite"
    option_store = init_archive(tmp_path / "option-store").root / "timeline.sqlite"
    env_url, option_url = f"sqlite:///{env_store}", f"sqlite:///{option_store}"

    def add(title: str, env: dict[str, str], *options: str) -> None:
        result = archive.runner.invoke(
            main,
            [*options, *add_args(title)],
            env={**archive.env(), **env},
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output

    add("Recorded with timeline.toml alone", {})
    add("Recorded with TIMELINE_STORE", {"TIMELINE_STORE": env_url})
    add("Recorded with --store and TIMELINE_STORE", {"TIMELINE_STORE": env_url}, "--store", option_url)

    # Each write went to the store that wins, and only there; a store first used with the archive
    # gets the committed history replayed before its first write (3 rows an entry: it and its names).
    for path, rows in ((archive.root / "timeline.sqlite", 3), (env_store, 6), (option_store, 9)):
        assert len(sqlite_rows(path)) == rows, path

    # Reads follow the same order.
    def listed(env: dict[str, str], *options: str) -> list[str]:
        result = archive.runner.invoke(
            main,
            [*options, "list", "--all", "--json"],
            env={**archive.env(), **env},
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        return sorted(e["title"] for e in json.loads(result.stdout))

    alone, env, option = (
        "Recorded with timeline.toml alone",
        "Recorded with TIMELINE_STORE",
        "Recorded with --store and TIMELINE_STORE",
    )
    assert listed({}) == [alone]
    assert listed({"TIMELINE_STORE": env_url}) == sorted([alone, env])
    assert listed({"TIMELINE_STORE": env_url}, "--store", option_url) == sorted([alone, env, option])
    assert listed({}, "--store", option_url) == sorted([alone, env, option])


# What survives -----------------------------------------------------------------


def test_entries_survive_the_process_and_a_copy_of_the_archive(tmp_path: Path) -> None:
    archive = init_archive(tmp_path / "archive")
    env = {"TIMELINE_ARCHIVE": str(archive.root)}
    written = [
        timeline_process(*add_args(f"Platform statement number {n}", f"2020-05-2{n}"), cwd=tmp_path, env=env)
        for n in range(1, 4)
    ]
    corrected = timeline_process(
        "correct",
        written[0]["slug"],
        "--summary",
        "Read again.",
        "--reason",
        "checked the source",
        cwd=tmp_path,
        env=env,
    )
    assert corrected["revision"] == 2
    written[0] = corrected

    # A new process reads what the earlier ones wrote.
    assert timeline_process("list", cwd=archive.root) == written

    # All writers have exited cleanly: the folder, copied elsewhere as a backup
    # or a move to another machine would, is the whole archive. The original goes.
    copy = tmp_path / "restored"
    shutil.copytree(archive.root, copy)
    shutil.rmtree(archive.root)
    assert timeline_process("list", cwd=copy) == written
    for entry in written:
        assert timeline_process("show", entry["short_id"], cwd=copy) == entry
    assert len(timeline_process("history", written[0]["slug"], cwd=copy)) == 2

    # After a clean close the SQLite file alone holds everything (no WAL left to lose).
    assert not (copy / "timeline.sqlite-wal").exists() or (copy / "timeline.sqlite-wal").stat().st_size == 0
    alone = tmp_path / "store-file-alone"
    alone.mkdir()
    shutil.copy2(copy / "timeline.toml", alone / "timeline.toml")
    shutil.copy2(copy / "timeline.sqlite", alone / "timeline.sqlite")
    assert timeline_process("list", cwd=alone) == written

    # The copy is a working archive: it takes new entries.
    added = timeline_process(*add_args("Recorded in the restored archive", "2020-06-01"), cwd=copy)
    assert [e["slug"] for e in timeline_process("list", cwd=copy)] == [*(e["slug"] for e in written), added["slug"]]


KILLED_WRITER = """
import json, sys
from timeline.app.application import Draft, WriteOptions
from timeline.app.service import ArchiveService
from timeline.domain.dates import PartialDate
from timeline.domain.model import Source

app = ArchiveService.open(sys.argv[1]).app
for n in range(100_000):
    title = f"Statement recorded before the crash {n}"
    entry = app.add(
        Draft(title=title, kind="statement", date=PartialDate("2020-05-28"), sources=(Source(title=title),)),
        WriteOptions(editor="Test Editor", allow_duplicate=True),
    )
    print(json.dumps({"id": str(entry.id), "slug": entry.slug}), flush=True)
"""


def test_a_killed_writer_leaves_every_acknowledged_entry_whole(tmp_path: Path) -> None:
    archive = init_archive(tmp_path / "archive")
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(archive.root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    acknowledged = []
    try:
        assert writer.stdout is not None
        while len(acknowledged) < 40:
            line = writer.stdout.readline()
            assert line, f"the writer stopped early: {writer.communicate()[1]}"
            acknowledged.append(json.loads(line))
    finally:
        os.kill(writer.pid, signal.SIGKILL)  # mid-write: no chance to close anything
        writer.communicate(timeout=PROCESS_TIMEOUT)
    assert writer.returncode == -signal.SIGKILL

    entries = timeline_process("list", cwd=archive.root)
    stored = {e["id"]: e for e in entries}
    for ack in acknowledged:
        assert stored[ack["id"]]["slug"] == ack["slug"]
    # The add in flight when the writer died is wholly there or wholly absent.
    assert len(entries) in (len(acknowledged), len(acknowledged) + 1)
    topics = [topic for topic, _ in sqlite_rows(archive.root / "timeline.sqlite")]
    assert topics.count("timeline:PolicyEvent.Recorded") == len(entries)
    assert topics.count("timeline:Reservation.Reserved") == 2 * len(entries)
    assert len(topics) == 3 * len(entries)


def test_init_keeps_the_sqlite_store_out_of_git(sqlite_archive: ArchiveUnderTest) -> None:
    sqlite_archive.add("Platform statement")
    lines = [line.strip() for line in (sqlite_archive.root / ".gitignore").read_text().splitlines()]
    patterns = [line for line in lines if line and not line.startswith("#")]

    def ignored(name: str) -> bool:
        # Anchored gitignore patterns ("/name") of plain files, as `timeline init` writes them.
        return any(fnmatch.fnmatchcase(name, p.lstrip("/")) for p in patterns if not p.endswith("/"))

    for name in ("timeline.sqlite", "timeline.sqlite-wal", "timeline.sqlite-shm", "timeline.sqlite-journal"):
        assert ignored(name), f"{name} is not in .gitignore: {patterns}"
    # What must be committed is not ignored.
    for name in ("timeline.toml", ".gitignore"):
        assert not ignored(name)
    assert not any(p.strip("/") == "events" for p in patterns)
    # Every SQLite file the store left in the folder is covered.
    for path in sqlite_archive.root.glob("timeline.sqlite*"):
        assert ignored(path.name)


# The SQLite connections --------------------------------------------------------


def connection_pragmas(app: TimelineArchive) -> list[tuple[str, int]]:
    """(journal_mode, synchronous) of the writer and two reader connections of the app's pool."""
    datastore = app.recorder.datastore  # type: ignore[attr-defined]
    found = []
    with (
        datastore.get_connection(commit=True) as writer,
        datastore.get_connection(commit=False) as reader,
        datastore.get_connection(commit=False) as second_reader,
    ):
        for connection in (writer, reader, second_reader):
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode")
            mode = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            found.append((mode.lower(), cursor.fetchone()[0]))
    return found


def test_sqlite_store_uses_wal_and_full_synchronous(sqlite_archive: ArchiveUnderTest) -> None:
    with ArchiveService.open(sqlite_archive.root) as service:
        service.app.position()
        assert connection_pragmas(service.app) == [("wal", 2)] * 3
    # WAL is a property of the file: a plain connection sees it too.
    with closing(sqlite3.connect(sqlite_archive.root / "timeline.sqlite")) as plain:
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_synchronous_is_full_even_where_sqlite_defaults_to_normal(
    sqlite_archive: ArchiveUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite builds differ (SQLITE_DEFAULT_SYNCHRONOUS, SQLITE_DEFAULT_WAL_SYNCHRONOUS);
    with NORMAL a commit in WAL mode can be lost at a power cut. The app must ask for FULL."""
    plain_connect = sqlite3.connect

    def connect_like_a_normal_default_build(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = plain_connect(*args, **kwargs)
        connection.execute("PRAGMA synchronous=NORMAL")
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect_like_a_normal_default_build)
    with ArchiveService.open(sqlite_archive.root) as service:
        service.app.position()
        assert connection_pragmas(service.app) == [("wal", 2)] * 3


# Topics --------------------------------------------------------------------------


def test_stored_topics_are_explicit_names(store: ArchiveUnderTest) -> None:
    """Every kind of change is stored under a 'timeline:' topic, so moving a module orphans nothing."""
    order = store.add("Trump signs order on social media", "2020-05-28", "executive-order")
    labels = store.add("Twitter labels two tweets", "2020-05-26", "label")
    duplicate = store.add("Order on social media signed", "2020-05-28", "executive-order")
    wrong = store.add("Platform bans a reported account", "2020-05-30", "suspension")
    store.ok("correct", order["slug"], "--title", "Trump signs executive order", "--reason", "exact title")
    store.ok("source", "add", order["slug"], "--title", "Text of the order", "--reason", "primary source")
    store.ok("source", "withdraw", order["slug"], "1", "--reason", "superseded by the text")
    store.ok("link", order["slug"], "responds-to", labels["slug"], "--reason", "the order cites them")
    store.ok("unlink", order["slug"], "responds-to", labels["slug"], "--reason", "linked by mistake")
    store.ok("merge", duplicate["slug"], order["slug"], "--reason", "same order twice")
    store.ok("retract", wrong["slug"], "--reason", "never happened")

    rows = sqlite_rows(store.root / "timeline.sqlite") if store.store_url is None else postgres_rows(store.store_url)
    topics = {topic for topic, _ in rows}
    assert topics == {
        "timeline:PolicyEvent.Recorded",
        "timeline:PolicyEvent.Corrected",
        "timeline:PolicyEvent.SourceAdded",
        "timeline:PolicyEvent.SourceWithdrawn",
        "timeline:PolicyEvent.Linked",
        "timeline:PolicyEvent.Unlinked",
        "timeline:PolicyEvent.Merged",
        "timeline:PolicyEvent.Retracted",
        "timeline:Reservation.Reserved",
    }
    # The topics inside the stored state (the aggregate's class) are explicit too,
    # and no Python module path is written anywhere.
    originator_topics = set()
    for _, state in rows:
        text = state.decode("utf-8")
        originator_topics.update(re.findall(r'"originator_topic":\s*"([^"]*)"', text))
        for module in ("timeline.", "eventsourcing.", "__main__"):
            assert module not in text, f"{module!r} in a stored event: {text[:300]}"
    assert originator_topics == {"timeline:PolicyEvent", "timeline:Reservation"}
