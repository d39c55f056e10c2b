"""The documents an entry rests on, and who took part: value objects with no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import Any

from timeline.domain.dates import PartialDate
from timeline.errors import InvalidField


@dataclass(frozen=True)
class Actor:
    """Who took part, and how: Donald Trump as issuer, Twitter as target."""

    name: str
    role: str = ""


@dataclass(frozen=True)
class Source:
    """A document an entry rests on. Only the title is required: print sources have no URL."""

    title: str
    publisher: str = ""
    authors: tuple[str, ...] = ()
    date: PartialDate | None = None
    url: str = ""
    archived_url: str = ""
    language: str = ""
    quote: str = ""
    quote_by: str = ""
    note: str = ""
    accessed: dt.date | None = None

    def same_document(self, other: Source) -> bool:
        """Two sources are the same document when their URLs match, or (without URLs) their
        publisher, title and date match."""
        if self.url or other.url:
            return self.url == other.url
        return (self.publisher, self.title, self.date) == (other.publisher, other.title, other.date)


def unmatched(wanted: tuple[Source, ...], present: tuple[Source, ...]) -> list[Source]:
    """Sources in ``wanted`` that ``present`` lacks (a source without an access date matches the
    same source with one, whichever side lacks it)."""
    return [source for source in wanted if not any(_same_citation(source, p) for p in present)]


def pair_edited_sources(
    withdrawn: list[Source], added: list[Source], before: tuple[Source, ...], after: tuple[Source, ...]
) -> list[tuple[Source, Source]]:
    """Which of the sources an edit drops are the same source edited (old, new): first the same
    document (same URL; or, without URLs, the same title), then the one at the same position."""
    pairs: list[tuple[Source, Source]] = []
    unpaired_old, unpaired_new = list(withdrawn), list(added)
    for matches in (_same_source, lambda old, new: before.index(old) == after.index(new)):
        for old in list(unpaired_old):
            found = next((new for new in unpaired_new if matches(old, new)), None)
            if found is not None:
                unpaired_old.remove(old)
                unpaired_new.remove(found)
                pairs.append((old, found))
    return pairs


def _same_source(one: Source, other: Source) -> bool:
    if one.url and other.url:
        return one.url == other.url
    return one.title == other.title


def _same_citation(one: Source, other: Source) -> bool:
    if one.accessed is None or other.accessed is None:
        return replace(one, accessed=None) == replace(other, accessed=None)
    return one == other


def with_accessed(source: Source, today: dt.date) -> Source:
    """A source cited today without an access date is taken to have been accessed today."""
    return source if source.accessed else replace(source, accessed=today)


def source_with(source: Source, changes: dict[str, Any]) -> Source:
    """The source with some fields corrected (each already checked on its own); an empty value
    clears an optional field. The title stays required."""
    unknown = set(changes) - {f.name for f in fields(Source)}
    if unknown:
        raise InvalidField("source", f"has no field {', '.join(sorted(unknown))}")
    corrected = replace(source, **changes)
    if not corrected.title:
        raise InvalidField("title", "a source keeps its title; give the corrected one")
    return corrected


# What a reader calls each field of a source, in the order an entry shows them.
SOURCE_FIELD_WORDS = {
    "title": "title",
    "publisher": "publisher",
    "authors": "authors",
    "date": "date",
    "url": "address",
    "archived_url": "archived copy",
    "language": "language",
    "quote": "quotation",
    "quote_by": "quoted speaker",
    "note": "note",
    "accessed": "access date",
}


def source_differences(old: Source | None, new: Source) -> list[tuple[str, str, Any, Any]]:
    """What a source's correction changed: (field, what a reader calls it, old value, new value)
    for each field that differs, in the order an entry shows them."""
    found = []
    for field, word in SOURCE_FIELD_WORDS.items():
        was, now = (getattr(old, field) if old is not None else None), getattr(new, field)
        if was != now:
            found.append((field, word, was, now))
    return found
