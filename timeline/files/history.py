"""The history folder: where each aggregate's history file lives, and what each file held
when it was last read or written.

``history/<slug>.jsonl`` for an entry (its changes and its name reservations),
``history/bundles/<name>.jsonl`` for a citation bundle; see
:mod:`timeline.formats.historyfile` for the lines. Files are rewritten whole and
atomically, so a crash never leaves half a line.

The state (``.timeline/history-state.sqlite``) remembers, for each file, its (mtime,
size) and the newest version of each aggregate in it, so a command reads only the
files that changed since (after a ``git pull``, a merge, a hand edit). It is a cache:
losing it costs one slower run, never a wrong one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from timeline.files.archive import STATE_DIR
from timeline.files.atomic import sync_folder, write_atomically
from timeline.formats.historyfile import (
    SUFFIX,
    HistoryFile,
    HistoryLine,
    chain,
    history_text,
    read_history,
    time_order,
)

HISTORY_DIR = "history"
BUNDLES_DIR = "bundles"
STATE_FILE = "history-state.sqlite"
LOCK_FILE = "history.lock"
# Events of an aggregate a file lacks: (aggregate, newest version the file has, version wanted) -> lines.
Fill = Callable[[UUID, int, int], list[HistoryLine]]


def entry_history(slug: str) -> str:
    """The name (relative to ``history/``) of an entry's history file."""
    return f"{slug}{SUFFIX}"


def bundle_history(name: str) -> str:
    return f"{BUNDLES_DIR}/{name}{SUFFIX}"


@dataclass
class FileFacts:
    """What a history file holds: its last line's sha and each aggregate's newest version."""

    sha: str
    versions: dict[UUID, int]


def scan(folder: Path) -> Iterator[tuple[str, os.stat_result]]:
    """Every history file under ``folder`` as (name relative to it, stat)."""
    for sub in ("", BUNDLES_DIR):
        try:
            entries = list(os.scandir(folder / sub) if sub else os.scandir(folder))
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.name.endswith(SUFFIX) and entry.is_file():
                yield (f"{sub}/{entry.name}" if sub else entry.name), entry.stat()


class HistoryFolder:
    """The archive's history/ folder and its state (see the module's docstring)."""

    def __init__(self, root: Path):
        self.root = root
        self.folder = root / HISTORY_DIR
        self._held = False
        state = root / STATE_DIR / STATE_FILE
        state.parent.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(state, timeout=30, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=OFF")
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, mtime INTEGER, size INTEGER, facts TEXT)"
        )

    def close(self) -> None:
        self.connection.close()

    def path(self, name: str) -> Path:
        return self.folder / name

    def facts(self) -> tuple[dict[str, FileFacts], dict[str, HistoryFile | Exception]]:
        """Every file's facts, from the state where the file is unchanged; the files read anew
        (changed, or new to the state) are also returned whole, or the error reading them."""
        known = {
            name: (mtime, size, facts)
            for name, mtime, size, facts in self.connection.execute("SELECT name, mtime, size, facts FROM files")
        }
        found: dict[str, FileFacts] = {}
        read: dict[str, HistoryFile | Exception] = {}
        for name, stat in scan(self.folder):
            cached = known.pop(name, None)
            if cached is not None and cached[:2] == (stat.st_mtime_ns, stat.st_size):
                found[name] = _decode(cached[2])
                continue
            try:
                history = read_history(self.folder / name)
            except Exception as error:  # reported by the caller, with the file's name and line
                read[name] = error
                continue
            read[name] = history
            found[name] = FileFacts(history.last_sha, dict(history.versions))
            self._remember(name, stat, found[name])
        if known:  # files that are gone
            self.connection.executemany("DELETE FROM files WHERE name = ?", [(name,) for name in known])
        return found, read

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the history's lock: writers in other processes read and extend the same files.
        (Re-entrant: a second lock of the file from this process would wait for itself.)"""
        if self._held:
            yield
            return
        with open(self.root / STATE_DIR / LOCK_FILE, "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            self._held = True
            try:
                yield
            finally:
                self._held = False
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def append(self, name: str, lines: list[HistoryLine], fill: Fill, *, durable: bool = True) -> tuple[FileFacts, int]:
        """Add the events ``lines`` (unchained) at the end of file ``name``, under :meth:`locked`.

        The file is read first: events it already holds (written by another process) are
        skipped, and versions it lacks before the new ones are asked of ``fill(aggregate,
        after, before)``. Returns the file's facts and how many lines were added."""
        path = self.folder / name
        try:
            current = read_history(path)
        except FileNotFoundError:
            current = HistoryFile(path)
        versions = dict(current.versions)
        new: list[HistoryLine] = []
        for line in sorted(lines, key=time_order):
            have = versions.get(line.aggregate_id, 0)
            if line.version <= have:
                continue
            if line.version > have + 1:
                new.extend(fill(line.aggregate_id, have, line.version))
            new.append(line)
            versions[line.aggregate_id] = line.version
        if not new:
            return FileFacts(current.last_sha, versions), 0
        chained = chain(sorted(new, key=time_order), current.last_sha)
        path.parent.mkdir(parents=True, exist_ok=True)
        old = "".join(line.text + "\n" for line in current.lines)
        write_atomically(path, old + history_text(chained), durable=durable)
        facts = FileFacts(chained[-1].sha, versions)
        self._remember(name, path.stat(), facts)
        return facts, len(new)

    def rewrite(self, name: str, lines: list[HistoryLine], facts: FileFacts) -> FileFacts:
        """Replace file ``name`` with ``lines`` (chained), unless it holds them already."""
        path = self.folder / name
        text = history_text(lines)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            write_atomically(path, text, durable=True)
        self._remember(name, path.stat(), facts)
        return facts

    def flush(self) -> None:
        """Make bulk writes (``durable=False``) durable: one flush of each folder."""
        for folder in (self.folder, self.folder / BUNDLES_DIR):
            if folder.is_dir():
                sync_folder(folder)

    def _remember(self, name: str, stat: os.stat_result, facts: FileFacts) -> None:
        self.connection.execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
            (name, stat.st_mtime_ns, stat.st_size, _encode(facts)),
        )


def describe(root: Path) -> dict[str, object]:
    """The committed history in a few figures, for a site's manifest: how many files and events,
    and a digest of every file's last sha (two folders with the same digest hold the same history)."""
    folder = HistoryFolder(root)
    try:
        found, _ = folder.facts()
    finally:
        folder.close()
    return summary(found)


def summary(found: dict[str, FileFacts]) -> dict[str, object]:
    """See :func:`describe`: the figures of a history whose files hold ``found``."""
    digest = hashlib.sha256("".join(f"{name} {found[name].sha}\n" for name in sorted(found)).encode("utf-8"))
    return {
        "files": len(found),
        "events": sum(sum(facts.versions.values()) for facts in found.values()),
        "sha256": digest.hexdigest(),
    }


def _encode(facts: FileFacts) -> str:
    return json.dumps([facts.sha, {str(k): v for k, v in facts.versions.items()}])


def _decode(text: str) -> FileFacts:
    sha, versions = json.loads(text)
    return FileFacts(sha, {UUID(k): v for k, v in versions.items()})
