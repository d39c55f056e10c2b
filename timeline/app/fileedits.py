"""The changes an edited events/ file asks for: the entry brought to the state the file
describes, as corrections, added or withdrawn sources, links and unlinks (used by
``timeline sync`` and, read-only, by ``timeline verify``); and what a file says of its entry
(its id, the revision it was written from)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import uuid
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

# The id line the store writes at the top of an entry's file.
ID_LINE = re.compile(r"^---\nid: ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\n")
NEW_FILE_NAMESPACE = UUID("f7275608-54e6-446b-8ac2-8ea9e19c9acf")


def new_file_id(entry_file: EntryFile) -> UUID:
    """The id a file that names none is recorded under: the same file always gives the same id."""
    content = json.dumps(entry_file.data, sort_keys=True, ensure_ascii=False)
    return uuid.uuid5(NEW_FILE_NAMESPACE, f"{entry_file.path.name}\n{content}")


def known_id(app: TimelineArchive, entry_file: EntryFile) -> UUID | None:
    """The id of the entry a file is of, if the store holds it (None: a new file)."""
    raw = entry_file.data.get("id")
    if not raw:
        # Recorded already if an interrupted sync saved it but never rewrote its file.
        derived = new_file_id(entry_file)
        return derived if derived in app.repository else None
    try:
        entry_id = UUID(str(raw))
    except ValueError:
        raise MalformedFile(entry_file.path, entry_file.line_of("id"), f"id: {raw!r} is not a UUID") from None
    return entry_id if entry_id in app.repository else None


def file_revision(entry_file: EntryFile) -> int | None:
    """The revision a file says it was written from, if it says one."""
    value = entry_file.data.get("revision")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise MalformedFile(entry_file.path, entry_file.line_of("revision"), "revision: must be a whole number >= 1")
    return value


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
