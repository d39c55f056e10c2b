"""The committed history's text: one line per stored domain event, hash chained per file.

An entry's file (``history/<slug>.jsonl``) holds every change to the entry and the
reservations of its slug and short id; a bundle's (``history/bundles/<name>.jsonl``)
every change to the bundle. Each line is one JSON object::

    {"at": "2026-11-21T10:51:27.000001+00:00", "by": "Alice", "reason": "headline was vague",
     "event": "timeline:PolicyEvent.Corrected", "id": "<aggregate uuid>", "v": 3,
     "data": {...}, "prev": "<sha of the line before>", "sha": "<sha of this line>"}

``at``, ``by`` and ``reason`` are the event's time, editor and reason (``by`` and
``reason`` only for events that have them); ``data`` is the rest of the event as the
store keeps it (eventsourcing's transcoded state, keys sorted). The text of a line is
canonical (key order, separators, no escaping of non-ASCII), so the same event gives
the same bytes on every machine, and a change appears in a diff as added lines.

``sha`` is the first 32 hex digits of the SHA-256 of the line without its ``sha``;
``prev`` repeats the previous line's (empty on the first line). A line edited by hand
no longer matches its ``sha``; a line removed or moved breaks the next line's ``prev``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from timeline.errors import TimelineError

SUFFIX = ".jsonl"
HASH_LENGTH = 32
CONFLICT_MARKERS = ("<<<<<<<", "=======", ">>>>>>>", "|||||||")
# Fields of a stored state shown on their own at the front of the line.
_FRONT = (("by", "editor"), ("reason", "reason"))


class MalformedHistory(TimelineError):
    """A history file that cannot be trusted: the message names the file, the first bad line
    and what is wrong with it."""

    def __init__(self, path: Path, line: int, problem: str):
        self.path, self.line, self.problem = path, line, problem
        super().__init__(f"{path}:{line}: {problem}")


@dataclass(frozen=True, eq=False)
class HistoryLine:
    """One event of the history, as read from or written to a file."""

    aggregate_id: UUID
    version: int
    topic: str
    at: str
    # The stored state without its timestamp, as the transcoder wrote it; None for a line read from
    # a file, which keeps its text only (see :attr:`state`).
    given_state: dict[str, Any] | None
    prev: str = ""
    sha: str = ""
    text: str = ""

    @property
    def state(self) -> dict[str, Any]:
        """The stored state without its timestamp. A line read from a file reads it from its text
        again when asked: a clone reads the whole history at once (hundreds of MB of text at
        100,000 entries, several times that held as objects), and asks most lines for it once."""
        if self.given_state is not None:
            return self.given_state
        return _state_of(json.loads(self.text))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HistoryLine):
            return NotImplemented
        return self.same_event(other) and (self.prev, self.sha, self.text) == (other.prev, other.sha, other.text)

    __hash__ = None  # type: ignore[assignment]  # (its state is a dict: a line was never hashable)

    @property
    def editor(self) -> str:
        return str(self.state.get("editor", ""))

    @property
    def reason(self) -> str:
        return str(self.state.get("reason", ""))

    @property
    def time(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.at)

    @property
    def change(self) -> str:
        """The event's name: ``Corrected``, ``SourceAdded``..."""
        return self.topic.rsplit(".", 1)[-1]

    def same_event(self, other: HistoryLine) -> bool:
        """Whether two lines record the same event (their place in a chain aside)."""
        return (self.aggregate_id, self.version, self.topic, self.at, self.state) == (
            other.aggregate_id,
            other.version,
            other.topic,
            other.at,
            other.state,
        )

    def describe(self) -> str:
        """The event for people: 'v3 Corrected by Alice at 2026-12-01 10:00 UTC ("reason")'."""
        who = f" by {self.editor}" if self.editor else ""
        why = f' ("{self.reason}")' if self.reason else ""
        what = self.change
        if isinstance(self.state.get("changes"), dict):  # a correction: which fields
            what += " " + ", ".join(sorted(self.state["changes"]))
        return f"v{self.version} {what}{who} at {self.time:%Y-%m-%d %H:%M:%S} UTC{why}"

    def stored_event(self) -> StoredEvent:
        """The event as the store keeps it (for replaying it into a store)."""
        state = {"timestamp": {"_type_": "datetime_iso", "_data_": self.at}, **self.state}
        return StoredEvent(
            originator_id=self.aggregate_id,
            originator_version=self.version,
            topic=self.topic,
            state=json.dumps(state, separators=(",", ":"), ensure_ascii=False).encode("utf-8"),
        )


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def _encode(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))


def line_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def _content(line: HistoryLine, prev: str) -> dict[str, Any]:
    state = dict(line.state)
    front: dict[str, Any] = {"at": line.at}
    for key, name in _FRONT:
        if name in state:
            front[key] = state.pop(name)
    return {
        **front,
        "event": line.topic,
        "id": str(line.aggregate_id),
        "v": line.version,
        "data": _sorted(state),
        "prev": prev,
    }


def chained(line: HistoryLine, prev: str) -> HistoryLine:
    """The line with its text, placed after a line whose sha is ``prev``."""
    content = _encode(_content(line, prev))
    sha = line_hash(content)
    text = f'{content[:-1]}, "sha": "{sha}"}}'
    return HistoryLine(line.aggregate_id, line.version, line.topic, line.at, line.state, prev, sha, text)


def from_stored(stored: StoredEvent) -> HistoryLine:
    """A stored event as a history line (not yet chained: see :func:`chained`)."""
    state = json.loads(stored.state)
    stamp = state.pop("timestamp")
    if not (isinstance(stamp, dict) and stamp.get("_type_") == "datetime_iso"):
        raise TimelineError(f"the store's event {stored.topic} v{stored.originator_version} has no readable time")
    return HistoryLine(UUID(str(stored.originator_id)), stored.originator_version, stored.topic, stamp["_data_"], state)


def chain(lines: Iterable[HistoryLine], prev: str = "") -> list[HistoryLine]:
    """Lines chained one after the other, the first after a line whose sha is ``prev``."""
    done = []
    for line in lines:
        line = chained(line, prev)
        prev = line.sha
        done.append(line)
    return done


# Reading -------------------------------------------------------------------------------------

_KEYS = {"at", "event", "id", "v", "data", "prev", "sha"}


def parse_line(path: Path, number: int, text: str, prev: str) -> HistoryLine:
    """One line, checked against its own sha and the sha of the line before it (``prev``)."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as error:
        raise MalformedHistory(path, number, f"not a JSON line ({error.msg})") from None
    if not isinstance(obj, dict) or not obj.keys() >= _KEYS or not obj.keys() <= _KEYS | {"by", "reason"}:
        raise MalformedHistory(path, number, "not a history line (it needs at, event, id, v, data, prev, sha)")
    try:
        aggregate_id = UUID(str(obj["id"]))
        version, topic, at, data = obj["v"], obj["event"], obj["at"], obj["data"]
        dt.datetime.fromisoformat(at)
        if not (isinstance(version, int) and version >= 1 and isinstance(topic, str) and isinstance(data, dict)):
            raise ValueError
    except (ValueError, TypeError):
        raise MalformedHistory(path, number, "a field has the wrong form (id, v, event, at or data)") from None
    line = chained(HistoryLine(aggregate_id, version, topic, at, _state_of(obj)), str(obj["prev"]))
    if line.text != text:
        raise MalformedHistory(path, number, "the line was changed after it was written (its sha does not match)")
    line = HistoryLine(aggregate_id, version, topic, at, None, line.prev, line.sha, line.text)
    if line.prev != prev:
        if prev:
            problem = f"out of order: it was not written after line {number - 1}; a line was removed, moved or added"
        else:
            problem = "out of order: it was not written as the first line; a line before it was removed or moved"
        raise MalformedHistory(path, number, problem)
    return line


def _state_of(obj: dict[str, Any]) -> dict[str, Any]:
    """A line's stored state, from the line's JSON object: its data, with its editor and reason."""
    state = dict(obj["data"])
    for key, name in _FRONT:
        if key in obj:
            state[name] = obj[key]
    return state


@dataclass
class HistoryFile:
    """A file's lines, checked, and the newest version of each aggregate it holds."""

    path: Path
    lines: list[HistoryLine] = field(default_factory=list)
    versions: dict[UUID, int] = field(default_factory=dict)

    @property
    def last_sha(self) -> str:
        return self.lines[-1].sha if self.lines else ""


@dataclass
class ConflictedHistory(TimelineError):
    """A history file git could not merge: the lines both sides share and each side's own."""

    path: Path
    base: list[HistoryLine]
    ours: list[HistoryLine]
    theirs: list[HistoryLine]
    ours_name: str = "this branch"
    theirs_name: str = "the other branch"

    def __str__(self) -> str:
        return f"{self.path}: git left a conflict in it"


def read_history(path: Path) -> HistoryFile:
    """Read and check a history file (see the module's docstring for what is checked)."""
    text = path.read_text(encoding="utf-8")
    raw = text.split("\n")
    if raw[-1] == "":
        raw.pop()
    elif not raw[-1].rstrip().endswith("}"):  # (a whole last line without its line end is kept)
        raise MalformedHistory(path, len(raw), "the last line is cut short: the file was truncated")
    if any(line.startswith(CONFLICT_MARKERS) for line in raw):
        raise _conflict(path, raw)
    return _checked(path, raw)


def _checked(path: Path, raw: list[str], first: int = 1, after: HistoryFile | None = None) -> HistoryFile:
    """The lines ``raw`` (the first numbered ``first``), continuing ``after``'s lines if given."""
    history = HistoryFile(path, versions=dict(after.versions) if after else {})
    prev = after.last_sha if after else ""
    for number, text in enumerate(raw, start=first):
        line = parse_line(path, number, text, prev)
        expected = history.versions.get(line.aggregate_id, 0) + 1
        if line.version != expected:
            raise MalformedHistory(
                path, number, f"version {line.version} of {line.aggregate_id} where {expected} was expected"
            )
        history.versions[line.aggregate_id] = line.version
        history.lines.append(line)
        prev = line.sha
    return history


def _conflict(path: Path, raw: list[str]) -> ConflictedHistory:
    """Split a file with git's conflict markers into the shared lines and each side's."""
    start = next(i for i, line in enumerate(raw) if line.startswith(CONFLICT_MARKERS))
    if not raw[start].startswith("<<<<<<<"):
        raise MalformedHistory(path, start + 1, "a conflict marker without its opening '<<<<<<<' line")
    try:
        middle = next(i for i in range(start, len(raw)) if raw[i].startswith("======="))
        end = next(i for i in range(middle, len(raw)) if raw[i].startswith(">>>>>>>"))
    except StopIteration:
        raise MalformedHistory(path, start + 1, "a conflict that git's markers do not close") from None
    ours_end = next((i for i in range(start, middle) if raw[i].startswith("|||||||")), middle)
    base = _checked(path, raw[:start])
    ours = _checked(path, raw[start + 1 : ours_end], start + 2, base)
    theirs = _checked(path, raw[middle + 1 : end], middle + 2, base)
    if raw[end + 1 :]:
        raise MalformedHistory(path, end + 2, "lines after a conflict: a history only grows at its end")
    return ConflictedHistory(
        path,
        base.lines,
        ours.lines,
        theirs.lines,
        _side("this branch", raw[start]),
        _side("the merged branch", raw[end]),
    )


def _side(what: str, marker: str) -> str:
    """A side of a conflict for people: 'this branch (HEAD)', 'the merged branch (7e26f1f3)'."""
    name = marker[7:].strip()
    if len(name) == 40 and all(c in "0123456789abcdef" for c in name):
        name = name[:8]
    return f"{what} ({name})" if name else what


def time_order(line: HistoryLine) -> tuple[dt.datetime, str, int]:
    """The order events are replayed and written in: the order they were recorded."""
    return line.time, str(line.aggregate_id), line.version


def history_text(lines: Iterable[HistoryLine]) -> str:
    return "".join(line.text + "\n" for line in lines)
