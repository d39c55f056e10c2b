"""What each change of an entry did, in sentences for the site's readers: "Date corrected from
28 May 2020 to 27 May 2020", "Linked: responds to <the other entry's title>", a summary's
correction as its words deleted and inserted.

A sentence is data, never HTML: ``{"parts": [...], "diff": [...]}``, each part ``{"text": ...}``,
with ``"entry": slug`` for a link to an entry (named by its title) or ``"mark": "del"`` / ``"ins"``
for words a correction took out or put in. The templates (``_sentence.html``) write the markup and
escape every piece, so the read model stores no link that depends on the page showing it.
``timeline history`` keeps its own terse lines (timeline.app.history).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from timeline.domain.dates import PartialDate
from timeline.domain.identifiers import Identifier
from timeline.domain.kinds import kind_label
from timeline.domain.model import Actor, PolicyEvent, Source, correctable_order
from timeline.domain.sources import source_differences

Part = dict[str, str]
Sentence = dict[str, list[Part]]
# An entry's (slug, title) as the read model holds it when the change is projected.
Named = Callable[[UUID], tuple[str, str]]

# What a reader calls each field of an entry (one, several).
_FIELD_WORDS = {
    "title": ("Title", "Title"),
    "kind": ("Kind", "Kind"),
    "date": ("Date", "Date"),
    "identifiers": ("Identifier", "Identifiers"),
    "summary": ("Summary", "Summary"),
    "actors": ("Actor", "Actors"),
    "platforms": ("Platform", "Platforms"),
    "topics": ("Topic", "Topics"),
    "jurisdictions": ("Jurisdiction", "Jurisdictions"),
}
_QUOTED = {"title", "quote", "note"}  # free text, set in quotation marks
_WORDS = re.compile(r"\s+|[^\s]+")


def text(words: str) -> Part:
    return {"text": words}


def sentence(*parts: Part, diff: Sequence[Part] = ()) -> Sentence:
    return {"parts": list(parts), "diff": list(diff)}


def said(field: str, value: Any) -> str:
    """A value as the entry page shows it: dates as '28 May 2020', kinds by their label, actors with their role."""
    if value is None or value == "" or value == () or value == []:
        return "(none)"
    if isinstance(value, (list, tuple)):
        return ", ".join(said(field, item) for item in value)
    if isinstance(value, Actor):
        return f"{value.name} ({value.role})" if value.role else value.name
    if isinstance(value, Identifier):
        return value.text
    if field in ("date", "accessed"):
        return PartialDate(str(value)).display()
    if field == "kind":
        return kind_label(str(value))
    return f"“{value}”" if field in _QUOTED else str(value)


def word_diff(old: str, new: str) -> list[Part]:
    """NEW as a correction of OLD, word by word: the words taken out marked "del", those put in
    "ins" (the spaces around them stay unmarked: a struck space is no word)."""
    was, now = _WORDS.findall(old), _WORDS.findall(new)
    parts: list[Part] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, was, now, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(text("".join(was[i1:i2])))
            continue
        out, put = "".join(was[i1:i2]), "".join(now[j1:j2])
        spaced = put or out  # the spaces around the change, as the new text has them
        lead, trail = spaced[: len(spaced) - len(spaced.lstrip())], spaced[len(spaced.rstrip()) :]
        changed = ((out.strip(), "del"), (put.strip(), "ins"))
        marked = [{"text": words, "mark": mark} for words, mark in changed if words]
        between = [text(" ")] if len(marked) == 2 else []  # "asks tells", not "askstells"
        parts += [text(lead), *marked[:1], *between, *marked[1:], text(trail)]
    return [part for part in parts if part["text"]]


def _list_change(field: str, old: Sequence[Any], new: Sequence[Any]) -> list[Sentence]:
    """Actors, platforms, topics, jurisdictions, identifiers: what came and what went."""
    one, several = _FIELD_WORDS[field]
    added = [item for item in new if item not in old]
    removed = [item for item in old if item not in new]
    found = []
    for items, done in ((added, "added"), (removed, "removed")):
        if items:
            found.append(sentence(text(f"{one if len(items) == 1 else several} {done}: {said(field, items)}")))
    return found or [sentence(text(f"{several} reordered: {said(field, new)}"))]


def _field_change(field: str, old: Any, new: Any) -> list[Sentence]:
    """One corrected field of an entry."""
    name = _FIELD_WORDS.get(field, (field.capitalize(),))[0]
    if field == "summary":
        return [sentence(text("Summary corrected"), diff=word_diff(old or "", new or ""))]
    if isinstance(new, (list, tuple)):
        return _list_change(field, old or (), new)
    if not old:
        return [sentence(text(f"{name} added: {said(field, new)}"))]
    return [sentence(text(f"{name} corrected from {said(field, old)} to {said(field, new)}"))]


def source_changes(number: int, old: Source | None, new: Source) -> list[Sentence]:
    """What a source's correction changed, field by field: "Source 1: archived copy added (…)"."""
    found = []
    for field, word, was, now in source_differences(old, new):
        if not was:
            line = f"Source {number}: {word} added ({said(field, now)})"
        elif not now:
            line = f"Source {number}: {word} removed (was {said(field, was)})"
        else:
            line = f"Source {number}: {word} corrected from {said(field, was)} to {said(field, now)}"
        found.append(sentence(text(line)))
    return found or [sentence(text(f"Source {number} corrected"))]


def _source_named(source: Source) -> str:
    parts = [source.publisher, f"“{source.title}”", said("date", source.date) if source.date else ""]
    return ", ".join(part for part in parts if part)


def _entry(named: Named, entry_id: UUID) -> Part:
    slug, title = named(entry_id)
    return {"text": title or slug, "entry": slug}


def sentences(domain_event: Any, before: PolicyEvent | None, named: Named) -> list[Sentence]:
    """What one domain event of an entry changed, in sentences; BEFORE is the entry as it was."""
    name = type(domain_event).__name__
    if name == "Recorded":
        kind, date = kind_label(domain_event.kind), said("date", domain_event.date)
        return [sentence(text(f"Recorded as {kind} of {date}: “{domain_event.title}”"))]
    if name == "Corrected":
        found = []
        for field in sorted(domain_event.changes, key=correctable_order):
            found += _field_change(field, getattr(before, field, None), domain_event.changes[field])
        return found
    if name == "SourceAdded":
        number = len(before.sources) + 1 if before is not None else 1
        return [sentence(text(f"Source {number} added: {_source_named(domain_event.source)}"))]
    if name == "SourceWithdrawn":
        number = before.sources.index(domain_event.source) + 1 if before is not None else 0
        return [sentence(text(f"Source {number} withdrawn: {_source_named(domain_event.source)}"))]
    if name == "SourceCorrected":
        old = before.sources[domain_event.number - 1] if before is not None else None
        return source_changes(domain_event.number, old, domain_event.source)
    return _life(name, domain_event, named)


def _life(name: str, domain_event: Any, named: Named) -> list[Sentence]:
    """Links, retraction, unretraction and merger."""
    if name in ("Linked", "Unlinked"):
        relation = domain_event.relation
        done = "Linked" if name == "Linked" else "Link removed"
        return [sentence(text(f"{done}: {relation.type.wording} "), _entry(named, relation.target))]
    if name == "Retracted":
        found = [sentence(text("Retracted: the entry leaves the listings; its page stays with a notice"))]
        replaced_by = getattr(domain_event, "replaced_by", None)
        if replaced_by:
            found.append(sentence(text("Replaced by "), _entry(named, replaced_by)))
        return found
    if name == "Unretracted":
        return [sentence(text("Unretracted: the entry is back in the listings"))]
    if name == "Merged":
        return [sentence(text("Merged into "), _entry(named, domain_event.into))]
    return [sentence(text(name))]
