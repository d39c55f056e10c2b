"""`timeline verify`'s check of the committed history (history/), writing nothing.

Every history file must read back as written: each line matches its own sha and
follows the line before it (so a line edited, removed or moved by hand is named),
versions run 1, 2, 3... per aggregate, and the file ends with a whole line. Then the
files must hold exactly what the store holds: every stored event as a line, the same
event; a file that stops before the store's newest version of an aggregate, or before
the revision its entry's events/ file names, was cut short.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from uuid import UUID

from timeline.app.application import TimelineArchive
from timeline.files.archive import Archive
from timeline.files.history import HISTORY_DIR, scan
from timeline.formats.entryfile import MalformedFile, read_entry_file
from timeline.formats.historyfile import (
    SUFFIX,
    ConflictedHistory,
    HistoryFile,
    HistoryLine,
    MalformedHistory,
    from_stored,
    read_history,
)
from timeline.store import notifications as log


@dataclass
class HistoryCheck:
    files: int = 0
    events: int = 0
    problems: list[str] = field(default_factory=list)


def check_history(app: TimelineArchive, archive: Archive) -> HistoryCheck:
    """Check every history file, then compare the files with the store (see the module's docstring)."""
    check = HistoryCheck()
    folder = archive.root / HISTORY_DIR
    lines: dict[UUID, list[tuple[str, int, HistoryLine]]] = defaultdict(list)  # aggregate: (file, line no, line)
    unreadable: set[str] = set()
    ends: dict[str, int] = {}  # file: its number of lines
    behind_events_file: list[str] = []  # reported unless the comparison with the store names the file
    for name, _ in sorted(scan(folder)):
        check.files += 1
        shown = f"{HISTORY_DIR}/{name}"
        try:
            history = read_history(folder / name)
        except MalformedHistory as error:
            check.problems.append(f"{shown}:{error.line}: {error.problem}")
            unreadable.add(name)
            continue
        except ConflictedHistory:
            check.problems.append(f"{shown}: git left a conflict in it; 'timeline sync' names both sides")
            unreadable.add(name)
            continue
        for number, line in enumerate(history.lines, start=1):
            lines[line.aggregate_id].append((name, number, line))
        ends[name] = len(history.lines)
        behind_events_file.extend(_against_events_file(archive, name, history))
    stored: dict[UUID, list[HistoryLine]] = defaultdict(list)
    broken: set[UUID] = set()  # unreadable in the store: the store's check reports them
    for notification in log.notifications(app.recorder):
        aggregate = UUID(str(notification.originator_id))
        check.events += 1
        try:
            stored[aggregate].append(from_stored(notification))
        except Exception:  # any decoding failure
            broken.add(aggregate)
    for aggregate in broken:
        stored.pop(aggregate, None)
        lines.pop(aggregate, None)
    for aggregate, events in stored.items():
        held = lines.get(aggregate, [])
        if unreadable and not held:
            continue  # (in the unreadable file, most likely: that is reported)
        check.problems.extend(_against_store(aggregate, events, held, ends))
    named = {problem.split(":", 1)[0] for problem in check.problems}
    check.problems.extend(p for p in behind_events_file if p.split(":", 1)[0] not in named)
    for aggregate in lines.keys() - stored.keys():
        name, number, line = lines[aggregate][0]
        check.problems.append(
            f"{HISTORY_DIR}/{name}:{number}: {line.aggregate_id} is not in the store: 'timeline sync' replays it"
        )
    return check


def _against_store(
    aggregate: UUID, events: list[HistoryLine], held: list[tuple[str, int, HistoryLine]], ends: dict[str, int]
) -> list[str]:
    """The first difference between an aggregate's stored events and its lines, if any."""
    what = _aggregate(events[0])
    if not held:
        return [f"{HISTORY_DIR}/: no file holds {what} ({events[0].describe()}); 'timeline sync' writes it"]
    for event, (name, number, line) in zip(events, held, strict=False):
        if not event.same_event(line):
            return [f"{HISTORY_DIR}/{name}:{number}: differs from the store: the store holds {event.describe()}"]
    name = held[-1][0]
    if len(held) < len(events):
        return [
            f"{HISTORY_DIR}/{name}:{ends[name] + 1}: missing: the file ends after v{len(held)} of {what} but "
            f"the store holds {events[len(held)].describe()}; the file was cut short"
        ]
    if len(held) > len(events):
        return [f"{HISTORY_DIR}/{name}:{held[len(events)][1]}: not in the store: 'timeline sync' replays it"]
    return []


def _aggregate(first: HistoryLine) -> str:
    """An aggregate for people, from its first event: 'entry SLUG', 'the slug reservation NAME'..."""
    kind = first.topic.removeprefix("timeline:").split(".")[0]
    if kind == "PolicyEvent":
        return f"entry {first.state.get('slug')}"
    if kind == "Reservation":
        return f"the {first.state.get('namespace')} reservation {first.state.get('name')}"
    if kind == "Bundle":
        return f"bundle {first.state.get('name')}"
    if kind == "Actor":
        return f"actor {first.state.get('key')}"
    return f"{first.aggregate_id}"


def _against_events_file(archive: Archive, name: str, history: HistoryFile) -> list[str]:
    """An entry's history must reach the revision its events/ file names."""
    if "/" in name:  # a bundle's or an actor's: no events/ file
        return []
    path = archive.events_dir / name.removesuffix(SUFFIX)
    path = path.with_name(path.name + ".md")
    try:
        data = read_entry_file(path).data
    except (OSError, MalformedFile):
        return []  # the events/ check reports those
    entry_id, revision = data.get("id"), data.get("revision")
    if not isinstance(revision, int):
        return []
    versions = [v for aggregate, v in history.versions.items() if str(aggregate) == str(entry_id)]
    if versions and versions[0] < revision:
        return [
            f"{HISTORY_DIR}/{name}:{len(history.lines) + 1}: missing: the file ends at revision {versions[0]} "
            f"but events/{path.name} is at revision {revision}; the file was cut short"
        ]
    return []
