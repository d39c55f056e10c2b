"""Dump and restore: the store's whole history into a file, and back into an empty store.

A dump (see ``dumpfile`` for its format) holds every stored domain event (entries'
changes, slug and short-id reservations, citation bundles) in the order of the
store's notification log. A restore reads the dump twice: once to check every line
(so a bad line is named before anything is written), then to write every stored
event as it was, in one transaction, into a store that must be empty. Positions are
given by the new store in the dump's order: they are the same unless the old store
had gaps (PostgreSQL leaves some after failed writes).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Notification, StoredEvent

from timeline.app.application import TimelineArchive
from timeline.domain.model import RECORDED_TOPIC
from timeline.errors import StoreNotEmpty, TimelineError
from timeline.files.archive import Archive
from timeline.files.atomic import replacing, sync_folder
from timeline.files.mirror import entry_path, write_entry
from timeline.files.syncstate import state_files
from timeline.formats.dumpfile import DumpReader, closing_line, event_line, opening_line
from timeline.store import notifications as log
from timeline.store.transaction import one_transaction
from timeline.wording import plural

BATCH = 500


# Dumping ---------------------------------------------------------------------------------------


@dataclass
class DumpReport:
    path: Path
    events: int = 0
    entries: int = 0

    def summary(self) -> str:
        return f"dumped {plural(self.events, 'change')} ({plural(self.entries, 'entry')}) to {self.path}"


def _event_line(app: TimelineArchive, notification: Notification) -> str:
    try:
        domain_event: Any = app.mapper.to_domain_event(notification)
    except Exception as error:  # any decoding failure: the store holds something unreadable
        raise TimelineError(
            f"the store's change at position {notification.id} ({notification.topic}) cannot be read "
            f"({type(error).__name__}: {error}); nothing was dumped, run 'timeline verify'"
        ) from None
    return event_line(notification, domain_event.timestamp.isoformat())


def notifications(app: TimelineArchive, stop: int) -> Iterator[Notification]:
    """Every stored event up to position ``stop``, in order, a batch in memory at a time."""
    return log.notifications(app.recorder, stop=stop, size=BATCH)


def dump_archive(app: TimelineArchive, path: Path, *, force: bool = False) -> DumpReport:
    """Write the store's whole history to ``path`` (see the module's docstring).

    The file appears whole or not at all: it is written beside ``path`` and renamed
    into place. An existing file is replaced only with ``force``.
    """
    if path.is_dir():
        raise TimelineError(f"{path} is a folder; name the dump file to write, e.g. backup.jsonl")
    if path.exists() and not force:
        raise TimelineError(f"{path} already exists; pass --force to replace it")
    if not path.parent.is_dir():
        raise TimelineError(f"cannot write {path}: folder {path.parent} does not exist")
    report = DumpReport(path)
    # Changes made while the dump runs are left for the next one: it is the store as of its start.
    stop = app.position()
    with replacing(path, durable=True, text=True) as stream:
        stream.write(opening_line())
        for notification in notifications(app, stop):
            stream.write(_event_line(app, notification))
            report.events += 1
            report.entries += notification.topic == RECORDED_TOPIC
        stream.write(closing_line(report.events))
    sync_folder(path.parent)
    return report


# Restoring -------------------------------------------------------------------------------------


def check_empty(app: TimelineArchive, newest: int | None = None) -> None:
    """Refuse a store that holds changes (``newest``: its newest position, if known)."""
    newest = app.position() if newest is None else newest
    if newest:
        raise StoreNotEmpty(
            f"the store {app.location.display} is not empty (its newest change is at position {newest}); "
            "restore only into an empty store: name a new one with --store, or run 'timeline init' for a "
            "new archive"
        )


def restore_events(app: TimelineArchive, batches: Iterable[Sequence[StoredEvent]]) -> int:
    """Write stored domain events exactly as given (a dump's) into this store, which must be
    empty, in one transaction: an error from the batches, or from the store, writes nothing.

    Returns how many were written.
    """
    written = 0
    with one_transaction(app.recorder) as (newest, insert):
        check_empty(app, newest)
        for batch in batches:
            insert(batch)
            written += len(batch)
    return written


@dataclass
class RestoreReport:
    events: int = 0
    entries: int = 0
    bundles: int = 0
    store: str = ""
    files_written: int = 0
    unknown_files: list[str] = field(default_factory=list)
    unknown_history: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"restored {plural(self.events, 'change')} ({plural(self.entries, 'entry')}, "
            f"{plural(self.bundles, 'bundle')}) into {self.store}",
            f"events/: {plural(self.entries, 'file')} {'matches' if self.entries == 1 else 'match'} the store "
            f"({self.files_written:,} written)",
        ]
        if self.unknown_files:
            shown = ", ".join(self.unknown_files[:5]) + (" ..." if len(self.unknown_files) > 5 else "")
            lines.append(
                f"events/: left untouched, naming no entry of the store: {plural(len(self.unknown_files), 'file')} "
                f"({shown}); 'timeline sync' would record each as a new entry"
            )
        lines.append(f"history/: rewritten to hold the dump's {plural(self.events, 'change')}")
        if self.unknown_history:
            shown = ", ".join(self.unknown_history[:5]) + (" ..." if len(self.unknown_history) > 5 else "")
            lines.append(
                f"history/: left untouched, holding nothing of the dump: {plural(len(self.unknown_history), 'file')} "
                f"({shown}); 'timeline sync' would replay each"
            )
        return "\n".join(lines)


def _batches(reader: DumpReader) -> Iterator[list[StoredEvent]]:
    batch: list[StoredEvent] = []
    for stored in reader.stored_events():
        batch.append(stored)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def restore_archive(app: TimelineArchive, archive: Archive, path: Path) -> RestoreReport:
    """Load a dump into the empty store, then rewrite events/ from it.

    Every line is checked before anything is written, and the writing is one
    transaction. The site's read models and the record of synced files describe the
    store as it was before, so they are forgotten: the next build starts afresh.
    """
    if not path.is_file():
        raise TimelineError(f"no dump file {path}; give a file written by 'timeline dump'")
    check_empty(app)
    checked = DumpReader(app.mapper, path)
    for _ in checked.stored_events():
        pass
    # Read again to write; a problem found now (the file changed since) rolls everything back.
    written = restore_events(app, _batches(DumpReader(app.mapper, path, checked_digest=checked.digest.hexdigest())))
    report = RestoreReport(events=written, entries=checked.entries, bundles=checked.bundles)
    report.store = app.location.display
    forget_derived_state(archive)
    folder = archive.events_dir
    names: set[str] = set()
    for entry in app.entries():
        report.files_written += write_entry(app.slug_of, folder, entry, durable=False)
        names.add(entry_path(folder, entry.slug).name)
    report.unknown_files = sorted(p.name for p in folder.glob("*.md") if p.name not in names)
    return report


def forget_derived_state(archive: Archive) -> None:
    """Remove what was derived from the store before the restore: each output folder's read
    model (a build then renders everything and compares it with the files on disk) and the
    record of synced files."""
    for stale in archive.read_models:
        stale.unlink(missing_ok=True)
    for state in state_files(archive.events_dir):
        state.unlink(missing_ok=True)
