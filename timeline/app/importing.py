"""Bulk import from spreadsheets (CSV), from JSON Lines (the export format) and from TimelineJS files.

All or nothing: every row is checked first, and any bad row rejects the whole
file with every bad row and its problem (:mod:`timeline.app.importproblems`).
Only then are entries saved, in batches of a few hundred per transaction. Each
row's entry id is its identity (:mod:`timeline.app.rowidentity`): its ``id``, or
what defines the entry, so importing the same file again (interrupted, grown or
reordered) records only the rows not recorded yet. The file is read into rows
by :mod:`timeline.formats.importrows`, which lists the CSV columns.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from timeline.app.application import TimelineArchive
from timeline.app.importproblems import ImportRejected, Problem
from timeline.app.names import DuplicateCheck, entries_in_one_pass, in_cycle
from timeline.app.rowidentity import content_identity, given_identity
from timeline.domain.drafts import Draft, WriteOptions, record_draft
from timeline.domain.model import PolicyEvent, Relation, RelationType, Reservation
from timeline.domain.naming import relation_type
from timeline.errors import ConcurrentWriteConflict, InvalidChange, InvalidField, TimelineError
from timeline.formats.entrydata import draft_from, relations_from
from timeline.formats.importrows import FORMATS, chosen_format, read_rows
from timeline.formats.timelinejs_reader import TimelineJSOptions
from timeline.progress import Progress
from timeline.wording import plural

__all__ = ["FORMATS", "ImportRejected", "ImportRow", "import_entries", "import_report", "read_import"]


@dataclass(frozen=True)
class ImportRow:
    """A good row of the file: its number, the entry it drafts (with its identity as its id), its relations."""

    number: int  # the line number in the file (a TimelineJS file's row or event number), so people can find it
    draft: Draft
    relations: tuple[tuple[str, str], ...]
    unit: str = "row"
    repeats: int | None = None  # the earlier row of the file with the same content, if any
    by_content: bool = False  # known by its content (it gave no id)


def read_import(
    path: Path, fmt: str = "auto", timelinejs: TimelineJSOptions | None = None
) -> tuple[list[ImportRow], list[Problem]]:
    """The rows whose fields are good, each with its identity, and a problem for every bad row
    (checked against the store later, with the others, so one report holds every problem).

    ``fmt`` is one of FORMATS; ``timelinejs`` says how TimelineJS slides become entries."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise TimelineError(f"{path}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise TimelineError(f"{path.name}: is not UTF-8 text") from None
    found = chosen_format(path, text, fmt)
    unit = "event" if found == "timelinejs-json" else "row"
    rows: list[ImportRow] = []
    problems: list[Problem] = []
    seen: dict[uuid.UUID, list[int]] = {}
    for number, data in read_rows(path, text, found, timelinejs or TimelineJSOptions()):
        if isinstance(data, Exception):
            problems.append(Problem.of(number, data, unit))
            continue
        try:
            draft = draft_from(given_identity(data))
            if not draft.sources:
                raise InvalidField("sources", "an entry needs at least one source (source_title)")
        except (TimelineError, ValueError) as error:
            problems.append(Problem.of(number, error, unit))
            continue
        given = draft.id is not None
        entry_id = draft.id or content_identity(draft)
        earlier = seen.setdefault(entry_id, [])
        earlier.append(number)
        if given and len(earlier) > 1:
            problems.append(Problem.repeated(number, earlier[0], unit, by_id=True))
            continue
        # A row repeating another's content (kept only if the user says so) is told apart by
        # how many came before it, which no reordering of the file changes.
        repeats = earlier[0] if len(earlier) > 1 else None
        draft = replace(draft, id=uuid.uuid5(entry_id, str(len(earlier))) if repeats else entry_id)
        relations = relations_from(data.get("relations"))
        rows.append(ImportRow(number, draft, relations, unit, repeats, by_content=not given))
    return rows, problems


@dataclass
class _Planned:
    row: ImportRow
    slug: str
    short_id: str


class ImportPlan:
    """Checks every row against the store and the other rows, and assigns slugs and short ids,
    before anything is saved. Problems are collected per row, not raised one at a time."""

    def __init__(
        self,
        app: TimelineArchive,
        options: WriteOptions,
        problems: Sequence[Problem],
        allow_duplicate_rows: Collection[int] = (),
    ):
        self.app = app
        self.options = options
        self.allow_duplicate_rows = allow_duplicate_rows
        self.today = app.clock.today()
        self.planned: list[_Planned] = []
        self.entries: list[PolicyEvent] = []
        self.problems = list(problems)
        self.skipped: list[uuid.UUID] = []  # entries the archive holds already, one per row
        self.slugs: dict[str, Draft] = {}
        self.names = app.names()
        self._live: list[PolicyEvent] | None = None
        self._by_identity: dict[uuid.UUID, uuid.UUID] | None = None
        self.duplicates = DuplicateCheck(self.live, verb="import")

    def live(self) -> list[PolicyEvent]:
        """The live entries, read once (in one pass), only when a row is not known by its id."""
        if self._live is None:
            self._live = [e for e in entries_in_one_pass(self.app.recorder, self.app.mapper) if e.is_live]
        return self._live

    def recorded_as(self, draft: Draft) -> uuid.UUID | None:
        """The live entry with the same content as a row known by its content, if any: recorded by
        hand, or imported before rows had this identity (from a file's hash and line)."""
        if self._by_identity is None:
            self._by_identity = {content_identity(entry): entry.id for entry in self.live()}
        return self._by_identity.get(content_identity(draft))

    def add(self, row: ImportRow) -> None:
        draft = row.draft
        entry_id = draft.id
        assert entry_id is not None  # read_import gives every row an id
        if entry_id in self.app.repository:
            self.skipped.append(entry_id)
            return
        existing = self.recorded_as(draft) if row.by_content and row.repeats is None else None
        if existing is not None:
            self.skipped.append(existing)
            return
        allowed = self.options.allow_duplicate or row.number in self.allow_duplicate_rows
        if row.repeats is not None and not allowed:
            self.problems.append(Problem.repeated(row.number, row.repeats, row.unit))
            return
        try:
            # A kind written another way ("Executive Order") is taken as the archive writes it.
            kind = self.app.check_kind(draft.kind)
            if kind != draft.kind:
                row = dataclasses.replace(row, draft=dataclasses.replace(draft, kind=kind))
                draft = row.draft
            self.app.check_draft(draft, self.options)
            if not allowed:
                likeness = self.duplicates.find(draft)
                if likeness is not None:
                    self.problems.append(Problem.duplicate(row.number, likeness, row.unit))
                    return
            slug = self.names.slug(draft)
            short_id = self.names.short_id(entry_id, draft.short_id)
        except TimelineError as error:
            self.problems.append(Problem.of(row.number, error, row.unit))
            return
        self.slugs[slug] = draft
        self.duplicates.planned(draft, slug)
        self.planned.append(_Planned(row, slug, short_id))

    def link_all(self) -> None:
        """Make the entries, their relations resolved against the file's rows and the store."""
        ids = {slug: draft.id for slug, draft in self.slugs.items()}
        supersedes: dict[uuid.UUID, list[uuid.UUID]] = {}
        for planned in self.planned:
            draft = planned.row.draft
            assert draft.id is not None
            relations: list[Relation] = []
            try:
                for kind_text, target in planned.row.relations:
                    kind = relation_type(kind_text)
                    target_id = ids.get(target)
                    if target_id == draft.id:
                        raise InvalidChange(f"entry {planned.slug} cannot be linked to itself")
                    if target_id is None:
                        relation = self.app.relation_to(draft.id, planned.slug, kind, target)
                    else:
                        relation = Relation(kind, target_id)
                    if kind is RelationType.SUPERSEDES:
                        supersedes.setdefault(draft.id, []).append(relation.target)
                    if relation not in relations:
                        relations.append(relation)
            except TimelineError as error:
                self.problems.append(Problem.of(planned.row.number, error, planned.row.unit))
                continue
            self.entries.append(self.make(planned, tuple(relations)))
        for planned in self.planned:
            entry_id = planned.row.draft.id
            if entry_id is not None and in_cycle(entry_id, lambda node: supersedes.get(node, [])):
                cycle = InvalidChange("its 'supersedes' relations make a cycle")
                self.problems.append(Problem.of(planned.row.number, cycle, planned.row.unit))

    def make(self, planned: _Planned, relations: tuple[Relation, ...]) -> PolicyEvent:
        draft = planned.row.draft
        assert draft.id is not None
        return record_draft(
            draft,
            entry_id=draft.id,
            short_id=planned.short_id,
            slug=planned.slug,
            relations=relations,
            options=self.options,
            today=self.today,
        )

    def raise_problems(self) -> None:
        if self.problems:
            raise ImportRejected(self.problems)


def import_entries(
    app: TimelineArchive,
    rows: Sequence[ImportRow],
    options: WriteOptions,
    problems: Sequence[Problem] = (),
    batch_size: int = 200,
    progress: Progress | None = None,
    allow_duplicate_rows: Collection[int] = (),
    saved: Callable[[Sequence[PolicyEvent]], None] | None = None,
) -> tuple[list[PolicyEvent], list[uuid.UUID]]:
    """Record many entries: all are checked before any is saved, then saved in batches, each
    handed to ``saved`` (to write its files while the next is saved, not hold every event till the end).

    ``problems`` are the rows already found bad while reading; with any problem,
    nothing is saved (:class:`ImportRejected` holds them all). Rows whose id the
    store already holds (an earlier import of the same rows) are skipped. Rows
    numbered in ``allow_duplicate_rows`` are recorded even when they look like an
    entry already recorded. Returns (entries recorded, ids of the rows skipped).
    ``progress`` hears of every batch saved ("entries").
    """
    numbers = {row.number for row in rows} | {problem.number for problem in problems}
    unknown = sorted(set(allow_duplicate_rows) - numbers)
    if unknown:
        unit = rows[0].unit if rows else "row"
        raise TimelineError(
            f"--allow-duplicate-row: the file has no {unit}{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(map(str, unknown))}; give the numbers the refusal names"
        )
    plan = ImportPlan(app, options, problems, allow_duplicate_rows)
    for row in rows:
        plan.add(row)
    plan.link_all()
    plan.raise_problems()
    recorded: list[PolicyEvent] = []
    for start in range(0, len(plan.entries), batch_size):
        batch = plan.entries[start : start + batch_size]
        aggregates: list[Aggregate] = []
        for entry in batch:
            aggregates += [
                entry,
                Reservation("slug", entry.slug, entry.id),
                Reservation("short", entry.short_id, entry.id),
            ]
        try:
            app.save(*aggregates)
        except IntegrityError:
            raise ConcurrentWriteConflict(
                f"another writer took a slug while importing; {plural(len(recorded), 'entry')} saved, "
                "run the same import again to finish"
            ) from None
        recorded += batch
        if saved is not None:
            saved(batch)
        if progress is not None:
            progress("entries", len(recorded), len(plan.entries))
    return recorded, plan.skipped


def import_report(
    file_name: str,
    recorded: Sequence[tuple[ImportRow, PolicyEvent]] = (),
    already_imported: int = 0,
    problems: Sequence[Problem] = (),
) -> dict[str, Any]:
    """An import's outcome as data (``--json``): each entry recorded with its row, how many rows
    were recorded before, and every problem (when there is any, nothing was recorded)."""
    return {
        "file": file_name,
        "recorded": [{row.unit: row.number, "slug": entry.slug, "id": str(entry.id)} for row, entry in recorded],
        "already_imported": already_imported,
        "problems": [problem.as_json() for problem in problems],
    }
