"""The archive's aggregates and their domain events. No I/O happens here.

A ``PolicyEvent`` is an entry of the archive: a real-world happening such as an
executive order or a fact-check label. Its changes are domain events
(``Recorded``, ``Corrected``, ``SourceAdded``...). Every event class has an
explicit topic so moving or renaming this module never orphans stored events.

Public methods check the change against the entry's state and then trigger a
private, decorated method; the decorated body is what replays the change, so it
must never validate (old events must always replay).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from timeline.domain.clock import event_time
from timeline.domain.dates import PartialDate
from timeline.domain.identifiers import Identifier
from timeline.domain.relations import Relation, RelationType
from timeline.domain.sources import Actor, Source, pair_edited_sources, unmatched, with_accessed
from timeline.errors import InvalidChange, InvalidField
from timeline.wording import numbered

__all__ = [
    "CORRECTABLE",
    "RECORDED_TOPIC",
    "Actor",
    "PolicyEvent",
    "Relation",
    "RelationType",
    "Reservation",
    "Source",
    "correctable_order",
    "with_accessed",
]

# The topic of the first change of every entry: the store lists entries by it.
RECORDED_TOPIC = "timeline:PolicyEvent.Recorded"


# Field names a correction may change, in the order the entry file shows them.
CORRECTABLE = (
    "title",
    "kind",
    "date",
    "identifiers",
    "summary",
    "actors",
    "platforms",
    "topics",
    "jurisdictions",
)


def correctable_order(field: str) -> tuple[int, str]:
    """Where a corrected field goes when a change is told: the fields' order, not the event's (a
    store replayed from history/ holds the same correction with its keys sorted, and must read the
    same)."""
    return (CORRECTABLE.index(field) if field in CORRECTABLE else len(CORRECTABLE), field)


class PolicyEvent(Aggregate):
    """An entry of the archive. Its id is a random UUID; short_id and slug are set once."""

    TOPIC = "timeline:PolicyEvent"

    # Base classes eventsourcing derives every event class from; named so the
    # explicit-topic check has nothing left implicit.
    class Event(Aggregate.Event):
        TOPIC = "timeline:PolicyEvent.Event"
        create_timestamp = staticmethod(event_time)

    class Created(Event, Aggregate.Created):
        TOPIC = "timeline:PolicyEvent.Created"

    @event("Recorded", topic=RECORDED_TOPIC)
    def __init__(
        self,
        *,
        short_id: str,
        slug: str,
        title: str,
        kind: str,
        date: PartialDate,
        summary: str,
        actors: tuple[Actor, ...],
        platforms: tuple[str, ...],
        topics: tuple[str, ...],
        jurisdictions: tuple[str, ...],
        sources: tuple[Source, ...],
        editor: str,
        reason: str,
        relations: tuple[Relation, ...] = (),
        identifiers: tuple[Identifier, ...] = (),
    ) -> None:
        self.short_id = short_id
        self.slug = slug
        self.title = title
        self.kind = kind
        self.date = date
        self.summary = summary
        self.actors = tuple(actors)
        self.platforms = tuple(platforms)
        self.topics = tuple(topics)
        self.jurisdictions = tuple(jurisdictions)
        self.sources = tuple(sources)
        self.relations = tuple(relations)
        # Entries recorded before identifiers existed have none: their Recorded events lack the field.
        self.identifiers = tuple(identifiers)
        self.retraction_reason: str | None = None
        self.replaced_by: UUID | None = None
        self.merged_into: UUID | None = None

    @classmethod
    def record(cls, entry_id: UUID, **fields: Any) -> PolicyEvent:
        """A new entry with the given id (random, or carried by an entry file or a restore)."""
        return cls._create(cls.Recorded, id=entry_id, **fields)  # type: ignore[attr-defined]

    @property
    def revision(self) -> int:
        """The number of changes the entry has had: revision N is its state after its N-th event."""
        return self.version

    @property
    def retracted(self) -> bool:
        return self.retraction_reason is not None

    @property
    def ended_on(self) -> dt.datetime | None:
        """When the entry was retracted or merged: its last change, since none may follow."""
        return None if self.is_live else self.modified_on

    @property
    def is_live(self) -> bool:
        """Shown in listings: neither retracted nor merged into another entry."""
        return self.retraction_reason is None and self.merged_into is None

    def check_changeable(self) -> None:
        if self.merged_into is not None:
            raise InvalidChange(f"entry {self.slug} was merged into another entry; change that one instead")
        if self.retracted:
            raise InvalidChange(f"entry {self.slug} is retracted; it can no longer be changed")

    # Corrections -------------------------------------------------------------

    def correct(self, changes: dict[str, Any], *, editor: str, reason: str) -> None:
        """Change any subset of CORRECTABLE fields; values equal to the current ones are dropped."""
        self.check_changeable()
        unknown = set(changes) - set(CORRECTABLE)
        if unknown:
            raise InvalidChange(f"cannot correct {', '.join(sorted(unknown))}")
        effective = {k: v for k, v in changes.items() if getattr(self, k) != v}
        if not effective:
            raise InvalidChange(f"nothing to correct: the values given equal those of {self.slug}")
        self._corrected(changes=effective, editor=editor, reason=reason)

    @event("Corrected", topic="timeline:PolicyEvent.Corrected")
    def _corrected(self, changes: dict[str, Any], editor: str, reason: str) -> None:
        for name, value in changes.items():
            setattr(self, name, tuple(value) if isinstance(value, list) else value)

    def differences(
        self, fields: dict[str, Any], sources: tuple[Source, ...], relations: tuple[Relation, ...], retracted: bool
    ) -> list[str]:
        """The names of the fields where the given state differs from this entry's."""
        names = [name for name in CORRECTABLE if name in fields and getattr(self, name) != fields[name]]
        if unmatched(sources, self.sources) or unmatched(self.sources, sources):
            names.append("sources")
        if set(relations) != set(self.relations):
            names.append("relations")
        if retracted != self.retracted:
            names.append("retracted")
        return names

    def revise(
        self,
        fields: dict[str, Any],
        sources: tuple[Source, ...],
        relations: tuple[Relation, ...],
        retraction_reason: str | None,
        *,
        editor: str,
        reason: str,
        replaced_by: UUID | None = None,
    ) -> None:
        """Bring the entry to the given state (an edited events/ file) with the usual domain events.

        A retracted entry whose file no longer says so is unretracted first. A source edited in
        place (same position, or the same document moved) is corrected, not withdrawn and added
        again: to a reader "withdrawn" means discredited. Sources are added before others are
        withdrawn, so an entry never passes through a state with no source.
        """
        if retraction_reason is None and self.retracted:
            self.unretract(editor=editor, reason=reason)
        effective = {k: v for k, v in fields.items() if getattr(self, k) != v}
        if effective:
            self.correct(effective, editor=editor, reason=reason)
        added, withdrawn = unmatched(sources, self.sources), unmatched(self.sources, sources)
        for old, new in pair_edited_sources(withdrawn, added, self.sources, sources):
            self.correct_source(self.sources.index(old) + 1, new, editor=editor, reason=reason)
            added.remove(new)
            withdrawn.remove(old)
        # (the duplicate check of add_source would refuse a re-added source; the draft has >= 1 source)
        for source in added:
            self._source_added(source=source, editor=editor, reason=reason)
        for source in withdrawn:
            self._source_withdrawn(source=source, editor=editor, reason=reason)
        for relation in self.relations:
            if relation not in relations:
                self.unlink(relation, editor=editor, reason=reason)
        for relation in relations:
            if relation not in self.relations:
                self.link(relation, editor=editor, reason=reason)
        if retraction_reason is not None and not self.retracted:
            self.retract(editor=editor, reason=retraction_reason or reason, replaced_by=replaced_by)

    # Sources -----------------------------------------------------------------

    def add_source(self, source: Source, *, editor: str, reason: str) -> None:
        self.check_changeable()
        if any(s.same_document(source) for s in self.sources):
            raise InvalidChange(f"entry {self.slug} already cites this source")
        self._source_added(source=source, editor=editor, reason=reason)

    @event("SourceAdded", topic="timeline:PolicyEvent.SourceAdded")
    def _source_added(self, source: Source, editor: str, reason: str) -> None:
        self.sources = (*self.sources, source)

    def source_named(self, which: str) -> Source:
        """A source named by its number in 'timeline show' (1, 2...) or by its URL."""
        which = which.strip()
        if which.isdigit():
            number = int(which)
            if 1 <= number <= len(self.sources):
                return self.sources[number - 1]
            raise InvalidField("source", f"entry {self.slug} has {numbered(len(self.sources), 'source')}, not {number}")
        for source in self.sources:
            if which and which in (source.url, source.archived_url):
                return source
        raise InvalidField("source", f"entry {self.slug} cites no source with URL {which!r}; give its number or URL")

    def withdraw_source(self, source: Source, *, editor: str, reason: str) -> None:
        self.check_changeable()
        if source not in self.sources:
            raise InvalidChange(f"entry {self.slug} does not cite this source")
        if len(self.sources) == 1:
            raise InvalidChange(
                f"entry {self.slug} must keep at least one source; add another before withdrawing this one"
            )
        self._source_withdrawn(source=source, editor=editor, reason=reason)

    @event("SourceWithdrawn", topic="timeline:PolicyEvent.SourceWithdrawn")
    def _source_withdrawn(self, source: Source, editor: str, reason: str) -> None:
        position = self.sources.index(source)
        self.sources = self.sources[:position] + self.sources[position + 1 :]

    def correct_source(self, number: int, source: Source, *, editor: str, reason: str) -> None:
        """Replace source NUMBER (1, 2... as 'timeline show' numbers them) with its corrected
        version: an archived copy added, a title or date put right. The source stays cited."""
        self.check_changeable()
        if not 1 <= number <= len(self.sources):
            raise InvalidField("source", f"entry {self.slug} has {numbered(len(self.sources), 'source')}, not {number}")
        if self.sources[number - 1] == source:
            raise InvalidChange(f"nothing to correct: source {number} of {self.slug} already reads so")
        for other, cited in enumerate(self.sources, start=1):
            if other != number and cited.same_document(source):
                raise InvalidChange(f"entry {self.slug} already cites this document as source {other}")
        self._source_corrected(number=number, source=source, editor=editor, reason=reason)

    @event("SourceCorrected", topic="timeline:PolicyEvent.SourceCorrected")
    def _source_corrected(self, number: int, source: Source, editor: str, reason: str) -> None:
        self.sources = (*self.sources[: number - 1], source, *self.sources[number:])

    # Relations ---------------------------------------------------------------

    def link(self, relation: Relation, *, editor: str, reason: str) -> None:
        """Checks that need other entries (target exists, no cycles) are the application's."""
        self.check_changeable()
        if relation.target == self.id:
            raise InvalidChange(f"entry {self.slug} cannot be linked to itself")
        if relation in self.relations:
            raise InvalidChange(f"entry {self.slug} already has this link")
        self._linked(relation=relation, editor=editor, reason=reason)

    @event("Linked", topic="timeline:PolicyEvent.Linked")
    def _linked(self, relation: Relation, editor: str, reason: str) -> None:
        self.relations = (*self.relations, relation)

    def unlink(self, relation: Relation, *, editor: str, reason: str) -> None:
        self.check_changeable()
        if relation not in self.relations:
            raise InvalidChange(f"entry {self.slug} has no such link")
        self._unlinked(relation=relation, editor=editor, reason=reason)

    @event("Unlinked", topic="timeline:PolicyEvent.Unlinked")
    def _unlinked(self, relation: Relation, editor: str, reason: str) -> None:
        self.relations = tuple(r for r in self.relations if r != relation)

    # End of life -------------------------------------------------------------

    def retract(self, *, editor: str, reason: str, replaced_by: UUID | None = None) -> None:
        """Take a wrong entry out of the listings; ``replaced_by`` is the entry that records the
        event rightly (linked from the retraction notice; the application checks it is live)."""
        self.check_changeable()
        if replaced_by == self.id:
            raise InvalidChange(f"entry {self.slug} cannot be replaced by itself")
        self._retracted(editor=editor, reason=reason, replaced_by=replaced_by)

    @event("Retracted", topic="timeline:PolicyEvent.Retracted")
    def _retracted(self, editor: str, reason: str, replaced_by: UUID | None = None) -> None:
        # (retractions recorded before replacements could be named lack the field)
        self.retraction_reason = reason
        self.replaced_by = replaced_by

    def unretract(self, *, editor: str, reason: str) -> None:
        """Undo a retraction made by mistake: the entry is back in the listings, and its history
        keeps both the retraction and this change."""
        if self.merged_into is not None:
            raise InvalidChange(f"entry {self.slug} was merged into another entry; a merger cannot be undone")
        if not self.retracted:
            raise InvalidChange(f"entry {self.slug} is not retracted")
        self._unretracted(editor=editor, reason=reason)

    @event("Unretracted", topic="timeline:PolicyEvent.Unretracted")
    def _unretracted(self, editor: str, reason: str) -> None:
        self.retraction_reason = None
        self.replaced_by = None

    def merge_into(self, target: PolicyEvent, *, editor: str, reason: str) -> None:
        self.check_changeable()
        if target.id == self.id:
            raise InvalidChange(f"entry {self.slug} cannot be merged into itself")
        if not target.is_live:
            raise InvalidChange(f"entry {target.slug} is retracted or merged; merge into a live entry")
        self._merged(into=target.id, editor=editor, reason=reason)

    @event("Merged", topic="timeline:PolicyEvent.Merged")
    def _merged(self, into: UUID, editor: str, reason: str) -> None:
        self.merged_into = into


class Reservation(Aggregate):
    """Holds a unique name (a slug or a short id) for one entry.

    Its id is derived from the name, so two writers reserving the same name
    create the same aggregate at version 1 and the store lets only one of them
    succeed.
    """

    TOPIC = "timeline:Reservation"

    class Event(Aggregate.Event):
        TOPIC = "timeline:Reservation.Event"
        create_timestamp = staticmethod(event_time)

    class Created(Event, Aggregate.Created):
        TOPIC = "timeline:Reservation.Created"

    @staticmethod
    def create_id(namespace: str, name: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"timeline:{namespace}:{name}")

    @event("Reserved", topic="timeline:Reservation.Reserved")
    def __init__(self, namespace: str, name: str, entry_id: UUID) -> None:
        self.namespace = namespace
        self.name = name
        self.entry_id = entry_id
