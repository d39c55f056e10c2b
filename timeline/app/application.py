"""The archive application: the only place that saves to the event store.

Commands arrive here already parsed into value objects (see ``entrydata``);
this module checks what needs other entries (unique slugs, likely duplicates,
relation targets, cycles), saves, and retries when another writer won a race.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Recording, StoredEvent
from eventsourcing.utils import Environment, EnvType

from timeline.app import relating
from timeline.app.lookup import LIST_HINT, EntryNames
from timeline.app.names import NameAllocator
from timeline.app.sameday import duplicate_check
from timeline.domain.clock import Clock
from timeline.domain.dates import PartialDate, check_not_future
from timeline.domain.drafts import Draft, WriteOptions, record_draft
from timeline.domain.kinds import known_kind
from timeline.domain.listedits import ListEdits
from timeline.domain.model import (
    RECORDED_TOPIC,
    PolicyEvent,
    Relation,
    RelationType,
    Reservation,
    Source,
    with_accessed,
)
from timeline.domain.naming import relation_type
from timeline.domain.sources import source_with
from timeline.errors import (
    ConcurrentWriteConflict,
    EntryNotFound,
    InvalidChange,
    InvalidField,
)
from timeline.store import notifications as log
from timeline.store import transcodings
from timeline.store.location import (
    StoreLocation,
    check_sqlite_store,
    postgres_tables_exist,
    store_error,
)

# A writer that loses a race (same slug, same entry changed at once) rebuilds and retries.
SAVE_ATTEMPTS = 8


class TimelineArchive(Application[UUID]):
    """Records policy events and every change to them as domain events."""

    name = "timeline"

    def __init__(
        self,
        location: StoreLocation,
        *,
        kinds: Sequence[str],
        lock_timeout: int = 10,
        create: bool = True,
        clock: Clock | None = None,
    ) -> None:
        if location.kind == "sqlite":
            check_sqlite_store(location, create=create)
        self.location = location
        self.kinds = tuple(kinds)
        self.clock = clock or Clock()
        # What each save stored, until the archive service writes it to the committed history.
        self.unwritten: list[StoredEvent] = []
        self._slugs: dict[UUID, str] = {}
        self._names: EntryNames | None = None  # read on the first name that misses
        self.same_day_cache: Path | None = None  # the live entries by day, kept between commands
        try:
            settings = location.settings(lock_timeout)
            if location.kind == "postgresql":
                tables_exist = postgres_tables_exist(location)
                settings["CREATE_TABLE"] = "yes" if create and not tables_exist else "no"
            elif not create:
                settings["CREATE_TABLE"] = "no"  # the table is there (checked above): open it without writing
            super().__init__(settings)
        except Exception as error:  # psycopg or sqlite3 failing to connect or create tables
            raise store_error(error, location) from None

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        # Settings come only from the store location, never from stray POSTGRES_* variables.
        return Environment(name, dict(env or {}))

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcodings.register(transcoder)

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        recordings = super().save(*objs, **kwargs)
        self.unwritten.extend(recording.notification for recording in recordings)
        return recordings

    def take_unwritten(self) -> list[StoredEvent]:
        """The events saved since the last call (for the committed history)."""
        taken, self.unwritten = self.unwritten, []
        return taken

    # Finding entries ---------------------------------------------------------

    def get(self, ref: str | UUID) -> PolicyEvent:
        """The entry named by its slug, short id or UUID."""
        return self.entry(self.resolve(ref))

    def entry(self, entry_id: UUID, version: int | None = None) -> PolicyEvent:
        """The entry with this id, as it stands or as it stood at ``version``."""
        entry: Any = self.repository.get(entry_id, version=version)
        assert isinstance(entry, PolicyEvent)
        return entry

    def resolve(self, ref: str | UUID) -> UUID:
        """The id of the entry named by its UUID, slug or short id (or an address ending in one);
        failing those, by a unique prefix of its slug or short id (see :mod:`timeline.app.lookup`)."""
        if isinstance(ref, UUID):
            candidates = [ref]
        else:
            text = ref.strip().strip("/").split("/")[-1]
            candidates = []
            with contextlib.suppress(ValueError):  # not a UUID: a slug or a short id
                candidates.append(UUID(text))
            for namespace in ("slug", "short"):
                reservation = self.reservation(namespace, text)
                if reservation is not None:
                    candidates.append(reservation.entry_id)
        for candidate in candidates:
            if candidate in self.repository:
                return candidate
        if isinstance(ref, UUID):
            raise EntryNotFound(f"no entry {str(ref)!r}; {LIST_HINT}")
        if self._names is None:
            self._names = EntryNames(self.recorder, self.mapper)
        return self._names.find(text, str(ref))

    def reservation(self, namespace: str, name: str) -> Reservation | None:
        """Who holds a slug or short id, if anyone."""
        try:
            reservation: Any = self.repository.get(Reservation.create_id(namespace, name))
        except AggregateNotFoundError:
            return None
        assert isinstance(reservation, Reservation)
        return reservation

    def entry_ids(self, after: int = 0) -> Iterator[UUID]:
        """Every entry's id (recorded after store position ``after``), in the order they were recorded."""
        for notification in log.notifications(self.recorder, after=after, topics=[RECORDED_TOPIC]):
            yield UUID(str(notification.originator_id))

    def entries(self) -> Iterator[PolicyEvent]:
        """Every entry, retracted and merged ones included, in the order they were recorded."""
        for entry_id in self.entry_ids():
            yield self.entry(entry_id)

    def domain_events(self, entry_id: UUID) -> list[Any]:
        """Every change to one entry, oldest first."""
        return list(self.events.get(entry_id))

    def slug_of(self, entry_id: UUID) -> str:
        # A slug is set once and never changes: remembered, it spares replaying the entry again.
        slug = self._slugs.get(entry_id)
        if slug is None:
            slug = self._slugs[entry_id] = self.get(entry_id).slug
        return slug

    # Recording ---------------------------------------------------------------

    def add(self, draft: Draft, options: WriteOptions, relations: Sequence[tuple[str, str]] = ()) -> PolicyEvent:
        """Record a new entry with a unique slug and short id, and its relations, in one save."""
        kinds = [relation_type(kind) for kind, _ in relations]
        draft = dataclasses.replace(draft, kind=self.check_kind(draft.kind))  # "Executive Order" is recorded so
        self.check_draft(draft, options)

        def build() -> list[Aggregate]:
            if not options.allow_duplicate:
                duplicate_check(self.recorder, self.mapper, self.entry, self.same_day_cache).refuse(draft)
            entry_id = draft.id or uuid.uuid4()
            if draft.id is not None and entry_id in self.repository:
                raise InvalidChange(f"an entry with id {entry_id} already exists")
            names = self.names()
            short_id = names.short_id(entry_id, draft.short_id)
            slug = names.slug(draft)
            relations_made = self._new_relations(entry_id, draft, kinds, [t for _, t in relations], options)
            entry = record_draft(
                draft,
                entry_id=entry_id,
                short_id=short_id,
                slug=slug,
                relations=relations_made,
                options=options,
                today=self.clock.today(),
            )
            return [
                entry,
                Reservation("slug", slug, entry_id),
                Reservation("short", short_id, entry_id),
            ]

        saved = self.save_retrying(build)
        entry = saved[0]
        assert isinstance(entry, PolicyEvent)
        return entry

    def check_draft(self, draft: Draft, options: WriteOptions) -> None:
        """What a new entry must satisfy beyond its fields' own checks."""
        kind = self.check_kind(draft.kind)
        if kind != draft.kind:
            raise InvalidField("kind", f"{draft.kind!r} is written {kind!r} in this archive; write it so")
        if not draft.sources:
            raise InvalidField(
                "sources", "an entry needs at least one source (give --source-title, and --source-url if known)"
            )
        if not options.allow_future:
            today = self.clock.today()
            check_not_future(draft.date, today)
            for source in draft.sources:
                if source.date is not None:
                    check_not_future(source.date, today, "source date")

    def names(self) -> NameAllocator:
        """A name allocator for entries about to be recorded."""
        return NameAllocator(lambda namespace, name: self.reservation(namespace, name) is not None)

    def check_kind(self, kind: str) -> str:
        """The archive's kind that ``kind`` names (see :func:`timeline.domain.kinds.known_kind`)."""
        return known_kind(kind, self.kinds)

    # Changing ----------------------------------------------------------------

    def correct(
        self, ref: str, changes: dict[str, Any], options: WriteOptions, edits: ListEdits | None = None
    ) -> PolicyEvent:
        """Correct fields; ``edits`` adds to and removes from the lists (actors, platforms...) and
        says whether a list given whole may drop what the entry lists."""
        if "kind" in changes:
            changes = {**changes, "kind": self.check_kind(changes["kind"])}
        if "date" in changes and not options.allow_future:
            check_not_future(changes["date"], self.clock.today())
        edits = edits or ListEdits()

        def correct(entry: PolicyEvent) -> None:
            entry.correct(edits.changes(entry, changes), editor=options.editor, reason=options.reason)

        return self._change(ref, correct)

    def correct_source(self, ref: str, which: str, changes: dict[str, Any], options: WriteOptions) -> PolicyEvent:
        """Correct one source, named as for withdrawing: an archived copy added, a title put right."""
        if changes.get("date") is not None and not options.allow_future:
            check_not_future(changes["date"], self.clock.today(), "source date")

        def correct(entry: PolicyEvent) -> None:
            cited = entry.source_named(which)
            corrected = source_with(cited, changes)
            entry.correct_source(
                entry.sources.index(cited) + 1, corrected, editor=options.editor, reason=options.reason
            )

        return self._change(ref, correct)

    def add_source(self, ref: str, source: Source, options: WriteOptions) -> PolicyEvent:
        if source.date is not None and not options.allow_future:
            check_not_future(source.date, self.clock.today(), "source date")
        source = with_accessed(source, self.clock.today())
        return self._change(ref, lambda e: e.add_source(source, editor=options.editor, reason=options.reason))

    def withdraw_source(self, ref: str, which: str, options: WriteOptions) -> PolicyEvent:
        def withdraw(entry: PolicyEvent) -> None:
            entry.withdraw_source(entry.source_named(which), editor=options.editor, reason=options.reason)

        return self._change(ref, withdraw)

    def link(self, ref: str, relation: str, target_ref: str, options: WriteOptions) -> PolicyEvent:
        kind = relation_type(relation)

        def link(entry: PolicyEvent) -> None:
            relation = self.relation_to(entry.id, entry.slug, kind, target_ref, entry_date=entry.date, options=options)
            entry.link(relation, editor=options.editor, reason=options.reason)

        return self._change(ref, link)

    def _new_relations(
        self, entry_id: UUID, draft: Draft, kinds: list[RelationType], targets: list[str], options: WriteOptions
    ) -> tuple[Relation, ...]:
        """Relations a new entry is recorded with (it cannot be in a cycle yet: nothing points to it)."""
        found: list[Relation] = []
        for kind, target_ref in zip(kinds, targets, strict=True):
            relation = self.relation_to(
                entry_id, "this new entry", kind, target_ref, entry_date=draft.date, options=options
            )
            if relation not in found:
                found.append(relation)
        return tuple(found)

    def relation_to(
        self,
        entry_id: UUID,
        entry_slug: str,
        kind: RelationType,
        target_ref: str,
        *,
        entry_date: PartialDate | None = None,
        options: WriteOptions | None = None,
    ) -> Relation:
        """A relation from an entry to a live target that makes sense (see :func:`relating.relation_to`)."""
        allowed = options is not None and options.allow_out_of_order
        return relating.relation_to(self, entry_id, entry_slug, kind, self.get(target_ref), entry_date, allowed)

    def unlink(self, ref: str, relation: str, target_ref: str, options: WriteOptions) -> PolicyEvent:
        kind = relation_type(relation)
        target_id = self.resolve(target_ref)
        return self._change(
            ref, lambda e: e.unlink(Relation(kind, target_id), editor=options.editor, reason=options.reason)
        )

    def retract(self, ref: str, options: WriteOptions, replaced_by: str | None = None) -> PolicyEvent:
        """Retract an entry; ``replaced_by`` names the live entry that records the event rightly."""
        replacement = self.get(replaced_by).id if replaced_by else None
        if replacement is not None and not self.entry(replacement).is_live:
            raise InvalidChange(f"entry {self.slug_of(replacement)} is retracted or merged; name a live entry")
        return self._change(
            ref, lambda e: e.retract(editor=options.editor, reason=options.reason, replaced_by=replacement)
        )

    def unretract(self, ref: str, options: WriteOptions) -> PolicyEvent:
        """Undo a retraction: the entry is back in the listings; its history keeps both changes."""
        return self._change(ref, lambda e: e.unretract(editor=options.editor, reason=options.reason))

    def merge(self, ref: str, into_ref: str, options: WriteOptions) -> PolicyEvent:
        """Merge a duplicate into another entry; sources only the duplicate cites move across."""

        def build() -> list[Aggregate]:
            duplicate, target = self.get(ref), self.get(into_ref)
            duplicate.merge_into(target, editor=options.editor, reason=options.reason)
            for source in duplicate.sources:
                if not any(s.same_document(source) for s in target.sources):
                    target.add_source(
                        source, editor=options.editor, reason=f"merged from {duplicate.slug}: {options.reason}"
                    )
            return [duplicate, target]

        duplicate = self.save_retrying(build)[0]
        assert isinstance(duplicate, PolicyEvent)
        return duplicate

    def _change(self, ref: str, change: Callable[[PolicyEvent], None]) -> PolicyEvent:
        def build() -> list[Aggregate]:
            entry = self.get(ref)
            change(entry)
            return [entry]

        entry = self.save_retrying(build)[0]
        assert isinstance(entry, PolicyEvent)
        return entry

    def save_retrying(self, build: Callable[[], list[Aggregate]]) -> list[Aggregate]:
        """Save what ``build`` makes; if another writer got there first, rebuild and try again.

        A failed save has already drained the aggregates' pending events, so each
        attempt builds its aggregates afresh from the store.
        """
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            aggregates = build()
            try:
                self.save(*aggregates)
                return aggregates
            except IntegrityError:
                if attempt == SAVE_ATTEMPTS:
                    break
                time.sleep(random.uniform(0.005, 0.05) * attempt)
        raise ConcurrentWriteConflict(
            f"other writers kept changing the same records ({SAVE_ATTEMPTS} attempts); nothing was saved, try again"
        )

    # Reading history ---------------------------------------------------------

    def position(self) -> int:
        """The store's newest notification id (0 when empty)."""
        return self.recorder.max_notification_id() or 0


__all__ = ["Clock", "Draft", "TimelineArchive", "WriteOptions"]
