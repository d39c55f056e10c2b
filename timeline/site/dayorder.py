"""The order of the entries of one day: an entry comes after what it responds to, follows, ends or
supersedes (relations.ORDERED); among entries free to come next, the one whose date ends first,
then the one recorded first, then by title.

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


def settle(cursor: SQLiteCursor, days: Iterable[str]) -> set[str]:
    """Rank the live entries of each of DAYS anew (in the entries and memberships tables); returns the
    ids of those whose rank changed."""
    moved = set()
    for day in sorted(set(days)):
        cursor.execute(
            "SELECT id, date_end, recorded, title, day_rank FROM entries WHERE live = 1 AND date_start = ?", (day,)
        )
        rows = cursor.fetchall()
        stored = {row[0]: row[4] for row in rows}
        marks = ", ".join("?" * len(_ORDERED_TYPES))
        cursor.execute(
            "SELECT r.target_id, r.source_id FROM entries s JOIN relations r ON r.source_id = s.id "
            "JOIN entries t ON t.id = r.target_id "
            f"WHERE s.live = 1 AND s.date_start = ? AND t.live = 1 AND t.date_start = ? AND r.type IN ({marks})",
            (day, day, *_ORDERED_TYPES),
        )
        links = [(row[0], row[1]) for row in cursor.fetchall()]
        ordered = order_of_day([(r[0], r[1], r[2], r[3]) for r in rows], links)
        changed = [(rank, entry_id) for rank, entry_id in enumerate(ordered) if stored[entry_id] != rank]
        cursor.executemany("UPDATE entries SET day_rank = ? WHERE id = ?", changed)
        cursor.executemany("UPDATE memberships SET day_rank = ? WHERE entry_id = ?", changed)
        moved |= {entry_id for _, entry_id in changed}
    return moved
