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
from timeline.domain.model import Actor, PolicyEvent, Relation, Source, correctable_order
from timeline.domain.sources import source_differences
from timeline.store import notifications as log
from timeline.wording import plural

CHANGE_NAMES = {
    "Recorded": "recorded",
    "Corrected": "corrected",
    "SourceAdded": "source added",
    "SourceCorrected": "source corrected",
    "SourceWithdrawn": "source withdrawn",
    "Linked": "linked",
    "Unlinked": "unlinked",
    "Retracted": "retracted",
    "Unretracted": "unretracted",
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


def source_corrections(number: int, old: Source | None, new: Source) -> tuple[str, ...]:
    """What a source correction changed, field by field: 'source 2: archived copy added (URL)'."""
    lines = []
    for _, word, was, now in source_differences(old, new):
        if not was:
            lines.append(f"source {number}: {word} added ({_show(now)})")
        elif not now:
            lines.append(f"source {number}: {word} removed (was {_show(was)})")
        else:
            lines.append(f"source {number}: {word} {_show(was)} -> {_show(now)}")
    return tuple(lines) or (f"source {number} corrected",)


def describe(domain_event: Any, before: PolicyEvent | None, slug_of: Callable[[UUID], str]) -> tuple[str, ...]:
    """What one domain event changed, in a few human lines."""
    name = type(domain_event).__name__
    if name == "Recorded":
        return (f"recorded {domain_event.title!r} ({domain_event.kind}, {domain_event.date})",)
    if name == "Corrected":
        lines = []
        # In the fields' order, not the event's: a store replayed from history/ (canonical JSON, keys
        # sorted) holds the same correction with its fields in another order, and must say the same.
        for field, new in sorted(domain_event.changes.items(), key=lambda item: correctable_order(item[0])):
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
    if name == "SourceCorrected":
        old = before.sources[domain_event.number - 1] if before is not None else None
        return source_corrections(domain_event.number, old, domain_event.source)
    if name == "Retracted":
        replaced_by = getattr(domain_event, "replaced_by", None)
        instead = f"; replaced by {slug_of(replaced_by)}" if replaced_by else ""
        return (f"retracted: the entry leaves the listings; its page stays with a notice{instead}",)
    if name == "Unretracted":
        return ("unretracted: the entry is back in the listings",)
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


def changes(app: TimelineArchive, limit: int | None = None) -> list[tuple[int, Any]]:
    """The archive's changes to entries, newest first, as (store position, domain event)."""
    found: list[tuple[int, Any]] = []
    for notification in log.newest_first(app.recorder):
        if notification.topic.startswith("timeline:PolicyEvent."):
            found.append((notification.id, app.mapper.to_domain_event(notification)))
            if limit is not None and len(found) >= limit:
                break
    return found


def archive_log(app: TimelineArchive, limit: int | None = None) -> list[Revision]:
    """The archive's changes, newest first."""
    slugs = _SlugCache(app)
    revisions = []
    for position, domain_event in changes(app, limit):
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
