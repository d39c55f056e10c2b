"""The changes an edited events/ file asks for: the entry brought to the state the file
describes, as corrections, added or withdrawn sources, links and unlinks (used by
``timeline sync`` and, read-only, by ``timeline verify``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.domain import Aggregate

from timeline.app.application import TimelineArchive, WriteOptions
from timeline.domain.drafts import Draft
from timeline.domain.model import CORRECTABLE, PolicyEvent, Relation, Source, with_accessed
from timeline.domain.naming import relation_type
from timeline.errors import InvalidField, SyncConflict
from timeline.formats.entrydata import draft_from, relations_from
from timeline.formats.entryfile import EntryFile, MalformedFile


def revise(
    app: TimelineArchive,
    ref: str | UUID,
    draft: Draft,
    relations: Sequence[tuple[str, str]],
    retraction_reason: str | None,
    options: WriteOptions,
    based_on: int | None = None,
    replaced_by: str | None = None,
) -> tuple[PolicyEvent, bool]:
    """Bring an entry to the state an edited file describes; returns (entry, whether it changed).

    ``based_on`` is the revision the file was written from: if the store has moved on
    since and the file differs from it, the edit is refused as a conflict. ``replaced_by``
    names the entry that replaces one the file retracts.
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
        replacement = _replacement(app, entry, replaced_by, retraction_reason)
        entry.revise(
            fields,
            sources,
            tuple(wanted),
            retraction_reason,
            editor=options.editor,
            reason=options.reason,
            replaced_by=replacement,
        )
        return [entry]

    app.save_retrying(build)
    return app.get(ref), changed


@dataclass(frozen=True)
class FileEdit:
    """The state an edited events/ file (or text in that format) asks an entry to be in."""

    draft: Draft
    relations: tuple[tuple[str, str], ...]
    retraction_reason: str | None
    replaced_by: str | None


def read_edit(entry_id: UUID, entry_file: EntryFile) -> FileEdit:
    """The edit a parsed file asks for; a field that does not parse is reported with its line."""
    data = entry_file.data
    given_id = data.get("id")
    if given_id and str(given_id) != str(entry_id):
        raise MalformedFile(entry_file.path, entry_file.line_of("id"), f"id: is {entry_id} and can never change")
    try:
        draft = draft_from(data)
        relations = relations_from(data.get("relations"))
    except InvalidField as error:
        raise MalformedFile(entry_file.path, entry_file.line_of(error.field), str(error)) from None
    retraction = (data.get("retraction_reason") or "") if data.get("retracted") is True else None
    return FileEdit(draft, relations, retraction, str(data.get("replaced_by") or "") or None)


def revise_from_file(
    app: TimelineArchive, entry_id: UUID, edit: FileEdit, options: WriteOptions, based_on: int | None
) -> tuple[PolicyEvent, bool]:
    """:func:`revise` with what :func:`read_edit` read."""
    return revise(
        app, entry_id, edit.draft, edit.relations, edit.retraction_reason, options, based_on, edit.replaced_by
    )


def _replacement(
    app: TimelineArchive, entry: PolicyEvent, replaced_by: str | None, retraction_reason: str | None
) -> UUID | None:
    """The live entry a file's ``replaced_by`` names, for a retraction the file makes."""
    if not replaced_by:
        return None
    target = app.get(replaced_by)
    if entry.retracted and retraction_reason is not None:
        if entry.replaced_by != target.id:
            raise InvalidField("replaced_by", "is set when retracting; to change it, unretract and retract again")
        return None
    if retraction_reason is None:
        raise InvalidField("replaced_by", "names the entry replacing a retracted one; set retracted: true too")
    if not target.is_live:
        raise InvalidField("replaced_by", f"entry {target.slug} is retracted or merged; name a live entry")
    return target.id


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
