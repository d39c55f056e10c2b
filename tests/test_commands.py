"""Commands at their edges: init, add from a file, add at a terminal, the editor, store URLs."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ArchiveUnderTest

from timeline.cli import main
from timeline.files.archive import DEFAULT_DESCRIPTION


def test_init_writes_settings_events_and_gitignore(tmp_path: Path) -> None:
    root = tmp_path / "policy"
    result = CliRunner().invoke(
        main,
        [
            "init",
            str(root),
            "--title",
            "Platform policy",
            "--base-url",
            "https://example.org/tl/",
            "--kind",
            "press-release",
        ],
        env={"TIMELINE_STORE": None, "TIMELINE_ARCHIVE": None},
    )
    assert result.exit_code == 0, result.output
    settings = tomllib.loads((root / "timeline.toml").read_text(encoding="utf-8"))
    assert settings == {
        "title": "Platform policy",
        "base_url": "https://example.org/tl/",
        "language": "en",
        "description": DEFAULT_DESCRIPTION,  # generic, for the editors to say what the archive is about
        "kinds": ["press-release"],
        "store": "sqlite:///timeline.sqlite",
    }
    assert (root / "events").is_dir()
    assert (root / "timeline.sqlite").is_file()
    assert "/timeline.sqlite" in (root / ".gitignore").read_text(encoding="utf-8").splitlines()

    again = CliRunner().invoke(main, ["init", str(root)], env={"TIMELINE_STORE": None})
    assert again.exit_code == 2
    assert "already an archive" in again.stderr


def test_an_extra_kind_from_timeline_toml_is_accepted(tmp_path: Path) -> None:
    archive = ArchiveUnderTest(root=tmp_path / "a", store_url=None, runner=CliRunner())
    archive.ok("init", str(archive.root), "--kind", "press-release")
    assert archive.add("Platform publishes transparency report", "2020-01-15", "press-release")["kind"] == (
        "press-release"
    )


def test_add_from_file_takes_the_events_format(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    labels = sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    path = tmp_path / "order.md"
    path.write_text(
        "---\n"
        "title: Trump signs executive order on Section 230\n"
        "kind: executive-order\n"
        "date: 2020-05-28\n"
        "actors:\n  - name: Donald Trump\n    role: issuer\n"
        "topics: [Section 230]\n"
        "sources:\n  - title: What does the executive order say?\n    publisher: BBC News\n    date: 2020-05-28\n"
        f"relations:\n  - type: responds-to\n    target: {labels['slug']}\n"
        "---\n"
        "Trump signed an order aimed at the liability shield of platforms.\n",
        encoding="utf-8",
    )
    entry = sqlite_archive.json("add", "--from-file", str(path))
    assert entry["title"] == "Trump signs executive order on Section 230"
    assert entry["date"] == "2020-05-28"
    assert entry["relations"] == [{"type": "responds-to", "target": labels["slug"]}]
    assert entry["summary"] == "Trump signed an order aimed at the liability shield of platforms."
    assert sqlite_archive.json("history", entry["slug"])[0]["reason"] == "recorded from order.md"

    path.write_text("---\ntitle: Broken\nkind: label\ndate: 2020-02-30\n---\n", encoding="utf-8")
    refused = sqlite_archive.run("add", "--from-file", str(path))
    assert refused.exit_code == 2
    assert "order.md:4: date: 2020-02-30 does not exist" in refused.stderr


def test_the_editor_comes_from_the_option_then_the_environment(sqlite_archive: ArchiveUnderTest) -> None:
    entry = sqlite_archive.add("Twitter labels tweets", "2020-05-26", "label")
    sqlite_archive.ok(
        "correct",
        entry["slug"],
        "--title",
        "Twitter labels two tweets",
        "--reason",
        "precision",
        "--editor",
        "A. Archivist",
    )
    editors = [r["editor"] for r in sqlite_archive.json("history", entry["slug"])]
    assert editors == ["Test Editor", "A. Archivist"]


def test_add_asks_for_missing_fields_at_a_terminal(sqlite_archive: ArchiveUnderTest) -> None:
    """A person at a terminal is asked for every field not given instead of refused (Enter skips an
    optional one; tests/test_interactive_add.py tries every answer)."""
    # A real pseudo-terminal (not fork(), which is unsafe in a threaded test process).
    fd, terminal = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "timeline", "add", "--platform", "Twitter"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env={**os.environ, **sqlite_archive.env()},
        close_fds=True,
    )
    os.close(terminal)
    answers = iter(
        # title, kind, date, summary, actors (none), source title, publisher, date, URL: platforms were given
        ["Twitter suspends 936 accounts", "suspension", "2019-08-19", "", "", "Twitter removes accounts", "", "", ""]
    )
    seen = since = b""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and child.poll() is None:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        seen += chunk
        since += chunk
        # A question ends with ": " (output since the last answer only: an empty answer echoes nothing)
        if since.rstrip().endswith(b":"):
            os.write(fd, (next(answers) + "\n").encode())
            seen, since = seen + b"\n", b""
    with contextlib.suppress(OSError):
        seen += os.read(fd, 4096)
    os.close(fd)
    status = child.wait(timeout=30)
    text = seen.decode(errors="replace")
    assert status == 0, text
    for prompt in ("Title", "Kind (its number or name):", "Date", "Summary", "Actor", "Source title", "Source URL"):
        assert prompt in text
    assert "Platform" not in text
    assert "recorded 2019-08-19-twitter-suspends-936-accounts" in text


def test_add_without_a_terminal_refuses_missing_fields(sqlite_archive: ArchiveUnderTest) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "timeline", "add", "--kind", "label"],
        env={**os.environ, **sqlite_archive.env()},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "error: title: is required"


@pytest.mark.postgres
def test_a_postgres_schema_that_does_not_exist_is_named(postgres_schema: str, sqlite_archive: ArchiveUnderTest) -> None:
    missing = postgres_schema.split("?")[0] + "?schema=no_such_schema"
    result = sqlite_archive.run("--store", missing, "list")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "names a schema that does not exist; create it first" in result.stderr
    assert "no_such_schema" in result.stderr
