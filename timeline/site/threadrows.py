"""Threads as the read model keeps them, and how pages read them (see threads.py for how they are
made): each key ever published has a row, live, merged into another key, or ended; each entry in
a thread has a membership row."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

THREAD_TABLES = [
    # state: "live", "merged" (its page leads to merged_into) or "ended" (its entries are no longer
    # linked; its page stays, naming them). since: the store position the key was first given at.
    # latest: the last day any entry of it reaches, which the list of threads is ordered by.
    """CREATE TABLE IF NOT EXISTS threads (key TEXT PRIMARY KEY, anchor TEXT, since INTEGER, state TEXT,
        merged_into TEXT, latest TEXT, data TEXT)""",
    "CREATE INDEX IF NOT EXISTS threads_by_target ON threads (merged_into)",
    "CREATE TABLE IF NOT EXISTS thread_members (entry_id TEXT PRIMARY KEY, key TEXT)",
    "CREATE INDEX IF NOT EXISTS thread_members_by_key ON thread_members (key)",
]


class ThreadRows:
    """The tables of threads and how pages read them, mixed into the read model (readmodel.SiteView)."""

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *THREAD_TABLES]  # type: ignore[misc]

    def _rows(self, statement: str, params: Iterable[Any] = ()) -> list[Any]:
        raise NotImplementedError

    def thread(self, key: str) -> dict[str, Any] | None:
        """The thread's document with its ``state`` and ``merged_into`` (None for a key never given)."""
        rows = self._rows("SELECT state, merged_into, data FROM threads WHERE key = ?", (key,))
        if not rows:
            return None
        return json.loads(rows[0][2]) | {"state": rows[0][0], "merged_into": rows[0][1]}

    def thread_keys(self) -> list[str]:
        """Every key ever given to a thread: its page stays, as a thread, a redirect or a notice."""
        return [r[0] for r in self._rows("SELECT key FROM threads ORDER BY key")]

    def live_threads(self) -> list[dict[str, Any]]:
        """The documents of the live threads, the one reaching the latest day first."""
        rows = self._rows("SELECT data FROM threads WHERE state = 'live' ORDER BY latest DESC, key")
        return [json.loads(r[0]) for r in rows]

    def thread_cards(self, key: str) -> list[dict[str, Any]]:
        """The cards of a thread's entries, in date order (within a day, causal: see dayorder.py)."""
        rows = self._rows(
            "SELECT e.card FROM thread_members m JOIN entries e ON e.id = m.entry_id WHERE m.key = ? "
            "ORDER BY e.date_start, e.day_rank, e.id",
            (key,),
        )
        return [json.loads(r[0]) for r in rows]

    def thread_of(self, entry_id: str) -> dict[str, Any] | None:
        """The document of the thread an entry is part of (None if it is part of none)."""
        rows = self._rows(
            "SELECT t.data FROM thread_members m JOIN threads t ON t.key = m.key WHERE m.entry_id = ?", (entry_id,)
        )
        return json.loads(rows[0][0]) if rows else None
