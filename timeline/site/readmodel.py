"""The site's read model: rows the pages are rendered from, in their own SQLite file.

It is an eventsourcing tracking recorder, so the store position it reflects is
saved in the same transaction as the rows it derived and the set of pages those
changes made dirty. Rows hold JSON documents shaped for the templates.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Notification, Tracking
from eventsourcing.sqlite import SQLiteCursor, SQLiteDatastore, SQLiteTrackingRecorder

from timeline.site import pagekeys
from timeline.site.facetrows import FacetRows
from timeline.site.manifest import part_of
from timeline.site.sourcerows import SourceRows
from timeline.site.threadrows import ThreadRows

APPLICATION = "timeline"

TABLES = [
    # The last change projected (at the tracked position): checked against the store before going
    # on, so a read model made from another store (or a store since made anew) is noticed.
    "CREATE TABLE IF NOT EXISTS store_mark (originator_id TEXT, originator_version INTEGER)",
    """CREATE TABLE IF NOT EXISTS entries (
        id TEXT PRIMARY KEY, slug TEXT UNIQUE, short_id TEXT, live INTEGER, retracted INTEGER,
        merged_into TEXT, date_start TEXT, date_end TEXT, title TEXT, recorded TEXT, day_rank INTEGER, data TEXT,
        card TEXT, slide_head TEXT, slide_tail TEXT, public TEXT, csv TEXT)""",
    # Listings' order (DATE_ORDER); day_rank is the entry's place among those of its day (see dayorder.py).
    "CREATE INDEX IF NOT EXISTS entries_by_date ON entries (live, date_start, day_rank, id)",
    "CREATE INDEX IF NOT EXISTS entries_by_recorded ON entries (live, recorded)",
    # The live slugs (the sitemap, the search index's parts) without reading each entry's row.
    "CREATE INDEX IF NOT EXISTS entries_live_slugs ON entries (live, slug)",
    # The last day a live entry means (the time scale's span) without reading every entry.
    "CREATE INDEX IF NOT EXISTS entries_live_ends ON entries (live, date_end)",
    # Every change asks which entries were merged into the one changed: without it, a scan per change.
    "CREATE INDEX IF NOT EXISTS entries_by_merged_into ON entries (merged_into)",
    # The retracted entries, few, read when an entry that may replace one is retitled: without it,
    # every retitle read every entry (a full build of 100,000 entries spent most of its time there).
    "CREATE INDEX IF NOT EXISTS entries_retracted ON entries (id) WHERE retracted = 1",
    """CREATE TABLE IF NOT EXISTS revisions (
        entry_id TEXT, number INTEGER, position INTEGER, timestamp TEXT, data TEXT,
        PRIMARY KEY (entry_id, number))""",
    "CREATE INDEX IF NOT EXISTS revisions_by_position ON revisions (position)",
    "CREATE TABLE IF NOT EXISTS relations (source_id TEXT, type TEXT, target_id TEXT, position INTEGER)",
    "CREATE INDEX IF NOT EXISTS relations_by_target ON relations (target_id)",
    "CREATE INDEX IF NOT EXISTS relations_by_source ON relations (source_id)",
    # A facet's entries with what they are listed by, so a page of a long listing, an entry's place
    # in it and its latest changes are read from an index, without joining every entry of the facet.
    """CREATE TABLE IF NOT EXISTS memberships (facet TEXT, key TEXT, name TEXT, entry_id TEXT, detail TEXT,
        date_start TEXT, day_rank INTEGER, updated TEXT)""",
    "CREATE INDEX IF NOT EXISTS memberships_in_order ON memberships (facet, key, date_start, day_rank, entry_id)",
    "CREATE INDEX IF NOT EXISTS memberships_by_update "
    "ON memberships (facet, key, updated DESC, date_start, day_rank, entry_id)",
    "CREATE INDEX IF NOT EXISTS memberships_by_entry ON memberships (entry_id)",
    "CREATE TABLE IF NOT EXISTS years (year INTEGER, entry_id TEXT)",
    "CREATE INDEX IF NOT EXISTS years_by_year ON years (year)",
    "CREATE INDEX IF NOT EXISTS years_by_entry ON years (entry_id)",
    # Every facet page ever published keeps its address, even when no live entry is left in it.
    "CREATE TABLE IF NOT EXISTS published_facets (facet TEXT, key TEXT, name TEXT, PRIMARY KEY (facet, key))",
    # The key each name was given in each facet, for good (see facetkeys.py): by the name as it is
    # compared (naming.name_identity), and unique in the facet.
    "CREATE TABLE IF NOT EXISTS facet_keys (facet TEXT, identity TEXT, key TEXT, PRIMARY KEY (facet, identity))",
    "CREATE UNIQUE INDEX IF NOT EXISTS facet_keys_by_key ON facet_keys (facet, key)",
    "CREATE TABLE IF NOT EXISTS bundles (name TEXT PRIMARY KEY, data TEXT)",
    # What each typed actor is (a person, an organization...), by the key of its page.
    "CREATE TABLE IF NOT EXISTS actor_types (key TEXT PRIMARY KEY, name TEXT, type TEXT)",
    "CREATE TABLE IF NOT EXISTS dirty (key TEXT PRIMARY KEY)",
    # The archive's settings the output folder's pages were last rendered with (title, base URL...).
    "CREATE TABLE IF NOT EXISTS rendered_with (name TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS pages (key TEXT PRIMARY KEY, paths TEXT)",
    "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, sha256 TEXT, size INTEGER, part TEXT)",
    # What each listing page was last rendered from (see pageinputs.py).
    "CREATE TABLE IF NOT EXISTS page_inputs (path TEXT PRIMARY KEY, digest TEXT)",
    "CREATE INDEX IF NOT EXISTS files_by_part ON files (part)",
]
# Every listing in date order sorts so: by the day its date starts, then causally within the day.
DATE_ORDER = "date_start, day_rank, id"
# What the feed template shows of an entry.
FEED_FIELDS = ("title", "slug", "recorded", "updated", "kind", "date_display", "summary_html")
# What a listing shows of an entry: list pages read these small documents, not whole entries.
CARD_FIELDS = (
    "id", "short_id", "slug", "title", "kind", "date", "date_start", "date_end", "date_display",
    "actors", "platforms", "topics", "relations", "updated", "live",
)  # fmt: skip


def card_of(doc: dict[str, Any]) -> str:
    """A listing's card of the entry: its CARD_FIELDS, and the publisher of its first source (what
    may tell it from an entry of the same day and title, see twins.py)."""
    publisher = next((source["publisher"] for source in doc["sources"] if source["publisher"]), "")
    return json.dumps({name: doc[name] for name in CARD_FIELDS} | {"publisher": publisher}, ensure_ascii=False)


class SiteView(FacetRows, SourceRows, ThreadRows, SQLiteTrackingRecorder):
    """The read model and its tracking position, in one SQLite database."""

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *TABLES]

    @classmethod
    def open(cls, path: Path) -> SiteView:
        path.parent.mkdir(parents=True, exist_ok=True)
        view = cls(SQLiteDatastore(db_name=str(path)))
        view.create_table()
        return view

    def close(self) -> None:
        self.datastore.close()

    def position(self) -> int:
        return self.max_tracking_id(APPLICATION) or 0

    def record_position(self, cursor: SQLiteCursor, last: Notification) -> None:
        """The store position now reflected, ``last`` being the last change projected."""
        self._insert_tracking(cursor, Tracking(APPLICATION, last.id))
        cursor.execute("DELETE FROM store_mark")
        cursor.execute("INSERT INTO store_mark VALUES (?, ?)", (str(last.originator_id), last.originator_version))

    def store_mark(self) -> tuple[str, int] | None:  # the last change's (originator, version), or None
        rows = self._rows("SELECT originator_id, originator_version FROM store_mark")
        return (str(rows[0][0]), int(rows[0][1])) if rows else None

    # Reading -------------------------------------------------------------------

    def _rows(self, statement: str, params: Iterable[Any] = ()) -> list[Any]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(statement, tuple(params))
            return c.fetchall()

    def entry(self, entry_id: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT data FROM entries WHERE id = ?", (entry_id,))
        return json.loads(rows[0][0]) if rows else None

    def entries_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        ids = list(ids)
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._rows(f"SELECT id, data FROM entries WHERE id IN ({marks})", chunk):
                found[row[0]] = json.loads(row[1])
        return found

    def feed_items(self, ids: list[str]) -> list[dict[str, Any]]:
        """What a feed shows of these entries, in the order given: a few fields (see FEED_FIELDS),
        picked out by SQLite, not whole documents parsed (a correction renders a dozen feeds)."""
        paths = ", ".join(f"'$.{name}'" for name in FEED_FIELDS)
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._rows(f"SELECT id, json_extract(data, {paths}) FROM entries WHERE id IN ({marks})", chunk):
                found[row[0]] = dict(zip(FEED_FIELDS, json.loads(row[1]), strict=True))
        return [found[i] for i in ids if i in found]

    def all_entry_ids(self) -> list[str]:
        return [row[0] for row in self._rows(f"SELECT id FROM entries ORDER BY {DATE_ORDER}")]

    def live_entries(self, limit: int | None = None, offset: int = 0, newest_first: bool = False) -> list[dict]:
        order = "recorded DESC, id" if newest_first else DATE_ORDER
        clause = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
        return [
            json.loads(r[0]) for r in self._rows(f"SELECT data FROM entries WHERE live = 1 ORDER BY {order}{clause}")
        ]

    def latest_cards(self, limit: int) -> list[dict[str, Any]]:
        """The cards of the ``limit`` live entries latest in date order, latest first."""
        rows = self._rows(
            "SELECT card FROM entries WHERE live = 1 ORDER BY date_start DESC, day_rank DESC, id DESC LIMIT ?",
            (limit,),
        )
        return [json.loads(r[0]) for r in rows]

    def live_slugs(self) -> list[str]:
        """The live entries' slugs, sorted (read from an index, not the entries' rows)."""
        return [r[0] for r in self._rows("SELECT slug FROM entries WHERE live = 1 ORDER BY slug")]

    def live_slug_starts(self) -> list[str]:
        """The first seven characters of the live entries' slugs, each once (what the search index's
        parts are told by): a few hundred, read from an index."""
        return [r[0] for r in self._rows("SELECT DISTINCT substr(slug, 1, 7) FROM entries WHERE live = 1")]

    def live_slides_of_year(self, year: int) -> list[tuple[str, str]]:
        """The TimelineJS slides of the live entries whose date starts in ``year``, in date order: the
        two parts of the JSON text the projection made, which the base URL goes between (see
        slides.slide_json)."""
        rows = self._rows(
            "SELECT slide_head, slide_tail FROM entries WHERE live = 1 AND date_start >= ? AND date_start < ? "
            f"ORDER BY {DATE_ORDER}",
            (f"{year:04d}", f"{year + 1:04d}"),
        )
        return [(r[0], r[1]) for r in rows]

    def live_public_of_year(self, year: int) -> list[tuple[str, str]]:
        """The published JSON and CSV row (data.public_json, data.csv_line) of the live entries whose
        date starts in ``year``, in date order (by index, not by scan)."""
        rows = self._rows(
            "SELECT public, csv FROM entries WHERE live = 1 AND date_start >= ? AND date_start < ? "
            f"ORDER BY {DATE_ORDER}",
            (f"{year:04d}", f"{year + 1:04d}"),
        )
        return [(r[0], r[1]) for r in rows]

    def start_year_counts(self) -> list[tuple[int, int]]:
        """(year, live entries whose date starts in it), oldest first: the data files there are."""
        rows = self._rows("SELECT substr(date_start, 1, 4), COUNT(*) FROM entries WHERE live = 1 GROUP BY 1 ORDER BY 1")
        return [(int(r[0]), int(r[1])) for r in rows]

    def month_counts(self) -> list[tuple[str, int]]:
        """("YYYY-MM", live entries whose date starts in that month), oldest first."""
        rows = self._rows("SELECT substr(date_start, 1, 7), COUNT(*) FROM entries WHERE live = 1 GROUP BY 1 ORDER BY 1")
        return [(str(r[0]), int(r[1])) for r in rows]

    def live_span(self) -> tuple[str, str] | None:
        """The first day any live entry can mean and the last, or None in an empty archive."""
        # Two queries, so that each is answered from its index (one asking both reads every entry).
        first = self._rows("SELECT MIN(date_start) FROM entries WHERE live = 1")[0][0]
        last = self._rows("SELECT MAX(date_end) FROM entries WHERE live = 1")[0][0]
        return (str(first), str(last)) if first else None

    def count_live(self) -> int:
        return int(self._rows("SELECT COUNT(*) FROM entries WHERE live = 1")[0][0])

    def year_entries(self, year: int) -> list[dict[str, Any]]:
        """The cards of the live entries a year page lists, in date order."""
        rows = self._rows(
            "SELECT e.card FROM years y JOIN entries e ON e.id = y.entry_id WHERE y.year = ? AND e.live = 1 "
            "ORDER BY e.date_start, e.day_rank, e.id",
            (year,),
        )
        return [json.loads(r[0]) for r in rows]

    def year_counts(self) -> list[tuple[int, int]]:
        # Counted from the small years table, less the few entries that are not live: joined to each
        # entry's row instead, it read every entry (a quarter of a second at 100,000 entries).
        rows = self._rows(
            "SELECT year, COUNT(*) FROM years WHERE entry_id NOT IN (SELECT id FROM entries WHERE live = 0) "
            "GROUP BY year ORDER BY year"
        )
        return [(int(r[0]), int(r[1])) for r in rows]

    def years(self) -> list[int]:
        rows = self._rows(
            "SELECT DISTINCT y.year FROM years y JOIN entries e ON e.id = y.entry_id WHERE e.live = 1 ORDER BY y.year"
        )
        return [int(r[0]) for r in rows]

    def incoming(self, entry_id: str) -> list[tuple[str, str]]:
        """(relation type, source entry id) of live entries that link to this one."""
        rows = self._rows(
            "SELECT r.type, r.source_id FROM relations r JOIN entries e ON e.id = r.source_id "
            "WHERE r.target_id = ? AND e.live = 1 ORDER BY r.position",
            (entry_id,),
        )
        return [(r[0], r[1]) for r in rows]

    def revisions(self, entry_id: str) -> list[dict[str, Any]]:
        rows = self._rows("SELECT data FROM revisions WHERE entry_id = ? ORDER BY number", (entry_id,))
        return [json.loads(r[0]) for r in rows]

    def revision(self, entry_id: str, number: int) -> dict[str, Any] | None:
        rows = self._rows("SELECT data FROM revisions WHERE entry_id = ? AND number = ?", (entry_id, number))
        return json.loads(rows[0][0]) if rows else None

    def changes(self, limit: int, offset: int = 0) -> list[dict[str, Any]]:
        rows = self._rows("SELECT data FROM revisions ORDER BY position DESC LIMIT ? OFFSET ?", (limit, offset))
        return [json.loads(r[0]) for r in rows]

    def changes_from_first(self, limit: int, offset: int) -> list[dict[str, Any]]:
        rows = self._rows("SELECT data FROM revisions ORDER BY position LIMIT ? OFFSET ?", (limit, offset))
        return [json.loads(r[0]) for r in rows]

    def count_changes(self) -> int:
        return int(self._rows("SELECT COUNT(*) FROM revisions")[0][0])

    def bundle(self, name: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT data FROM bundles WHERE name = ?", (name,))
        return json.loads(rows[0][0]) if rows else None

    def bundles(self) -> list[dict[str, Any]]:
        return [json.loads(r[0]) for r in self._rows("SELECT data FROM bundles ORDER BY name")]

    def actor_types(self, keys: Iterable[str]) -> dict[str, str]:
        """The recorded type of each of these actors that has one, by key."""
        wanted = sorted(set(keys))
        marks = ", ".join("?" * len(wanted))
        return {r[0]: r[1] for r in self._rows(f"SELECT key, type FROM actor_types WHERE key IN ({marks})", wanted)}

    # Pages and files -----------------------------------------------------------

    def rendered_with(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self._rows("SELECT name, value FROM rendered_with")}

    def record_rendered_with(self, settings: dict[str, str]) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute("DELETE FROM rendered_with")
            c.executemany("INSERT INTO rendered_with (name, value) VALUES (?, ?)", list(settings.items()))

    def dirty_keys(self) -> list[pagekeys.PageKey]:
        return [pagekeys.parse(r[0]) for r in self._rows("SELECT key FROM dirty ORDER BY key")]

    def mark_dirty(self, cursor: SQLiteCursor, keys: Iterable[pagekeys.PageKey]) -> None:
        cursor.executemany("INSERT OR IGNORE INTO dirty (key) VALUES (?)", [(str(k),) for k in keys])

    def page_paths(self, key: pagekeys.PageKey) -> list[str]:
        rows = self._rows("SELECT paths FROM pages WHERE key = ?", (str(key),))
        return json.loads(rows[0][0]) if rows else []

    def page_input(self, path: str) -> str | None:
        """The digest of what the page at ``path`` was last rendered from (see pageinputs.py)."""
        rows = self._rows("SELECT digest FROM page_inputs WHERE path = ?", (path,))
        return rows[0][0] if rows else None

    def files(self) -> dict[str, tuple[str, int]]:
        return {r[0]: (r[1], int(r[2])) for r in self._rows("SELECT path, sha256, size FROM files")}

    def files_of_part(self, part: str) -> dict[str, tuple[str, int]]:
        rows = self._rows("SELECT path, sha256, size FROM files WHERE part = ?", (part,))
        return {r[0]: (r[1], int(r[2])) for r in rows}

    def files_at(self, paths: Iterable[str]) -> dict[str, tuple[str, int]]:
        """The recorded sha256 and size of these paths (those the site has)."""
        wanted, found = sorted(set(paths)), {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self._rows(f"SELECT path, sha256, size FROM files WHERE path IN ({marks})", tuple(chunk))
            found.update({r[0]: (r[1], int(r[2])) for r in rows})
        return found

    def parts(self) -> set[str]:
        return {r[0] for r in self._rows("SELECT DISTINCT part FROM files")}

    def paths_of_keys(self, keys: Iterable[pagekeys.PageKey]) -> set[str]:
        paths: set[str] = set()
        for key in keys:
            paths.update(self.page_paths(key))
        return paths

    def finish_pages(
        self,
        produced: dict[pagekeys.PageKey, list[str]],
        written: dict[str, tuple[str, int]],
        removed: Iterable[str],
        cleared: Iterable[pagekeys.PageKey] = (),
        inputs: dict[str, str] | None = None,
    ) -> None:
        """After the files are on disk: remember what each page key produced and what its pages were
        rendered from (``inputs``), and clear its dirt (and that of the ``cleared`` keys, whose pages
        were rendered under other keys)."""
        removed = list(removed)
        with self.datastore.transaction(commit=True) as c:
            c.executemany("DELETE FROM page_inputs WHERE path = ?", [(p,) for p in removed])
            c.executemany("INSERT OR REPLACE INTO page_inputs VALUES (?, ?)", list((inputs or {}).items()))
            c.executemany(
                "INSERT OR REPLACE INTO pages (key, paths) VALUES (?, ?)",
                [(str(key), json.dumps(paths)) for key, paths in produced.items()],
            )
            c.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in removed])
            c.executemany(
                "INSERT OR REPLACE INTO files (path, sha256, size, part) VALUES (?, ?, ?, ?)",
                [(p, sha, size, part_of(p)) for p, (sha, size) in written.items()],
            )
            c.executemany("DELETE FROM dirty WHERE key = ?", [(str(k),) for k in [*produced, *cleared]])
