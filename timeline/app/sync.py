"""Files -> store: apply new and hand-edited events/ files as domain events.

A new file (no id, or an id the store does not know, as in a fresh clone) is
recorded, under an id derived from its name and content when it names none: a
sync killed between recording an entry and rewriting its file finds the entry
when run again, and records nothing twice. An edited one becomes corrections,
added or withdrawn sources, links and unlinks, whose reason names the file. An
unchanged file appends nothing. A file written from an older revision than the
store holds, and differing from it, is a conflict and is never applied. A
malformed file is reported with its line and skipped; the other files still
sync. Entries with no file get one back; untouched files of entries changed
since (by another writer of a shared store) are brought up to the store.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from uuid import UUID

from timeline.app.application import TimelineArchive, WriteOptions
from timeline.app.committed import HistoryReport
from timeline.app.fileedits import ID_LINE, file_revision, known_id, new_file_id, read_edit, revise_from_file
from timeline.domain.clock import events_from, last_event_time
from timeline.errors import EntryNotFound, InvalidField, TimelineError
from timeline.files import recent
from timeline.files.gitlog import FirstCommit
from timeline.files.mirror import entry_path, entry_text, remove_abandoned_temporaries, write_entry
from timeline.files.syncstate import SyncState
from timeline.formats.entrydata import draft_from, relations_from
from timeline.formats.entryfile import EntryFile, MalformedFile, read_entry_file
from timeline.progress import Progress
from timeline.store import notifications as log
from timeline.wording import plural

# The changes to an entry after it was recorded: a file untouched since an earlier sync may lack them.
CHANGES = [
    "Corrected",
    "SourceAdded",
    "SourceCorrected",
    "SourceWithdrawn",
    "Linked",
    "Unlinked",
    "Retracted",
    "Unretracted",
    "Merged",
]


@dataclass
class SyncReport:
    recorded: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)
    unchanged: int = 0
    restored: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    history: HistoryReport | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        text = (
            f"synced events/: {len(self.recorded)} recorded, {len(self.revised)} revised, "
            f"{self.unchanged} unchanged, {plural(len(self.restored), 'file')} restored, {len(self.problems)} refused"
        )
        if self.history is not None and (self.history.replayed or self.history.written):
            text = f"{self.history.summary()}\n{text}"
        return text


# The reason of a change made from a file: given the file's name ("events/x.md") and the
# default reason, the reason to record (asked at a terminal, or given with --reason).
Reason = Callable[[str, str], str]


class _Syncer:
    def __init__(
        self,
        app: TimelineArchive,
        folder: Path,
        editor: str,
        allow_future: bool,
        progress: Progress | None = None,
        reason: Reason | None = None,
        dated: Callable[[str], FirstCommit | None] | None = None,
    ):
        self.app = app
        self.reason = reason or (lambda name, default: default)
        self.dated = dated
        self.dated_after = dt.datetime.min.replace(tzinfo=dt.UTC)
        self.progress = progress
        self.checked = 0
        self.total = 0
        self.folder = folder
        self.editor = editor
        self.allow_future = allow_future
        self.report = SyncReport()
        self.files_by_id: set[str] = set()
        self.ids_by_name: dict[str, str] = {}
        self.state = SyncState(folder, app.location.display)
        self.known: dict[str, tuple[int, int, str]] = {}
        self.agreed_at = 0
        self.read_or_written = False
        self._paths: tuple[set[str] | None] | None = None  # (see changed_paths), once asked
        self.suspects: set[str] | None = None
        self.still: dict[str, tuple[int, int, str]] = {}
        self.changed: set[str] = set()

    def options(self, reason: str) -> WriteOptions:
        return WriteOptions(editor=self.editor, reason=reason, allow_future=self.allow_future)

    def name(self, path: Path) -> str:
        return f"{self.folder.name}/{path.name}"

    def refuse(self, path: Path, error: TimelineError) -> None:
        if isinstance(error, MalformedFile) and error.line:
            self.report.problems.append(f"{self.name(path)}:{error.line}: {error.problem}")
        elif isinstance(error, MalformedFile):
            self.report.problems.append(f"{self.name(path)}: {error.problem}")
        else:
            self.report.problems.append(f"{self.name(path)}: {error}")

    def run(self) -> SyncReport:
        began = recent.now()
        if self.untouched():
            self.state.close()
            return self.report
        self.known, self.agreed_at = self.state.known(self.app.position())
        self.changed = self.changed_since(self.agreed_at) if self.known else set()
        names = self.listed()
        new: list[EntryFile] = []
        self.total = len(names)
        for name in names:
            unchanged = self.unchanged(name)
            if unchanged is not None and unchanged in self.changed and self.refresh(unchanged):
                self.read_or_written = True
            elif unchanged is not None and self.suspects is not None and name not in self.suspects:
                self.still[name] = self.known[name]  # untouched, and not rewritten: no stat needed to record it
            if unchanged is not None:
                self.files_by_id.add(unchanged)
                self.ids_by_name[name] = unchanged
                self.report.unchanged += 1
                self.tick()
                continue
            path = self.folder / name
            self.read_or_written = True
            same = self.as_the_store_writes_it(path)
            if same is not None:  # (a fresh clone's files, after its store replayed history/)
                self.files_by_id.add(same)
                self.ids_by_name[name] = same
                self.report.unchanged += 1
                self.tick()
                continue
            try:
                entry_file = read_entry_file(path)
                known = known_id(self.app, entry_file)
                if known is None:
                    new.append(entry_file)
                    continue  # checked when recorded, after the others
                self.files_by_id.add(str(known))
                self.apply_edit(entry_file, known)
            except TimelineError as error:
                self.refuse(path, error)
            self.tick()
        self.record_new(new)
        # Entries that may lack a file: any, if a file known to the last sync has gone; else only
        # those recorded since, as every older one had its file then.
        vanished = not self.known or not self.known.keys() <= set(names)
        self.restore_missing(after=0 if vanished else self.agreed_at)
        position = self.app.position()
        # A refused file is not remembered: unless it changes, only a check of every file finds it again.
        moment = None if self.report.problems else began
        if self.read_or_written or self.ids_by_name.keys() != self.known.keys():
            self.state.record(self.ids_by_name, position, moment, self.still)
        elif position != self.agreed_at or moment != self.state.checked_at():
            self.state.advance(position, moment)
        self.state.close()
        return self.report

    def untouched(self) -> bool:
        """Whether nothing is to be done: the last sync dealt with every file, the store has not moved
        since, and no file under the folder changed since (so none is read, or even listed)."""
        count = self.state.complete_at(self.app.position())
        if count is None:
            return False
        if self.changed_paths() != set():
            return False
        self.report.unchanged = self.checked = self.total = count
        if self.progress is not None:
            self.progress("files", count, count)
        return True

    def listed(self) -> list[str]:
        """Every entry file's name, sorted; and which of them may have changed since the last sync
        (``self.suspects``: None for all of them; see :mod:`timeline.files.recent`)."""
        folder = self.folder.name
        paths = self.changed_paths() if self.known else None
        self.suspects = None if paths is None else {path.removeprefix(f"{folder}/") for path in paths}
        if paths is None or folder in paths:  # unknown, or a file was added, removed or renamed
            remove_abandoned_temporaries(self.folder)
            return sorted(entry.name for entry in os.scandir(self.folder) if entry.name.endswith(".md"))
        return sorted(self.known)

    def changed_paths(self) -> set[str] | None:
        """What `find` reports changed under the folder since the last complete sync began, or None
        when every file must be looked at (see :mod:`timeline.files.recent`); asked once a sync."""
        if self._paths is None:
            self._paths = (recent.changed_since(self.folder.parent, [self.folder.name], self.state.checked_at()),)
        return self._paths[0]

    def tick(self) -> None:
        """One more file dealt with."""
        self.checked += 1
        if self.progress is not None:
            self.progress("files", self.checked, self.total)

    def as_the_store_writes_it(self, path: Path) -> str | None:
        """The entry id of a file that holds exactly what the store would write for its entry (so it
        needs no parsing), else None."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        found = ID_LINE.search(text, 0, 200)
        if found is None:
            return None
        entry_id = UUID(found[1])
        if entry_id not in self.app.repository:
            return None
        return str(entry_id) if entry_text(self.app.slug_of, self.app.entry(entry_id)) == text else None

    def changed_since(self, position: int) -> set[str]:
        """The entries changed after store position ``position`` (the last sync) by this archive's commands
        or another writer of a shared store: their files, even untouched since, may be older."""
        topics = [f"timeline:PolicyEvent.{change}" for change in CHANGES]
        changes = log.notifications(self.app.recorder, after=position, topics=topics)
        return {str(notification.originator_id) for notification in changes}

    def refresh(self, entry_id: str) -> bool:
        """Rewrite a file untouched since written (it holds no edit) from the store; whether it was stale."""
        return write_entry(self.app.slug_of, self.folder, self.app.entry(UUID(entry_id)))

    def unchanged(self, name: str) -> str | None:
        """The entry id of a file unchanged since the store and the files last agreed, else None."""
        known = self.known.get(name)
        if known is None:
            return None
        if self.suspects is not None and name not in self.suspects:
            return known[2]
        try:
            stat = os.stat(self.folder / name)
        except FileNotFoundError:  # removed since listed: restored from the store below
            return None
        return known[2] if (stat.st_mtime_ns, stat.st_size) == known[:2] else None

    def apply_edit(self, entry_file: EntryFile, entry_id: UUID) -> None:
        # A file recorded by an interrupted sync, never rewritten, was written from the first revision.
        based_on = file_revision(entry_file) or (None if entry_file.data.get("id") else 1)
        edit = read_edit(entry_id, entry_file)
        name = self.name(entry_file.path)
        options = self.options(self.reason(name, f"edited in {name}"))
        entry, changed = revise_from_file(self.app, entry_id, edit, options, based_on)
        if changed:
            self.report.revised.append(entry.slug)
        else:
            self.report.unchanged += 1
        self.settle(entry_file.path, entry_id)

    def record_new(self, files: list[EntryFile]) -> None:
        """Record new files, those whose relation targets exist first, so links can be made."""
        pending = {entry_file.path: entry_file for entry_file in files}
        while pending:
            ready = [f for f in pending.values() if self.targets_exist(f, pending)]
            for entry_file in ready or list(pending.values()):
                del pending[entry_file.path]
                try:
                    self.record(entry_file)
                except TimelineError as error:
                    self.refuse(entry_file.path, error)
                self.tick()

    def targets_exist(self, entry_file: EntryFile, pending: dict[Path, EntryFile]) -> bool:
        waiting = {str(f.data.get("slug") or "") for f in pending.values()} - {""}
        relations = entry_file.data.get("relations") or []
        targets = {str(r.get("target")) for r in relations if isinstance(r, dict)}
        return not (targets & waiting)

    def record(self, entry_file: EntryFile) -> None:
        data = entry_file.data
        try:
            draft = draft_from(data)
            relations = relations_from(data.get("relations"))
        except InvalidField as error:
            raise MalformedFile(entry_file.path, entry_file.line_of(error.field), str(error)) from None
        if draft.id is None:
            draft = replace(draft, id=new_file_id(entry_file))
        if data.get("merged_into"):
            raise MalformedFile(
                entry_file.path, entry_file.line_of("merged_into"), "merged_into: merge entries with 'timeline merge'"
            )
        name = self.name(entry_file.path)
        first = self.dated(entry_file.path.name) if self.dated else None
        with self.recording_as_of(first):
            options = self.options(self.reason(name, f"recorded from {name}"))
            if first is not None:
                options = replace(
                    options, editor=first.author, reason=f"recorded from {name}, first committed in {first.commit[:12]}"
                )
            entry = self.app.add(draft, options, relations)
            if data.get("retracted") is True:
                reason = str(data.get("retraction_reason") or f"retracted in {self.name(entry_file.path)}")
                replaced_by = str(data.get("replaced_by") or "") or None
                entry = self.app.retract(entry.slug, replace(options, reason=reason), replaced_by)
        self.report.recorded.append(entry.slug)
        self.files_by_id.add(str(entry.id))
        self.settle(entry_file.path, entry.id)

    @contextmanager
    def recording_as_of(self, first: FirstCommit | None) -> Iterator[None]:
        """Record as of the commit that first added a file (``--from-git``), each entry after the one
        before it, so replaying the history gives the order recorded here."""
        if first is None:
            yield
            return
        with events_from(max(first.time, self.dated_after)):
            yield
            self.dated_after = last_event_time() + dt.timedelta(microseconds=1)

    def settle(self, path: Path, entry_id: UUID) -> None:
        """Rewrite the file from the store (with its id and revision) under the entry's slug."""
        entry = self.app.entry(entry_id)
        write_entry(self.app.slug_of, self.folder, entry)
        if path != entry_path(self.folder, entry.slug):
            path.unlink(missing_ok=True)
        self.ids_by_name[entry_path(self.folder, entry.slug).name] = str(entry_id)

    def restore_missing(self, after: int) -> None:
        """Write the file of every entry recorded after store position ``after`` that has none."""
        for entry_id in self.app.entry_ids(after=after):
            if str(entry_id) in self.files_by_id:
                continue
            entry = self.app.entry(entry_id)
            if not entry_path(self.folder, entry.slug).exists():
                self.read_or_written = True
                write_entry(self.app.slug_of, self.folder, entry)
                self.report.restored.append(entry.slug)
            self.ids_by_name[entry_path(self.folder, entry.slug).name] = str(entry_id)


def sync_folder(
    app: TimelineArchive,
    folder: Path,
    editor: str,
    *,
    allow_future: bool = False,
    progress: Progress | None = None,
    reason: Reason | None = None,
    dated: Callable[[str], FirstCommit | None] | None = None,
) -> SyncReport:
    """Apply every file of ``folder`` to the store; see the module's docstring. ``progress`` hears
    of every file dealt with ("files"); ``reason`` gives the reason of each change (see :data:`Reason`);
    ``dated`` gives, for a new file's name, the commit that first added it: it is recorded as of then,
    by the commit's author."""
    if not folder.exists():  # a fresh clone of an archive with no entry yet: git keeps no empty folder
        folder.mkdir()
    if not folder.is_dir():
        raise EntryNotFound(f"no folder {folder}; an archive keeps its entries in events/")
    return _Syncer(app, folder, editor, allow_future, progress, reason, dated).run()
