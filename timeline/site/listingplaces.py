"""An entry's place in the year and facet listings, to render only the pages a change moves it across.

A change that keeps an entry in a listing at the same dates changes no other card there and
leaves the page count alone: only the pages from its old place to its new one (a new title can
move it among the entries of its day) need rendering, not the listing's every page. The
places are read from the read model's indexes, in the listings' own order (readmodel.DATE_ORDER:
the day, then the entry's place in it). A change that moves other entries within their day (see
dayorder.py) renders the pages that list that day.
"""

from __future__ import annotations

import json
from typing import Any

from eventsourcing.sqlite import SQLiteCursor

from timeline.site import pagekeys
from timeline.site.showing import listings
from timeline.site.twins import twin_key
from timeline.site.urls import PAGE_SIZE

Ranks = dict[pagekeys.Listing, tuple[int, int]]


class ListingPlaces:
    def __init__(self, cursor: SQLiteCursor):
        self.c = cursor

    def ranks(self, old: dict[str, Any] | None, doc: dict[str, Any], dirty: set[pagekeys.PageKey]) -> Ranks:
        """Where the entry stands, as the read model holds it now, in the listings of more than one
        page it stays in at the same dates: (entries listed, entries listed before it).

        Listings already dirty in whole (in DIRTY, the keys marked so far, or in the read model)
        are left out: they are rendered anyway."""
        if old is None or (old["date_start"], old["date_end"]) != (doc["date_start"], doc["date_end"]):
            return {}
        found = {}
        for listing in sorted(listings(old) & listings(doc), key=str):
            if not self.dirty_in_whole(listing, dirty):
                count, before = self.rank(listing, old)
                if count > PAGE_SIZE:
                    found[listing] = (count, before)
        return found

    def narrowed(self, keys: set[pagekeys.PageKey], doc: dict[str, Any], ranks: Ranks) -> set[pagekeys.PageKey]:
        """KEYS with each ranked listing replaced by its pages from the entry's old place to its new one."""
        for listing, (count, before) in ranks.items():
            count_now, after = self.rank(listing, doc)
            if count_now == count:
                keys.discard(listing)
                first, last = sorted((before // PAGE_SIZE + 1, after // PAGE_SIZE + 1))
                keys |= {pagekeys.page(listing, page) for page in range(first, last + 1)}
        return keys

    def rank(self, listing: pagekeys.Listing, doc: dict[str, Any]) -> tuple[int, int]:
        """(entries listed, entries listed before DOC, at its place in its day as the read model
        holds it now) on a year or facet listing."""
        self.c.execute("SELECT day_rank FROM entries WHERE id = ?", (doc["id"],))
        row = self.c.fetchone()
        order = (doc["date_start"], int(row[0]) if row else 0, doc["id"])
        if isinstance(listing, pagekeys.Year):
            self.c.execute(
                "SELECT COUNT(*), COALESCE(SUM((e.date_start, e.day_rank, e.id) < (?, ?, ?)), 0) "
                "FROM years y JOIN entries e ON e.id = y.entry_id WHERE y.year = ? AND e.live = 1",
                (*order, listing.year),
            )
        else:
            self.c.execute(
                "SELECT COUNT(DISTINCT entry_id), COUNT(DISTINCT CASE WHEN "
                "(date_start, day_rank, entry_id) < (?, ?, ?) THEN entry_id END) "
                "FROM memberships WHERE facet = ? AND key = ?",
                (*order, listing.facet, listing.key),
            )
        count, before = self.c.fetchone()
        return int(count), int(before)

    def day_pages(
        self, day: str, shown_in: set[pagekeys.Listing], dirty: set[pagekeys.PageKey]
    ) -> set[pagekeys.PageKey]:
        """The pages of the listings SHOWN_IN that list the entries of DAY: where entries that moved
        within that day, and only among its entries, are. A listing of one page is marked in whole."""
        keys: set[pagekeys.PageKey] = set()
        for listing in sorted(shown_in, key=str):
            if self.dirty_in_whole(listing, dirty):
                continue
            count, before, through = self.day_block(listing, day)
            if count <= PAGE_SIZE:
                keys.add(listing)
            else:
                pages = range(before // PAGE_SIZE + 1, max(through - 1, 0) // PAGE_SIZE + 2)
                keys |= {pagekeys.page(listing, page) for page in pages}
        return keys

    def twin_pages(
        self, old: dict[str, Any] | None, doc: dict[str, Any], dirty: set[pagekeys.PageKey]
    ) -> set[pagekeys.PageKey]:
        """The pages listing the entry's day, before and after, when it shares (or shared) its day and
        title with another live entry: their cards say what tells them apart (twins.py), which a
        change of the entry's title, names or sources may alter on the other's card too."""
        keys: set[pagekeys.PageKey] = set()
        for state in (old, doc):
            if state is None or not state["live"]:
                continue
            self.c.execute(
                "SELECT card FROM entries WHERE live = 1 AND date_start = ? AND id != ?",
                (state["date_start"], state["id"]),
            )
            if any(twin_key(json.loads(row[0])) == twin_key(state) for row in self.c.fetchall()):
                keys |= self.day_pages(state["date_start"], listings(old) | listings(doc), dirty | keys)
        return keys

    def day_block(self, listing: pagekeys.Listing, day: str) -> tuple[int, int, int]:
        """(entries listed, those before DAY, those through DAY) on a year or facet listing."""
        if isinstance(listing, pagekeys.Year):
            self.c.execute(
                "SELECT COUNT(*), COALESCE(SUM(e.date_start < ?), 0), COALESCE(SUM(e.date_start <= ?), 0) "
                "FROM years y JOIN entries e ON e.id = y.entry_id WHERE y.year = ? AND e.live = 1",
                (day, day, listing.year),
            )
        else:
            self.c.execute(
                "SELECT COUNT(DISTINCT entry_id), COUNT(DISTINCT CASE WHEN date_start < ? THEN entry_id END), "
                "COUNT(DISTINCT CASE WHEN date_start <= ? THEN entry_id END) "
                "FROM memberships WHERE facet = ? AND key = ?",
                (day, day, listing.facet, listing.key),
            )
        count, before, through = self.c.fetchone()
        return int(count), int(before), int(through)

    def dirty_in_whole(self, listing: pagekeys.Listing, dirty: set[pagekeys.PageKey]) -> bool:
        if listing in dirty:
            return True
        self.c.execute("SELECT 1 FROM dirty WHERE key = ?", (str(listing),))
        return self.c.fetchone() is not None
