"""The history folder: where each aggregate's history file lives, and what each file held
when it was last read or written.

``history/<slug>.jsonl`` for an entry (its changes and its name reservations),
``history/bundles/<name>.jsonl`` for a citation bundle, ``history/actors/<key>.jsonl`` for an
actor's profile; see
:mod:`timeline.formats.historyfile` for the lines. Files are rewritten whole and
atomically, so a crash never leaves half a line.

What each file held when last read or written is remembered in the history's state
(:mod:`timeline.files.historystate`), so a command reads only the files that changed.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

from timeline.files import recent
from timeline.files.archive import STATE_DIR
from timeline.files.atomic import sync_folder, write_atomically
from timeline.files.historystate import HistoryState
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
ACTORS_DIR = "actors"
STATE_FILE = "history-state.sqlite"
LOCK_FILE = "history.lock"
# Events of an aggregate a file lacks: (aggregate, newest version the file has, version wanted) -> lines.
Fill = Callable[[UUID, int, int], list[HistoryLine]]


def entry_history(slug: str) -> str:
    """The name (relative to ``history/``) of an entry's history file."""
    return f"{slug}{SUFFIX}"


def bundle_history(name: str) -> str:
    return f"{BUNDLES_DIR}/{name}{SUFFIX}"


def actor_history(key: str) -> str:
    return f"{ACTORS_DIR}/{key}{SUFFIX}"


_FOLDERS = ("", BUNDLES_DIR, ACTORS_DIR)  # where history files live, relative to history/


def listed(folder: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every history file under ``folder`` as (name relative to it, its directory entry)."""
    for sub in _FOLDERS:
        try:
            entries = list(os.scandir(folder / sub) if sub else os.scandir(folder))
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.name.endswith(SUFFIX) and entry.is_file():
                yield (f"{sub}/{entry.name}" if sub else entry.name), entry


def scan(folder: Path) -> Iterator[tuple[str, os.stat_result]]:
    """Every history file under ``folder`` as (name relative to it, stat)."""
    for name, entry in listed(folder):
        yield name, entry.stat()


class HistoryFolder:
    """The archive's history/ folder and its state (see :mod:`timeline.files.historystate`)."""

    def __init__(self, root: Path):
        self.root = root
        self.folder = root / HISTORY_DIR
        self._held = False
        self.state = HistoryState(root / STATE_DIR / STATE_FILE)

    def close(self) -> None:
        self.state.close()

    def path(self, name: str) -> Path:
        return self.folder / name

    def changed(self) -> tuple[dict[str, HistoryFile | Exception], set[str]]:
        """The files changed since last read or written (and new ones), read and remembered, or the
        error reading each; and the names of files that are gone (forgotten)."""
        began = recent.now()
        suspects, gone = self._suspects()
        known = self.state.stats(suspects)
        read: dict[str, HistoryFile | Exception] = {}
        for name in sorted(suspects):
            try:
                stat = os.stat(self.folder / name)
            except FileNotFoundError:
                gone.add(name)
                continue
            if known.pop(name, None) == (stat.st_mtime_ns, stat.st_size):
                continue
            try:
                history = read_history(self.folder / name)
            except Exception as error:  # reported by the caller, with the file's name and line
                read[name] = error
                continue
            read[name] = history
            self.state.remember(name, stat, history.last_sha, history.versions)
        self.state.forget(gone)
        if not any(isinstance(result, Exception) for result in read.values()):
            self.state.checked(began)  # (a file that could not be read is not remembered: read it again)
        return read, gone

    def _suspects(self) -> tuple[set[str], set[str]]:
        """The files that may differ from what the state remembers (every file, unless
        :mod:`~timeline.files.recent` can tell which), and the names of those that are gone."""
        paths = recent.changed_since(self.root, [HISTORY_DIR], self.state.checked_at())
        folders = {f"{HISTORY_DIR}/{sub}".rstrip("/") for sub in _FOLDERS}
        suspects: set[str] = set()
        gone: set[str] = set()
        if paths is None or paths & folders:  # unknown, or a file was added, removed or renamed
            present = {name for name, _ in listed(self.folder)}
            remembered = self.state.names()
            suspects, gone = (present if paths is None else present - remembered), remembered - present
        for path in paths or ():
            name = path.removeprefix(f"{HISTORY_DIR}/")
            folder, _, file = name.rpartition("/")
            if file.endswith(SUFFIX) and folder in _FOLDERS:  # (as listed() finds them: no deeper)
                suspects.add(name)
        return suspects - gone, gone

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

    def append(self, name: str, lines: list[HistoryLine], fill: Fill, *, durable: bool = True) -> int:
        """Add the events ``lines`` (unchained) at the end of file ``name``, under :meth:`locked`.

        The file is read first: events it already holds (written by another process) are
        skipped, and versions it lacks before the new ones are asked of ``fill(aggregate,
        after, before)``. Returns how many lines were added."""
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
            return 0
        chained = chain(sorted(new, key=time_order), current.last_sha)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, history_text(current.lines) + history_text(chained), durable=durable)
        self.state.remember(name, path.stat(), chained[-1].sha, versions)
        return len(new)

    def rewrite(self, name: str, lines: list[HistoryLine]) -> None:
        """Replace file ``name`` with ``lines`` (chained), unless it holds them already."""
        path = self.folder / name
        text = history_text(lines)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            write_atomically(path, text, durable=True)
        versions = {line.aggregate_id: line.version for line in lines}
        self.state.remember(name, path.stat(), lines[-1].sha if lines else "", versions)

    def flush(self) -> None:
        """Make bulk writes (``durable=False``) durable: one flush of each folder."""
        for folder in (self.folder, self.folder / BUNDLES_DIR, self.folder / ACTORS_DIR):
            if folder.is_dir():
                sync_folder(folder)


def describe(root: Path) -> dict[str, object]:
    """The committed history in a few figures, for a site's manifest: how many files and events,
    and a digest of every file's last sha (two folders with the same digest hold the same history)."""
    folder = HistoryFolder(root)
    try:
        folder.changed()
        return folder.state.summary(lambda: summary(folder.state.shas(), folder.state.events()))
    finally:
        folder.close()


def summary(shas: dict[str, str], events: int) -> dict[str, object]:
    """See :func:`describe`: the figures of a history whose files end with ``shas``."""
    digest = hashlib.sha256("".join(f"{name} {shas[name]}\n" for name in sorted(shas)).encode("utf-8"))
    return {"files": len(shas), "events": events, "sha256": digest.hexdigest()}
