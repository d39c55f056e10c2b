"""Shared fixtures: real archives on a real SQLite file and on the real PostgreSQL server.

Behavioural tests take the ``store`` fixture and run once per store. PostgreSQL
tests skip on a laptop without the server, but fail in CI (CI=true), where the
server must be up.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from playwright.sync_api import Browser, sync_playwright

from timeline.cli import main

POSTGRES_DSN = os.environ.get("TIMELINE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


REPOSITORY = Path(__file__).resolve().parent.parent


def copy_flagship_files(root: Path, *, settings: bool = True) -> None:
    """Copy the repository's own archive into ``root`` as a clone has it: its entries (events/) and
    their committed history (history/), and its settings unless ``settings`` is False."""
    root.mkdir(parents=True, exist_ok=True)
    if settings:
        shutil.copy(REPOSITORY / "timeline.toml", root / "timeline.toml")
    shutil.copytree(REPOSITORY / "events", root / "events")
    shutil.copytree(REPOSITORY / "history", root / "history")
    shutil.copytree(REPOSITORY / "pages", root / "pages")


def postgres_reachable() -> str | None:
    """None if the server answers, else why not."""
    try:
        import psycopg

        with psycopg.connect(POSTGRES_DSN.split("?")[0], connect_timeout=3):
            return None
    except Exception as error:  # any failure to connect means "not reachable"
        return str(error)


def require_postgres() -> None:
    problem = postgres_reachable()
    if problem is not None:
        if IN_CI:
            pytest.fail(f"PostgreSQL must be reachable in CI at {POSTGRES_DSN}: {problem}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_DSN}: {problem}")


@pytest.fixture
def postgres_schema() -> Iterator[str]:
    """A fresh schema in the test database, dropped afterwards; yields its store URL."""
    require_postgres()
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{POSTGRES_DSN}?schema={schema}"
    finally:
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


@dataclass
class ArchiveUnderTest:
    """An archive folder and its store, driven through the real command line."""

    root: Path
    store_url: str | None  # None: the archive's own SQLite file
    runner: CliRunner

    @property
    def kind(self) -> str:
        return "postgresql" if self.store_url else "sqlite"

    def env(self) -> dict[str, str]:
        env = {"TIMELINE_ARCHIVE": str(self.root), "TIMELINE_EDITOR": "Test Editor"}
        if self.store_url:
            env["TIMELINE_STORE"] = self.store_url
        return env

    def run(self, *args: str) -> Result:
        """Run `timeline ARGS...`; a string with spaces is split like a shell would."""
        argv = list(shlex.split(args[0])) if len(args) == 1 and " " in args[0] else list(args)
        return self.runner.invoke(main, argv, env=self.env(), catch_exceptions=False)

    def ok(self, *args: str) -> Result:
        result = self.run(*args)
        assert result.exit_code == 0, f"timeline {args} failed: {result.output}{result.stderr}"
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json").stdout)

    def add(self, title: str, date: str = "2020-05-28", kind: str = "statement", *extra: str) -> dict[str, Any]:
        """Record an entry with one source; returns its JSON."""
        return self.json(
            "add",
            "--title",
            title,
            "--kind",
            kind,
            "--date",
            date,
            "--source-title",
            f"Report: {title}",
            "--source-publisher",
            "Test Wire",
            *extra,
        )

    def notifications(self) -> list[tuple[int, str, str]]:
        """The store's whole notification log: (id, originator, topic) rows."""
        if self.store_url is None:
            with closing(sqlite3.connect(self.root / "timeline.sqlite")) as connection:
                rows = connection.execute(
                    "SELECT rowid, originator_id, topic FROM stored_events ORDER BY rowid"
                ).fetchall()
            return [(r[0], str(r[1]), r[2]) for r in rows]
        import psycopg

        schema = self.store_url.split("schema=")[1]
        with psycopg.connect(POSTGRES_DSN) as connection:
            rows = connection.execute(
                f"SELECT notification_id, originator_id, topic FROM {schema}.timeline_events ORDER BY notification_id"
            ).fetchall()
        return [(r[0], str(r[1]), r[2]) for r in rows]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ArchiveUnderTest:
    """A new, empty archive, once on SQLite and once on PostgreSQL."""
    store_url = request.getfixturevalue("postgres_schema") if request.param == "postgresql" else None
    archive = ArchiveUnderTest(root=tmp_path / "archive", store_url=store_url, runner=CliRunner())
    archive.ok("init", str(archive.root), "--title", "Test archive")
    return archive


@pytest.fixture
def sqlite_archive(tmp_path: Path) -> ArchiveUnderTest:
    """A new, empty archive on its own SQLite file."""
    archive = ArchiveUnderTest(root=tmp_path / "archive", store_url=None, runner=CliRunner())
    archive.ok("init", str(archive.root), "--title", "Test archive")
    return archive


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The archive with every hostile string in every field, and its built site (see hostile.py)."""
    from hostile import build_hostile_archive

    return build_hostile_archive(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="session")
def browser(request: pytest.FixtureRequest) -> Iterator[Browser]:
    """Debian's Chromium, headless, shared by every test module that uses a browser (Playwright's
    sync API runs one instance per process); its version goes into the test report."""
    if not CHROMIUM.is_file():
        message = f"the browser tests need Chromium at {CHROMIUM}"
        if IN_CI:
            pytest.fail(f"{message}, and must run in CI")
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        announce(request.config, f"browser tests: Chromium {launched.version} ({CHROMIUM})")
        yield launched
        launched.close()


def announce(config: pytest.Config, line: str) -> None:
    """Write LINE to the terminal report, whatever the output capturing (-s or not)."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():
        reporter.ensure_newline()
        reporter.write_line(line)


def record_every_kind_of_change(archive: ArchiveUnderTest) -> dict[str, str]:
    """Entries with every field, then every kind of change to them: corrections, sources added and
    withdrawn, links and unlinks, a retraction, a merge, a bundle made, grown and shrunk, another made and
    deleted, and actors typed and typed again. Returns the entries' slugs by name."""
    order = archive.add(
        "Order on preventing online censorship", "2020-05-28", "executive-order",
        "--actor", "Donald Trump:issuer", "--actor", "Twitter:target", "--platform", "Twitter",
        "--platform", "Facebook", "--topic", "Section 230", "--jurisdiction", "United States",
        "--source-url", "https://example.com/order", "--source-author", "A. Reporter",
        "--summary", "The order asks agencies to *review* the liability shield.\n\nA second paragraph.",
    )  # fmt: skip
    labels = archive.add(
        "Twitter labels two tweets on mail-in ballots", "2020-05-26", "label",
        "--actor", "Twitter:author", "--platform", "Twitter", "--topic", "election misinformation",
    )  # fmt: skip
    ruling = archive.add(
        "Landgericht Köln: „Löschpflicht“ für Beiträge", "2021-03", "court-ruling",
        "--actor", "Landgericht Köln:court", "--jurisdiction", "Germany", "--source-language", "de",
        "--source-quote", "Die Plattform muss löschen 🙂", "--source-quote-by", "das Gericht",
    )  # fmt: skip
    wrong = archive.add("A takedown that never happened", "2019-08-19", "takedown", "--platform", "Facebook")
    duplicate = archive.add(
        "White House order on online censorship", "2020-05-28", "executive-order", "--allow-duplicate"
    )
    changes = [
        ("correct", order["slug"], "--title", "Executive order on preventing online censorship",
         "--date", "2020-05-28~", "--reason", "the official title"),
        ("source", "add", labels["slug"], "--title", "Labels explained", "--publisher", "Other Wire",
         "--url", "https://example.com/labels", "--date", "2020-05-27", "--reason", "a second account"),
        ("source", "withdraw", labels["slug"], "1", "--reason", "the first report was wrong"),
        ("link", order["slug"], "responds-to", labels["slug"], "--reason", "the order answers the labels"),
        ("link", ruling["slug"], "related", order["slug"], "--reason", "the same question"),
        ("unlink", ruling["slug"], "related", order["slug"], "--reason", "a different question after all"),
        ("retract", wrong["slug"], "--reason", "the takedown never happened"),
        ("merge", duplicate["slug"], order["slug"], "--reason", "the same order twice"),
        ("bundle", "create", "smith-2026", order["slug"], labels["slug"], "--title", "Smith (2026)"),
        ("correct", labels["slug"], "--summary", "Corrected after the bundle was made.", "--reason", "clarity"),
        ("bundle", "add", "smith-2026", ruling["slug"]),
        ("bundle", "remove", "smith-2026", labels["slug"], "--reason", "not cited after all"),
        ("bundle", "create", "jones-2026", ruling["slug"], "--title", "Jones (2026)"),
        ("bundle", "delete", "jones-2026", "--reason", "the paper was withdrawn"),
        ("actor", "type", "Donald Trump", "person", "--reason", "the order's issuer"),
        ("actor", "type", "Landgericht Köln", "court"),
        ("actor", "type", "donald trump", "government", "--reason", "the office, not the man"),
    ]  # fmt: skip
    for change in changes:
        archive.ok(*change)
    slugs = {"order": order, "labels": labels, "ruling": ruling, "wrong": wrong, "duplicate": duplicate}
    return {name: entry["slug"] for name, entry in slugs.items()}


@pytest.fixture(scope="module")
def flagship(tmp_path_factory: pytest.TempPathFactory) -> ArchiveUnderTest:
    """A copy of the repository's archive (settings, events/, history/) with a brand-new store."""
    root = tmp_path_factory.mktemp("clone")
    copy_flagship_files(root)
    archive = ArchiveUnderTest(root=root, store_url=None, runner=CliRunner())
    result = archive.ok("sync")
    entries = len(list((REPOSITORY / "events").glob("*.md")))
    # Every line of history/ is replayed (each entry and its two name reservations, the corrections
    # since, the actors' types); events/ then matches the store.
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in (root / "history").rglob("*.jsonl"))
    assert lines >= 3 * entries
    assert f"history/: {lines} changes replayed into the store" in result.stdout
    assert f"0 recorded, 0 revised, {entries} unchanged" in result.stdout
    assert "0 refused" in result.stdout
    return archive
