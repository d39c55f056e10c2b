"""The live entries of each day as the duplicate check weighs them, kept beside the archive so
that ``timeline add`` reads only the changes saved since the last command, not the whole change
log (an add at 10,000 entries: 1.4 s of reading every entry, without it a few milliseconds).

``.timeline/same-day.sqlite`` holds each live entry's evidence (title, kind, actors, platforms,
source addresses) under the day its date starts, and the store position it reflects together
with the change at that position (its aggregate and version). That change is looked up in the
store before the cache is used: a store made anew (a clone, a replaced file, another store
named) does not hold it there, and the cache is built again. It is a cache: losing it costs one
slower add, never a wrong answer.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper

from timeline.app.names import ENTRY_TOPIC_PREFIX, DuplicateCheck, Evidence, entries_in_one_pass
from timeline.domain.model import PolicyEvent
from timeline.files.statedb import open_state
from timeline.store import notifications as log

STATE_FILE = "same-day.sqlite"
VERSION = 4  # raised when the tables or the evidence change: a cache of another version is dropped
_SCHEMA = (
    # (recorded: the store position the entry was recorded at, so the first of look-alikes is named)
    "CREATE TABLE IF NOT EXISTS evidence (entry_id TEXT PRIMARY KEY, day TEXT, recorded INTEGER, data TEXT)",
    "CREATE INDEX IF NOT EXISTS evidence_by_day ON evidence (day)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
)


def duplicate_check(
    recorder: ApplicationRecorder, mapper: Mapper[UUID], entry: Callable[[UUID], PolicyEvent], cache: Path | None
) -> DuplicateCheck:
    """The check of a new entry against the live entries of its day: from the cache at ``cache``,
    or, without one, from every entry read in one pass."""
    if cache is None:
        return DuplicateCheck.in_store(recorder, mapper)
    return DuplicateCheck(day=SameDayIndex(cache, recorder, mapper, entry).day)


def catch_up(
    recorder: ApplicationRecorder, mapper: Mapper[UUID], entry: Callable[[UUID], PolicyEvent], cache: Path
) -> None:
    """Bring the cache at ``cache`` up to the store: after history/ was replayed into it (a fresh
    clone, a pull), so that the first add pays for a day's rows, not for reading every entry."""
    SameDayIndex(cache, recorder, mapper, entry).catch_up()


def _set_up(connection: sqlite3.Connection) -> None:
    if connection.execute("PRAGMA user_version").fetchone()[0] != VERSION:
        for table in ("evidence", "meta"):
            connection.execute(f"DROP TABLE IF EXISTS {table}")
        connection.execute(f"PRAGMA user_version = {VERSION}")
    for statement in _SCHEMA:
        connection.execute(statement)


def _dumps(evidence: Evidence) -> str:
    fields = vars(evidence)
    return json.dumps({k: sorted(v) if isinstance(v, frozenset) else v for k, v in fields.items()})


def _loads(text: str) -> Evidence:
    f = json.loads(text)
    sets = {name: frozenset(f[name]) for name in ("actors", "platforms", "addresses", "leads")}
    return Evidence(slug=f["slug"], date=f["date"], title=f["title"], kind=f["kind"], **sets)


class SameDayIndex:
    """The live entries' evidence by the day their date starts, caught up with the store on use."""

    def __init__(
        self,
        path: Path,
        recorder: ApplicationRecorder,
        mapper: Mapper[UUID],
        entry: Callable[[UUID], PolicyEvent],
    ) -> None:
        self._path = path
        self._recorder = recorder
        self._mapper = mapper
        self._entry = entry

    def day(self, day: dt.date) -> list[Evidence]:
        """The evidence of the live entries whose date starts on ``day``, as the store now holds them."""
        with self._caught_up() as connection:
            rows = connection.execute(
                "SELECT data FROM evidence WHERE day = ? ORDER BY recorded, entry_id", (day.isoformat(),)
            )
            return [_loads(row[0]) for row in rows]

    def catch_up(self) -> None:
        """Bring the cache up to the store now, as the next add would."""
        with self._caught_up():
            pass

    @contextmanager
    def _caught_up(self) -> Iterator[sqlite3.Connection]:
        connection = open_state(self._path, _set_up)
        try:
            self._catch_up(connection)
            yield connection
        finally:
            connection.close()

    def _catch_up(self, connection: sqlite3.Connection) -> None:
        # One writer at a time; another command's catch-up waits, then finds little or nothing left.
        connection.execute("BEGIN IMMEDIATE")
        try:
            position = self._position(connection)
            newest = self._recorder.max_notification_id() or 0
            if newest != position:
                anew = position == 0 or newest < position
                if anew:
                    connection.execute("DELETE FROM evidence")
                self._write(connection, *self._changed(0 if anew else position, newest, anew))
                self._mark(connection, newest)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    def _changed(self, after: int, stop: int, anew: bool) -> tuple[Iterable[PolicyEvent], dict[UUID, int]]:
        """The entries changed after position ``after`` as they stand, and the positions of those
        recorded since. Made anew, every entry is rebuilt in one pass over the change log; caught
        up, each changed one is read from the store."""
        recorded: dict[UUID, int] = {}
        if anew:
            return entries_in_one_pass(self._recorder, self._mapper, stop=stop, recorded=recorded), recorded
        changed: dict[UUID, None] = {}
        for notification in log.notifications(self._recorder, after=after, stop=stop):
            if notification.topic.startswith(ENTRY_TOPIC_PREFIX):
                entry_id = UUID(str(notification.originator_id))
                changed[entry_id] = None
                if notification.originator_version == 1:
                    recorded[entry_id] = notification.id
        return (self._entry(entry_id) for entry_id in changed), recorded

    def _position(self, connection: sqlite3.Connection) -> int:
        """The store position the cache reflects, or 0 when it must be built again (none yet, or
        the change it recorded at that position is not the store's)."""
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        position = int(meta.get("position", 0))
        if position == 0:
            return 0
        return position if log.change_at(self._recorder, position) == tuple(json.loads(meta["mark"])) else 0

    def _mark(self, connection: sqlite3.Connection, position: int) -> None:
        mark = list(log.change_at(self._recorder, position) or ())
        connection.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)", [("position", str(position)), ("mark", json.dumps(mark))]
        )

    @staticmethod
    def _write(connection: sqlite3.Connection, entries: Iterable[PolicyEvent], recorded: dict[UUID, int]) -> None:
        for entry in entries:
            if not entry.is_live:
                connection.execute("DELETE FROM evidence WHERE entry_id = ?", (str(entry.id),))
                continue
            evidence = _dumps(Evidence.of(entry, entry.slug))
            connection.execute(
                "INSERT INTO evidence VALUES (?, ?, ?, ?) ON CONFLICT (entry_id) DO UPDATE SET day = excluded.day, "
                "data = excluded.data, recorded = COALESCE(excluded.recorded, evidence.recorded)",
                (str(entry.id), entry.date.start.isoformat(), recorded.get(entry.id), evidence),
            )
