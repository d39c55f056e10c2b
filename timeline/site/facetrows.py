"""How pages read the facets (actors, platforms, topics, kinds, jurisdictions, sources) from the
read model's memberships and published_facets tables (see readmodel.py, which makes them)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any


class FacetRows:
    """The facets' listings as pages read them, mixed into the read model (readmodel.SiteView)."""

    def _rows(self, statement: str, params: Iterable[Any] = ()) -> list[Any]:
        raise NotImplementedError

    def facet_counts(self, facet: str) -> list[tuple[str, str, int]]:
        """(key, name, live entries) of each name of the facet some live entry has, by name: the
        name its page was first published under, as the page says it (a source's is its title)."""
        name = "MIN(m.name)" if facet == "sources" else "p.name"
        rows = self._rows(
            f"SELECT m.key, {name}, COUNT(DISTINCT m.entry_id) FROM memberships m JOIN published_facets p "
            "ON p.facet = m.facet AND p.key = m.key WHERE m.facet = ? GROUP BY m.key "
            f"ORDER BY {name} COLLATE NOCASE, m.key",
            (facet,),
        )
        return [(r[0], r[1], int(r[2])) for r in rows]

    def facet_entries(
        self, facet: str, key: str, limit: int = -1, offset: int = 0, newest_first: bool = False
    ) -> list[tuple[dict[str, Any], str]]:
        """(card, detail) pairs in date order, or its reverse (``limit`` of them from ``offset``); the
        detail is e.g. an actor's role in that entry."""
        way = " DESC" if newest_first else ""
        order = f"date_start{way}, day_rank{way}, entry_id{way}"
        # The page's entries are picked from the memberships first, and only theirs are read: joined
        # before the OFFSET, every entry before the page was read too (a page of a long listing).
        rows = self._rows(
            "SELECT e.card, d.detail FROM (SELECT entry_id, date_start, day_rank, GROUP_CONCAT(detail, '; ') AS detail "
            "FROM memberships WHERE facet = ? AND key = ? GROUP BY date_start, day_rank, entry_id "
            f"ORDER BY {order} LIMIT ? OFFSET ?) d JOIN entries e ON e.id = d.entry_id "
            f"ORDER BY d.date_start{way}, d.day_rank{way}, d.entry_id{way}",
            (facet, key, limit, offset),
        )
        return [(json.loads(r[0]), r[1] or "") for r in rows]

    def facet_year_counts(self, facet: str, key: str) -> list[tuple[int, int]]:
        """(year, entries of the facet's listing whose date starts in it), oldest first."""
        rows = self._rows(
            "SELECT substr(date_start, 1, 4), COUNT(DISTINCT entry_id) FROM memberships "
            "WHERE facet = ? AND key = ? GROUP BY 1 ORDER BY 1",
            (facet, key),
        )
        return [(int(r[0]), int(r[1])) for r in rows]

    def facet_count(self, facet: str, key: str) -> int:
        rows = self._rows("SELECT COUNT(DISTINCT entry_id) FROM memberships WHERE facet = ? AND key = ?", (facet, key))
        return int(rows[0][0])

    def facet_newest(self, facet: str, key: str, limit: int) -> list[str]:
        """The ids of the ``limit`` entries of a facet changed last (in date order among equals)."""
        rows = self._rows(
            "SELECT DISTINCT entry_id FROM memberships WHERE facet = ? AND key = ? "
            "ORDER BY updated DESC, date_start, day_rank, entry_id LIMIT ?",
            (facet, key, limit),
        )
        return [r[0] for r in rows]

    def facet_name(self, facet: str, key: str) -> str | None:
        rows = self._rows("SELECT name FROM published_facets WHERE facet = ? AND key = ?", (facet, key))
        return rows[0][0] if rows else None

    def listed_facet_keys(self, facet: str) -> list[str]:
        """The keys of the facet's names some live entry has and that have a page (as facet_counts
        lists them, without counting), by key."""
        # From the names with a page, each looked up in the memberships' index: reading the facet's
        # memberships instead (hundreds of thousands of rows at 100,000 entries) took the sitemap 0.35 s
        # a change.
        rows = self._rows(
            "SELECT p.key FROM published_facets p WHERE p.facet = ? AND EXISTS "
            "(SELECT 1 FROM memberships m WHERE m.facet = p.facet AND m.key = p.key) ORDER BY p.key",
            (facet,),
        )
        return [r[0] for r in rows]

    def facet_keys(self, facet: str) -> list[str]:
        """Every key ever published for the facet: its page stays, even when empty."""
        return [r[0] for r in self._rows("SELECT key FROM published_facets WHERE facet = ?", (facet,))]
