"""Dump and restore: the store's whole history as JSON Lines, and back into an empty store.

A dump holds every stored domain event (entries' changes, slug and short-id
reservations, citation bundles) in the order of the store's notification log,
one JSON object a line, between an opening and a closing line::

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

A restore reads the dump twice: once to check every line (so a bad line is named
before anything is written), then to write every stored event as it was, in one
transaction, into a store that must be empty. Positions are given by the new
store in the dump's order: they are the same unless the old store had gaps
(PostgreSQL leaves some after failed writes).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from uuid import UUID

from eventsourcing.persistence import Notification, StoredEvent

from timeline.application import RECORDED_TOPIC, TimelineArchive
from timeline.config import Archive
from timeline.errors import TimelineError
from timeline.mirror import entry_path, write_entry
from timeline.site.build import STATE_FOLDER
from timeline.sync import sync_state_path

FORMAT = "timeline-dump"
VERSION = 1
HEADER = {"format": FORMAT, "version": VERSION}
EVENT_KEYS = ("position", "originator_id", "originator_version", "topic", "timestamp", "state_sha256")
BATCH = 500
BUNDLE_TOPIC = "timeline:Bundle.Started"


class MalformedDump(TimelineError):
    """A dump that cannot be restored: the message names the file, the line and the problem."""

    def __init__(self, path: Path, line: int, problem: str):
        self.line = line
        super().__init__(f"{path}:{line}: {problem}; nothing was restored")


# Dumping ---------------------------------------------------------------------------------------


@dataclass
class DumpReport:
    path: Path
    events: int = 0
    entries: int = 0

    def summary(self) -> str:
        return f"dumped {self.events:,} changes ({self.entries:,} entries) to {self.path}"


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


def _event_line(app: TimelineArchive, notification: Notification) -> dict[str, Any]:
    try:
        domain_event: Any = app.mapper.to_domain_event(notification)
    except Exception as error:  # any decoding failure: the store holds something unreadable
        raise TimelineError(
            f"the store's change at position {notification.id} ({notification.topic}) cannot be read "
            f"({type(error).__name__}: {error}); nothing was dumped, run 'timeline verify'"
        ) from None
    line: dict[str, Any] = {
        "position": notification.id,
        "originator_id": str(notification.originator_id),
        "originator_version": notification.originator_version,
        "topic": notification.topic,
        "timestamp": domain_event.timestamp.isoformat(),
        "state_sha256": hashlib.sha256(notification.state).hexdigest(),
    }
    readable = _state_json(notification.state)
    if readable is not None:
        line["state"] = readable
    else:
        line["state_base64"] = base64.b64encode(notification.state).decode("ascii")
    return line


def notifications(app: TimelineArchive, stop: int) -> Iterator[Notification]:
    """Every stored event up to position ``stop``, in order, a batch in memory at a time."""
    start = 1
    while start <= stop:
        batch = app.recorder.select_notifications(start, BATCH, stop=stop)
        yield from batch
        if len(batch) < BATCH:
            return
        start = batch[-1].id + 1


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
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private; a dump gets the permissions any new file would.
        os.fchmod(handle, 0o666 & ~_umask())
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(json.dumps(HEADER) + "\n")
            for notification in notifications(app, stop):
                stream.write(json.dumps(_event_line(app, notification), ensure_ascii=False) + "\n")
                report.events += 1
                report.entries += notification.topic == RECORDED_TOPIC
            stream.write(json.dumps({"end": FORMAT, "events": report.events}) + "\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)
    return report


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """Make a rename durable: flush the folder's entry for the new file."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # not every file system lets a folder be flushed
    finally:
        os.close(descriptor)


# Reading a dump --------------------------------------------------------------------------------


@dataclass
class _Reader:
    """Reads and checks a dump line by line, yielding each stored event.

    The first reading decodes every state into its domain event. The second, which
    writes, checks each line's form again but relies on the first for the decoding: it
    compares the whole file's digest with the first reading's instead, at the end,
    before the writing commits.
    """

    app: TimelineArchive
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
        states = [key for key in ("state", "state_base64") if key in data]
        expected = {*EVENT_KEYS, *states[:1]}
        if set(data) != expected or len(states) != 1:
            missing = sorted(set(EVENT_KEYS) - set(data)) + ([] if states else ["state"])
            extra = sorted(set(data) - {*EVENT_KEYS, "state", "state_base64"}) + states[1:]
            problem = "; ".join(
                part
                for part in (
                    f"missing {', '.join(missing)}" if missing else "",
                    f"unexpected {', '.join(extra)}" if extra else "",
                )
                if part
            )
            raise self.fail(number, f"a change must have {', '.join(EVENT_KEYS)} and state: {problem}")
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
            domain_event: Any = self.app.mapper.to_domain_event(stored)
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


# Restoring -------------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    events: int = 0
    entries: int = 0
    bundles: int = 0
    store: str = ""
    files_written: int = 0
    unknown_files: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"restored {self.events:,} changes ({self.entries:,} entries, {self.bundles:,} bundles) into {self.store}",
            f"events/: {self.entries:,} files match the store ({self.files_written:,} written)",
        ]
        if self.unknown_files:
            shown = ", ".join(self.unknown_files[:5]) + (" ..." if len(self.unknown_files) > 5 else "")
            lines.append(
                f"events/: {len(self.unknown_files):,} files name no entry of the store and were left as they are "
                f"({shown}); 'timeline sync' would record them as new entries"
            )
        return "\n".join(lines)


def _batches(reader: _Reader) -> Iterator[list[StoredEvent]]:
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
    app.check_empty()
    checked = _Reader(app, path)
    for _ in checked.stored_events():
        pass
    # Read again to write; a problem found now (the file changed since) rolls everything back.
    written = app.restore(_batches(_Reader(app, path, checked_digest=checked.digest.hexdigest())))
    report = RestoreReport(events=written, entries=checked.entries, bundles=checked.bundles)
    report.store = app.location.display
    _forget_derived_state(archive)
    folder = archive.events_dir
    names: set[str] = set()
    for entry in app.entries():
        report.files_written += write_entry(app, folder, entry, durable=False)
        names.add(entry_path(folder, entry.slug).name)
    report.unknown_files = sorted(p.name for p in folder.glob("*.md") if p.name not in names)
    return report


def _forget_derived_state(archive: Archive) -> None:
    """Remove what was derived from the store before the restore: each output folder's read
    model (a build then renders everything and compares it with the files on disk) and the
    record of synced files."""
    for stale in (archive.root / STATE_FOLDER).glob("site-*.sqlite*"):
        stale.unlink(missing_ok=True)
    sync_state_path(archive.events_dir).unlink(missing_ok=True)
