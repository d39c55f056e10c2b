"""Citation bundles: named sets of entries, each pinned at a revision, for a paper or a brief."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from timeline.app.application import TimelineArchive
from timeline.domain.bundle import Bundle, Pin
from timeline.domain.drafts import WriteOptions
from timeline.domain.validation import TITLE_MAX, clean_line
from timeline.errors import EntryNotFound, InvalidChange, InvalidField

BUNDLE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def check_bundle_name(name: str) -> str:
    if not BUNDLE_NAME.fullmatch(name) or len(name) > 80:
        raise InvalidField("bundle name", f"{name!r} is not accepted; use lowercase letters, digits and hyphens")
    return name


def get_bundle(app: TimelineArchive, name: str) -> Bundle:
    try:
        found: Any = app.repository.get(Bundle.create_id(check_bundle_name(name)))
    except AggregateNotFoundError:
        raise EntryNotFound(f"no bundle {name!r}; create it with 'timeline bundle create'") from None
    assert isinstance(found, Bundle)
    return found


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
