"""What a new entry needs from the others before it is saved: a free slug and short id, no
likely duplicate among live entries, no 'supersedes' cycle. One of each, shared by
``timeline add`` (one entry) and ``timeline import`` (many, checked against each other too)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable

from timeline.domain.drafts import Draft
from timeline.domain.model import PolicyEvent
from timeline.domain.naming import base_slug, check_slug, near_identical, short_id_for
from timeline.errors import DuplicateEntry, InvalidChange

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


class DuplicateCheck:
    """Likely duplicates: a live entry starting the same day with a near-identical title.

    The live entries are read once, when first needed; entries planned since are added."""

    def __init__(self, entries: Callable[[], Iterable[PolicyEvent]], verb: str = "record it") -> None:
        self._entries = entries
        self._verb = verb
        self._by_day: dict[dt.date, list[tuple[str, str, str]]] | None = None

    def _titles(self) -> dict[dt.date, list[tuple[str, str, str]]]:
        if self._by_day is None:
            self._by_day = {}
            for entry in self._entries():
                if entry.is_live:
                    self._by_day.setdefault(entry.date.start, []).append((entry.title, entry.slug, str(entry.date)))
        return self._by_day

    def refuse(self, draft: Draft) -> None:
        for title, slug, date in self._titles().get(draft.date.start, []):
            if near_identical(title, draft.title):
                raise DuplicateEntry(
                    f"likely duplicate of {slug} ({date}, {title!r}); pass --allow-duplicate to {self._verb} anyway"
                )

    def planned(self, draft: Draft, slug: str) -> None:
        """Count an entry about to be recorded, so later rows of the same import are checked against it."""
        self._titles().setdefault(draft.date.start, []).append((draft.title, slug, str(draft.date)))


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
