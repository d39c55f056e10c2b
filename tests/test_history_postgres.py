"""A team on one shared PostgreSQL store: each editor's clone of the repository keeps its own
history/, and the shared store is the team's record (README: "Teams on PostgreSQL").

Two clones X and Y of one git repository whose committed timeline.toml names one PostgreSQL
schema, each driven by its own editor through the real command line, with real git. What these
tests prove:

1. The committed history stays the shared store's faithful mirror: X records and corrects
   entries; Y, a fresh clone made before them (git kept no events/ folder, as the archive had no
   entry yet), runs `timeline sync` and its history/ gets every change X made, byte for byte as
   X's, said in one line ("0 changes replayed into the store, N written to K files"), while the
   store gains nothing; Y's events/ match X's and `timeline verify` passes in both.
2. Y records and corrects; X syncs and gets those changes in its files: both history/ and both
   events/ trees are equal, and both verify. An entry X edited by hand in events/ while Y changed
   it in the store is refused as a conflict: X's sync keeps the edit, never overwrites it.
3. Files ahead of the shared store: an entry recorded in a separate SQLite archive, its history
   file copied into Y's history/, is refused by `timeline sync` and by a write command (exit
   status 2, naming the first change and `timeline sync --replay`), and nothing reaches the store
   or the files; `timeline sync --replay` records it with its original editor and time, and X's
   next sync writes it to X's files.
4. Store ahead of the files: `timeline build` in Y (not only sync) writes X's changes into Y's
   history/, and Y's site shows them; X's and Y's sites are the same, byte for byte (but the
   search index).
5. X and Y correcting different entries at the same time, in separate processes, end (after a
   sync in each) with equal history/ and events/ trees that verify clean, every correction kept.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ArchiveUnderTest
from sitebuild import tree as site_tree

pytestmark = pytest.mark.postgres

PROCESS_TIMEOUT = 180  # seconds, for a whole loop of corrections
CORRECTIONS_PER_CLONE = 4
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.org",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
}


@pytest.fixture(autouse=True)
def no_store_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the committed timeline.toml names the store."""
    for name in ("TIMELINE_STORE", "TIMELINE_ARCHIVE", "TIMELINE_LOCK_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)


@dataclass
class Clone(ArchiveUnderTest):
    """One editor's clone: the store comes from its committed timeline.toml, shared with the team."""

    editor: str = "Test Editor"
    shared: str = ""  # the shared store's URL, to read it back with psycopg

    def env(self) -> dict[str, str]:
        return {**super().env(), "TIMELINE_EDITOR": self.editor}

    def stored(self) -> list[tuple[int, str, str]]:
        """The shared store's notification log."""
        return ArchiveUnderTest(self.root, self.shared, self.runner).notifications()

    def history(self) -> dict[str, bytes]:
        return tree(self.root / "history")

    def events(self) -> dict[str, bytes]:
        return tree(self.root / "events")

    def verified(self) -> None:
        result = self.ok("verify")
        assert "verified:" in result.stdout


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV}, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, f"git {args} failed: {result.stderr}"
    return result.stdout


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its relative path, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def lines_in(files: dict[str, bytes]) -> int:
    return sum(content.count(b"\n") for content in files.values())


@pytest.fixture
def team(tmp_path: Path, postgres_schema: str) -> tuple[Clone, Clone]:
    """X: the archive made with `timeline init --store URL` and committed; Y: a git clone of that commit."""
    runner = CliRunner()
    x = Clone(tmp_path / "x", None, runner, editor="Alice", shared=postgres_schema)
    x.ok("--store", postgres_schema, "init", str(x.root), "--title", "Team archive")
    assert f'store = "{postgres_schema}"' in (x.root / "timeline.toml").read_text(encoding="utf-8")
    git(x.root, "init", "-q", "-b", "main")
    git(x.root, "add", "-A")
    git(x.root, "commit", "-q", "-m", "A team archive on a shared store")
    git(tmp_path, "clone", "-q", str(x.root), "y")
    y = Clone(tmp_path / "y", None, runner, editor="Bob", shared=postgres_schema)
    assert not (y.root / "events").exists()  # git keeps no empty folder
    return x, y


def record_in(clone: Clone, prefix: str) -> list[str]:
    """Two entries, one corrected and one given a second source; their slugs."""
    label = clone.add(f"{prefix} labels two tweets on mail-in ballots", "2020-05-26", "label")
    order = clone.add(f"{prefix} order on online censorship", "2020-05-28", "executive-order")
    clone.ok("correct", label["slug"], "--summary", f"Two tweets, labelled by {prefix}.", "--reason", "a summary")
    clone.ok(
        "source", "add", order["slug"], "--title", "The order's text", "--publisher", "Federal Register",
        "--reason", "the text itself",
    )  # fmt: skip
    return [label["slug"], order["slug"]]


# 1. The committed history mirrors the shared store ------------------------------------------------


def test_a_clone_that_syncs_writes_to_its_history_what_the_other_recorded(team: tuple[Clone, Clone]) -> None:
    x, y = team
    slugs = record_in(x, "Twitter")
    stored = x.stored()
    # X's own commands wrote every change of the store to X's files: one file per entry.
    assert sorted(x.history()) == [f"{slug}.jsonl" for slug in sorted(slugs)]
    assert lines_in(x.history()) == len(stored) == 2 * 3 + 2

    result = y.ok("sync")
    assert f"history/: 0 changes replayed into the store, {len(stored)} written to 2 files" in result.stdout
    assert "2 files restored" in result.stdout
    assert y.stored() == stored  # Y recorded nothing
    assert y.history() == x.history()
    assert y.events() == x.events()
    for change in y.json("history", slugs[0]):
        assert change["editor"] == "Alice"
    y.verified()
    x.verified()

    # Agreed: the next sync has nothing to say about history/ and writes nothing.
    again = y.ok("sync")
    assert "history/" not in again.stdout
    assert y.history() == x.history()
    assert y.stored() == stored


# 2. A change made in the other clone ------------------------------------------------------------------


def test_a_change_recorded_in_y_reaches_x_files_when_x_syncs(team: tuple[Clone, Clone]) -> None:
    x, y = team
    x_slugs = record_in(x, "Twitter")
    y.ok("sync")
    before = len(x.stored())

    # Y changes an entry X recorded and records one of its own.
    y.ok("correct", x_slugs[0], "--title", "Twitter labels two of Trump's tweets", "--reason", "whose tweets")
    own = y.add("Facebook leaves the same posts up", "2020-05-29", "statement")
    assert len(y.stored()) == before + 1 + 3
    assert x.history() != y.history()

    result = x.ok("sync")
    assert "history/: 0 changes replayed into the store, 4 written to 2 files" in result.stdout
    assert len(x.stored()) == before + 4  # X recorded nothing
    assert x.history() == y.history()
    assert x.events() == y.events()
    assert x.json("show", x_slugs[0])["title"] == "Twitter labels two of Trump's tweets"
    assert [c["editor"] for c in x.json("history", own["slug"])] == ["Bob"]
    x.verified()
    y.verified()


def test_an_edit_in_x_of_an_entry_y_changed_meanwhile_is_a_conflict_never_overwritten(
    team: tuple[Clone, Clone],
) -> None:
    x, y = team
    slugs = record_in(x, "Twitter")
    path = x.root / "events" / f"{slugs[1]}.md"
    edited = path.read_text(encoding="utf-8").replace("title: Twitter order", "title: An order")
    path.write_text(edited, encoding="utf-8")
    y.ok("correct", slugs[1], "--summary", "Signed on 28 May.", "--reason", "when")

    result = x.run("sync")
    assert result.exit_code == 2, result.output
    assert f"events/{slugs[1]}.md: entry {slugs[1]}: the file was written from revision 2" in result.stderr
    assert path.read_text(encoding="utf-8") == edited  # the edit is kept, to be redone
    assert x.json("show", slugs[1])["title"] == "Twitter order on online censorship"
    y.ok("sync")
    assert x.history() == y.history()  # history/ agreed all the same


# 3. Files ahead of the shared store ---------------------------------------------------------------------


def test_history_the_shared_store_lacks_is_refused_until_replay_is_asked(
    team: tuple[Clone, Clone], tmp_path: Path
) -> None:
    x, y = team
    x_slugs = record_in(x, "Twitter")
    y.ok("sync")
    # An entry recorded elsewhere (an SQLite archive), its history file copied into Y's history/.
    elsewhere = Clone(tmp_path / "elsewhere", None, CliRunner(), editor="Carol")
    elsewhere.ok("init", str(elsewhere.root), "--title", "Elsewhere")
    stray = elsewhere.add("YouTube removes a channel", "2020-06-02", "takedown")
    name = f"{stray['slug']}.jsonl"
    shutil.copy(elsewhere.root / "history" / name, y.root / "history" / name)
    recorded_elsewhere = elsewhere.json("history", stray["slug"])
    stored, y_history, y_events = y.stored(), y.history(), y.events()

    refused = y.run("sync")
    assert refused.exit_code == 2, refused.output
    message = " ".join(refused.stderr.split())
    assert message.startswith(f"error: history/ holds 3 changes the shared store {x.shared} lacks ")
    assert f"(the first: entry {stray['slug']} v1 Recorded by Carol at " in message
    assert "the files are ahead of the store" in message
    assert "Run 'timeline sync --replay' to record them in the shared store" in message
    assert "or 'git checkout -- history/' if they should not be" in message
    # Nothing reached the store; the files are as they were.
    assert y.stored() == stored
    assert (y.history(), y.events()) == (y_history, y_events)

    # A write command is refused the same way, before it records anything.
    write = y.run("correct", x_slugs[1], "--title", "An order on censorship", "--reason", "shorter")
    assert write.exit_code == 2, write.output
    assert " ".join(write.stderr.split()) == message
    assert y.stored() == stored
    assert y.json("show", x_slugs[1])["revision"] == 2

    # Asked: recorded in the shared store exactly as recorded elsewhere.
    replayed = y.ok("sync", "--replay")
    assert "history/: 3 changes replayed into the store, 0 written to 0 files" in replayed.stdout
    assert "1 file restored" in replayed.stdout
    assert y.stored()[: len(stored)] == stored
    assert len(y.stored()) == len(stored) + 3
    assert y.history() == {**y_history, name: (elsewhere.root / "history" / name).read_bytes()}
    assert y.json("history", stray["slug"]) == recorded_elsewhere
    y.verified()

    # X's next sync writes them to X's files; the clones agree again.
    synced = x.ok("sync")
    assert "history/: 0 changes replayed into the store, 3 written to 1 file" in synced.stdout
    assert x.history() == y.history()
    assert x.events() == y.events()
    assert x.json("history", stray["slug"]) == recorded_elsewhere
    x.verified()


# 4. Store ahead of the files: build ---------------------------------------------------------------------


def test_build_writes_the_store_changes_to_history_and_the_site_shows_them(team: tuple[Clone, Clone]) -> None:
    x, y = team
    slugs = record_in(x, "Twitter")
    x.ok("correct", slugs[1], "--title", "Trump signs an order on online censorship", "--reason", "who signed")
    x.ok("build")

    y.ok("build")  # a fresh clone: no store of its own, no events/, no history/
    assert y.history() == x.history()
    assert y.events() == x.events()
    page = (y.root / "_site" / "events" / slugs[1] / "index.html").read_text(encoding="utf-8")
    assert "Trump signs an order on online censorship" in page
    assert (y.root / "_site" / "events" / slugs[1] / "v3" / "index.html").is_file()
    assert "Two tweets, labelled by Twitter." in (y.root / "_site" / "events" / slugs[0] / "index.html").read_text(
        encoding="utf-8"
    )
    # The same store and the same history: the same site, whoever built it (but the search index,
    # which Pagefind never writes twice the same).
    assert site_tree(y.root / "_site") == site_tree(x.root / "_site")
    manifest = json.loads((y.root / "_site" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["history"]["events"] == lines_in(y.history())

    # X changes the store again; Y's next build writes that change too.
    x.ok("retract", slugs[0], "--reason", "the labels were never added")
    y.ok("build")
    assert y.history() == x.history()
    assert "retracted" in (y.root / "_site" / "events" / slugs[0] / "index.html").read_text(encoding="utf-8").lower()
    y.verified()


# 5. Two clones writing at the same time ---------------------------------------------------------------

# Corrects one entry CORRECTIONS_PER_CLONE times, each a `timeline correct` process of its own.
LOOP = """
import subprocess, sys
slug, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(count):
    subprocess.run(
        [sys.executable, "-m", "timeline", "correct", slug, "--summary", f"Summary by {name}, correction {i}.",
         "--reason", f"{name} correction {i}"],
        check=True, timeout=120,
    )
"""


def test_two_clones_correcting_different_entries_at_once_end_in_agreement(team: tuple[Clone, Clone]) -> None:
    x, y = team
    x_slug, y_slug = record_in(x, "Twitter")
    y.ok("sync")

    def loop(clone: Clone, slug: str) -> subprocess.Popen[str]:
        env = {k: v for k, v in os.environ.items() if k not in ("TIMELINE_STORE", "TIMELINE_ARCHIVE")}
        env.update(clone.env())
        return subprocess.Popen(
            [sys.executable, "-c", LOOP, slug, clone.editor, str(CORRECTIONS_PER_CLONE)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    processes = [loop(x, x_slug), loop(y, y_slug)]
    try:
        outputs = [p.communicate(timeout=PROCESS_TIMEOUT) for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    for process, (stdout, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, f"{stdout}{stderr}"

    for clone in (x, y):
        clone.ok("sync")
    assert x.history() == y.history()
    assert x.events() == y.events()
    assert lines_in(x.history()) == len(x.stored())
    x.verified()
    y.verified()
    for slug, name in ((x_slug, "Alice"), (y_slug, "Bob")):
        changes = x.json("history", slug)
        own = [c["reason"] for c in changes if c["editor"] == name and c["reason"].startswith(name)]
        assert own == [f"{name} correction {i}" for i in range(CORRECTIONS_PER_CLONE)]
        assert x.json("show", slug)["summary"] == f"Summary by {name}, correction {CORRECTIONS_PER_CLONE - 1}."
