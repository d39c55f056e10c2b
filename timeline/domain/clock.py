"""When a domain event happened: the time every event of the archive is stamped with.

Times are UTC and strictly increasing within a process (a microsecond later than the
previous event at least), so the order of a writer's events is also the order of their
times. The committed history is replayed in order of time (see ``app/committed.py``): a
clone's store then holds the events in the order the editor's store recorded them, and
lists built from either agree. A migration that dates entries by when they were first
committed sets the clock with :func:`events_from`.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

_ONE_MICROSECOND = dt.timedelta(microseconds=1)
_lock = threading.Lock()
_last = dt.datetime.min.replace(tzinfo=dt.UTC)
_from: dt.datetime | None = None


def event_time() -> dt.datetime:
    """The time of a new domain event: now (or the time set by :func:`events_from`), and always
    later than the previous one."""
    global _last
    with _lock:
        now = _from if _from is not None else dt.datetime.now(dt.UTC)
        _last = max(now, _last + _ONE_MICROSECOND)
        return _last


def last_event_time() -> dt.datetime:
    """The time of the newest event stamped in this process."""
    return _last


@contextmanager
def events_from(start: dt.datetime) -> Iterator[None]:
    """Stamp the events made inside the block from ``start`` on, a microsecond apart: for
    recording what happened at a known earlier time (an archive's first commit)."""
    global _from, _last
    if start.tzinfo is None:
        raise ValueError("the start of recorded events must name its time zone")
    with _lock:
        saved = (_from, _last)
        _from, _last = start, start - _ONE_MICROSECOND
    try:
        yield
    finally:
        with _lock:
            _from, _last = saved[0], max(saved[1], _last)


@dataclass
class Clock:
    """Today's date, replaceable in tests."""

    today: Callable[[], dt.date] = field(default=lambda: dt.datetime.now(dt.UTC).date())
