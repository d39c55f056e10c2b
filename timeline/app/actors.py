"""Actor profiles: what each actor the entries name is, recorded once for every entry naming it."""

from __future__ import annotations

from typing import Any

from eventsourcing.application import AggregateNotFoundError

from timeline.app.application import TimelineArchive
from timeline.domain.actors import ActorProfile, check_actor_type
from timeline.domain.drafts import WriteOptions
from timeline.domain.naming import name_identity, name_key
from timeline.errors import EntryNotFound


def named_actor(app: TimelineArchive, name: str) -> str:
    """The actor's name as the entries name it: one some live entry names, else the one any entry
    names; refused if no entry names it. The same name (case and spacing aside) comes before one
    that only shares its slug (accents or punctuation aside: "C-A" for "C&A")."""
    key, identity = name_key(name.strip()), name_identity(name)
    found: dict[tuple[bool, bool], str] = {}
    for entry in app.entries():
        for actor in entry.actors:
            if name_key(actor.name) == key:
                found.setdefault((name_identity(actor.name) == identity, entry.is_live), actor.name)
        if (True, True) in found:
            break
    if not found:
        raise EntryNotFound(
            f"no entry names the actor {name!r}; name an actor as an entry names it (its page is actors/<name>/)"
        )
    return found[max(found)]


def get_profile(app: TimelineArchive, name: str) -> ActorProfile | None:
    """The actor's profile, or None if nothing was recorded about it yet."""
    try:
        found: Any = app.repository.get(ActorProfile.create_id(name_key(name)))
    except AggregateNotFoundError:
        return None
    assert isinstance(found, ActorProfile)
    return found


def type_actor(app: TimelineArchive, name: str, actor_type: str, options: WriteOptions) -> ActorProfile:
    """Record that the actor named NAME is of ACTOR_TYPE (its first type, or a new one)."""
    check_actor_type(actor_type)
    name = named_actor(app, name)

    def build() -> list[Any]:
        profile = get_profile(app, name)
        if profile is None:
            who = {"editor": options.editor, "reason": options.reason}
            return [ActorProfile(key=name_key(name), name=name, actor_type=actor_type, **who)]
        profile.type_as(actor_type, editor=options.editor, reason=options.reason)
        return [profile]

    profile = app.save_retrying(build)[0]
    assert isinstance(profile, ActorProfile)
    return profile
