"""Actor profiles: what an actor is (a person, an organisation, a government body, a court),
recorded once per actor rather than in every entry that names it.

Entries name actors by name; every name with the same key (the address of the actor's page,
``actors/<key>/``) is one actor, so a profile's id derives from that key. No I/O happens here.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from timeline.domain.clock import event_time
from timeline.errors import InvalidChange, InvalidField

# Each type and how a page names it.
ACTOR_TYPES = {
    "person": "Person",
    "organization": "Organisation",
    "government": "Government body",
    "court": "Court",
}


def check_actor_type(actor_type: str) -> str:
    if actor_type not in ACTOR_TYPES:
        raise InvalidField("actor type", f"{actor_type!r} is not accepted; use one of: {', '.join(ACTOR_TYPES)}")
    return actor_type


class ActorProfile(Aggregate):
    """One per actor: its id derives from the actor's key, however many entries name it."""

    TOPIC = "timeline:Actor"

    class Event(Aggregate.Event):
        TOPIC = "timeline:Actor.Event"
        create_timestamp = staticmethod(event_time)

    class Created(Event, Aggregate.Created):
        TOPIC = "timeline:Actor.Created"

    @staticmethod
    def create_id(key: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"timeline:actor:{key}")

    @event("Started", topic="timeline:Actor.Started")
    def __init__(self, key: str, name: str, actor_type: str, editor: str, reason: str) -> None:
        """The actor's first type (``name`` as an entry names it)."""
        self.key = key
        self.name = name
        self.actor_type = check_actor_type(actor_type)

    def type_as(self, actor_type: str, *, editor: str, reason: str) -> None:
        """Record what the actor is now; the type it has already is refused."""
        check_actor_type(actor_type)
        if actor_type == self.actor_type:
            raise InvalidChange(f"actor {self.name} is already typed {actor_type}: nothing to change")
        self._typed(actor_type=actor_type, editor=editor, reason=reason)

    @event("Typed", topic="timeline:Actor.Typed")
    def _typed(self, actor_type: str, editor: str, reason: str) -> None:
        self.actor_type = actor_type
