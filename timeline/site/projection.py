"""Catch-up projection: from the store's notification log into the read model.

Each batch of domain events updates the rows, records the store position, and
marks the pages the changes affect as dirty, all in one transaction; so a build
interrupted at any point resumes from a consistent position.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from functools import lru_cache
from typing import Any
from uuid import UUID

from eventsourcing.sqlite import SQLiteCursor
from slugify import slugify

from timeline.app.application import TimelineArchive
from timeline.app.history import CHANGE_NAMES, describe
from timeline.domain.bundle import Bundle
from timeline.domain.model import PolicyEvent, Source
from timeline.formats.entrydata import LIST_FIELDS, SOURCE_FIELDS, entry_to_dict
from timeline.progress import Progress
from timeline.site import pagekeys
from timeline.site.data import public_json
from timeline.site.markdown import render_markdown
from timeline.site.readmodel import SiteView, card_of
from timeline.site.slides import slide_json
from timeline.site.urls import PAGE_SIZE
from timeline.store import notifications as log

POLICY_TOPICS = [f"timeline:PolicyEvent.{name}" for name in CHANGE_NAMES]
BUNDLE_TOPICS = ["timeline:Bundle.Started", "timeline:Bundle.EntriesAdded", "timeline:Bundle.EntriesRemoved"]
BATCH = 500
# The pages every change of an entry affects (the sitemap changes only when addresses come or go).
GLOBAL_PAGES = (pagekeys.HOME, pagekeys.CHANGES, pagekeys.FEEDS, pagekeys.DATA, pagekeys.TIMELINEJS)


def _moment(when: dt.datetime) -> str:
    """A timestamp as HTML's datetime attribute and Atom accept it (at most three fraction digits)."""
    return when.isoformat(timespec="milliseconds")


@lru_cache(maxsize=1 << 16)  # names repeat across entries: slugify costs ~12 µs each
def facet_key(name: str) -> str:
    return slugify(name, max_length=80, word_boundary=True) or hashlib.sha1(name.encode()).hexdigest()[:10]


def source_key(source: Source) -> str:
    """One key per document: entries citing the same document share its page."""
    identity = source.url or f"{source.publisher}|{source.title}|{source.date or ''}"
    words = slugify(f"{source.publisher} {source.title}", max_length=60, word_boundary=True) or "source"
    return f"{words}-{hashlib.sha1(identity.encode()).hexdigest()[:8]}"


class _Projector:
    def __init__(self, app: TimelineArchive, cursor: SQLiteCursor):
        self.app = app
        self.c = cursor
        self.dirty: set[pagekeys.PageKey] = set()
        self.change_count: int | None = None  # revisions projected so far, counted once per batch

    def lookup(self, entry_id: UUID | str) -> tuple[str, str, bool]:
        """(slug, title, live) of an entry as the read model holds it now."""
        self.c.execute("SELECT slug, title, live FROM entries WHERE id = ?", (str(entry_id),))
        row = self.c.fetchone()
        return (row[0], row[1], bool(row[2])) if row else ("", "", False)

    def slug_of(self, entry_id: UUID) -> str:
        return self.lookup(entry_id)[0]

    def document(self, entry: PolicyEvent, recorded: str) -> dict[str, Any]:
        """The entry shaped for the templates: its public shape (``entrydata.entry_to_dict``) with
        what pages need on top: facet keys, dates to show and sort by, the summary as HTML, every
        source field (empty if unknown), and related entries' slugs and titles as of now."""
        linked = [relation.target for relation in entry.relations] + ([entry.merged_into] if entry.merged_into else [])
        found = {target: self.lookup(target) for target in linked}  # (slug, title, live)
        shape = entry_to_dict(entry, lambda target: found[target][0])
        sources = [
            {name: "" for name in SOURCE_FIELDS}
            | {"authors": []}
            | public
            | {"key": source_key(source), "date_display": source.date.display() if source.date else ""}
            for source, public in zip(entry.sources, shape["sources"], strict=True)
        ]
        relations = [
            {
                "type": public["type"],
                "wording": relation.type.wording,
                "target_id": str(relation.target),
                "target_slug": public["target"],
                "target_title": found[relation.target][1],
                "target_live": found[relation.target][2],
            }
            for relation, public in zip(entry.relations, shape["relations"], strict=True)
        ]
        merged_slug, merged_title = (
            (shape["merged_into"], found[entry.merged_into][1]) if entry.merged_into else ("", "")
        )
        # The keys' order is the read model's as stored: verify compares stored documents with a rebuild's.
        return {
            **{name: shape[name] for name in ("id", "short_id", "slug", "revision", "title", "kind")},
            "kind_key": facet_key(shape["kind"]),
            "date": shape["date"],
            "date_display": entry.date.display(),
            "date_start": entry.date.start.isoformat(),
            "date_end": entry.date.end.isoformat(),
            "years": list(range(entry.date.start.year, entry.date.end.year + 1)),
            "summary": shape["summary"],
            "summary_html": render_markdown(shape["summary"]),
            "actors": [actor | {"key": facet_key(actor["name"])} for actor in shape["actors"]],
            **{field: [{"name": name, "key": facet_key(name)} for name in shape[field]] for field in LIST_FIELDS},
            "sources": sources,
            "relations": relations,
            "live": entry.is_live,
            "retracted": shape["retracted"],
            "retraction_reason": shape.get("retraction_reason", ""),
            "merged_into": str(entry.merged_into) if entry.merged_into else "",
            "merged_into_slug": merged_slug,
            "merged_into_title": merged_title,
            "ended_on": _moment(entry.ended_on) if entry.ended_on else "",
            "recorded": recorded,
            "updated": _moment(entry.modified_on),
        }

    def memberships(self, doc: dict[str, Any]) -> list[tuple[str, str, str, str]]:
        """(facet, key, name, detail) rows for a live entry."""
        if not doc["live"]:
            return []
        rows = [("kinds", doc["kind_key"], doc["kind"], "")]
        rows += [("actors", a["key"], a["name"], a["role"]) for a in doc["actors"]]
        for facet in ("platforms", "topics", "jurisdictions"):
            rows += [(facet, item["key"], item["name"], "") for item in doc[facet]]
        for source in doc["sources"]:
            shown = {
                k: v
                for k, v in source.items()
                if k in ("title", "publisher", "url", "date", "date_display", "language", "authors")
            }
            rows.append(("sources", source["key"], source["title"], json.dumps(shown, ensure_ascii=False)))
        return rows

    def refresh_links(self, target_id: str, title: str, live: bool) -> None:
        """Entries linking to a retitled or retracted entry show its title (or drop the link) in
        every listing: their documents hold both, so they are updated, and the pages that list
        them marked dirty."""
        self.c.execute("SELECT DISTINCT source_id FROM relations WHERE target_id = ?", (target_id,))
        for (source_id,) in self.c.fetchall():
            self.c.execute("SELECT data FROM entries WHERE id = ?", (source_id,))
            row = self.c.fetchone()
            if row is None:
                continue
            source = json.loads(row[0])
            for relation in source["relations"]:
                if relation["target_id"] == target_id:
                    relation["target_title"] = title
                    relation["target_live"] = live
            self.c.execute(
                "UPDATE entries SET data = ?, card = ? WHERE id = ?",
                (json.dumps(source, ensure_ascii=False), card_of(source), source_id),
            )
            # Its place in every listing stays: only the page showing its card changes.
            self.dirty |= self.narrowed(self.pages_of(source), source, self.ranks(source, source)) | {pagekeys.HOME}

    def live_years(self) -> set[int]:
        self.c.execute("SELECT DISTINCT y.year FROM years y JOIN entries e ON e.id = y.entry_id WHERE e.live = 1")
        return {int(r[0]) for r in self.c.fetchall()}

    def years_live(self, years: set[int]) -> dict[int, bool]:
        """Whether each of these years has a live entry (asked per change, so by index, not by scan)."""
        live = {}
        for year in years:
            self.c.execute(
                "SELECT 1 FROM years y JOIN entries e ON e.id = y.entry_id WHERE y.year = ? AND e.live = 1 LIMIT 1",
                (year,),
            )
            live[year] = self.c.fetchone() is not None
        return live

    def pages_of(self, doc: dict[str, Any] | None) -> set[pagekeys.PageKey]:
        """The pages that show this state of an entry (facet indexes, which show counts, are settled in apply)."""
        if doc is None:
            return set()
        keys: set[pagekeys.PageKey] = {pagekeys.Entry(doc["id"])}
        keys |= {pagekeys.Year(y) for y in doc["years"]}
        keys |= {pagekeys.Facet(facet, key) for facet, key, _, _ in self.memberships(doc)}
        keys |= {pagekeys.Entry(r["target_id"]) for r in doc["relations"]}
        keys.add(pagekeys.DataYear(int(doc["date_start"][:4])))
        if doc["merged_into"]:
            keys.add(pagekeys.Entry(doc["merged_into"]))
        return keys

    def listings(self, doc: dict[str, Any] | None) -> set[pagekeys.Listing]:
        """The year and facet listings (all their pages) that show a live entry."""
        if doc is None or not doc["live"]:
            return set()
        years: set[pagekeys.Listing] = {pagekeys.Year(y) for y in doc["years"]}
        return years | {pagekeys.Facet(f, k) for f, k, _, _ in self.memberships(doc)}

    def ranks(self, old: dict[str, Any] | None, doc: dict[str, Any]) -> dict[pagekeys.Listing, tuple[int, int]]:
        """Where the entry stands, as the read model holds it now, in the listings of more than one
        page it stays in at the same dates: (entries listed, entries listed before it).

        A change that keeps an entry in a listing at the same dates changes no other card there
        and leaves the page count alone: only the pages from its old place to its new one (a new
        title can move it among entries of the same dates) need rendering, not the listing's
        every page. Listings already dirty in whole are left out: they are rendered anyway."""
        if old is None or (old["date_start"], old["date_end"]) != (doc["date_start"], doc["date_end"]):
            return {}
        found = {}
        for listing in sorted(self.listings(old) & self.listings(doc), key=str):
            if not self.dirty_in_whole(listing):
                count, before = self.rank(listing, old)
                if count > PAGE_SIZE:
                    found[listing] = (count, before)
        return found

    def narrowed(
        self, keys: set[pagekeys.PageKey], doc: dict[str, Any], ranks: dict[pagekeys.Listing, tuple[int, int]]
    ) -> set[pagekeys.PageKey]:
        """KEYS with each ranked listing replaced by its pages from the entry's old place to its new one."""
        for listing, (count, before) in ranks.items():
            count_now, after = self.rank(listing, doc)
            if count_now == count:
                keys.discard(listing)
                first, last = sorted((before // PAGE_SIZE + 1, after // PAGE_SIZE + 1))
                keys |= {pagekeys.page(listing, page) for page in range(first, last + 1)}
        return keys

    def rank(self, listing: pagekeys.Listing, doc: dict[str, Any]) -> tuple[int, int]:
        """(entries listed, entries listed before DOC) on a year or facet listing; the order is
        the listings' own (readmodel.DATE_ORDER)."""
        order = (doc["date_start"], doc["date_end"], doc["title"], doc["id"])
        if isinstance(listing, pagekeys.Year):
            self.c.execute(
                "SELECT COUNT(*), COALESCE(SUM((e.date_start, e.date_end, e.title, e.id) < (?, ?, ?, ?)), 0) "
                "FROM years y JOIN entries e ON e.id = y.entry_id WHERE y.year = ? AND e.live = 1",
                (*order, listing.year),
            )
        else:
            self.c.execute(
                "SELECT COUNT(DISTINCT entry_id), COUNT(DISTINCT CASE WHEN "
                "(date_start, date_end, title, entry_id) < (?, ?, ?, ?) THEN entry_id END) "
                "FROM memberships WHERE facet = ? AND key = ?",
                (*order, listing.facet, listing.key),
            )
        count, before = self.c.fetchone()
        return int(count), int(before)

    def dirty_in_whole(self, key: pagekeys.Listing) -> bool:
        if key in self.dirty:
            return True
        self.c.execute("SELECT 1 FROM dirty WHERE key = ?", (str(key),))
        return self.c.fetchone() is not None

    def addresses(self, doc: dict[str, Any]) -> set[tuple[str, str]]:
        """The facet and year pages an entry puts in the sitemap."""
        return {(facet, key) for facet, key, _, _ in self.memberships(doc)} | {("year", str(y)) for y in doc["years"]}

    def apply_bundle(self, domain_event: Any, before: Bundle | None) -> Bundle:
        after = domain_event.mutate(before)
        assert isinstance(after, Bundle)
        data = {
            "name": after.name,
            "title": after.title,
            "pins": [{"entry_id": str(p.entry_id), "revision": p.revision} for p in after.pins],
        }
        self.c.execute(
            "INSERT OR REPLACE INTO bundles (name, data) VALUES (?, ?)",
            (after.name, json.dumps(data, ensure_ascii=False)),
        )
        self.dirty |= {pagekeys.Bundle(after.name), pagekeys.BUNDLES}
        return after

    def apply(self, domain_event: Any, position: int, before: PolicyEvent | None) -> PolicyEvent:
        entry_id = str(domain_event.originator_id)
        details = describe(domain_event, before, self.slug_of)
        after = domain_event.mutate(before)
        assert isinstance(after, PolicyEvent)

        self.c.execute("SELECT data FROM entries WHERE id = ?", (entry_id,))
        row = self.c.fetchone()
        old = json.loads(row[0]) if row else None
        doc = self.document(after, old["recorded"] if old else _moment(domain_event.timestamp))
        touched_years = set(old["years"] if old else []) | set(doc["years"])
        years_before = self.years_live(touched_years)
        ranks = self.ranks(old, doc)  # (before the rows change)
        slide_head, slide_tail = slide_json(doc) if doc["live"] else ("", "")
        self.c.execute(
            "INSERT OR REPLACE INTO entries (id, slug, short_id, live, retracted, merged_into, date_start, date_end, "
            "title, recorded, data, card, slide_head, slide_tail, public) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry_id,
                doc["slug"],
                doc["short_id"],
                int(doc["live"]),
                int(doc["retracted"]),
                doc["merged_into"],
                doc["date_start"],
                doc["date_end"],
                doc["title"],
                doc["recorded"],
                json.dumps(doc, ensure_ascii=False),
                card_of(doc),
                slide_head,
                slide_tail,
                public_json(doc),
            ),
        )
        self.c.execute("DELETE FROM relations WHERE source_id = ?", (entry_id,))
        self.c.executemany(
            "INSERT INTO relations (source_id, type, target_id, position) VALUES (?, ?, ?, ?)",
            [(entry_id, r["type"], r["target_id"], position) for r in doc["relations"]],
        )
        self.c.execute("DELETE FROM memberships WHERE entry_id = ?", (entry_id,))
        memberships = self.memberships(doc)
        listed_by = (doc["date_start"], doc["date_end"], doc["title"], doc["updated"])
        self.c.executemany(
            "INSERT INTO memberships (facet, key, name, entry_id, detail, date_start, date_end, title, updated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(f, k, n, entry_id, d, *listed_by) for f, k, n, d in memberships],
        )
        # The first name a facet page is published under stays its name (sources keep their document).
        self.c.executemany(
            "INSERT OR IGNORE INTO published_facets (facet, key, name) VALUES (?, ?, ?)",
            [(f, k, d if f == "sources" else n) for f, k, n, d in memberships],
        )
        self.c.execute("DELETE FROM years WHERE entry_id = ?", (entry_id,))
        self.c.executemany("INSERT INTO years (year, entry_id) VALUES (?, ?)", [(y, entry_id) for y in doc["years"]])
        if self.years_live(touched_years) != years_before:
            # Every year page lists the years: a year that appears or disappears changes them all.
            self.dirty |= {pagekeys.Year(y) for y in self.live_years() | touched_years}

        if self.change_count is None:
            self.c.execute("SELECT COUNT(*) FROM revisions")
            self.change_count = int(self.c.fetchone()[0])
        change_index = self.change_count
        self.change_count += 1
        revision = {
            "entry_id": entry_id,
            "number": domain_event.originator_version,
            "position": position,
            "timestamp": _moment(domain_event.timestamp),
            "change": CHANGE_NAMES.get(type(domain_event).__name__, type(domain_event).__name__),
            "editor": domain_event.editor,
            "reason": domain_event.reason,
            "details": list(details),
            "slug": doc["slug"],
            "title": doc["title"],
            "snapshot": doc,
        }
        self.c.execute(
            "INSERT OR REPLACE INTO revisions (entry_id, number, position, timestamp, data) VALUES (?, ?, ?, ?, ?)",
            (entry_id, revision["number"], position, revision["timestamp"], json.dumps(revision, ensure_ascii=False)),
        )

        self.c.execute(
            "SELECT source_id FROM relations WHERE target_id = ? UNION SELECT id FROM entries WHERE merged_into = ?",
            (entry_id, entry_id),
        )
        incoming = {pagekeys.Entry(r[0]) for r in self.c.fetchall()}
        if old is not None and (old["title"], old["live"]) != (doc["title"], doc["live"]):
            self.refresh_links(entry_id, doc["title"], doc["live"])
        self.dirty |= self.narrowed(self.pages_of(old) | self.pages_of(doc), doc, ranks) | incoming | set(GLOBAL_PAGES)
        if old is None or old["live"] != doc["live"] or self.addresses(old) != self.addresses(doc):
            self.dirty.add(pagekeys.SITEMAP)
        # A facet's index lists its names with their counts: only a change of membership changes it.
        listed_before = {(f, k, n) for f, k, n, _ in self.memberships(old)} if old else set()
        listed_after = {(f, k, n) for f, k, n, _ in self.memberships(doc)}
        self.dirty |= {pagekeys.FacetIndex(facet) for facet, _, _ in listed_before ^ listed_after}
        self.dirty.add(pagekeys.Revision(entry_id, revision["number"]))
        page = change_index // PAGE_SIZE + 1
        self.dirty.add(pagekeys.ChangesPage(page))
        if change_index % PAGE_SIZE == 0 and page > 1:
            self.dirty.add(pagekeys.ChangesPage(page - 1))  # it gains its link to the new page
        return after


def catch_up(app: TimelineArchive, view: SiteView, stop: int | None = None, progress: Progress | None = None) -> int:
    """Project every domain event after the view's position (up to ``stop``); returns how many.

    ``progress`` hears of every batch, counted in store positions ("changes"): other records,
    such as name reservations, share the positions, so the count is of positions passed."""
    position = view.position()
    start = position
    end = (stop if stop is not None else app.position()) if progress is not None else 0
    cache: dict[UUID, Any] = {}
    processed = 0
    for batch in log.batches(app.recorder, after=position, stop=stop, topics=POLICY_TOPICS + BUNDLE_TOPICS, size=BATCH):
        with view.datastore.transaction(commit=True) as cursor:
            projector = _Projector(app, cursor)
            for notification in batch:
                domain_event = app.mapper.to_domain_event(notification)
                originator = domain_event.originator_id
                before = cache.get(originator)
                if before is None and domain_event.originator_version > 1:
                    before = app.repository.get(originator, version=domain_event.originator_version - 1)
                if notification.topic in BUNDLE_TOPICS:
                    cache[originator] = projector.apply_bundle(domain_event, before)
                else:
                    cache[originator] = projector.apply(domain_event, notification.id, before)
            view.mark_dirty(cursor, projector.dirty)
            view.record_position(cursor, batch[-1].id)
        processed += len(batch)
        position = batch[-1].id
        if progress is not None:
            progress("changes", min(position, end) - start, max(end, position) - start)
        if len(cache) > 50_000:  # bound memory on very large archives
            cache.clear()
    if progress is not None and end > start:
        progress("changes", end - start, end - start)
    return processed
