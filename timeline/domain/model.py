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
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from timeline.domain.clock import event_time
from timeline.domain.dates import PartialDate
from timeline.domain.identifiers import Identifier
from timeline.errors import InvalidChange, InvalidField

# The topic of the first change of every entry: the store lists entries by it.
RECORDED_TOPIC = "timeline:PolicyEvent.Recorded"


class RelationType(StrEnum):
    """How one entry relates to another, read from the entry that holds the link."""

    RESPONDS_TO = "responds-to"
    PART_OF = "part-of"
    FOLLOWS = "follows"
    SUPERSEDES = "supersedes"
    CHALLENGES = "challenges"
    ENDS = "ends"
    RELATED = "related"

    @property
    def wording(self) -> str:
        return _WORDING[self][0]

    @property
    def inverse_wording(self) -> str:
        """How the link reads from the other end ('responded to by')."""
        return _WORDING[self][1]


_WORDING = {
    RelationType.RESPONDS_TO: ("responds to", "responded to by"),
    RelationType.PART_OF: ("part of", "includes"),
    RelationType.FOLLOWS: ("follows", "followed by"),
    RelationType.SUPERSEDES: ("supersedes", "superseded by"),
    RelationType.CHALLENGES: ("challenges", "challenged by"),
    RelationType.ENDS: ("ends", "ended by"),
    RelationType.RELATED: ("related to", "related to"),
}


@dataclass(frozen=True)
class Actor:
    """Who took part, and how: Donald Trump as issuer, Twitter as target."""

    name: str
    role: str = ""


@dataclass(frozen=True)
class Source:
    """A document an entry rests on. Only the title is required: print sources have no URL."""

    title: str
    publisher: str = ""
    authors: tuple[str, ...] = ()
    date: PartialDate | None = None
    url: str = ""
    archived_url: str = ""
    language: str = ""
    quote: str = ""
    quote_by: str = ""
    note: str = ""
    accessed: dt.date | None = None

    def same_document(self, other: Source) -> bool:
        """Two sources are the same document when their URLs match, or (without URLs) their
        publisher, title and date match."""
        if self.url or other.url:
            return self.url == other.url
        return (self.publisher, self.title, self.date) == (other.publisher, other.title, other.date)


@dataclass(frozen=True)
class Relation:
    type: RelationType
    target: UUID


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
        if _unmatched(sources, self.sources) or _unmatched(self.sources, sources):
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
    ) -> None:
        """Bring the entry to the given state (an edited events/ file) with the usual domain events.

        Sources are added before others are withdrawn, so an entry never passes through
        a state with no source.
        """
        effective = {k: v for k, v in fields.items() if getattr(self, k) != v}
        if effective:
            self.correct(effective, editor=editor, reason=reason)
        # A source edited in place is the old one withdrawn and the new one added; the
        # duplicate check of add_source would refuse it, and the draft has >= 1 source.
        for source in _unmatched(sources, self.sources):
            self._source_added(source=source, editor=editor, reason=reason)
        for source in _unmatched(self.sources, sources):
            self._source_withdrawn(source=source, editor=editor, reason=reason)
        for relation in self.relations:
            if relation not in relations:
                self.unlink(relation, editor=editor, reason=reason)
        for relation in relations:
            if relation not in self.relations:
                self.link(relation, editor=editor, reason=reason)
        if retraction_reason is not None and not self.retracted:
            self.retract(editor=editor, reason=retraction_reason or reason)

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
            raise InvalidField("source", f"entry {self.slug} has sources 1 to {len(self.sources)}, not {number}")
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

    def retract(self, *, editor: str, reason: str) -> None:
        self.check_changeable()
        self._retracted(editor=editor, reason=reason)

    @event("Retracted", topic="timeline:PolicyEvent.Retracted")
    def _retracted(self, editor: str, reason: str) -> None:
        self.retraction_reason = reason

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


def _unmatched(wanted: tuple[Source, ...], present: tuple[Source, ...]) -> list[Source]:
    """Sources in ``wanted`` that ``present`` lacks (a source without an access date matches the
    same source with one, whichever side lacks it)."""
    return [source for source in wanted if not any(_same_citation(source, p) for p in present)]


def _same_citation(one: Source, other: Source) -> bool:
    if one.accessed is None or other.accessed is None:
        return replace(one, accessed=None) == replace(other, accessed=None)
    return one == other


def with_accessed(source: Source, today: dt.date) -> Source:
    """A source cited today without an access date is taken to have been accessed today."""
    return source if source.accessed else replace(source, accessed=today)


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
