"""Which entry a row of an import is: its identity, so that importing the same file again, grown
or reordered, records only the rows it has not seen.

A row's entry id is, in this order: the ``id`` the row gives (an entry's UUID, as ``timeline export``
writes it, or any other text the row's own source knows it by, from which the id derives); the id
a TimelineJS slide has (see :mod:`timeline.formats.timelinejs_reader`); else one derived from what
defines the entry: its date, its title (case, spacing and punctuation aside), its platforms and its
sources' addresses (or, for a source with no address, its title and publisher). What a row only
adds to that (its summary, kind, actors, topics) is left out, so a re-import with those edited
finds the entry it recorded. A row whose title was edited since is new, and meets the duplicate
check, which names the entry it looks like.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from timeline.app.names import address_key
from timeline.domain.drafts import Draft
from timeline.domain.model import PolicyEvent, Source
from timeline.domain.naming import name_key, title_key

IMPORT_NAMESPACE = uuid.UUID("5b0c8f52-4f0e-4c55-9a53-3f1c2b6f7e10")
# What two rows of one file with the same identity share, in words for the message.
IDENTITY = "the same date, title, platforms and sources"


def _source_key(source: Source) -> str:
    if source.url:
        return address_key(source.url)
    return f"{title_key(source.title)}|{title_key(source.publisher)}"


def content_identity(draft: Draft | PolicyEvent) -> uuid.UUID:
    """The entry id of a row that gives none, from the fields that define the entry, normalised
    (of an entry recorded, what a row with its content would have)."""
    key = [
        str(draft.date),
        title_key(draft.title),
        sorted({name_key(platform) for platform in draft.platforms}),
        sorted({_source_key(source) for source in draft.sources}),
    ]
    return uuid.uuid5(IMPORT_NAMESPACE, json.dumps(key, ensure_ascii=False))


def given_identity(data: dict[str, Any]) -> dict[str, Any]:
    """The row with an ``id`` that is not a UUID (the row's own identifier in its source) replaced
    by the UUID that derives from it; a UUID stays as it is."""
    given = data.get("id")
    if not given:
        return data
    try:
        uuid.UUID(str(given))
    except ValueError:
        return {**data, "id": str(uuid.uuid5(IMPORT_NAMESPACE, f"id:{str(given).strip()}"))}
    return data
