"""Which files under an archive's folders may have changed since a moment, found in one pass by `find`.

Commands notice hand edits of events/ and history/ by comparing each file's stat with the one
remembered when the archive last read or wrote it. Stating 100,000 files from Python costs
0.3 s before any comparison, in every command. A file's status-change time (ctime) moves
whenever its content, its name or its metadata does, and no tool can set it back (unlike the
modification time, which ``touch -d`` and ``cp -p`` can): a file whose ctime is older than the
moment the last check began is as that check found it. ``find -cnewer`` lists the others in C.
A folder in the list had a file added, removed or renamed.

The moment is taken before a check begins and a margin is taken off when it is used, so a
change made while a check ran, or within the clock's granularity, is seen by the next one. When
the answer cannot be trusted (no moment yet, a clock that went back, no `find`, a folder that
cannot be written to), the caller checks every file, as before.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from timeline.files.archive import STATE_DIR

MARGIN_NS = 2_000_000_000  # files changed up to two seconds before the last check began are looked at again


def now() -> int:
    """The moment to remember when a check begins (nanoseconds, the clock files are stamped with)."""
    return time.time_ns()


class _Listing:
    """One run of `find` for :func:`changed_since`, started by :func:`prefetched` or when asked."""

    def __init__(self, root: Path, folders: Sequence[str], moment: int, find: str):
        self.mark = tempfile.NamedTemporaryFile(dir=root / STATE_DIR, prefix=".moment-")  # noqa: SIM115 (closed in paths)
        os.utime(self.mark.name, ns=(moment - MARGIN_NS, moment - MARGIN_NS))
        command = [find, *folders, "-cnewer", self.mark.name, "-print0"]
        self.process = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def paths(self) -> set[str] | None:
        try:
            listed, _ = self.process.communicate()
        finally:
            self.mark.close()
        if self.process.returncode != 0:
            return None
        return {os.fsdecode(path) for path in listed.split(b"\0") if path}


_started: dict[tuple[Path, tuple[str, ...], int], _Listing] = {}


def _start(root: Path, folders: Sequence[str], moment: int | None) -> _Listing | None:
    if moment is None or moment > now():
        return None
    find = shutil.which("find")
    if find is None:
        return None
    try:
        return _Listing(root, folders, moment, find)
    except OSError:
        return None


@contextmanager
def prefetched(root: Path, folders: Sequence[str], moment: int | None) -> Iterator[None]:
    """Within the block, :func:`changed_since` asked with the same arguments gets the answer of a
    `find` started at its start, which ran beside the block's other work (a check of history/ while
    events/ is listed). An answer not asked for is dropped at the end: a later question runs anew."""
    present = tuple(name for name in folders if (root / name).is_dir())
    listing = _start(root, present, moment) if present else None
    key = (root, present, moment or 0)
    if listing is not None:
        _started[key] = listing
    try:
        yield
    finally:
        if _started.get(key) is listing and listing is not None:
            del _started[key]
            listing.process.kill()
            listing.paths()


def changed_since(root: Path, folders: Sequence[str], moment: int | None) -> set[str] | None:
    """The paths (relative to ``root``, files and folders) under ``folders`` whose status changed
    since ``moment`` (see the module's docstring), or None when every file must be checked."""
    present = tuple(name for name in folders if (root / name).is_dir())
    if moment is None or moment > now():
        return None
    if not present:
        return set()
    listing = _started.pop((root, present, moment), None) or _start(root, present, moment)
    return None if listing is None else listing.paths()
