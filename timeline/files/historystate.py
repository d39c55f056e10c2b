"""What the history files held when last read or written, and where the store last agreed with them.

``.timeline/history-state.sqlite``: for each file its (mtime, size) and last line's sha;
for each aggregate the file holding it and its newest version there; and the store
position at which the store and the files last agreed. A command compares the files'
stat with it and reads only the files that changed (after a ``git pull``, a merge, a
hand edit); when none did and the store has not moved either, store and files still
agree and nothing more is read. It is a cache: losing it costs one slower run, never
a wrong one, so it is written without waiting for the disk.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Collection
from pathlib import Path
from uuid import UUID

from timeline.files.statedb import open_state

# Raised when the tables change: a state of another version is dropped (it is only a cache).
VERSION = 1
_FEW = 200  # up to this many files are looked up one by one; more, by reading every row
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, mtime INTEGER, size INTEGER, sha TEXT)",
    "CREATE TABLE IF NOT EXISTS aggregates (id TEXT PRIMARY KEY, name TEXT, version INTEGER)",
    "CREATE INDEX IF NOT EXISTS aggregates_by_file ON aggregates (name)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
)


def _set_up(connection: sqlite3.Connection) -> None:
    if connection.execute("PRAGMA user_version").fetchone()[0] != VERSION:
        for table in ("files", "aggregates", "meta"):
            connection.execute(f"DROP TABLE IF EXISTS {table}")
        connection.execute(f"PRAGMA user_version = {VERSION}")
    for statement in _SCHEMA:
        connection.execute(statement)


class HistoryState:
    def __init__(self, path: Path):
        self.connection = open_state(path, _set_up)

    def close(self) -> None:
        self.connection.close()

    def stats(self, names: Collection[str]) -> dict[str, tuple[int, int]]:
        """The (mtime, size) of each of ``names`` when last read or written (if it was)."""
        if len(names) > _FEW:
            rows = self.connection.execute("SELECT name, mtime, size FROM files")
            return {name: (mtime, size) for name, mtime, size in rows if name in names}
        found = {}
        for name in names:
            row = self.connection.execute("SELECT mtime, size FROM files WHERE name = ?", (name,)).fetchone()
            if row:
                found[name] = (row[0], row[1])
        return found

    def names(self) -> set[str]:
        """Every file remembered."""
        return {name for (name,) in self.connection.execute("SELECT name FROM files")}

    def checked_at(self) -> int | None:
        """When the last complete check of the files began (see :mod:`timeline.files.recent`)."""
        row = self.connection.execute("SELECT value FROM meta WHERE key = 'checked_at'").fetchone()
        return int(row[0]) if row else None

    def checked(self, moment: int) -> None:
        with self.connection:
            self.connection.execute("INSERT OR REPLACE INTO meta VALUES ('checked_at', ?)", (str(moment),))

    def remember(self, name: str, stat: os.stat_result, sha: str, versions: dict[UUID, int]) -> None:
        """What file ``name`` holds now."""
        with self.connection:
            self.connection.execute("BEGIN")
            self.connection.execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", (name, stat.st_mtime_ns, stat.st_size, sha)
            )
            self.connection.execute("DELETE FROM aggregates WHERE name = ?", (name,))
            self.connection.execute("DELETE FROM meta WHERE key = 'summary'")
            self.connection.executemany(
                "INSERT OR REPLACE INTO aggregates VALUES (?, ?, ?)",
                [(str(aggregate), name, version) for aggregate, version in versions.items()],
            )

    def read_again(self, names: Collection[str]) -> None:
        """Forget files so that the next command reads them again (it then checks every file, since
        these may be older than the last check)."""
        with self.connection:
            self.connection.execute("DELETE FROM meta WHERE key = 'checked_at'")
        self.forget(names)

    def forget(self, names: Collection[str]) -> None:
        """Files that are gone."""
        if not names:
            return
        with self.connection:
            self.connection.execute("BEGIN")
            self.connection.execute("DELETE FROM meta WHERE key = 'summary'")
            for name in names:
                self.connection.execute("DELETE FROM files WHERE name = ?", (name,))
                self.connection.execute("DELETE FROM aggregates WHERE name = ?", (name,))

    def versions(self) -> dict[UUID, tuple[str, int]]:
        """Every aggregate's file and newest version there."""
        rows = self.connection.execute("SELECT id, name, version FROM aggregates")
        return {UUID(aggregate): (name, version) for aggregate, name, version in rows}

    def locate(self, aggregate: UUID) -> tuple[str, int] | None:
        """The file holding ``aggregate`` and its newest version there, if any file does."""
        row = self.connection.execute("SELECT name, version FROM aggregates WHERE id = ?", (str(aggregate),)).fetchone()
        return (row[0], row[1]) if row else None

    def summary(self, make: Callable[[], dict[str, object]]) -> dict[str, object]:
        """The files' summary for a site's manifest, as ``make`` gives it, kept until a file changes
        (so a build does not read every file's sha again)."""
        row = self.connection.execute("SELECT value FROM meta WHERE key = 'summary'").fetchone()
        if row:
            return dict(json.loads(row[0]))
        made = make()
        with self.connection:
            self.connection.execute("INSERT OR REPLACE INTO meta VALUES ('summary', ?)", (json.dumps(made),))
        return made

    def shas(self) -> dict[str, str]:
        return dict(self.connection.execute("SELECT name, sha FROM files"))

    def events(self) -> int:
        return int(self.connection.execute("SELECT COALESCE(SUM(version), 0) FROM aggregates").fetchone()[0])

    def agreed_at(self, store: str) -> int | None:
        """The store position at which ``store`` and the files last agreed, if known."""
        rows = dict(self.connection.execute("SELECT key, value FROM meta"))
        if rows.get("store") != store or rows.get("position") in (None, ""):
            return None
        return int(rows["position"])

    def agree_at(self, store: str, position: int | None) -> None:
        """Remember that ``store`` at ``position`` and the files agree (None: not known)."""
        with self.connection:
            self.connection.execute("BEGIN")
            self.connection.execute(
                "INSERT OR REPLACE INTO meta VALUES (?, ?), (?, ?)",
                ("store", store, "position", "" if position is None else str(position)),
            )
