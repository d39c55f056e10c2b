"""The order of the entries of one day (see :mod:`timeline.domain.dayorder`: an entry after what it
responds to, follows, ends or supersedes), as the read model keeps it.

Every listing sorts by (date_start, day_rank, id) (readmodel.DATE_ORDER): ``day_rank`` is an entry's
place among the live entries whose date starts on the same day. It depends on the whole day, so a
change of one entry (a link made or removed, a new date, title or life) can move others of its day;
:func:`settle` computes the day anew and says which entries moved, whose listings must be rendered again.
A rank is a function of the day's entries and their links as they stand, never of the order the
changes came in, so an incremental projection and a full one store the same ranks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eventsourcing.sqlite import SQLiteCursor

from timeline.domain.dayorder import order_of_day
from timeline.domain.relations import ORDERED

_ORDERED_TYPES = tuple(sorted(kind.value for kind in ORDERED))


def orders_the_day(doc: dict[str, Any] | None) -> tuple[Any, ...] | None:
    """What of an entry's document its day's order rests on (None for an entry in no listing): two
    states with the same value leave every rank of the day as it was."""
    if doc is None or not doc["live"]:
        return None
    links = sorted((r["type"], r["target_id"]) for r in doc["relations"] if r["type"] in _ORDERED_TYPES)
    return (doc["date_start"], doc["date_end"], doc["recorded"], doc["title"], links)


def days_to_settle(old: dict[str, Any] | None, doc: dict[str, Any]) -> set[str]:
    """The days (date_start) whose order a change of an entry from OLD to DOC may change."""
    before, after = orders_the_day(old), orders_the_day(doc)
    if before == after:
        return set()
    return {state[0] for state in (before, after) if state is not None}


def settle(cursor: SQLiteCursor, days: Iterable[str], changed: str) -> set[str]:
    """Rank the live entries of each of DAYS anew (in the entries and memberships tables), after a
    change of the entry CHANGED; returns the ids of the other entries whose order among the others
    changed. An entry coming or going shifts the ranks after it, but lists them in the same order:
    only a changed order changes a listing the changed entry is not on."""
    moved: set[str] = set()
    for day in sorted(set(days)):
        cursor.execute(
            "SELECT id, date_end, recorded, title, day_rank FROM entries WHERE live = 1 AND date_start = ?", (day,)
        )
        rows = cursor.fetchall()
        stored = {row[0]: row[4] for row in rows}
        ordered = order_of_day([(r[0], r[1], r[2], r[3]) for r in rows], _links_of_day(cursor, day))
        changed_ranks = [(rank, entry_id) for rank, entry_id in enumerate(ordered) if stored[entry_id] != rank]
        cursor.executemany("UPDATE entries SET day_rank = ? WHERE id = ?", changed_ranks)
        cursor.executemany("UPDATE memberships SET day_rank = ? WHERE entry_id = ?", changed_ranks)
        before = [i for i in sorted(stored, key=lambda i: (stored[i], i)) if i != changed]
        after = [i for i in ordered if i != changed]
        moved |= {was for was, now in zip(before, after, strict=True) if was != now}
    return moved


def _links_of_day(cursor: SQLiteCursor, day: str) -> list[tuple[str, str]]:
    """(earlier id, later id) of the ordering links between live entries of DAY."""
    marks = ", ".join("?" * len(_ORDERED_TYPES))
    cursor.execute(
        "SELECT r.target_id, r.source_id FROM entries s JOIN relations r ON r.source_id = s.id "
        "JOIN entries t ON t.id = r.target_id "
        f"WHERE s.live = 1 AND s.date_start = ? AND t.live = 1 AND t.date_start = ? AND r.type IN ({marks})",
        (day, day, *_ORDERED_TYPES),
    )
    return [(row[0], row[1]) for row in cursor.fetchall()]
