"""The changes an edited events/ file asks for: the entry brought to the state the file
describes, as corrections, added or withdrawn sources, links and unlinks (used by
``timeline sync`` and, read-only, by ``timeline verify``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from uuid import UUID

from eventsourcing.domain import Aggregate

from timeline.app.application import TimelineArchive, WriteOptions
from timeline.domain.drafts import Draft
from timeline.domain.model import CORRECTABLE, PolicyEvent, Relation, Source, with_accessed
from timeline.domain.naming import relation_type
from timeline.errors import InvalidField, SyncConflict


def revise(
    app: TimelineArchive,
    ref: str | UUID,
    draft: Draft,
    relations: Sequence[tuple[str, str]],
    retraction_reason: str | None,
    options: WriteOptions,
    based_on: int | None = None,
) -> tuple[PolicyEvent, bool]:
    """Bring an entry to the state an edited file describes; returns (entry, whether it changed).

    ``based_on`` is the revision the file was written from: if the store has moved on
    since and the file differs from it, the edit is refused as a conflict.
    """
    app.check_draft(draft, options)
    kinds = [relation_type(kind) for kind, _ in relations]
    changed = False

    def build() -> list[Aggregate]:
        nonlocal changed
        entry = app.get(ref)
        for name in ("slug", "short_id"):
            given = getattr(draft, name)
            if given and given != getattr(entry, name):
                raise InvalidField(name, f"is {getattr(entry, name)!r} and can never change (file says {given!r})")
        wanted = []
        for kind, target_ref in zip(kinds, [t for _, t in relations], strict=True):
            kept = Relation(kind, app.resolve(target_ref))
            wanted.append(kept if kept in entry.relations else app.relation_to(entry.id, entry.slug, kind, target_ref))
        sources = tuple(_with_known_access(s, entry.sources, app.clock.today()) for s in draft.sources)
        fields = {name: getattr(draft, name) for name in CORRECTABLE}
        differences = entry.differences(fields, sources, tuple(wanted), retraction_reason is not None)
        changed = bool(differences)
        if not changed:
            return []
        if based_on is not None and based_on < entry.revision:
            raise SyncConflict(entry.slug, based_on, entry.revision, differences)
        entry.revise(fields, sources, tuple(wanted), retraction_reason, editor=options.editor, reason=options.reason)
        return [entry]

    app.save_retrying(build)
    return app.get(ref), changed


def file_differences(
    app: TimelineArchive, entry: PolicyEvent, draft: Draft, relations: Sequence[tuple[str, str]], retracted: bool
) -> list[str]:
    """The fields where the state an events/ file describes differs from the entry's, as
    :func:`revise` compares them, but reading only: nothing is checked for writing or saved."""
    wanted = tuple(Relation(relation_type(kind), app.resolve(target)) for kind, target in relations)
    sources = tuple(_with_known_access(s, entry.sources, app.clock.today()) for s in draft.sources)
    fields = {name: getattr(draft, name) for name in CORRECTABLE}
    return entry.differences(fields, sources, wanted, retracted)


def _with_known_access(source: Source, cited: tuple[Source, ...], today: dt.date) -> Source:
    """A source written without an access date keeps the one already recorded, else gets today's."""
    if source.accessed is None:
        for known in cited:
            if dataclasses.replace(known, accessed=None) == source:
                return known
    return with_accessed(source, today)
