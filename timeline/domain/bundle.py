"""Citation bundles: a named set of entries pinned to the revisions they had when pinned.

A paper, an article or a brief cites several entries; its bundle records exactly
which revision of each was read, so the bundle's page and its reference files
never change when the entries are corrected later. No I/O happens here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from timeline.domain.clock import event_time
from timeline.errors import InvalidChange


@dataclass(frozen=True)
class Pin:
    entry_id: UUID
    revision: int


class Bundle(Aggregate):
    """Its id derives from its name, so a name can name one bundle only."""

    TOPIC = "timeline:Bundle"

    class Event(Aggregate.Event):
        TOPIC = "timeline:Bundle.Event"
        create_timestamp = staticmethod(event_time)

    class Created(Event, Aggregate.Created):
        TOPIC = "timeline:Bundle.Created"

    @staticmethod
    def create_id(name: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"timeline:bundle:{name}")

    @event("Started", topic="timeline:Bundle.Started")
    def __init__(self, name: str, title: str, pins: tuple[Pin, ...], editor: str, reason: str) -> None:
        self.name = name
        self.title = title
        self.pins = tuple(pins)
        self.deletion_reason = ""
        self.deleted = False

    @property
    def deleted_on(self) -> dt.datetime | None:
        """When it was deleted: its last change, since a deleted bundle never changes again."""
        return self.modified_on if self.deleted else None

    def check_changeable(self) -> None:
        """A deleted bundle stays as it was when deleted: its page was cited."""
        if self.deleted_on is not None:
            raise InvalidChange(
                f"bundle {self.name} was deleted on {self.deleted_on:%Y-%m-%d} ({self.deletion_reason}); "
                "a deleted bundle cannot be changed"
            )

    def add(self, pins: tuple[Pin, ...], *, editor: str, reason: str) -> None:
        """Pin more entries; an entry already in the bundle keeps the revision it was pinned at."""
        self.check_changeable()
        present = {p.entry_id for p in self.pins}
        new = tuple(p for p in pins if p.entry_id not in present)
        if not new:
            raise InvalidChange(f"bundle {self.name} already holds these entries")
        self._added(pins=new, editor=editor, reason=reason)

    @event("EntriesAdded", topic="timeline:Bundle.EntriesAdded")
    def _added(self, pins: tuple[Pin, ...], editor: str, reason: str) -> None:
        self.pins = (*self.pins, *pins)

    def remove(self, entry_ids: tuple[UUID, ...], *, editor: str, reason: str) -> None:
        self.check_changeable()
        missing = set(entry_ids) - {p.entry_id for p in self.pins}
        if missing:
            raise InvalidChange(f"bundle {self.name} does not hold {len(missing)} of these entries")
        if len(set(entry_ids)) == len(self.pins):
            raise InvalidChange(f"bundle {self.name} would be empty; a bundle keeps at least one entry")
        self._removed(entry_ids=tuple(entry_ids), editor=editor, reason=reason)

    @event("EntriesRemoved", topic="timeline:Bundle.EntriesRemoved")
    def _removed(self, entry_ids: tuple[UUID, ...], editor: str, reason: str) -> None:
        self.pins = tuple(p for p in self.pins if p.entry_id not in set(entry_ids))

    def delete(self, *, editor: str, reason: str) -> None:
        """Withdraw the bundle: its page stays at its address, marked withdrawn, and its name stays
        taken; it leaves the list of bundles and is never changed again."""
        self.check_changeable()
        self._deleted(editor=editor, reason=reason)

    @event("Deleted", topic="timeline:Bundle.Deleted")
    def _deleted(self, editor: str, reason: str) -> None:
        self.deleted = True
        self.deletion_reason = reason
