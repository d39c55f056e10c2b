"""What a new entry needs from the others before it is saved: a free slug and short id, no
likely duplicate among live entries, no 'supersedes' cycle. One of each, shared by
``timeline add`` (one entry) and ``timeline import`` (many, checked against each other too)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Self
from urllib.parse import parse_qsl, urlencode, urlsplit

from eventsourcing.persistence import ApplicationRecorder, Mapper

from timeline.domain.drafts import Draft
from timeline.domain.model import PolicyEvent
from timeline.domain.naming import base_slug, check_slug, name_key, near_identical, short_id_for
from timeline.errors import DuplicateEntry, InvalidChange
from timeline.store import notifications as log

# The topics of an entry's changes start so (told by prefix, so a kind of change added later is not missed).
ENTRY_TOPIC_PREFIX = "timeline:PolicyEvent."
# (namespace, name) -> whether the store already holds a reservation for it.
Reserved = Callable[[str, str], bool]


class NameAllocator:
    """Slugs and short ids free in the store and not yet given to another entry of the same batch."""

    def __init__(self, reserved: Reserved) -> None:
        self.reserved = reserved
        self.given: dict[str, set[str]] = {"slug": set(), "short": set()}

    def taken(self, namespace: str, name: str) -> bool:
        return name in self.given[namespace] or self.reserved(namespace, name)

    def slug(self, draft: Draft) -> str:
        """The draft's own slug if free, else its date and title, numbered after the first."""
        if draft.slug:
            if self.taken("slug", check_slug(draft.slug)):
                raise InvalidChange(f"slug {draft.slug} is already taken by another entry")
            candidate = draft.slug
        else:
            base = candidate = base_slug(draft.date, draft.title)
            number = 1
            while self.taken("slug", candidate):
                number += 1
                candidate = f"{base}-{number}"
        self.given["slug"].add(candidate)
        return candidate

    def short_id(self, entry_id: uuid.UUID, given: str = "") -> str:
        """The given short id if free; else one derived from the entry's id (salted on a clash,
        so the entry keeps its id and a re-run of the same import finds the same name)."""
        candidate = given or short_id_for(entry_id)
        salt = 0
        while self.taken("short", candidate):
            if given:
                raise InvalidChange(f"short id {given} is already taken")
            salt += 1
            candidate = short_id_for(uuid.uuid5(entry_id, str(salt)))
        self.given["short"].add(candidate)
        return candidate


# The roles of the actor who did what an entry records (whoever else took part).
LEAD_ROLES = frozenset({"author", "issuer"})


@dataclass(frozen=True)
class Evidence:
    """What an editor looks at to tell whether two entries of one day are the same event: the
    title, the kind, who took part, the platforms, and the documents cited (their addresses)."""

    slug: str
    date: str  # as written, for the message
    title: str
    kind: str
    actors: frozenset[str]
    platforms: frozenset[str]
    addresses: frozenset[str]
    leads: frozenset[str] = frozenset()  # the actors who did it (author, issuer)

    @classmethod
    def of(cls, entry: PolicyEvent | Draft, slug: str) -> Evidence:
        """The evidence of an entry recorded, or of a draft about to be (named ``slug``)."""
        return cls(
            slug=slug,
            date=str(entry.date),
            title=entry.title,
            kind=entry.kind,
            actors=frozenset(name_key(actor.name) for actor in entry.actors),
            platforms=frozenset(name_key(platform) for platform in entry.platforms),
            addresses=frozenset(address_key(source.url) for source in entry.sources if source.url),
            leads=frozenset(name_key(actor.name) for actor in entry.actors if actor.role in LEAD_ROLES),
        )


@dataclass(frozen=True)
class Likeness:
    """A live (or planned) entry a new one looks like, and why, in words."""

    existing: Evidence
    why: str

    def message(self, hint: str) -> str:
        """The refusal: the entry it looks like (slug, date, title), why, and ``hint`` (how to go on)."""
        existing = self.existing
        return f"likely duplicate of {existing.slug} ({existing.date}, {existing.title!r}): {self.why}; {hint}"


def address_key(url: str) -> str:
    """A source address as the duplicate check and the import's row identity compare it: the
    same document whatever its scheme (http or https), host case, ``www.``, fragment, trailing
    slash or tracking parameters (``utm_*``)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    if parts.port:
        host = f"{host}:{parts.port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith("utm_")])
    path = parts.path.rstrip("/")
    return f"{host}{path}" + (f"?{query}" if query else "")


def _apart(new: Evidence, old: Evidence) -> bool:
    """Whether both name platforms (or actors, or those who did it) and none in common: two
    platforms with similar names changing alike on one day are two events, and so are two
    statements by two people that one article reports."""
    pairs = ((new.platforms, old.platforms), (new.actors, old.actors), (new.leads, old.leads))
    return any(mine and theirs and not mine & theirs for mine, theirs in pairs)


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def likeness(new: Evidence, old: Evidence) -> str | None:
    """Why ``new`` looks like the same event as ``old`` (an entry of the same day), or None.

    The same source address is a strong sign, even after a retitle, unless other platforms or
    actors tell the two apart, or, their titles differing, their kinds do (one article may report
    a label and the post it labels). A near-identical title is a sign only when nothing tells
    them apart: not other platforms or actors, nor sources that are all different documents (a
    platform changing one policy twice in a day, each change at its own address).
    """
    if _apart(new, old):
        return None
    shared = sorted(new.addresses & old.addresses)
    similar = near_identical(new.title, old.title)
    if shared and (similar or new.kind == old.kind):
        reasons = [f"the same source address ({shared[0]})"] + (["a near-identical title"] if similar else [])
    elif similar and not (new.addresses and old.addresses):
        reasons = ["a near-identical title"]
    else:
        return None
    for label, mine, theirs in (("platform", new.platforms, old.platforms), ("actor", new.actors, old.actors)):
        if mine & theirs:
            reasons.append(f"the same {label}s" if len(mine & theirs) > 1 else f"the same {label}")
    if not shared:
        reasons.append("no source address to tell them apart")
    return "the same day, " + _join(reasons)


class DuplicateCheck:
    """Likely duplicates among live entries starting the same day, judged by :func:`likeness`.

    The live entries' evidence is read once, when first needed; entries planned since are added."""

    def __init__(
        self,
        entries: Callable[[], Iterable[PolicyEvent]] | None = None,
        verb: str = "record it",
        *,
        day: Callable[[dt.date], list[Evidence]] | None = None,
    ) -> None:
        """Every live entry read at once from ``entries`` (an import weighs rows of many days), or
        one day's from ``day`` when it is first needed (an add weighs one)."""
        self._entries = entries
        self._day = day
        self._verb = verb
        self._by_day: dict[dt.date, list[Evidence]] | None = None

    def _of_day(self, day: dt.date) -> list[Evidence]:
        if self._by_day is None:
            self._by_day = {}
            for entry in self._entries() if self._entries is not None else ():
                if entry.is_live:
                    self._by_day.setdefault(entry.date.start, []).append(Evidence.of(entry, entry.slug))
        if day not in self._by_day:
            self._by_day[day] = self._day(day) if self._day is not None else []
        return self._by_day[day]

    @classmethod
    def in_store(cls, recorder: ApplicationRecorder, mapper: Mapper[uuid.UUID], verb: str = "record it") -> Self:
        """A check against the store's live entries, read in one pass over its change log."""
        return cls(lambda: entries_in_one_pass(recorder, mapper), verb)

    def find(self, draft: Draft) -> Likeness | None:
        """The first entry of the draft's day that looks like the same event, and why."""
        new = Evidence.of(draft, "")
        for old in self._of_day(draft.date.start):
            why = likeness(new, old)
            if why is not None:
                return Likeness(old, why)
        return None

    def refuse(self, draft: Draft) -> None:
        """Raise :class:`DuplicateEntry` if the draft looks like an entry already recorded."""
        found = self.find(draft)
        if found is not None:
            raise DuplicateEntry(found.message(f"pass --allow-duplicate to {self._verb} anyway"))

    def planned(self, draft: Draft, slug: str) -> None:
        """Count an entry about to be recorded, so later rows of the same import are checked against it."""
        self._of_day(draft.date.start).append(Evidence.of(draft, slug))


def entries_in_one_pass(
    recorder: ApplicationRecorder,
    mapper: Mapper[uuid.UUID],
    *,
    stop: int | None = None,
    recorded: dict[uuid.UUID, int] | None = None,
) -> Iterable[PolicyEvent]:
    """Every entry as it stands (at position ``stop``), from one pass over the change log: a few
    queries a page of changes, where reading entries one by one costs a query each. ``recorded``,
    when given, receives the store position each entry was recorded at."""
    entries: dict[uuid.UUID, Any] = {}
    for notification in log.notifications(recorder, stop=stop):
        if not notification.topic.startswith(ENTRY_TOPIC_PREFIX):
            continue
        change: Any = mapper.to_domain_event(notification)
        entries[change.originator_id] = change.mutate(entries.get(change.originator_id))
        if recorded is not None and notification.originator_version == 1:
            recorded[change.originator_id] = notification.id
    return entries.values()


def reaches(start: uuid.UUID, goal: uuid.UUID, successors: Callable[[uuid.UUID], Iterable[uuid.UUID]]) -> bool:
    """Whether ``goal`` is ``start`` or can be reached from it by following ``successors``
    (used for 'supersedes' chains, which must never make a cycle)."""
    seen: set[uuid.UUID] = set()
    pending = [start]
    while pending:
        current = pending.pop()
        if current == goal:
            return True
        if current not in seen:
            seen.add(current)
            pending.extend(successors(current))
    return False


def in_cycle(node: uuid.UUID, successors: Callable[[uuid.UUID], Iterable[uuid.UUID]]) -> bool:
    """Whether following ``successors`` from ``node`` comes back to it."""
    return any(reaches(first, node, successors) for first in successors(node))
