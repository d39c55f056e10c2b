"""Citation bundles: named sets of entries, each pinned at a revision, for a paper or a brief."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from rapidfuzz import fuzz, process, utils
from slugify import slugify

from timeline.app.application import TimelineArchive
from timeline.domain.bundle import Bundle, Pin
from timeline.domain.drafts import WriteOptions
from timeline.domain.validation import TITLE_MAX, clean_line
from timeline.errors import EntryNotFound, InvalidChange, InvalidField
from timeline.store import notifications as log

BUNDLE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
NAME_MAX = 80
STARTED_TOPIC = "timeline:Bundle.Started"
# How alike (rapidfuzz's ratio, 0-100) a mistyped name must be to a bundle's to be suggested: "doe2026"
# for "doe-2026", "papers" for "paper", but not "jones-2026" for "doe-2026".
SIMILAR = 80


def check_bundle_name(name: str) -> str:
    """NAME if it can name a bundle (it is the last part of the bundle page's address), else refused
    with the name it could be."""
    if not BUNDLE_NAME.fullmatch(name) or len(name) > NAME_MAX:
        suggestion = slugify(name, max_length=NAME_MAX, word_boundary=True)
        hint = f"; did you mean {suggestion}?" if suggestion else ""
        raise InvalidField("bundle name", f"{name!r} is not accepted; use lowercase letters, digits and hyphens{hint}")
    return name


def bundle_ids(app: TimelineArchive) -> list[UUID]:
    """Every bundle's id, deleted ones too, in the order they were made."""
    return [UUID(str(n.originator_id)) for n in log.notifications(app.recorder, topics=[STARTED_TOPIC])]


def all_bundles(app: TimelineArchive) -> list[Bundle]:
    """Every bundle as it stands, deleted ones too, in order of name."""
    found: list[Any] = [app.repository.get(bundle_id) for bundle_id in bundle_ids(app)]
    return sorted(found, key=lambda bundle: bundle.name)


def _names(app: TimelineArchive) -> list[str]:
    started: list[Any] = [
        app.mapper.to_domain_event(n) for n in log.notifications(app.recorder, topics=[STARTED_TOPIC])
    ]
    return [event.name for event in started]


def _not_found(app: TimelineArchive, name: str) -> EntryNotFound:
    """No bundle NAME: the name meant, when one is like it, else where the names are listed."""
    names = _names(app)
    if not names:
        return EntryNotFound(f"no bundle {name!r}: there are no bundles yet; make one with 'timeline bundle create'")
    slug = slugify(name, max_length=NAME_MAX, word_boundary=True)
    close = process.extractOne(name, names, scorer=fuzz.ratio, processor=utils.default_process, score_cutoff=SIMILAR)
    meant = slug if slug in names else close[0] if close else None
    if meant is not None:
        return EntryNotFound(f"no bundle {name!r}; did you mean {meant}?")
    return EntryNotFound(f"no bundle {name!r}; 'timeline bundle list' lists the bundles")


def get_bundle(app: TimelineArchive, name: str) -> Bundle:
    """The bundle named NAME, deleted or not; refused with the name meant if there is none."""
    if not BUNDLE_NAME.fullmatch(name) or len(name) > NAME_MAX:
        raise _not_found(app, name)
    try:
        found: Any = app.repository.get(Bundle.create_id(name))
    except AggregateNotFoundError:
        raise _not_found(app, name) from None
    assert isinstance(found, Bundle)
    return found


@dataclass(frozen=True)
class PinnedEntry:
    """An entry of a bundle as the bundle's page shows it: at its pinned revision, and whether it
    has been retracted since (or was when pinned)."""

    slug: str
    revision: int
    title: str
    retraction_reason: str | None  # None: not retracted


def pinned_entries(app: TimelineArchive, bundle: Bundle) -> list[PinnedEntry]:
    """The bundle's entries, in the order they were pinned."""
    shown = []
    for pin in bundle.pins:
        now = app.entry(pin.entry_id)
        then = app.entry(pin.entry_id, version=pin.revision)
        retraction = now.retraction_reason if now.retracted else None
        shown.append(PinnedEntry(now.slug, pin.revision, then.title, retraction))
    return shown


def _pins(app: TimelineArchive, refs: Sequence[str]) -> tuple[Pin, ...]:
    """Each entry pinned at its current revision."""
    pins: list[Pin] = []
    for ref in refs:
        entry = app.get(ref)
        if entry.merged_into is not None:
            raise InvalidChange(f"entry {entry.slug} was merged into another entry; pin that one")
        if all(p.entry_id != entry.id for p in pins):
            pins.append(Pin(entry.id, entry.revision))
    return tuple(pins)


def create_bundle(app: TimelineArchive, name: str, title: str, refs: Sequence[str], options: WriteOptions) -> Bundle:
    check_bundle_name(name)
    if not refs:
        raise InvalidField("entries", "a bundle needs at least one entry")
    if Bundle.create_id(name) in app.repository:
        taken = get_bundle(app, name)
        if taken.deleted_on is not None:
            raise InvalidChange(
                f"bundle {name} was deleted on {taken.deleted_on:%Y-%m-%d} and its name stays taken (its page keeps "
                "its address, marked withdrawn); choose another name"
            )
        raise InvalidChange(f"bundle {name} already exists; add entries with 'timeline bundle add'")
    title = clean_line(title, "bundle title", max_length=TITLE_MAX)
    pins = _pins(app, refs)
    bundle = Bundle(name=name, title=title or name, pins=pins, editor=options.editor, reason=options.reason)
    app.save(bundle)  # a second writer creating the same name fails here: the id is the name's
    return bundle


def add_to_bundle(app: TimelineArchive, name: str, refs: Sequence[str], options: WriteOptions) -> Bundle:
    def build() -> list[Any]:
        bundle = get_bundle(app, name)
        bundle.add(_pins(app, refs), editor=options.editor, reason=options.reason)
        return [bundle]

    bundle = app.save_retrying(build)[0]
    assert isinstance(bundle, Bundle)
    return bundle


def remove_from_bundle(app: TimelineArchive, name: str, refs: Sequence[str], options: WriteOptions) -> Bundle:
    def build() -> list[Any]:
        bundle = get_bundle(app, name)
        bundle.remove(tuple(app.resolve(ref) for ref in refs), editor=options.editor, reason=options.reason)
        return [bundle]

    bundle = app.save_retrying(build)[0]
    assert isinstance(bundle, Bundle)
    return bundle


def delete_bundle(app: TimelineArchive, name: str, options: WriteOptions) -> Bundle:
    """Withdraw bundle NAME (see :meth:`Bundle.delete`)."""

    def build() -> list[Any]:
        bundle = get_bundle(app, name)
        bundle.delete(editor=options.editor, reason=options.reason)
        return [bundle]

    bundle = app.save_retrying(build)[0]
    assert isinstance(bundle, Bundle)
    return bundle
