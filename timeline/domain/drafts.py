"""What a command asks of the archive, already parsed into value objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from timeline.domain.dates import PartialDate
from timeline.domain.identifiers import Identifier
from timeline.domain.model import Actor, PolicyEvent, Relation, Source, with_accessed


@dataclass(frozen=True)
class Draft:
    """A new entry, every field already checked on its own."""

    title: str
    kind: str
    date: PartialDate
    identifiers: tuple[Identifier, ...] = ()
    summary: str = ""
    actors: tuple[Actor, ...] = ()
    platforms: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    jurisdictions: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    # A slug chosen in advance (an entry file names its slug); used when free.
    slug: str = ""
    # An id chosen in advance (an entry file or a restore carries its id).
    id: UUID | None = None
    short_id: str = ""


@dataclass(frozen=True)
class WriteOptions:
    editor: str
    reason: str = ""
    allow_future: bool = False
    allow_duplicate: bool = False
    # Link an entry to a later one with a relation that says it came after (responds-to...).
    allow_out_of_order: bool = False


def record_draft(
    draft: Draft,
    *,
    entry_id: UUID,
    short_id: str,
    slug: str,
    relations: tuple[Relation, ...],
    options: WriteOptions,
    today: dt.date,
) -> PolicyEvent:
    """The new entry a draft describes, once its names and relations are settled."""
    return PolicyEvent.record(
        entry_id,
        short_id=short_id,
        slug=slug,
        title=draft.title,
        kind=draft.kind,
        date=draft.date,
        summary=draft.summary,
        actors=draft.actors,
        platforms=draft.platforms,
        topics=draft.topics,
        jurisdictions=draft.jurisdictions,
        sources=tuple(with_accessed(s, today) for s in draft.sources),
        relations=relations,
        identifiers=draft.identifiers,
        editor=options.editor,
        reason=options.reason or "recorded",
    )
