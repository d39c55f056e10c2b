"""The archive application: the only place that saves to the event store.

Commands arrive here already parsed into value objects (see ``entrydata``);
this module checks what needs other entries (unique slugs, likely duplicates,
relation targets, cycles), saves, and retries when another writer won a race.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import random
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, StoredEvent
from eventsourcing.utils import Environment, EnvType

from timeline.app.importing import ImportPlan, ImportRow
from timeline.domain.bundle import Bundle, Pin
from timeline.domain.dates import check_not_future
from timeline.domain.drafts import Draft, WriteOptions, record_draft
from timeline.domain.model import (
    CORRECTABLE,
    PolicyEvent,
    Relation,
    RelationType,
    Reservation,
    Source,
    with_accessed,
)
from timeline.domain.naming import base_slug, check_slug, near_identical, relation_type, short_id_for
from timeline.domain.validation import TITLE_MAX, clean_line
from timeline.errors import (
    ConcurrentWriteConflict,
    DuplicateEntry,
    EntryNotFound,
    InvalidChange,
    InvalidField,
    StoreNotEmpty,
    SyncConflict,
)
from timeline.progress import Progress
from timeline.store import notifications as log
from timeline.store import transcodings
from timeline.store.location import (
    StoreLocation,
    check_sqlite_store,
    postgres_tables_exist,
    store_error,
)
from timeline.store.transaction import one_transaction

BUNDLE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def check_bundle_name(name: str) -> str:
    if not BUNDLE_NAME.fullmatch(name) or len(name) > 80:
        raise InvalidField("bundle name", f"{name!r} is not accepted; use lowercase letters, digits and hyphens")
    return name


# A writer that loses a race (same slug, same entry changed at once) rebuilds and retries.
SAVE_ATTEMPTS = 8
RECORDED_TOPIC = "timeline:PolicyEvent.Recorded"


@dataclass
class Clock:
    """Today's date, replaceable in tests."""

    today: Callable[[], dt.date] = field(default=lambda: dt.datetime.now(dt.UTC).date())


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
        raise EntryNotFound(f"no entry {str(ref)!r}; name an entry by its slug or short id (see 'timeline list')")

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
        return self.get(entry_id).slug

    # Recording ---------------------------------------------------------------

    def add(self, draft: Draft, options: WriteOptions, relations: Sequence[tuple[str, str]] = ()) -> PolicyEvent:
        """Record a new entry with a unique slug and short id, and its relations, in one save."""
        kinds = [relation_type(kind) for kind, _ in relations]
        self.check_draft(draft, options)

        def build() -> list[Aggregate]:
            if not options.allow_duplicate:
                self._refuse_duplicate(draft)
            entry_id = draft.id or uuid.uuid4()
            if draft.id is not None and entry_id in self.repository:
                raise InvalidChange(f"an entry with id {entry_id} already exists")
            short_id = draft.short_id or short_id_for(entry_id)
            if self.reservation("short", short_id) is not None:
                if draft.short_id:
                    raise InvalidChange(f"short id {short_id} is already taken")
                entry_id, short_id = self._fresh_short_id()
            slug = self._free_slug(draft)
            relations_made = self._new_relations(entry_id, kinds, [target for _, target in relations])
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

        saved = self._save(build)
        entry = saved[0]
        assert isinstance(entry, PolicyEvent)
        return entry

    def check_draft(self, draft: Draft, options: WriteOptions) -> None:
        """What a new entry must satisfy beyond its fields' own checks."""
        self.check_kind(draft.kind)
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

    def check_kind(self, kind: str) -> None:
        if kind not in self.kinds:
            raise InvalidField("kind", f"{kind!r} is not a known kind; known kinds: {', '.join(self.kinds)}")

    def _fresh_short_id(self) -> tuple[UUID, str]:
        while True:
            entry_id = uuid.uuid4()
            short_id = short_id_for(entry_id)
            if self.reservation("short", short_id) is None:
                return entry_id, short_id

    def _free_slug(self, draft: Draft) -> str:
        if draft.slug:
            if self.reservation("slug", check_slug(draft.slug)) is not None:
                raise InvalidChange(f"slug {draft.slug} is already taken by another entry")
            return draft.slug
        base = candidate = base_slug(draft.date, draft.title)
        number = 1
        while self.reservation("slug", candidate) is not None:
            number += 1
            candidate = f"{base}-{number}"
        return candidate

    def _refuse_duplicate(self, draft: Draft) -> None:
        for entry in self.entries():
            if entry.is_live and entry.date.start == draft.date.start and near_identical(draft.title, entry.title):
                raise DuplicateEntry(
                    f"likely duplicate of {entry.slug} ({entry.date}, {entry.title!r}); "
                    "pass --allow-duplicate to record it anyway"
                )

    def import_entries(
        self,
        rows: Sequence[ImportRow],
        options: WriteOptions,
        problems: Sequence[str] = (),
        batch_size: int = 200,
        progress: Progress | None = None,
    ) -> tuple[list[PolicyEvent], list[UUID]]:
        """Record many entries: all are checked before any is saved, then saved in batches.

        ``problems`` are the rows already found bad while reading; with any problem,
        nothing is saved. Rows whose id the store already holds (an earlier run of
        the same import) are skipped. Returns (entries recorded, ids of the rows skipped).
        ``progress`` hears of every batch saved ("entries").
        """
        plan = ImportPlan(self, options, list(problems))
        for row in rows:
            plan.add(row)
        plan.link_all()
        plan.raise_problems()
        recorded: list[PolicyEvent] = []
        for start in range(0, len(plan.entries), batch_size):
            batch = plan.entries[start : start + batch_size]
            aggregates: list[Aggregate] = []
            for entry in batch:
                aggregates += [
                    entry,
                    Reservation("slug", entry.slug, entry.id),
                    Reservation("short", entry.short_id, entry.id),
                ]
            try:
                self.save(*aggregates)
            except IntegrityError:
                raise ConcurrentWriteConflict(
                    f"another writer took a slug while importing; {len(recorded)} entries were saved, "
                    "run the same import again to finish"
                ) from None
            recorded += batch
            if progress is not None:
                progress("entries", len(recorded), len(plan.entries))
        return recorded, plan.skipped

    # Changing ----------------------------------------------------------------

    def correct(self, ref: str, changes: dict[str, Any], options: WriteOptions) -> PolicyEvent:
        if "kind" in changes:
            self.check_kind(changes["kind"])
        if "date" in changes and not options.allow_future:
            check_not_future(changes["date"], self.clock.today())
        return self._change(ref, lambda e: e.correct(changes, editor=options.editor, reason=options.reason))

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
            relation = self.relation_to(entry.id, entry.slug, kind, target_ref)
            entry.link(relation, editor=options.editor, reason=options.reason)

        return self._change(ref, link)

    def _new_relations(self, entry_id: UUID, kinds: list[RelationType], targets: list[str]) -> tuple[Relation, ...]:
        """Relations a new entry is recorded with (it cannot be in a cycle yet: nothing points to it)."""
        found: list[Relation] = []
        for kind, target_ref in zip(kinds, targets, strict=True):
            relation = self.relation_to(entry_id, "this new entry", kind, target_ref)
            if relation not in found:
                found.append(relation)
        return tuple(found)

    def relation_to(self, entry_id: UUID, entry_slug: str, kind: RelationType, target_ref: str) -> Relation:
        """A relation from an entry to a live target that makes no 'supersedes' cycle."""
        target = self.get(target_ref)
        if target.id != entry_id:
            if target.merged_into is not None:
                raise InvalidChange(
                    f"entry {target.slug} was merged into {self.slug_of(target.merged_into)}; link to that one"
                )
            if target.retracted:
                raise InvalidChange(f"entry {target.slug} is retracted; relations to it are not allowed")
            if kind is RelationType.SUPERSEDES and self._supersedes(target.id, entry_id):
                raise InvalidChange(
                    f"{entry_slug} supersedes {target.slug} would make a cycle: "
                    f"{target.slug} already supersedes {entry_slug}, directly or through others"
                )
        return Relation(kind, target.id)

    def unlink(self, ref: str, relation: str, target_ref: str, options: WriteOptions) -> PolicyEvent:
        kind = relation_type(relation)
        target_id = self.resolve(target_ref)
        return self._change(
            ref, lambda e: e.unlink(Relation(kind, target_id), editor=options.editor, reason=options.reason)
        )

    def revise(
        self,
        ref: str | UUID,
        draft: Draft,
        relations: Sequence[tuple[str, str]],
        retraction_reason: str | None,
        options: WriteOptions,
        based_on: int | None = None,
    ) -> tuple[PolicyEvent, bool]:
        """Bring an entry to the state an edited file describes; returns (entry, whether it changed).

        ``based_on`` is the revision the file was written from: if the store has moved on
        since and the file differs from it, the edit is refused as a conflict.
        """
        self.check_draft(draft, options)
        kinds = [relation_type(kind) for kind, _ in relations]
        changed = False

        def build() -> list[Aggregate]:
            nonlocal changed
            entry = self.get(ref)
            for name in ("slug", "short_id"):
                given = getattr(draft, name)
                if given and given != getattr(entry, name):
                    raise InvalidField(name, f"is {getattr(entry, name)!r} and can never change (file says {given!r})")
            wanted = []
            for kind, target_ref in zip(kinds, [t for _, t in relations], strict=True):
                kept = Relation(kind, self.resolve(target_ref))
                wanted.append(
                    kept if kept in entry.relations else self.relation_to(entry.id, entry.slug, kind, target_ref)
                )
            sources = tuple(_with_known_access(s, entry.sources, self.clock.today()) for s in draft.sources)
            fields = {name: getattr(draft, name) for name in CORRECTABLE}
            differences = entry.differences(fields, sources, tuple(wanted), retraction_reason is not None)
            changed = bool(differences)
            if not changed:
                return []
            if based_on is not None and based_on < entry.revision:
                raise SyncConflict(entry.slug, based_on, entry.revision, differences)
            entry.revise(
                fields, sources, tuple(wanted), retraction_reason, editor=options.editor, reason=options.reason
            )
            return [entry]

        self._save(build)
        return self.get(ref), changed

    def file_differences(
        self, entry: PolicyEvent, draft: Draft, relations: Sequence[tuple[str, str]], retracted: bool
    ) -> list[str]:
        """The fields where the state an events/ file describes differs from the entry's, as
        :meth:`revise` compares them, but reading only: nothing is checked for writing or saved."""
        wanted = tuple(Relation(relation_type(kind), self.resolve(target)) for kind, target in relations)
        sources = tuple(_with_known_access(s, entry.sources, self.clock.today()) for s in draft.sources)
        fields = {name: getattr(draft, name) for name in CORRECTABLE}
        return entry.differences(fields, sources, wanted, retracted)

    def retract(self, ref: str, options: WriteOptions) -> PolicyEvent:
        return self._change(ref, lambda e: e.retract(editor=options.editor, reason=options.reason))

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

        duplicate = self._save(build)[0]
        assert isinstance(duplicate, PolicyEvent)
        return duplicate

    def _supersedes(self, start: UUID, goal: UUID) -> bool:
        """Whether ``start`` supersedes ``goal`` through a chain of 'supersedes' links."""
        seen: set[UUID] = set()
        pending = [start]
        while pending:
            current = pending.pop()
            if current == goal:
                return True
            if current in seen:
                continue
            seen.add(current)
            entry = self.get(current)
            pending.extend(r.target for r in entry.relations if r.type is RelationType.SUPERSEDES)
        return False

    def _change(self, ref: str, change: Callable[[PolicyEvent], None]) -> PolicyEvent:
        def build() -> list[Aggregate]:
            entry = self.get(ref)
            change(entry)
            return [entry]

        entry = self._save(build)[0]
        assert isinstance(entry, PolicyEvent)
        return entry

    def _save(self, build: Callable[[], list[Aggregate]]) -> list[Aggregate]:
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

    # Citation bundles --------------------------------------------------------

    def bundle(self, name: str) -> Bundle:
        try:
            found: Any = self.repository.get(Bundle.create_id(check_bundle_name(name)))
        except AggregateNotFoundError:
            raise EntryNotFound(f"no bundle {name!r}; create it with 'timeline bundle create'") from None
        assert isinstance(found, Bundle)
        return found

    def _pins(self, refs: Sequence[str]) -> tuple[Pin, ...]:
        """Each entry pinned at its current revision."""
        pins: list[Pin] = []
        for ref in refs:
            entry = self.get(ref)
            if entry.merged_into is not None:
                raise InvalidChange(f"entry {entry.slug} was merged into another entry; pin that one")
            if all(p.entry_id != entry.id for p in pins):
                pins.append(Pin(entry.id, entry.revision))
        return tuple(pins)

    def create_bundle(self, name: str, title: str, refs: Sequence[str], options: WriteOptions) -> Bundle:
        check_bundle_name(name)
        if not refs:
            raise InvalidField("entries", "a bundle needs at least one entry")
        if Bundle.create_id(name) in self.repository:
            raise InvalidChange(f"bundle {name} already exists; add entries with 'timeline bundle add'")
        title = clean_line(title, "bundle title", max_length=TITLE_MAX)
        pins = self._pins(refs)
        bundle = Bundle(name=name, title=title or name, pins=pins, editor=options.editor, reason=options.reason)
        self.save(bundle)  # a second writer creating the same name fails here: the id is the name's
        return bundle

    def add_to_bundle(self, name: str, refs: Sequence[str], options: WriteOptions) -> Bundle:
        def build() -> list[Any]:
            bundle = self.bundle(name)
            bundle.add(self._pins(refs), editor=options.editor, reason=options.reason)
            return [bundle]

        bundle = self._save(build)[0]
        assert isinstance(bundle, Bundle)
        return bundle

    def remove_from_bundle(self, name: str, refs: Sequence[str], options: WriteOptions) -> Bundle:
        def build() -> list[Any]:
            bundle = self.bundle(name)
            bundle.remove(tuple(self.resolve(ref) for ref in refs), editor=options.editor, reason=options.reason)
            return [bundle]

        bundle = self._save(build)[0]
        assert isinstance(bundle, Bundle)
        return bundle

    # Restoring ---------------------------------------------------------------

    def check_empty(self, newest: int | None = None) -> None:
        """Refuse a store that holds changes (``newest``: its newest position, if known)."""
        newest = self.position() if newest is None else newest
        if newest:
            raise StoreNotEmpty(
                f"the store {self.location.display} is not empty (its newest change is at position {newest}); "
                "restore only into an empty store: name a new one with --store, or run 'timeline init' for a "
                "new archive"
            )

    def restore(self, batches: Iterable[Sequence[StoredEvent]]) -> int:
        """Write stored domain events exactly as given (a dump's) into this store, which must be
        empty, in one transaction: an error from the batches, or from the store, writes nothing.

        Returns how many were written.
        """
        written = 0
        with one_transaction(self.recorder) as (newest, insert):
            self.check_empty(newest)
            for batch in batches:
                insert(batch)
                written += len(batch)
        return written

    # Reading history ---------------------------------------------------------

    def changes(self, limit: int | None = None) -> list[tuple[int, Any]]:
        """The archive's changes to entries, newest first, as (store position, domain event)."""
        found: list[tuple[int, Any]] = []
        for notification in log.newest_first(self.recorder):
            if notification.topic.startswith("timeline:PolicyEvent."):
                found.append((notification.id, self.mapper.to_domain_event(notification)))
                if limit is not None and len(found) >= limit:
                    break
        return found

    def position(self) -> int:
        """The store's newest notification id (0 when empty)."""
        return self.recorder.max_notification_id() or 0


def _with_known_access(source: Source, cited: tuple[Source, ...], today: dt.date) -> Source:
    """A source written without an access date keeps the one already recorded, else gets today's."""
    if source.accessed is None:
        for known in cited:
            if dataclasses.replace(known, accessed=None) == source:
                return known
    return with_accessed(source, today)


__all__ = ["Clock", "Draft", "TimelineArchive", "WriteOptions"]
