"""Cited documents as the read model keeps them, and how pages read them (see sourcepages.py for
when a document gets a page of its own)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from eventsourcing.sqlite import SQLiteDatastore

from timeline.site import sourcepages

SOURCE_TABLES = [
    # Every source a live entry has cited, as first cited; only those with a page are published_facets.
    "CREATE TABLE IF NOT EXISTS source_documents (key TEXT PRIMARY KEY, document TEXT, sort_key TEXT)",
    "CREATE INDEX IF NOT EXISTS source_documents_in_order ON source_documents (sort_key)",
]


class SourceRows:
    """The table of cited documents and how pages read them, mixed into the read model (readmodel.SiteView)."""

    datastore: SQLiteDatastore

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *SOURCE_TABLES]  # type: ignore[misc]

    def _rows(self, statement: str, params: Iterable[Any] = ()) -> list[Any]:
        raise NotImplementedError

    def source_index(self) -> list[tuple[str, int, str | None]]:
        """What decides the sources' index, in its order (sourcepages.index_order), without reading a
        document: (key, live entries citing it, and for one without a page of its own, the ids of
        those entries: its one entry's page shows it). A document never changes once remembered."""
        rows = self._rows(
            "SELECT c.key, c.citing, c.ids FROM (SELECT m.key, COUNT(DISTINCT m.entry_id) AS citing, "
            "CASE WHEN p.key IS NULL THEN GROUP_CONCAT(DISTINCT m.entry_id) END AS ids FROM memberships m "
            "LEFT JOIN published_facets p ON p.facet = m.facet AND p.key = m.key WHERE m.facet = 'sources' "
            "GROUP BY m.key) c JOIN source_documents s ON s.key = c.key ORDER BY s.sort_key"
        )
        return [(r[0], int(r[1]), r[2]) for r in rows]

    def source_documents(self, keys: list[str]) -> list[tuple[str, dict[str, Any], int, str | None]]:
        """(key, document, live entries citing it, where it is shown) of these sources, in their order:
        the document as first cited (see entryrows.py); shown on its own page (None), or, without
        one, on the page of the entry citing it (that entry's slug)."""
        marks = ", ".join("?" * len(keys))
        rows = self._rows(
            "SELECT m.key, s.document, COUNT(DISTINCT m.entry_id), p.key IS NULL, MIN(e.slug) "
            "FROM memberships m JOIN source_documents s ON s.key = m.key JOIN entries e ON e.id = m.entry_id "
            "LEFT JOIN published_facets p ON p.facet = m.facet AND p.key = m.key "
            f"WHERE m.facet = 'sources' AND m.key IN ({marks}) GROUP BY m.key",
            keys,
        )
        found = {r[0]: (r[0], json.loads(r[1]), int(r[2]), r[4] if r[3] else None) for r in rows}
        return [found[key] for key in keys if key in found]

    def source_pages(self, keys: Iterable[str]) -> set[str]:
        """Those of these source keys that have a page (see sourcepages.py)."""
        with self.datastore.transaction(commit=False) as c:
            return set(sourcepages.with_pages(c, keys))

    def source_document(self, key: str) -> dict[str, Any] | None:
        """The document a source's page shows: as first cited."""
        rows = self._rows("SELECT name FROM published_facets WHERE facet = 'sources' AND key = ?", (key,))
        return json.loads(rows[0][0]) if rows else None
