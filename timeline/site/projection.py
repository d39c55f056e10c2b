"""Catch-up projection: from the store's notification log into the read model.

Each batch of domain events updates the rows, records the store position, and
marks the pages the changes affect as dirty, all in one transaction; so a build
interrupted at any point resumes from a consistent position.

Each domain event class has its handler (see ``Projector.apply``). Every change of an entry
rewrites its rows, adds its revision and marks the pages that show the entry before and after;
the handler adds what its kind of change can touch besides: the year pages, the entries that
link to it, the facet indexes and the sitemap.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.sqlite import SQLiteCursor

from timeline.app.application import TimelineArchive
from timeline.app.history import CHANGE_NAMES, describe
from timeline.domain.actors import ActorProfile
from timeline.domain.bundle import Bundle
from timeline.domain.model import PolicyEvent
from timeline.formats.entrydata import LIST_FIELDS, SOURCE_FIELDS, entry_to_dict
from timeline.site import dayorder, pagekeys, sourcepages, threads
from timeline.site.entryrows import retitle_replacements, stored_document, write_entry
from timeline.site.facetkeys import FacetKeys, source_key
from timeline.site.listingplaces import ListingPlaces, Ranks
from timeline.site.markdown import render_markdown
from timeline.site.readmodel import card_of
from timeline.site.sentences import sentences
from timeline.site.showing import addresses, facet_names, listings, pages_of
from timeline.site.urls import PAGE_SIZE


def _moment(when: dt.datetime) -> str:
    """A timestamp as HTML's datetime attribute and Atom accept it (at most three fraction digits)."""
    return when.isoformat(timespec="milliseconds")


def _event(aggregate: type[Aggregate], name: str) -> type:
    """The domain event class NAME of AGGREGATE (eventsourcing's @event makes it, out of a type checker's sight)."""
    return vars(aggregate)[name]


@dataclass
class _EntryChange:
    """One domain event of an entry, its rows written."""

    entry_id: str
    after: PolicyEvent
    old: dict[str, Any] | None  # its document before (None for a new entry)
    doc: dict[str, Any]  # its document after
    ranks: Ranks  # its places in its listings before (see ListingPlaces.ranks)


class Projector:
    def __init__(self, app: TimelineArchive, cursor: SQLiteCursor):
        self.app = app
        self.c = cursor
        self.places = ListingPlaces(cursor)
        self.keys = FacetKeys(cursor)
        self.dirty: set[pagekeys.PageKey] = set()
        self.change_count: int | None = None  # revisions projected so far, counted once per batch

    def lookup(self, entry_id: UUID | str) -> tuple[str, str, bool]:
        """(slug, title, live) of an entry as the read model holds it now."""
        self.c.execute("SELECT slug, title, live FROM entries WHERE id = ?", (str(entry_id),))
        row = self.c.fetchone()
        return (row[0], row[1], bool(row[2])) if row else ("", "", False)

    def slug_of(self, entry_id: UUID) -> str:
        return self.lookup(entry_id)[0]

    def named(self, entry_id: UUID) -> tuple[str, str]:
        """(slug, title) of an entry, as a change's sentences name it."""
        return self.lookup(entry_id)[:2]

    def document(self, entry: PolicyEvent, recorded: str) -> dict[str, Any]:
        """The entry shaped for the templates: its public shape (``entrydata.entry_to_dict``) with
        what pages need on top: facet keys, dates to show and sort by, identifiers as cited, the
        summary as HTML, every source field (empty if unknown), and related entries' slugs and
        titles as of now."""
        linked = [relation.target for relation in entry.relations]
        linked += [other for other in (entry.merged_into, entry.replaced_by) if other is not None]
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
            "kind_key": self.keys.key("kinds", shape["kind"]),
            "date": shape["date"],
            "date_display": entry.date.display(),
            "date_start": entry.date.start.isoformat(),
            "date_end": entry.date.end.isoformat(),
            "years": list(range(entry.date.start.year, entry.date.end.year + 1)),
            "identifiers": [
                public | {"label": identifier.label, "text": identifier.text}
                for identifier, public in zip(entry.identifiers, shape["identifiers"], strict=True)
            ],
            "summary": shape["summary"],
            "summary_html": render_markdown(shape["summary"]),
            "actors": [actor | {"key": self.keys.key("actors", actor["name"])} for actor in shape["actors"]],
            **{field: self.keys.listed(field, shape[field]) for field in LIST_FIELDS},
            "sources": sources,
            "relations": relations,
            "live": entry.is_live,
            "retracted": shape["retracted"],
            "retraction_reason": shape.get("retraction_reason", ""),
            **_replacement(entry, shape, found),
            "merged_into": str(entry.merged_into) if entry.merged_into else "",
            "merged_into_slug": merged_slug,
            "merged_into_title": merged_title,
            "ended_on": _moment(entry.ended_on) if entry.ended_on else "",
            "recorded": recorded,
            "updated": _moment(entry.modified_on),
        }

    # One handler per domain event class --------------------------------------------------------

    @singledispatchmethod
    def apply(self, domain_event: Any, position: int, before: Any) -> Aggregate:
        """Project DOMAIN_EVENT, at store POSITION, onto BEFORE (its aggregate as it was, or None);
        returns the aggregate after it."""
        raise TypeError(f"the site has no projection of {type(domain_event).__qualname__}")

    @apply.register(_event(PolicyEvent, "Recorded"))
    def _recorded(self, domain_event: Any, position: int, before: None) -> PolicyEvent:
        """A new entry: no page shows it yet, and nothing links to it. Its years may gain their first
        live entry, its facets a name, the sitemap its addresses."""
        change = self.entry_changed(domain_event, position, before)
        self.settle_years(change)
        self.mark_pages(change)
        self.settle_addresses(change)
        return change.after

    @apply.register(_event(PolicyEvent, "Corrected"))
    @apply.register(_event(PolicyEvent, "Retracted"))
    @apply.register(_event(PolicyEvent, "Unretracted"))
    @apply.register(_event(PolicyEvent, "Merged"))
    def _revised(self, domain_event: Any, position: int, before: PolicyEvent) -> PolicyEvent:
        """A correction may change any field the site shows; a retraction or a merger takes the entry
        out of every listing, an unretraction puts it back. Its years, what entries linking to it
        show, its facets and the sitemap may all change."""
        change = self.entry_changed(domain_event, position, before)
        self.settle_years(change)
        self.relink(change)
        self.mark_pages(change)
        self.settle_addresses(change)
        return change.after

    @apply.register(_event(PolicyEvent, "SourceAdded"))
    @apply.register(_event(PolicyEvent, "SourceCorrected"))
    @apply.register(_event(PolicyEvent, "SourceWithdrawn"))
    def _sources_changed(self, domain_event: Any, position: int, before: PolicyEvent) -> PolicyEvent:
        """A source added, corrected or withdrawn changes the entry's sources facet (a source's page may come),
        never its title, its dates or its life."""
        change = self.entry_changed(domain_event, position, before)
        self.mark_pages(change)
        self.settle_addresses(change)
        return change.after

    @apply.register(_event(PolicyEvent, "Linked"))
    @apply.register(_event(PolicyEvent, "Unlinked"))
    def _links_changed(self, domain_event: Any, position: int, before: PolicyEvent) -> PolicyEvent:
        """A link shows on the pages of both its ends (pages_of names the target's), in no listing."""
        change = self.entry_changed(domain_event, position, before)
        self.mark_pages(change)
        return change.after

    @apply.register(_event(Bundle, "Started"))
    @apply.register(_event(Bundle, "EntriesAdded"))
    @apply.register(_event(Bundle, "EntriesRemoved"))
    @apply.register(_event(Bundle, "Deleted"))
    def _bundle_changed(self, domain_event: Any, position: int, before: Bundle | None) -> Bundle:
        """A bundle's page, and the list of bundles, show its pins; a deleted bundle's page stays,
        marked withdrawn (when and why), and it leaves the list."""
        after = domain_event.mutate(before)
        assert isinstance(after, Bundle)
        data = {
            "name": after.name,
            "title": after.title,
            "pins": [{"entry_id": str(p.entry_id), "revision": p.revision} for p in after.pins],
            "withdrawn_on": _moment(after.deleted_on) if after.deleted_on else "",
            "withdrawal_reason": after.deletion_reason,
        }
        self.c.execute(
            "INSERT OR REPLACE INTO bundles (name, data) VALUES (?, ?)",
            (after.name, json.dumps(data, ensure_ascii=False)),
        )
        self.dirty |= {pagekeys.Bundle(after.name), pagekeys.BUNDLES}
        return after

    @apply.register(_event(ActorProfile, "Started"))
    @apply.register(_event(ActorProfile, "Typed"))
    def _actor_typed(self, domain_event: Any, position: int, before: ActorProfile | None) -> ActorProfile:
        """The actor's page shows its type, and the JSON-LD of every entry page naming it (live or
        retracted; a merged entry's page is a redirect) names it as a person or an organization."""
        after = domain_event.mutate(before)
        assert isinstance(after, ActorProfile)
        # By the key of the actor's page, which the profile's own key (a slug) may not be: see facetkeys.py.
        key = self.keys.key("actors", after.name)
        self.c.execute(
            "INSERT OR REPLACE INTO actor_types (key, name, type) VALUES (?, ?, ?)", (key, after.name, after.actor_type)
        )
        self.c.execute("SELECT DISTINCT entry_id FROM memberships WHERE facet = 'actors' AND key = ?", (key,))
        naming = {r[0] for r in self.c.fetchall()}
        self.c.execute("SELECT id, data FROM entries WHERE live = 0 AND merged_into = ''")
        naming |= {i for i, data in self.c.fetchall() if any(a["key"] == key for a in json.loads(data)["actors"])}
        self.dirty |= {pagekeys.Facet("actors", key)} | {pagekeys.Entry(i) for i in naming}
        return after

    # What the handlers do ----------------------------------------------------------------------

    def entry_changed(self, domain_event: Any, position: int, before: PolicyEvent | None) -> _EntryChange:
        """What every change of an entry does: its rows rewritten, its revision added."""
        details = describe(domain_event, before, self.slug_of)
        told = sentences(domain_event, before, self.named)
        after = domain_event.mutate(before)
        assert isinstance(after, PolicyEvent)
        entry_id = str(domain_event.originator_id)
        old = stored_document(self.c, entry_id)
        doc = self.document(after, old["recorded"] if old else _moment(domain_event.timestamp))
        change = _EntryChange(entry_id, after, old, doc, self.places.ranks(old, doc, self.dirty))
        write_entry(self.c, doc, position)
        self.dirty |= sourcepages.publish_shared(self.c, doc)
        self.reorder_days(change)
        self.dirty |= threads.Threads(self.c).entry_changed(entry_id, old, doc, position)
        self.add_revision(change, domain_event, position, details, told)
        if after.retracted != (before is not None and before.retracted):
            self.dirty |= self.bundles_pinning(entry_id)  # they mark it retracted (or no longer)
        return change

    def reorder_days(self, change: _EntryChange) -> None:
        """The entry's day (before and after) ranked anew, when the change may move entries in it:
        the pages listing the day in each listing of an entry it moved (the entry's own are marked
        with its other pages)."""
        days = dayorder.days_to_settle(change.old, change.doc)
        moved = dayorder.settle(self.c, days, change.entry_id) if days else set()
        self.dirty |= threads.Threads(self.c).moved(moved)
        shown: dict[str, set[pagekeys.Listing]] = defaultdict(set)
        for other in sorted(moved):
            doc = stored_document(self.c, other)
            if doc is not None:
                shown[doc["date_start"]] |= listings(doc)
                self.dirty |= {pagekeys.Timescale(y) for y in doc["years"]}  # its data holds the day's order
        for day, shown_in in sorted(shown.items()):
            self.dirty |= self.places.day_pages(day, shown_in, self.dirty)

    def bundles_pinning(self, entry_id: str) -> set[pagekeys.PageKey]:
        self.c.execute("SELECT name, data FROM bundles")
        return {pagekeys.Bundle(name) for name, data in self.c.fetchall() if f'"entry_id": "{entry_id}"' in data}

    def add_revision(
        self, change: _EntryChange, domain_event: Any, position: int, details: tuple[str, ...], told: list[Any]
    ) -> None:
        """The change's revision, and the changes page that lists it."""
        if self.change_count is None:
            self.c.execute("SELECT COUNT(*) FROM revisions")
            self.change_count = int(self.c.fetchone()[0])
        change_index = self.change_count
        self.change_count += 1
        revision = {
            "entry_id": change.entry_id,
            "number": domain_event.originator_version,
            "position": position,
            "timestamp": _moment(domain_event.timestamp),
            "change": CHANGE_NAMES.get(type(domain_event).__name__, type(domain_event).__name__),
            "editor": domain_event.editor,
            "reason": domain_event.reason,
            "details": list(details),
            "sentences": told,  # the details for readers (see sentences.py)
            "source_pages": sourcepages.with_pages(self.c, (s["key"] for s in change.doc["sources"])),
            "slug": change.doc["slug"],
            "title": change.doc["title"],
            "snapshot": change.doc,
        }
        self.c.execute(
            "INSERT OR REPLACE INTO revisions (entry_id, number, position, timestamp, data) VALUES (?, ?, ?, ?, ?)",
            (
                change.entry_id,
                revision["number"],
                position,
                revision["timestamp"],
                json.dumps(revision, ensure_ascii=False),
            ),
        )
        self.dirty.add(pagekeys.Revision(change.entry_id, revision["number"]))
        page = change_index // PAGE_SIZE + 1
        self.dirty.add(pagekeys.ChangesPage(page))
        if change_index % PAGE_SIZE == 0 and page > 1:  # every page gains its link to the new one
            self.dirty |= {pagekeys.ChangesPage(n) for n in range(1, page)}

    def settle_years(self, change: _EntryChange) -> None:
        """Every year page lists the years: a year that gains its first live entry, or loses its
        last, changes them all."""
        old, doc = change.old, change.doc
        was = set(old["years"]) if old and old["live"] else set()
        now = set(doc["years"]) if doc["live"] else set()
        if any(not self.others_live_in(year, change.entry_id) for year in sorted(was ^ now)):
            touched = set(old["years"] if old else []) | set(doc["years"])
            self.dirty |= {pagekeys.Year(y) for y in self.live_years() | touched}

    def others_live_in(self, year: int, entry_id: str) -> bool:
        """Whether a live entry other than ENTRY_ID is listed in YEAR (by index, not by scan)."""
        self.c.execute(
            "SELECT 1 FROM years y JOIN entries e ON e.id = y.entry_id "
            "WHERE y.year = ? AND e.live = 1 AND e.id != ? LIMIT 1",
            (year, entry_id),
        )
        return self.c.fetchone() is not None

    def live_years(self) -> set[int]:
        self.c.execute("SELECT DISTINCT y.year FROM years y JOIN entries e ON e.id = y.entry_id WHERE e.live = 1")
        return {int(r[0]) for r in self.c.fetchall()}

    def relink(self, change: _EntryChange) -> None:
        """Entries linking to a retitled or retracted entry show its title (or drop the link) in
        every listing: their documents hold both, so they are updated, and the pages that list
        them marked dirty."""
        old, doc = change.old, change.doc
        if old is None or (old["title"], old["live"]) == (doc["title"], doc["live"]):
            return
        self.c.execute("SELECT DISTINCT source_id FROM relations WHERE target_id = ?", (change.entry_id,))
        for (source_id,) in self.c.fetchall():
            source = stored_document(self.c, source_id)
            if source is None:
                continue
            for relation in source["relations"]:
                if relation["target_id"] == change.entry_id:
                    relation["target_title"] = doc["title"]
                    relation["target_live"] = doc["live"]
            self.c.execute(
                "UPDATE entries SET data = ?, card = ? WHERE id = ?",
                (json.dumps(source, ensure_ascii=False), card_of(source), source_id),
            )
            # Its place in every listing stays: only the page showing its card changes.
            shown = self.places.narrowed(pages_of(source), source, self.places.ranks(source, source, self.dirty))
            self.dirty |= shown | {pagekeys.HOME}
        self.dirty |= {pagekeys.Entry(i) for i in retitle_replacements(self.c, change.entry_id, doc["title"])}

    def mark_pages(self, change: _EntryChange) -> None:
        """The pages that show the entry, before and after, those of the entries that link to it or
        were merged into it, and the pages every change shows on."""
        self.c.execute(
            "SELECT source_id FROM relations WHERE target_id = ? UNION SELECT id FROM entries WHERE merged_into = ?",
            (change.entry_id, change.entry_id),
        )
        incoming = {pagekeys.Entry(r[0]) for r in self.c.fetchall()}
        shown = self.places.narrowed(pages_of(change.old) | pages_of(change.doc), change.doc, change.ranks)
        self.dirty |= shown | incoming | set(pagekeys.GLOBAL_PAGES)
        self.dirty |= self.places.twin_pages(change.old, change.doc, self.dirty)

    def settle_addresses(self, change: _EntryChange) -> None:
        """The sitemap lists the live entries and their year and facet pages; a facet's index lists
        its names with their counts, so only a change of membership changes it."""
        old, doc = change.old, change.doc
        if old is None or old["live"] != doc["live"] or addresses(old) != addresses(doc):
            self.dirty.add(pagekeys.SITEMAP)
        self.dirty |= {pagekeys.FacetIndex(facet) for facet, _, _ in facet_names(old) ^ facet_names(doc)}


def _replacement(entry: PolicyEvent, shape: dict[str, Any], found: dict[UUID, tuple[str, str, bool]]) -> dict[str, str]:
    """The entry replacing a retracted one, as its notice links to it."""
    replacement = entry.replaced_by
    return {
        "replaced_by": shape.get("replaced_by", ""),
        "replaced_by_id": str(replacement) if replacement else "",
        "replaced_by_title": found[replacement][1] if replacement else "",
    }
