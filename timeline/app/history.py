"""Reading the record of changes: an entry's revisions and the archive's change log.

Each domain event becomes a :class:`Revision`: when, who, why, and a few lines
saying what changed (old and new values for corrections).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from timeline.app.application import TimelineArchive
from timeline.domain.identifiers import Identifier
from timeline.domain.model import CORRECTABLE, Actor, PolicyEvent, Relation, Source
from timeline.wording import plural

CHANGE_NAMES = {
    "Recorded": "recorded",
    "Corrected": "corrected",
    "SourceAdded": "source added",
    "SourceWithdrawn": "source withdrawn",
    "Linked": "linked",
    "Unlinked": "unlinked",
    "Retracted": "retracted",
    "Merged": "merged",
}


@dataclass(frozen=True)
class Revision:
    entry_id: UUID
    number: int
    timestamp: dt.datetime
    change: str
    editor: str
    reason: str
    details: tuple[str, ...]
    slug: str = ""
    position: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "revision": self.number,
            "slug": self.slug,
            "time": self.timestamp.isoformat(),
            "change": self.change,
            "editor": self.editor,
            "reason": self.reason,
            "details": list(self.details),
            **({"position": self.position} if self.position else {}),
        }


def _show(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(v) for v in value) or "(none)"
    if isinstance(value, Actor):
        return f"{value.name} ({value.role})" if value.role else value.name
    if isinstance(value, Identifier):
        return value.text
    text = str(value)
    return repr(text if len(text) <= 120 else text[:117] + "...")


def _source_line(source: Source) -> str:
    parts = [source.publisher, repr(source.title), str(source.date or "")]
    return ", ".join(p for p in parts if p)


def _field_order(item: tuple[str, Any]) -> tuple[int, str]:
    field = item[0]
    return (CORRECTABLE.index(field) if field in CORRECTABLE else len(CORRECTABLE), field)


def describe(domain_event: Any, before: PolicyEvent | None, slug_of: Callable[[UUID], str]) -> tuple[str, ...]:
    """What one domain event changed, in a few human lines."""
    name = type(domain_event).__name__
    if name == "Recorded":
        return (f"recorded {domain_event.title!r} ({domain_event.kind}, {domain_event.date})",)
    if name == "Corrected":
        lines = []
        # In the fields' order, not the event's: a store replayed from history/ (canonical JSON, keys
        # sorted) holds the same correction with its fields in another order, and must say the same.
        for field, new in sorted(domain_event.changes.items(), key=_field_order):
            old = getattr(before, field, None) if before is not None else None
            if field == "summary":
                lines.append(f"summary rewritten ({len(old or '')} -> {plural(len(new), 'character')})")
            else:
                lines.append(f"{field}: {_show(old)} -> {_show(new)}")
        return tuple(lines)
    if name in ("SourceAdded", "SourceWithdrawn"):
        return (f"{CHANGE_NAMES[name]}: {_source_line(domain_event.source)}",)
    if name in ("Linked", "Unlinked"):
        relation: Relation = domain_event.relation
        return (f"{CHANGE_NAMES[name]}: {relation.type.wording} {slug_of(relation.target)}",)
    if name == "Retracted":
        return ("retracted: the entry leaves the listings; its page stays with a notice",)
    if name == "Merged":
        return (f"merged into {slug_of(domain_event.into)}",)
    return (name,)


def entry_history(app: TimelineArchive, ref: str) -> list[Revision]:
    """Every revision of one entry, oldest first."""
    entry_id = app.resolve(ref)
    state: PolicyEvent | None = None
    revisions = []
    slugs = _SlugCache(app)
    for domain_event in app.domain_events(entry_id):
        details = describe(domain_event, state, slugs)
        state = domain_event.mutate(state)
        assert state is not None
        revisions.append(_revision(domain_event, details, state.slug))
    return revisions


def archive_log(app: TimelineArchive, limit: int | None = None) -> list[Revision]:
    """The archive's changes, newest first."""
    slugs = _SlugCache(app)
    revisions = []
    for position, domain_event in app.changes(limit):
        entry_id = domain_event.originator_id
        before = None
        if type(domain_event).__name__ == "Corrected":
            before = app.entry(entry_id, version=domain_event.originator_version - 1)
        details = describe(domain_event, before, slugs)
        revision = _revision(domain_event, details, slugs(entry_id))
        revisions.append(Revision(**{**revision.__dict__, "position": position}))
    return revisions


def _revision(domain_event: Any, details: tuple[str, ...], slug: str) -> Revision:
    return Revision(
        entry_id=domain_event.originator_id,
        number=domain_event.originator_version,
        timestamp=domain_event.timestamp,
        change=CHANGE_NAMES.get(type(domain_event).__name__, type(domain_event).__name__),
        editor=domain_event.editor,
        reason=domain_event.reason,
        details=details,
        slug=slug,
    )


class _SlugCache:
    """Slugs never change, so each entry's is looked up once."""

    def __init__(self, app: TimelineArchive):
        self.app = app
        self.known: dict[UUID, str] = {}

    def __call__(self, entry_id: UUID) -> str:
        if entry_id not in self.known:
            self.known[entry_id] = self.app.slug_of(entry_id)
        return self.known[entry_id]
