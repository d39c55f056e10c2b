"""The dump file: JSON Lines holding every stored domain event of an archive, in order.

::

    {"format": "timeline-dump", "version": 1}
    {"position": 1, "originator_id": "...", "originator_version": 1, "topic": "timeline:PolicyEvent.Recorded",
     "timestamp": "2026-11-21T10:00:00.123456+00:00", "state_sha256": "...", "state": {...}}
    ...
    {"end": "timeline-dump", "events": 1234}

``state`` is the stored event's state as JSON (what eventsourcing's transcoder
wrote, so it reads as the domain event's fields); re-encoded the way the
transcoder writes JSON it gives back the stored bytes exactly, which
``state_sha256`` checks. A state that would not re-encode to the same bytes is
written as ``state_base64`` instead. ``timestamp`` repeats the event's time for
readers; the closing line's count shows that the dump was not cut short.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from uuid import UUID

from eventsourcing.persistence import Mapper, Notification, StoredEvent

from timeline.domain.model import RECORDED_TOPIC
from timeline.errors import TimelineError

FORMAT = "timeline-dump"
VERSION = 1
HEADER = {"format": FORMAT, "version": VERSION}
EVENT_KEYS = ("position", "originator_id", "originator_version", "topic", "timestamp", "state_sha256")
STATE_KEYS = ("state", "state_base64")
BUNDLE_TOPIC = "timeline:Bundle.Started"


class MalformedDump(TimelineError):
    """A dump that cannot be restored: the message names the file, the line and the problem."""

    def __init__(self, path: Path, line: int, problem: str):
        self.line = line
        super().__init__(f"{path}:{line}: {problem}; nothing was restored")


def opening_line() -> str:
    """The first line: it says what the file is."""
    return json.dumps(HEADER) + "\n"


def closing_line(events: int) -> str:
    """The last line: how many changes come before it, so a dump cut short is noticed."""
    return json.dumps({"end": FORMAT, "events": events}) + "\n"


def event_line(notification: Notification, timestamp: str) -> str:
    """One stored event as its line; ``timestamp`` is its domain event's time, for readers."""
    line: dict[str, Any] = {
        "position": notification.id,
        "originator_id": str(notification.originator_id),
        "originator_version": notification.originator_version,
        "topic": notification.topic,
        "timestamp": timestamp,
        "state_sha256": hashlib.sha256(notification.state).hexdigest(),
    }
    readable = _state_json(notification.state)
    if readable is not None:
        line["state"] = readable
    else:
        line["state_base64"] = base64.b64encode(notification.state).decode("ascii")
    return json.dumps(line, ensure_ascii=False) + "\n"


def _state_json(state: bytes) -> Any | None:
    """The state as JSON, if re-encoding it as the transcoder does gives the same bytes."""
    try:
        decoded = json.loads(state)
    except ValueError:
        return None
    return decoded if _encode_state(decoded) == state else None


def _encode_state(decoded: Any) -> bytes:
    # eventsourcing's JSONTranscoder writes compact JSON, non-ASCII characters as they are.
    return json.dumps(decoded, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass
class DumpReader:
    """Reads and checks a dump line by line, yielding each stored event.

    The first reading decodes every state into its domain event. The second, which
    writes, checks each line's form again but relies on the first for the decoding: it
    compares the whole file's digest with the first reading's instead, at the end,
    before the writing commits.
    """

    mapper: Mapper[UUID]
    path: Path
    checked_digest: str | None = None  # the first reading's, when this is the second
    events: int = 0
    entries: int = 0
    bundles: int = 0
    versions: dict[UUID, int] = field(default_factory=dict)
    digest: Any = field(default_factory=hashlib.sha256)

    def fail(self, line: int, problem: str) -> MalformedDump:
        return MalformedDump(self.path, line, problem)

    def stored_events(self) -> Iterator[StoredEvent]:
        with self.path.open("rb") as stream:
            yield from self._read(stream)
        if self.checked_digest is not None and self.digest.hexdigest() != self.checked_digest:
            raise self.fail(1, "the file changed while it was being restored")

    def _read(self, stream: BinaryIO) -> Iterator[StoredEvent]:
        position = 0
        number = 0
        header_seen = ended = False
        for number, raw in enumerate(stream, start=1):
            self.digest.update(raw)
            if not raw.strip():
                continue  # blank lines carry nothing
            data = self._json(number, raw)
            if not header_seen:
                if data != HEADER:
                    raise self.fail(
                        number,
                        f"not a timeline dump: the first line must be {json.dumps(HEADER)} "
                        "(entries exported with 'timeline export FILE.jsonl' are brought in with 'timeline import')",
                    )
                header_seen = True
            elif ended:
                raise self.fail(number, "a line after the dump's closing line")
            elif "end" in data:
                if data != {"end": FORMAT, "events": self.events}:
                    raise self.fail(
                        number, f"the closing line must be {json.dumps({'end': FORMAT, 'events': self.events})}"
                    )
                ended = True
            else:
                stored = self._stored_event(number, data, position)
                position = data["position"]
                self.events += 1
                self.entries += stored.topic == RECORDED_TOPIC
                self.bundles += stored.topic == BUNDLE_TOPIC
                yield stored
        if not header_seen:
            raise self.fail(max(number, 1), "the file is empty, not a timeline dump")
        if not ended:
            raise self.fail(number, "the dump ends without its closing line: it was cut short; copy it again")

    def _json(self, number: int, raw: bytes) -> dict[str, Any]:
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise self.fail(number, "the line is not UTF-8 text") from None
        except ValueError as error:
            raise self.fail(number, f"the line is not JSON ({error})") from None
        if not isinstance(data, dict):
            raise self.fail(number, "each line must be a JSON object")
        return data

    def _stored_event(self, number: int, data: dict[str, Any], position: int) -> StoredEvent:
        keys = set(data)
        missing = [key for key in EVENT_KEYS if key not in keys] + ([] if keys & set(STATE_KEYS) else ["state"])
        unexpected = sorted(keys - {*EVENT_KEYS, *STATE_KEYS})
        if set(STATE_KEYS) <= keys:
            unexpected.append("both state and state_base64")
        if missing or unexpected:
            found = [f"missing {', '.join(missing)}"] if missing else []
            found += [f"unexpected {', '.join(unexpected)}"] if unexpected else []
            raise self.fail(number, f"a change must have {', '.join(EVENT_KEYS)} and state: {'; '.join(found)}")
        if not _whole(data["position"]) or data["position"] <= position:
            raise self.fail(number, f"position must be a whole number after the previous line's ({position})")
        try:
            originator_id = UUID(str(data["originator_id"]))
        except ValueError:
            raise self.fail(number, f"originator_id {data['originator_id']!r} is not a UUID") from None
        version = data["originator_version"]
        expected_version = self.versions.get(originator_id, 0) + 1
        if not _whole(version) or version != expected_version:
            raise self.fail(
                number,
                f"originator_version of {originator_id} must be {expected_version} here (got {version!r}): "
                "a change is missing, repeated or out of order",
            )
        if not isinstance(data["topic"], str) or not data["topic"]:
            raise self.fail(number, "topic must be a non-empty string")
        state = self._state(number, data)
        stored = StoredEvent(originator_id=originator_id, originator_version=version, topic=data["topic"], state=state)
        if self.checked_digest is not None:
            self.versions[originator_id] = version
            return stored
        try:
            domain_event: Any = self.mapper.to_domain_event(stored)
        except Exception as error:  # unknown topic, or a state the event class cannot take
            raise self.fail(
                number, f"the state is not a {data['topic']} change ({type(error).__name__}: {error})"
            ) from None
        if domain_event.timestamp.isoformat() != data["timestamp"]:
            raise self.fail(number, f"timestamp {data['timestamp']!r} is not the time in the change's state")
        self.versions[originator_id] = version
        return stored

    def _state(self, number: int, data: dict[str, Any]) -> bytes:
        if "state" in data:
            state = _encode_state(data["state"])
        else:
            try:
                state = base64.b64decode(str(data["state_base64"]), validate=True)
            except binascii.Error:
                raise self.fail(number, "state_base64 is not base64") from None
        if hashlib.sha256(state).hexdigest() != data["state_sha256"]:
            raise self.fail(number, "the state does not match its state_sha256: the line was changed or damaged")
        return state


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
