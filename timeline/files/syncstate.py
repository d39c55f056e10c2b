"""What the store and the events/ files last agreed on, so a sync reads only what changed.

For each file: its (mtime, size) when it was last written from the store or read
into it, and its entry's id. A file whose stat is unchanged since then holds what
the store held, so a sync does not read it again. Every command that writes a file
from the store records it here, and so does every sync: the first build after an
import of 10,000 entries stats 10,000 files instead of parsing them.

The state belongs to one store (a store URL) and one position: a store that lost
changes (a new clone, a replaced file) has a lower position than the state, and
the state is dropped, so everything is read. It is a cache: losing it costs one
slow sync, never a wrong one, so it is written without waiting for the disk.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from timeline.files.archive import STATE_DIR
from timeline.files.statedb import open_state

STATE_FILE = "sync-state.sqlite"


def state_files(folder: Path) -> list[Path]:
    """The files holding the state of ``folder`` (an archive's events/), to forget it."""
    state = folder.parent / STATE_DIR / STATE_FILE
    return [state, *(state.with_name(state.name + suffix) for suffix in ("-wal", "-shm"))]


def _set_up(connection: sqlite3.Connection) -> None:
    connection.execute(
        "CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, mtime INTEGER, size INTEGER, entry_id TEXT)"
    )
    connection.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")


class SyncState:
    def __init__(self, folder: Path, store: str):
        """``folder`` is the archive's events/ folder; the state lives beside it in .timeline/."""
        self.folder = folder
        self.store = store
        self.connection = open_state(state_files(folder)[0], _set_up)

    def close(self) -> None:
        self.connection.close()

    def _meta(self) -> tuple[str | None, int]:
        rows = dict(self.connection.execute("SELECT key, value FROM meta").fetchall())
        return rows.get("store"), int(rows.get("position") or 0)

    def known(self, position: int) -> tuple[dict[str, tuple[int, int, str]], int]:
        """Every file's (mtime_ns, size, entry id) as last agreed, and the store position of the last
        complete agreement (a sync); nothing if the state is not for this store or is ahead of it
        (``position`` is the store's)."""
        store, saved = self._meta()
        if store != self.store or saved > position:
            return {}, 0
        rows = self.connection.execute("SELECT name, mtime, size, entry_id FROM files")
        return {name: (mtime, size, entry_id) for name, mtime, size, entry_id in rows}, saved

    def complete_at(self, position: int) -> int | None:
        """How many files the state holds, if the last sync, which dealt with every file (it left a
        moment), was of this store at exactly ``position``; else None."""
        store, saved = self._meta()
        if store != self.store or saved != position or self.checked_at() is None:
            return None
        return int(self.connection.execute("SELECT COUNT(*) FROM files").fetchone()[0])

    def checked_at(self) -> int | None:
        """When the last sync that dealt with every file began (see :mod:`timeline.files.recent`)."""
        row = self.connection.execute("SELECT value FROM meta WHERE key = 'checked_at'").fetchone()
        return int(row[0]) if row and row[0] else None

    def record(
        self,
        ids: Mapping[str, str],
        position: int | None,
        moment: int | None = None,
        unchanged: Mapping[str, tuple[int, int, str]] | None = None,
    ) -> None:
        """Remember the files named in ``ids`` (file name -> entry id) as they are on disk now.

        With a ``position`` (after a sync), ``ids`` names every file and every entry up to that
        store position has one: other rows are dropped; ``moment`` is when that sync began, if it
        dealt with every file (one that refused a file leaves none). Without (after a command
        rewrote a few files), the rows are added and the position is left alone, since entries
        saved by other writers may still lack their files. ``unchanged``: rows known to hold still
        (the sync found them untouched), so their files need no stat.
        """
        rows = []
        for name, entry_id in ids.items():
            if unchanged and name in unchanged and unchanged[name][2] == entry_id:
                rows.append((name, *unchanged[name]))
                continue
            try:
                stat = os.stat(self.folder / name)
            except FileNotFoundError:
                continue
            rows.append((name, stat.st_mtime_ns, stat.st_size, entry_id))
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            store, saved = self._meta()
            if position is not None or store != self.store:
                self.connection.execute("DELETE FROM files")
            self.connection.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", rows)
            if position is None:
                position = saved if store == self.store else 0
                moment = self.checked_at() if store == self.store else None
            self._set_meta(position, moment)

    def advance(self, position: int, moment: int | None) -> None:
        """Every file is as recorded, every entry up to ``position`` has its file, and the sync that
        found it so began at ``moment`` (see :meth:`record`)."""
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            self._set_meta(position, moment)

    def _set_meta(self, position: int, moment: int | None) -> None:
        self.connection.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [("store", self.store), ("position", str(position)), ("checked_at", "" if moment is None else str(moment))],
        )


def sync_checked_at(folder: Path, store: str) -> int | None:
    """When the last complete sync of ``folder`` with ``store`` began (see :meth:`SyncState.checked_at`)."""
    state = SyncState(folder, store)
    try:
        return state.checked_at()
    finally:
        state.close()
