"""How the archive's value objects are written into stored domain events.

JSON has no tuples, dates or enums: without these transcodings a tuple comes
back as a list and a ``StrEnum`` as a plain ``str``. Names are part of the
stored format: never rename one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from timeline.domain.bundle import Pin
from timeline.domain.dates import PartialDate
from timeline.domain.identifiers import Identifier, IdentifierScheme
from timeline.domain.model import Actor, Relation, RelationType, Source


class DateAsISO(Transcoding):
    type = dt.date
    name = "date_iso"

    def encode(self, obj: dt.date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> dt.date:
        return dt.date.fromisoformat(data)


class PartialDateAsEDTF(Transcoding):
    type = PartialDate
    name = "partial_date"

    def encode(self, obj: PartialDate) -> str:
        return obj.edtf

    def decode(self, data: str) -> PartialDate:
        return PartialDate(data)


class ActorAsDict(Transcoding):
    type = Actor
    name = "actor"

    def encode(self, obj: Actor) -> dict[str, str]:
        return {"name": obj.name, "role": obj.role}

    def decode(self, data: dict[str, str]) -> Actor:
        return Actor(**data)


class SourceAsDict(Transcoding):
    type = Source
    name = "source"

    def encode(self, obj: Source) -> dict[str, Any]:
        return {
            "title": obj.title,
            "publisher": obj.publisher,
            "authors": list(obj.authors),
            "date": obj.date,
            "url": obj.url,
            "archived_url": obj.archived_url,
            "language": obj.language,
            "quote": obj.quote,
            "quote_by": obj.quote_by,
            "note": obj.note,
            "accessed": obj.accessed,
        }

    def decode(self, data: dict[str, Any]) -> Source:
        return Source(**{**data, "authors": tuple(data.get("authors", ()))})


class RelationAsDict(Transcoding):
    type = Relation
    name = "relation"

    def encode(self, obj: Relation) -> dict[str, Any]:
        # The enum is a str subclass: JSON would write it without asking us, so write its value.
        return {"type": obj.type.value, "target": obj.target}

    def decode(self, data: dict[str, Any]) -> Relation:
        return Relation(type=RelationType(data["type"]), target=data["target"])


class IdentifierAsDict(Transcoding):
    type = Identifier
    name = "identifier"

    def encode(self, obj: Identifier) -> dict[str, str]:
        return {"scheme": obj.scheme.value, "value": obj.value}

    def decode(self, data: dict[str, str]) -> Identifier:
        return Identifier(scheme=IdentifierScheme(data["scheme"]), value=data["value"])


class PinAsDict(Transcoding):
    type = Pin
    name = "pin"

    def encode(self, obj: Pin) -> dict[str, Any]:
        return {"entry_id": obj.entry_id, "revision": obj.revision}

    def decode(self, data: dict[str, Any]) -> Pin:
        return Pin(entry_id=data["entry_id"], revision=data["revision"])


def register(transcoder: JSONTranscoder) -> None:
    for transcoding in (
        PinAsDict(),
        DateAsISO(),
        PartialDateAsEDTF(),
        ActorAsDict(),
        SourceAsDict(),
        RelationAsDict(),
        IdentifierAsDict(),
    ):
        transcoder.register(transcoding)
