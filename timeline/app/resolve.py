"""Resolving an entry whose history diverged: keep one side, re-apply the other's changes on top.

Two branches that changed the same entry leave git's conflict markers in its history
file (or, once someone picked one side by hand, a file that disagrees with the local
store). The store never drops a change it holds, so the side kept is the one the store
already holds (this branch's, after a merge), or this branch's if it holds neither.
The kept side's lines stay as they were; the other side's changes are then made again,
as new revisions on top, each with its original editor and reason (and a note of when
it was first recorded), through the archive service like any change. A change that no
longer applies (the kept side made the same one) is skipped and named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from timeline.app.application import TimelineArchive
from timeline.app.backup import forget_derived_state
from timeline.app.committed import CommittedHistory
from timeline.domain.model import PolicyEvent
from timeline.errors import InvalidChange, InvalidField, TimelineError
from timeline.files.archive import STATE_DIR, Archive
from timeline.files.atomic import write_atomically
from timeline.files.history import entry_history
from timeline.formats.historyfile import (
    ConflictedHistory,
    HistoryLine,
    chain,
    from_stored,
    history_text,
    read_history,
)
from timeline.store.transaction import discard_after, one_transaction


@dataclass
class ResolvePlan:
    """What a resolution keeps and what it makes again."""

    slug: str
    entry_id: UUID
    kept: str  # which side is kept, for people
    other: str
    again: list[HistoryLine]  # the other side's changes, to make again
    reapplied: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    set_aside: Path | None = None  # where the local store's own changes were kept, if they left it

    def summary(self) -> str:
        lines = [
            f"resolved {self.slug}: kept {self.kept}; {len(self.reapplied)} of {self.other}'s changes made again on top"
        ]
        if self.set_aside is not None:
            lines.append(f"  the local store's own changes were first set aside in {self.set_aside}")
        lines += [f"  made again: {what}" for what in self.reapplied]
        lines += [f"  skipped: {what}" for what in self.skipped]
        lines.append("now run 'timeline sync' (it replays what merged cleanly), then commit history/ and events/")
        return "\n".join(lines)


def settle_sides(app: TimelineArchive, history: CommittedHistory, slug: str) -> ResolvePlan:
    """Rewrite the entry's history file as the side kept, bring the store to it, and return the
    other side's changes (see the module's docstring). Holds the history's lock."""
    name = entry_history(slug)
    path = history.folder.path(name)
    if not path.is_file():
        raise TimelineError(f"no history file history/{name}; name an entry by its slug")
    set_aside: Path | None = None
    with history.folder.locked():
        try:
            conflict = read_history(path)
        except ConflictedHistory as found:
            base, first, second = found.base, found.ours, found.theirs
            names = (found.ours_name, found.theirs_name)
        else:
            base, first, second = _against_store(app, conflict.lines)
            names = ("the committed history", "the local store")
            if app.location.kind == "sqlite":
                # A local store is a working index of the committed history: it follows the file, and
                # its own changes are set aside and made again on top (see the module's docstring).
                set_aside = _set_aside(app, history, slug, second)
        stored = _stored_after(app, base, first + second)
        if stored == [_key(line) for line in second]:
            (kept, kept_name), (other, other_name) = (second, names[1]), (first, names[0])
        elif not stored or stored == [_key(line) for line in first]:
            (kept, kept_name), (other, other_name) = (first, names[0]), (second, names[1])
        else:
            raise TimelineError(
                f"history/{name}: the store holds changes to {slug} that are on neither side; "
                "resolve by hand or restore the store from a dump"
            )
        entry_ids = {line.aggregate_id for line in base + kept if line.topic.startswith("timeline:PolicyEvent.")}
        if len(entry_ids) != 1 or any(not line.topic.startswith("timeline:PolicyEvent.") for line in other):
            raise TimelineError(
                f"history/{name}: both sides recorded a new entry under the slug {slug}; keep one side's file "
                "(git checkout --ours or --theirs) and record the other entry again under another title"
            )
        lines = chain(base + kept)
        history.folder.rewrite(name, lines)
        _replay_missing(app, lines)
        plan = ResolvePlan(slug, entry_ids.pop(), kept_name, other_name, other)
        plan.set_aside = set_aside
        return plan


def make_again(app: TimelineArchive, plan: ResolvePlan) -> PolicyEvent:
    """Make the other side's changes again on top of the kept side, in one save."""
    merges: list[Any] = []

    def build() -> list[Any]:
        plan.reapplied.clear()
        plan.skipped.clear()
        merges.clear()
        entry = app.entry(plan.entry_id)
        for line in plan.again:
            event: Any = app.mapper.to_domain_event(line.stored_event())
            note = f"{event.reason} (first recorded {line.time:%Y-%m-%d %H:%M} UTC on {plan.other})"
            if type(event).__name__ == "Merged":
                merges.append((event, note))
                continue
            try:
                _apply(entry, event, note)
                plan.reapplied.append(line.describe())
            except (InvalidChange, InvalidField) as refused:
                plan.skipped.append(f"{line.describe()}: {refused}")
        return [entry]

    app.save_retrying(build)
    for event, note in merges:
        from timeline.domain.drafts import WriteOptions

        app.merge(str(plan.entry_id), str(event.into), WriteOptions(editor=event.editor, reason=note))
    return app.entry(plan.entry_id)


def _apply(entry: PolicyEvent, event: Any, reason: str) -> None:
    who = {"editor": event.editor, "reason": reason}
    kind = type(event).__name__
    if kind == "Corrected":
        entry.correct(event.changes, **who)
    elif kind == "SourceAdded":
        entry.add_source(event.source, **who)
    elif kind == "SourceCorrected":
        entry.correct_source(event.number, event.source, **who)
    elif kind == "SourceWithdrawn":
        entry.withdraw_source(event.source, **who)
    elif kind == "Linked":
        entry.link(event.relation, **who)
    elif kind == "Unlinked":
        entry.unlink(event.relation, **who)
    elif kind == "Retracted":
        entry.retract(**who, replaced_by=getattr(event, "replaced_by", None))
    elif kind == "Unretracted":
        entry.unretract(**who)
    else:
        raise InvalidChange(f"a change of kind {kind} cannot be made again")


def _set_aside(app: TimelineArchive, history: CommittedHistory, slug: str, lines: list[HistoryLine]) -> Path:
    """Take a local store's own changes to an entry out of it, keeping them in a file first (nothing
    is lost: they are made again on top of the committed history, or named as skipped). What the
    site and the events/ sync derived from the store is forgotten: the next build starts afresh."""
    folder = history.folder.root / STATE_DIR / "set-aside"
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / f"{slug}-{lines[0].time:%Y%m%dT%H%M%S%f}.jsonl"
    write_atomically(kept, history_text(chain(lines)), durable=True)
    first: dict[UUID, int] = {}
    for line in lines:
        first.setdefault(line.aggregate_id, line.version)
    discard_after(app.recorder, {aggregate: version - 1 for aggregate, version in first.items()})
    forget_derived_state(Archive(history.folder.root))
    return kept


def _key(line: HistoryLine) -> tuple[UUID, int, str, str]:
    return line.aggregate_id, line.version, line.topic, line.at


def _stored_after(app: TimelineArchive, base: list[HistoryLine], sides: list[HistoryLine]) -> list[Any]:
    """The store's events of the file's aggregates beyond ``base``, as comparable keys."""
    base_versions: dict[UUID, int] = {}
    for line in base:
        base_versions[line.aggregate_id] = line.version
    found = []
    for aggregate in sorted({line.aggregate_id for line in base + sides}, key=str):
        for stored in app.recorder.select_events(aggregate, gt=base_versions.get(aggregate, 0)):
            found.append(_key(from_stored(stored)))
    return sorted(found, key=lambda key: (key[3], str(key[0]), key[1]))


def _against_store(
    app: TimelineArchive, lines: list[HistoryLine]
) -> tuple[list[HistoryLine], list[HistoryLine], list[HistoryLine]]:
    """A file with no conflict markers: the lines it shares with the store, its own, the store's."""
    stored: dict[UUID, list[HistoryLine]] = {}
    for aggregate in {line.aggregate_id for line in lines}:
        stored[aggregate] = [from_stored(s) for s in app.recorder.select_events(aggregate)]
    shared = 0
    for line in lines:
        events = stored[line.aggregate_id]
        if line.version > len(events) or not events[line.version - 1].same_event(line):
            break
        shared += 1
    base, own = lines[:shared], lines[shared:]
    diverged: dict[UUID, int] = {}  # each aggregate's first version where file and store differ
    for line in own:
        diverged.setdefault(line.aggregate_id, line.version)
    theirs = [e for events in stored.values() for e in events if e.version >= diverged.get(e.aggregate_id, 10**9)]
    if not own or not theirs:
        raise TimelineError("the history file and the store agree on this entry: there is nothing to resolve")
    return base, own, sorted(theirs, key=lambda line: (line.time, str(line.aggregate_id), line.version))


def _replay_missing(app: TimelineArchive, lines: list[HistoryLine]) -> None:
    missing = []
    for aggregate in {line.aggregate_id for line in lines}:
        have = max((s.originator_version for s in app.recorder.select_events(aggregate, desc=True, limit=1)), default=0)
        missing += [line for line in lines if line.aggregate_id == aggregate and line.version > have]
    if missing:
        with one_transaction(app.recorder) as (_, insert):
            insert([line.stored_event() for line in missing])
