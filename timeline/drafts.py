"""What a command asks of the archive, already parsed into value objects."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from timeline.dates import PartialDate
from timeline.domainmodel import Actor, Source


@dataclass(frozen=True)
class Draft:
    """A new entry, every field already checked on its own."""

    title: str
    kind: str
    date: PartialDate
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
