"""The order of the entries of one day, as every listing gives it (the site's, `timeline list`):
an entry comes after what it responds to, follows, ends or supersedes (relations.ORDERED); among
the entries free to come next, the one whose date ends first, then the one recorded first, then by
title. Readers then see a response below what it responds to, whatever the titles."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterable

from timeline.domain.model import PolicyEvent
from timeline.domain.relations import ORDERED

# (id, date_end, recorded, title): what places an entry among the entries of its day.
DayEntry = tuple[str, str, str, str]


def order_of_day(entries: Iterable[DayEntry], links: Iterable[tuple[str, str]]) -> list[str]:
    """The ids of ENTRIES in causal order, given LINKS (earlier id, later id) among them.

    Among the entries whose earlier ones are all placed, the first by (date_end, recorded, title, id)
    goes next. Links may form a cycle (a responds to b, b follows a): when every entry left waits for
    another, the first of them by the same key goes next, as if its links into the cycle were not there,
    so the order is the same whatever order the links were made in."""
    key = {entry[0]: (entry[1], entry[2], entry[3], entry[0]) for entry in entries}
    waiting = dict.fromkeys(key, 0)
    later: dict[str, list[str]] = defaultdict(list)
    for before, after in sorted(set(links)):
        if before != after and before in key and after in key:
            waiting[after] += 1
            later[before].append(after)
    ready = [key[i] for i, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    placed: list[str] = []
    done: set[str] = set()
    while len(placed) < len(key):
        if not ready:  # a cycle: break it at its first entry
            heapq.heappush(ready, min(key[i] for i in key if i not in done))
        entry_id = heapq.heappop(ready)[3]
        if entry_id in done:
            continue
        done.add(entry_id)
        placed.append(entry_id)
        for after in later[entry_id]:
            waiting[after] -= 1
            if waiting[after] == 0 and after not in done:
                heapq.heappush(ready, key[after])
    return placed


def recorded(entry: PolicyEvent) -> str:
    """When the entry was recorded, as the site shows and orders it (to the millisecond)."""
    return entry.created_on.isoformat(timespec="milliseconds")


def in_date_order(entries: Iterable[PolicyEvent]) -> list[PolicyEvent]:
    """ENTRIES by the day their date starts, each day's in causal order (see order_of_day): the
    order of the site's listings, when ENTRIES are the live ones."""
    by_day: dict[dt.date, dict[str, PolicyEvent]] = defaultdict(dict)
    for entry in entries:
        by_day[entry.date.start][str(entry.id)] = entry
    ordered: list[PolicyEvent] = []
    for day in sorted(by_day):
        group = by_day[day]
        links = [(str(r.target), key) for key, e in group.items() for r in e.relations if r.type in ORDERED]
        placed = order_of_day([(key, e.date.end.isoformat(), recorded(e), e.title) for key, e in group.items()], links)
        ordered += [group[key] for key in placed]
    return ordered
