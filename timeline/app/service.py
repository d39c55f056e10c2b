"""The archive service: the one way to change an archive, for every front end.

Opened from an archive folder (and optionally a store URL), it owns the application on
the archive's store. Each write method saves through the application and then mirrors
what changed to the archive's files (the entries' events/ files), in :meth:`_mirror`,
so no caller can forget to. The command line, the tests and the benchmarks all use it;
the CLI only parses, calls one method and prints (eventsourcing's
``examples/cargoshipping/interface.py`` is the model).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from timeline.app import actors, bundles
from timeline.app.application import TimelineArchive
from timeline.app.bundles import PinnedEntry
from timeline.app.committed import CommittedHistory, HistoryReport
from timeline.app.fileedits import read_edit, revise_from_file
from timeline.app.sameday import STATE_FILE as SAME_DAY_FILE
from timeline.app.sameday import catch_up as catch_up_same_day
from timeline.app.sync import Reason, SyncReport, sync_folder
from timeline.domain.actors import ActorProfile
from timeline.domain.bundle import Bundle
from timeline.domain.drafts import Draft, WriteOptions
from timeline.domain.listedits import ListEdits
from timeline.domain.model import PolicyEvent, Source
from timeline.errors import EntryNotFound
from timeline.files import recent
from timeline.files.archive import (
    DEFAULT_STORE,
    EVENTS_DIR,
    Archive,
    create_archive,
    find_archive,
    refuse_existing_archive,
)
from timeline.files.gitlog import first_commits
from timeline.files.mirror import entry_path, entry_text, remove_abandoned_temporaries, write_entry
from timeline.files.syncstate import SyncState, sync_checked_at
from timeline.formats.entrydata import entry_to_dict
from timeline.formats.entryfile import parse_entry_text
from timeline.progress import Progress
from timeline.store.location import StoreLocation, check_sqlite_store, parse_store_url

if TYPE_CHECKING:  # loaded by the methods that use them: most commands never import or restore
    from timeline.app.backup import RestoreReport
    from timeline.app.importing import ImportRow
    from timeline.app.importproblems import Problem
    from timeline.app.resolve import ResolvePlan


def store_location(archive: Archive, store: str | None = None) -> tuple[StoreLocation, bool]:
    """The store and whether it may be created: the archive's own store is created on first use
    (a fresh clone has none); a store named with --store or TIMELINE_STORE must exist."""
    if store:
        return parse_store_url(store, Path.cwd()), False
    return parse_store_url(archive.store or DEFAULT_STORE, archive.root), True


class ArchiveService:
    """An archive folder and its store, opened together; see the module's docstring."""

    def __init__(self, archive: Archive, app: TimelineArchive) -> None:
        self.archive = archive
        self.app = app
        app.same_day_cache = archive.state_dir / SAME_DAY_FILE
        self.history_report: HistoryReport | None = None

    @classmethod
    def open(
        cls,
        archive: Archive | Path | str,
        *,
        store: str | None = None,
        lock_timeout: int = 10,
        create: bool | None = None,
    ) -> Self:
        """Open the archive at ``archive`` (a folder, or one inside it) on its own store, or on
        the store named by ``store``. ``create`` overrides whether a missing store may be made
        (a restore may create any store; a dump, a check or a verify never creates one)."""
        if not isinstance(archive, Archive):
            archive = find_archive(Path(archive))
        location, may_create = store_location(archive, store)
        app = TimelineArchive(
            location,
            kinds=archive.kinds,
            lock_timeout=lock_timeout,
            create=may_create if create is None else create,
        )
        return cls(archive, app)

    @classmethod
    def create(cls, settings: Archive) -> Self:
        """Make a new archive: its folder with ``timeline.toml``, ``events/`` and .gitignore lines,
        and an empty store (``settings.store``, relative to the folder). A bad store URL, an
        unreachable server or an existing archive is refused before any file is written."""
        root = settings.root
        location = parse_store_url(settings.store, root)
        refuse_existing_archive(root)  # before the store is opened: opening touches its files
        # Reach the store before writing any file, so a typo leaves nothing behind.
        if location.kind == "postgresql":
            TimelineArchive(location, kinds=settings.kinds, create=True).close()
        elif location.path is not None and (location.path.parent != root or location.path.exists()):
            # (a store in the archive folder itself needs the folder, which is made below)
            check_sqlite_store(location, create=True)
        archive = create_archive(root, settings)
        return cls(archive, TimelineArchive(location, kinds=archive.kinds, create=True))

    def close(self) -> None:
        if "history" in self.__dict__:
            self.history.close()
        self.app.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Reading ---------------------------------------------------------------------------------

    def get(self, ref: str) -> PolicyEvent:
        """The entry named by its slug, short id or UUID."""
        return self.app.get(ref)

    def slug_for(self, ref: str, *, writing: bool = False) -> str:
        """The slug of the entry ``ref`` names (its slug, short id, UUID, or a unique prefix of its
        slug or short id); refused with the closest names when it names none.

        ``writing``: the name is for a change about to be made, which first brings the store up to
        the committed history (see :meth:`_writing`); so a name the store lacks is looked for again
        once it has caught up, as the change itself would find it (a fresh clone, a git pull)."""
        try:
            return self.app.slug_of(self.app.resolve(ref))
        except EntryNotFound:
            if not writing or self.history.agreed:
                raise
        self.history.agree()
        return self.app.slug_of(self.app.resolve(ref))

    def entries(self) -> Iterator[PolicyEvent]:
        """Every entry, retracted and merged ones included, in the order they were recorded."""
        return self.app.entries()

    def entry_data(self, entry: PolicyEvent) -> dict[str, Any]:
        """The entry's public shape: the events/ file's fields, as ``--json`` prints them."""
        return entry_to_dict(entry, self.app.slug_of)

    # Changing entries: each saves, then mirrors ---------------------------------------------

    def add(self, draft: Draft, options: WriteOptions, relations: Sequence[tuple[str, str]] = ()) -> PolicyEvent:
        with self._writing():
            return self._mirrored(self.app.add(draft, options, relations))

    def correct(
        self, ref: str, changes: dict[str, Any], options: WriteOptions, edits: ListEdits | None = None
    ) -> PolicyEvent:
        with self._writing():
            return self._mirrored(self.app.correct(ref, changes, options, edits))

    def correct_source(self, ref: str, which: str, changes: dict[str, Any], options: WriteOptions) -> PolicyEvent:
        """Correct source WHICH (its number or URL) of an entry in place: it stays cited."""
        with self._writing():
            return self._mirrored(self.app.correct_source(ref, which, changes, options))

    def add_source(self, ref: str, source: Source, options: WriteOptions) -> PolicyEvent:
        with self._writing():
            return self._mirrored(self.app.add_source(ref, source, options))

    def withdraw_source(self, ref: str, which: str, options: WriteOptions) -> PolicyEvent:
        with self._writing():
            return self._mirrored(self.app.withdraw_source(ref, which, options))

    def link(self, ref: str, relation: str, target: str, options: WriteOptions) -> PolicyEvent:
        with self._writing():
            return self._mirrored(self.app.link(ref, relation, target, options))

    def unlink(self, ref: str, relation: str, target: str, options: WriteOptions) -> PolicyEvent:
        with self._writing():
            return self._mirrored(self.app.unlink(ref, relation, target, options))

    def retract(self, ref: str, options: WriteOptions, replaced_by: str | None = None) -> PolicyEvent:
        with self._writing():
            return self._mirrored(self.app.retract(ref, options, replaced_by))

    def unretract(self, ref: str, options: WriteOptions) -> PolicyEvent:
        with self._writing():
            return self._mirrored(self.app.unretract(ref, options))

    def entry_text(self, ref: str) -> tuple[PolicyEvent, str]:
        """The entry and its text in the events/ format, for editing."""
        entry = self.get(ref)
        return entry, entry_text(self.app.slug_of, entry)

    def edit(self, entry: PolicyEvent, text: str, options: WriteOptions) -> tuple[PolicyEvent, bool]:
        """Apply TEXT, the entry's events/ text as edited from revision ``entry.revision``, as one
        save (corrections, source corrections, links...); returns (entry, whether it changed).
        Nothing is saved if any part is refused, or if the entry changed meanwhile."""
        edit = read_edit(entry.id, parse_entry_text(text, f"{entry.slug}.md"))
        with self._writing():
            return self._mirrored_pair(revise_from_file(self.app, entry.id, edit, options, entry.revision))

    def merge(self, ref: str, into: str, options: WriteOptions) -> PolicyEvent:
        """Merge a duplicate into another entry (its sources move across); returns the duplicate."""
        with self._writing():
            duplicate = self.app.merge(ref, into, options)
            self._mirror(duplicate, self.app.get(into))
            return duplicate

    def import_rows(
        self,
        rows: Sequence[ImportRow],
        options: WriteOptions,
        problems: Sequence[Problem] = (),
        progress: Progress | None = None,
        allow_duplicate_rows: Collection[int] = (),
    ) -> tuple[list[PolicyEvent], int]:
        """Record many entries, all or nothing (see :func:`timeline.app.importing.import_entries`;
        the rows numbered in ``allow_duplicate_rows`` may look like entries already recorded);
        returns the entries recorded and how many rows an earlier import had already recorded."""
        from timeline.app.importing import import_entries

        def saved(batch: Sequence[PolicyEvent]) -> None:  # each batch's history and files, as it is saved
            self.history.record(self.app.take_unwritten(), durable=False)
            self._mirror(*batch, durable=False)

        # A run that was interrupted may have saved entries without writing their files: this one writes them.
        remove_abandoned_temporaries(self.archive.events_dir)
        with self._writing(durable=False):
            recorded, skipped = import_entries(
                self.app,
                rows,
                options,
                problems,
                progress=progress,
                allow_duplicate_rows=allow_duplicate_rows,
                saved=saved,
            )
        self._mirror(*(self.app.entry(entry_id) for entry_id in skipped), durable=False)
        return recorded, len(skipped)

    def sync(
        self,
        editor: str,
        *,
        allow_future: bool = False,
        progress: Progress | None = None,
        reason: Reason | None = None,
        replay: bool = False,
        from_git: bool = False,
    ) -> SyncReport:
        """Bring the store up to the committed history (replaying what it lacks), then apply new
        and hand-edited events/ files, each entry's file rewritten from the store as it is applied
        (see :mod:`timeline.app.committed` and :mod:`timeline.app.sync`). ``reason`` gives the
        reason of an edit from the file's name; ``replay`` allows replaying into a shared store;
        ``from_git`` records new files as of the commit that first added them, by its author."""
        dated = first_commits(self.archive.root, EVENTS_DIR).get if from_git else None
        # events/ is listed while the history is checked (two `find`s on two cores).
        moment = sync_checked_at(self.archive.events_dir, self.app.location.display)
        with recent.prefetched(self.archive.root, [EVENTS_DIR], moment), self._writing(durable=False, replay=replay):
            report = sync_folder(
                self.app,
                self.archive.events_dir,
                editor,
                allow_future=allow_future,
                progress=progress,
                reason=reason,
                dated=dated,
            )
        report.history = self.history_report
        cache = self.app.same_day_cache
        if cache is not None and report.history is not None and report.history.replayed:
            # A clone's or a pull's changes: the duplicate check's cache catches up with them here,
            # beside the replay, rather than in the next add (at 100,000 entries, 16 s once).
            catch_up_same_day(self.app.recorder, self.app.mapper, self.app.entry, cache)
        return report

    def restore(self, path: Path) -> RestoreReport:
        """Load a dump into this (empty) store, then rewrite events/ and history/ from it."""
        from timeline.app.backup import restore_archive

        report = restore_archive(self.app, self.archive, path)
        report.unknown_history = self.history.rewrite_from_store()
        return report

    def resolve(self, slug: str) -> ResolvePlan:
        """Settle an entry whose history diverged on two branches: keep the side the store holds
        (this branch's), make the other side's changes again on top (see :mod:`timeline.app.resolve`)."""
        from timeline.app.resolve import make_again, settle_sides

        plan = settle_sides(self.app, self.history, slug)
        try:
            entry = make_again(self.app, plan)
        finally:
            self.history.write_saved(self.app.take_unwritten())
        self._mirror(entry)
        if entry.merged_into is not None:
            self._mirror(self.app.entry(entry.merged_into))
        return plan

    # Citation bundles -------------------------------------------------------------------------

    def bundle(self, name: str) -> Bundle:
        """The bundle named NAME, deleted or not."""
        return bundles.get_bundle(self.app, name)

    def all_bundles(self) -> list[Bundle]:
        """Every bundle, deleted ones too, in order of name."""
        return bundles.all_bundles(self.app)

    def pinned_entries(self, bundle: Bundle) -> list[PinnedEntry]:
        """The bundle's entries at their pinned revisions, retracted ones marked."""
        return bundles.pinned_entries(self.app, bundle)

    def create_bundle(self, name: str, title: str, refs: Sequence[str], options: WriteOptions) -> Bundle:
        with self._writing():
            return bundles.create_bundle(self.app, name, title, refs, options)

    def add_to_bundle(self, name: str, refs: Sequence[str], options: WriteOptions) -> Bundle:
        with self._writing():
            return bundles.add_to_bundle(self.app, name, refs, options)

    def remove_from_bundle(self, name: str, refs: Sequence[str], options: WriteOptions) -> Bundle:
        with self._writing():
            return bundles.remove_from_bundle(self.app, name, refs, options)

    def delete_bundle(self, name: str, options: WriteOptions) -> Bundle:
        """Withdraw a bundle: its page stays, marked withdrawn; its name stays taken."""
        with self._writing():
            return bundles.delete_bundle(self.app, name, options)

    # Actors ----------------------------------------------------------------------------------------

    def actor_profile(self, name: str) -> ActorProfile | None:
        return actors.get_profile(self.app, name)

    def type_actor(self, name: str, actor_type: str, options: WriteOptions) -> ActorProfile:
        """Record what the actor NAME (one some entry names) is: person, organization, government or court."""
        with self._writing():
            return actors.type_actor(self.app, name, actor_type, options)

    # The committed history ------------------------------------------------------------------

    @cached_property
    def history(self) -> CommittedHistory:
        return CommittedHistory(self.app, self.archive.root)

    def agree(self, *, replay: bool = False) -> HistoryReport:
        """Bring the store and the committed history into agreement (see :mod:`timeline.app.committed`)."""
        return self.history.agree(replay=replay, durable=False)

    @contextmanager
    def _writing(self, *, durable: bool = True, replay: bool = False) -> Iterator[None]:
        """Around every write: first the store catches up with the committed history (so the
        change lands on top of what was pulled), then whatever the write saved, even if it
        failed part-way, is written to the history."""
        self.history_report = self.history.agree(replay=replay, durable=durable) if not self.history.agreed else None
        try:
            yield
        finally:
            self.history.record(self.app.take_unwritten(), durable=durable)

    # Mirroring --------------------------------------------------------------------------------

    def _mirrored_pair(self, result: tuple[PolicyEvent, bool]) -> tuple[PolicyEvent, bool]:
        self._mirror(result[0])
        return result

    def _mirrored(self, entry: PolicyEvent) -> PolicyEvent:
        self._mirror(entry)
        return entry

    def _mirror(self, *entries: PolicyEvent, durable: bool = True) -> None:
        """Rewrite the changed entries' events/ files, so the files always reflect the store, and
        remember that they do, so the next sync need not read them."""
        folder = self.archive.events_dir
        for entry in entries:
            write_entry(self.app.slug_of, folder, entry, durable=durable)
        state = SyncState(folder, self.app.location.display)
        try:
            state.record({entry_path(folder, e.slug).name: str(e.id) for e in entries}, None)
        finally:
            state.close()
