"""The committed history (history/) and the store, kept in agreement.

Every domain event the store holds is also a line of a history file (see
:mod:`timeline.formats.historyfile`); the files are committed with the archive, the
store is not. :meth:`CommittedHistory.agree` compares the two, aggregate by aggregate
(the newest version of each in the files against the store's), and moves whichever is
behind forward:

- the files ahead (a fresh clone, a ``git pull``): their new events are replayed into
  the store exactly as recorded (ids, versions, times, editors, reasons), in order of
  time, in one transaction;
- the store ahead (a write whose files were never written, a teammate's change in a
  shared store): the store's new events are written to the files.

Events of one aggregate that differ at the same version (two branches changed the
same entry) are never applied: the agreement stops with one message naming the
entry and both changes. With a shared PostgreSQL store, files ahead of the store are
replayed only when asked (``timeline sync --replay``): the store is the team's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent

from timeline.app.application import TimelineArchive
from timeline.errors import ConcurrentWriteConflict, TimelineError
from timeline.files.history import (
    ACTORS_DIR,
    HISTORY_DIR,
    HistoryFolder,
    actor_history,
    bundle_history,
    entry_history,
    summary,
)
from timeline.formats.historyfile import (
    SUFFIX,
    ConflictedHistory,
    HistoryFile,
    HistoryLine,
    MalformedHistory,
    chain,
    from_stored,
    read_history,
    time_order,
)
from timeline.store import notifications as log
from timeline.store.transaction import aggregate_versions, one_transaction
from timeline.wording import plural

BATCH = 1000


class HistoryDiverged(TimelineError):
    """The same entry (or bundle) was changed in two ways: two branches, or the store and the files."""


class HistoryAhead(TimelineError):
    """The committed history holds changes a shared store lacks, and replaying them was not asked for."""


@dataclass
class HistoryReport:
    replayed: int = 0  # events replayed from history/ into the store
    written: int = 0  # events written from the store to history/
    files: list[str] = field(default_factory=list)  # history files written

    def summary(self) -> str:
        return (
            f"history/: {plural(self.replayed, 'change')} replayed into the store, "
            f"{self.written:,} written to {plural(len(self.files), 'file')}"
        )


def _what(name: str) -> str:
    """What a history file is the history of, for messages: 'entry <slug>', 'bundle <name>' or 'actor <key>'."""
    stem = name.removesuffix(SUFFIX)
    if "/" not in stem:
        return f"entry {stem}"
    folder, rest = stem.split("/", 1)
    return f"actor {rest}" if folder == ACTORS_DIR else f"bundle {rest}"


RESOLVE_HINT = "nothing was synced. Run 'timeline resolve {ref}' to {how} (README: 'The history in the repository')"
KEEP_THE_STORES = "keep the side the store holds and make the other's changes again on top"
FOLLOW_THE_FILE = "make the store follow the committed history and make its own changes again on top"


class CommittedHistory:
    """The archive's history/ folder and a store, compared and brought into agreement."""

    def __init__(self, app: TimelineArchive, root: Path):
        self.app = app
        self.folder = HistoryFolder(root)
        self.where: dict[UUID, str] = {}  # aggregate -> its file, as far as looked up
        self.agreed = False
        self.position: int | None = None  # the store position store and files agree at, when known

    def close(self) -> None:
        self.folder.close()

    # Agreement ---------------------------------------------------------------------------------

    def agree(self, *, replay: bool = False, durable: bool = True) -> HistoryReport:
        """Bring the store and the files into agreement (see the module's docstring).
        ``replay`` allows replaying into a shared (PostgreSQL) store."""
        with self.folder.locked():
            return self._agree(replay=replay, durable=durable)

    def _agree(self, *, replay: bool, durable: bool) -> HistoryReport:
        report = HistoryReport()
        read, gone = self.folder.changed()
        store_name = self.app.location.display
        if read or gone:  # the files moved: until this agreement succeeds, no earlier one holds
            self.folder.state.agree_at(store_name, None)
        for name, result in sorted(read.items()):
            if isinstance(result, ConflictedHistory):
                raise self._conflict(name, result)
            if isinstance(result, MalformedHistory):
                raise MalformedHistory(Path(HISTORY_DIR, name), result.line, result.problem)
            if isinstance(result, Exception):
                raise result
        position = self.app.position()
        if not read and not gone and self.folder.state.agreed_at(store_name) == position:
            self._agreed(position)  # nothing moved on either side since they last agreed
            return report
        files = self.folder.state.versions()
        self.where = {aggregate: name for aggregate, (name, _) in files.items()}
        store = aggregate_versions(self.app.recorder)
        for name, history in sorted(read.items()):
            assert isinstance(history, HistoryFile)
            try:
                self._check_common(name, history, store)
            except HistoryDiverged:
                self.folder.state.read_again([name])  # so that every run reads it again, and refuses again
                raise
        ahead: list[HistoryLine] = []
        behind: dict[UUID, int] = {}
        for aggregate in files.keys() | store.keys():
            in_files, in_store = files.get(aggregate, ("", 0))[1], store.get(aggregate, 0)
            if in_files > in_store:
                ahead.extend(self._lines_after(read, aggregate, in_store))
            elif in_store > in_files:
                behind[aggregate] = in_files
        if ahead:
            self._replay(ahead, replay)
            report.replayed = len(ahead)
        if behind:
            self._write_behind(behind, report, durable)
        # Agreed up to the position read before the store's versions were, not the store's position
        # now: on a shared store another writer may have saved since, and its change is in no file
        # here yet. After a replay the store moved by it: the next write checks in full once.
        self._agreed(None if ahead else position)
        return report

    def _agreed(self, position: int | None) -> None:
        self.agreed, self.position = True, position
        self.folder.state.agree_at(self.app.location.display, position)

    def _lines_after(self, read: dict[str, Any], aggregate: UUID, version: int) -> list[HistoryLine]:
        name = self.where[aggregate]
        history = read.get(name)
        if not isinstance(history, HistoryFile):  # unchanged since last read, but the store is behind it
            history = read[name] = read_history(self.folder.path(name))
        return [line for line in history.lines if line.aggregate_id == aggregate and line.version > version]

    def _check_common(self, name: str, history: HistoryFile, store: dict[UUID, int]) -> None:
        """A file read anew must agree with the store on every version both hold."""
        for aggregate, version in history.versions.items():
            common = min(version, store.get(aggregate, 0))
            if not common:
                continue
            stored = [from_stored(s) for s in self.app.recorder.select_events(aggregate, lte=common)]
            mine = [line for line in history.lines if line.aggregate_id == aggregate][:common]
            for in_store, in_file in zip(stored, mine, strict=True):
                if not in_store.same_event(in_file):
                    raise HistoryDiverged(
                        f"{HISTORY_DIR}/{name}: {_what(name)} has diverged: the store holds "
                        f"{in_store.describe()}, the file holds {in_file.describe()}; "
                        + RESOLVE_HINT.format(
                            ref=name.removesuffix(SUFFIX),
                            how=FOLLOW_THE_FILE if self.app.location.kind == "sqlite" else KEEP_THE_STORES,
                        )
                    )

    def _conflict(self, name: str, conflict: ConflictedHistory) -> HistoryDiverged:
        ours = conflict.ours[0].describe() if conflict.ours else "nothing"
        theirs = conflict.theirs[0].describe() if conflict.theirs else "nothing"
        return HistoryDiverged(
            f"{HISTORY_DIR}/{name}: {_what(name)} has diverged: {conflict.ours_name} recorded {ours}, "
            f"{conflict.theirs_name} recorded {theirs}; "
            + RESOLVE_HINT.format(ref=name.removesuffix(SUFFIX), how=KEEP_THE_STORES)
        )

    def _replay(self, lines: list[HistoryLine], allowed: bool) -> None:
        """Write the files' new events into the store, oldest first, in one transaction."""
        lines.sort(key=time_order)
        if self.app.location.kind == "postgresql" and not allowed:
            first = lines[0]
            raise HistoryAhead(
                f"history/ holds {plural(len(lines), 'change')} the shared store {self.app.location.display} lacks "
                f"(the first: {_what(self.where[first.aggregate_id])} {first.describe()}): the files are ahead "
                "of the store. Run 'timeline sync --replay' to record them in the shared store, or "
                "'git checkout -- history/' if they should not be"
            )
        try:
            with one_transaction(self.app.recorder) as (_, insert):
                for start in range(0, len(lines), BATCH):
                    insert([line.stored_event() for line in lines[start : start + BATCH]])
        except IntegrityError:
            raise ConcurrentWriteConflict(
                "another writer changed the same entries while history/ was being replayed; nothing was replayed, "
                "run the command again"
            ) from None

    def _write_behind(self, behind: dict[UUID, int], report: HistoryReport, durable: bool) -> None:
        """Write the store's events that the files lack."""
        events: list[StoredEvent] = []
        for aggregate, after in behind.items():
            events.extend(self.app.recorder.select_events(aggregate, gt=after))
        self._write(events, report, durable)

    # Writing -----------------------------------------------------------------------------------

    def lines_by_file(self, stop: int | None = None) -> dict[str, list[HistoryLine]]:
        """The history files the store's events (up to position ``stop``) make, chained."""
        self.where = {}
        by_file: dict[str, list[HistoryLine]] = defaultdict(list)
        for batch in log.batches(self.app.recorder, stop=stop):
            for notification in batch:
                line = from_stored(notification)
                by_file[self._file_for(line)].append(line)
        return {name: chain(sorted(lines, key=time_order)) for name, lines in sorted(by_file.items())}

    def describe_as_of(self, stop: int) -> dict[str, object]:
        """The history as it stood at store position ``stop``, in a manifest's figures."""
        files = self.lines_by_file(stop)
        return summary({name: lines[-1].sha for name, lines in files.items()}, sum(map(len, files.values())))

    def rewrite_from_store(self) -> list[str]:
        """Make every history file holding the store's aggregates hold exactly the store's events (after a
        restore: the archive as the dump had it). Returns the names of the files left alone, holding
        nothing the store knows (a sync would replay them)."""
        with self.folder.locked():
            self.folder.changed()
            before = self.folder.state.names()
            by_file = self.lines_by_file()
            for name, lines in by_file.items():
                self.folder.rewrite(name, lines)
            self._agreed(self.app.position())
            return sorted(before - set(by_file))

    def record(self, stored: Sequence[StoredEvent], *, durable: bool = True) -> HistoryReport:
        """Write events just saved to the store (and any the files lacked before them)."""
        with self.folder.locked():
            if not self.agreed:
                return self._agree(replay=False, durable=durable)  # it writes everything the store holds
            report = HistoryReport()
            self._write(stored, report, durable)
            # Still in agreement if these were the store's only changes since (no other writer's).
            positions = sorted(getattr(s, "id", 0) for s in stored)
            expected = list(range((self.position or 0) + 1, (self.position or 0) + 1 + len(positions)))
            self._agreed(positions[-1] if positions and positions == expected else None if positions else self.position)
            return report

    def write_saved(self, stored: Sequence[StoredEvent], *, durable: bool = True) -> HistoryReport:
        """Write events just saved to their files (and any the files lacked before them), whether or
        not the rest of the history agrees with the store (a resolution writes while others differ)."""
        with self.folder.locked():
            report = HistoryReport()
            self._write(stored, report, durable)
            return report

    def _write(self, events: Iterable[StoredEvent], report: HistoryReport, durable: bool) -> None:
        lines = sorted((from_stored(s) for s in events), key=time_order)
        by_file: dict[str, list[HistoryLine]] = defaultdict(list)
        for line in lines:
            by_file[self._file_for(line)].append(line)
        for name, new in sorted(by_file.items()):
            added = self.folder.append(name, new, self._missing, durable=durable)
            if added:
                report.files.append(name)
                report.written += added
        if not durable and by_file:
            self.folder.flush()

    def _missing(self, aggregate: UUID, after: int, before: int) -> list[HistoryLine]:
        return [from_stored(s) for s in self.app.recorder.select_events(aggregate, gt=after, lte=before - 1)]

    def _file_for(self, line: HistoryLine) -> str:
        """The file an event belongs in: its entry's (reservations go with the entry they name)."""
        name = self.where.get(line.aggregate_id)
        if name is None:
            found = self.folder.state.locate(line.aggregate_id)
            name = found[0] if found else self._new_file(line)
            self.where[line.aggregate_id] = name
        return name

    def _new_file(self, line: HistoryLine) -> str:
        first = (
            line
            if line.version == 1
            else from_stored(next(iter(self.app.recorder.select_events(line.aggregate_id, lte=1))))
        )
        if first.topic.startswith("timeline:PolicyEvent."):
            return entry_history(str(first.state["slug"]))
        if first.topic.startswith("timeline:Bundle."):
            return bundle_history(str(first.state["name"]))
        if first.topic.startswith("timeline:Actor."):
            return actor_history(str(first.state["key"]))
        if first.topic.startswith("timeline:Reservation."):
            return self._file_for(self._first(UUID(str(first.state["entry_id"]["_data_"]))))
        raise TimelineError(f"the store holds an event of unknown kind {first.topic}; run 'timeline verify'")

    def _first(self, aggregate: UUID) -> HistoryLine:
        return from_stored(next(iter(self.app.recorder.select_events(aggregate, lte=1))))
