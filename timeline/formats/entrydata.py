"""The entry as plain data: its one public shape, for events/ files, --json output, exports and imports.

Reading turns a mapping into checked value objects (every problem is one
:class:`InvalidField` line); writing turns an entry back into the same mapping,
with the same field names, so scripts and files can rely on them. The site's
read model and data files are made from the same mapping (:func:`entry_to_dict`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

from timeline.domain.dates import PartialDate
from timeline.domain.drafts import Draft
from timeline.domain.identifiers import identifiers_from
from timeline.domain.model import Actor, PolicyEvent, Source
from timeline.domain.naming import check_short_id
from timeline.domain.validation import (
    clean_language,
    clean_line,
    clean_names,
    clean_text,
    clean_title,
    clean_url,
)
from timeline.errors import InvalidField

SOURCE_FIELDS = (
    "title",
    "publisher",
    "authors",
    "date",
    "url",
    "archived_url",
    "language",
    "quote",
    "quote_by",
    "note",
    "accessed",
)
ENTRY_FIELDS = (
    "id",
    "short_id",
    "slug",
    "revision",
    "title",
    "kind",
    "date",
    "identifiers",
    "actors",
    "platforms",
    "topics",
    "jurisdictions",
    "sources",
    "relations",
    "retracted",
    "retraction_reason",
    "replaced_by",
    "merged_into",
    "summary",
)
LIST_FIELDS = ("platforms", "topics", "jurisdictions")


def parse_actor(text: str) -> Actor:
    """``"Donald Trump:issuer"`` -> Actor('Donald Trump', 'issuer'); the role is optional."""
    name, colon, role = str(text).rpartition(":")
    if not colon:
        name, role = role, ""
    return Actor(clean_line(name, "actor", required=True), clean_line(role, "actor role"))


def actors_from(values: Any) -> tuple[Actor, ...]:
    if values is None:
        return ()
    if not isinstance(values, (list, tuple)):
        raise InvalidField("actors", "must be a list of {name, role} items")
    actors: list[Actor] = []
    for value in values:
        if isinstance(value, Mapping):
            extra = set(value) - {"name", "role"}
            if extra:
                raise InvalidField("actors", f"unknown key {sorted(extra)[0]!r}; an actor has name and role")
            actor = Actor(
                clean_line(value.get("name"), "actor name", required=True),
                clean_line(value.get("role"), "actor role"),
            )
        else:
            actor = parse_actor(str(value))
        if actor not in actors:
            actors.append(actor)
    return tuple(actors)


def _iso_day(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidField(field, f"{value!r} is not a day; give YYYY-MM-DD") from None


def source_from(data: Mapping[str, Any]) -> Source:
    """A source from a mapping with SOURCE_FIELDS keys; the title is required."""
    if not isinstance(data, Mapping):
        raise InvalidField("sources", "each source must be a mapping of fields (title, publisher, url...)")
    extra = set(data) - set(SOURCE_FIELDS)
    if extra:
        raise InvalidField("source", f"unknown field {sorted(extra)[0]!r}; accepted: {', '.join(SOURCE_FIELDS)}")
    date = data.get("date")
    return Source(
        title=clean_line(data.get("title"), "source title", required=True, max_length=1000),
        publisher=clean_line(data.get("publisher"), "source publisher"),
        authors=clean_names(data.get("authors"), "source authors"),
        date=PartialDate.parse(str(date), "source date") if date not in (None, "") else None,
        url=clean_url(data.get("url"), "source url"),
        archived_url=clean_url(data.get("archived_url"), "source archived_url"),
        language=clean_language(data.get("language"), "source language"),
        quote=clean_text(data.get("quote"), "source quote"),
        quote_by=clean_line(data.get("quote_by"), "source quote_by"),
        note=clean_text(data.get("note"), "source note"),
        accessed=_iso_day(data.get("accessed"), "source accessed"),
    )


def source_changes(given: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a source correction, each checked as :func:`source_from` checks it; an empty
    value clears an optional field. The title can be corrected, never removed."""
    if "title" in given and given["title"] in (None, ""):
        raise InvalidField("source title", "a source keeps its title; give the corrected one")
    parsed = source_from({"title": "(unchanged)", **given})
    return {name: getattr(parsed, name) for name in given}


def sources_from(values: Any) -> tuple[Source, ...]:
    if values is None:
        return ()
    if not isinstance(values, (list, tuple)):
        raise InvalidField("sources", "must be a list of sources")
    return tuple(source_from(value) for value in values)


def field_value(name: str, value: Any) -> Any:
    """One correctable field, checked and converted to its value object."""
    if name == "title":
        return clean_title(value)
    if name == "kind":
        return clean_line(value, "kind", required=True)
    if name == "date":
        return PartialDate.parse(str(value if value is not None else ""))
    if name == "summary":
        return clean_text(value, "summary")
    if name == "actors":
        return actors_from(value)
    if name == "identifiers":
        return identifiers_from(value)
    if name in LIST_FIELDS:
        return clean_names(value, name)
    raise InvalidField(name, "is not a field that can be corrected")


def draft_from(data: Mapping[str, Any]) -> Draft:
    """A new entry from a mapping (an events/ file's front matter plus summary, or CLI options)."""
    missing = [name for name in ("title", "kind", "date") if data.get(name) in (None, "")]
    if missing:
        raise InvalidField(missing[0], "is required")
    entry_id = data.get("id")
    try:
        parsed_id = UUID(str(entry_id)) if entry_id else None
    except ValueError:
        raise InvalidField("id", f"{entry_id!r} is not a UUID") from None
    return Draft(
        title=field_value("title", data["title"]),
        kind=field_value("kind", data["kind"]),
        date=field_value("date", data["date"]),
        identifiers=identifiers_from(data.get("identifiers")),
        summary=field_value("summary", data.get("summary")),
        actors=actors_from(data.get("actors")),
        platforms=clean_names(data.get("platforms"), "platforms"),
        topics=clean_names(data.get("topics"), "topics"),
        jurisdictions=clean_names(data.get("jurisdictions"), "jurisdictions"),
        sources=sources_from(data.get("sources")),
        slug=clean_line(data.get("slug"), "slug"),
        id=parsed_id,
        short_id=check_short_id(clean_line(data.get("short_id"), "short_id")),
    )


def relations_from(values: Any) -> tuple[tuple[str, str], ...]:
    """(type, target) pairs from a list of {type, target} mappings."""
    if values is None:
        return ()
    if not isinstance(values, (list, tuple)):
        raise InvalidField("relations", "must be a list of {type, target} items")
    pairs = []
    for value in values:
        if not isinstance(value, Mapping) or set(value) != {"type", "target"}:
            raise InvalidField("relations", "each relation needs exactly a type and a target")
        pairs.append(
            (
                clean_line(value["type"], "relation type", required=True),
                clean_line(value["target"], "relation target", required=True),
            )
        )
    return tuple(pairs)


def source_to_dict(source: Source) -> dict[str, Any]:
    """A source's non-empty fields, in SOURCE_FIELDS order."""
    data: dict[str, Any] = {}
    for name in SOURCE_FIELDS:
        value = getattr(source, name)
        if value in (None, "", ()):
            continue
        if name == "authors":
            value = list(value)
        elif name in ("date", "accessed"):
            value = str(value) if name == "date" else value.isoformat()
        data[name] = value
    return data


def entry_to_dict(entry: PolicyEvent, slug_of: Callable[[UUID], str]) -> dict[str, Any]:
    """The entry's public shape: ENTRY_FIELDS in order, relation targets and a merge target as slugs,
    a retraction's reason and a merge target only where there is one, a source's empty fields left out.

    --json output, events/ files and exports print it as it is; the site's read model adds what
    its pages need to it, and its data files are it again."""
    data: dict[str, Any] = {
        "id": str(entry.id),
        "short_id": entry.short_id,
        "slug": entry.slug,
        "revision": entry.revision,
        "title": entry.title,
        "kind": entry.kind,
        "date": str(entry.date),
        "identifiers": [{"scheme": i.scheme.value, "value": i.value} for i in entry.identifiers],
        "actors": [{"name": a.name, "role": a.role} for a in entry.actors],
        "platforms": list(entry.platforms),
        "topics": list(entry.topics),
        "jurisdictions": list(entry.jurisdictions),
        "sources": [source_to_dict(s) for s in entry.sources],
        "relations": [{"type": r.type.value, "target": slug_of(r.target)} for r in entry.relations],
        "retracted": entry.retracted,
    }
    if entry.retraction_reason is not None:
        data["retraction_reason"] = entry.retraction_reason
    if entry.replaced_by is not None:
        data["replaced_by"] = slug_of(entry.replaced_by)
    if entry.merged_into is not None:
        data["merged_into"] = slug_of(entry.merged_into)
    data["summary"] = entry.summary
    return data
