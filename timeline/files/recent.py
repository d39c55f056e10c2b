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
from collections.abc import Sequence
from pathlib import Path

from timeline.files.archive import STATE_DIR

MARGIN_NS = 2_000_000_000  # files changed up to two seconds before the last check began are looked at again


def now() -> int:
    """The moment to remember when a check begins (nanoseconds, the clock files are stamped with)."""
    return time.time_ns()


def changed_since(root: Path, folders: Sequence[str], moment: int | None) -> set[str] | None:
    """The paths (relative to ``root``, files and folders) under ``folders`` whose status changed
    since ``moment`` (see the module's docstring), or None when every file must be checked."""
    if moment is None or moment > now():
        return None
    find = shutil.which("find")
    if find is None:
        return None
    present = [name for name in folders if (root / name).is_dir()]
    if not present:
        return set()
    try:
        with tempfile.NamedTemporaryFile(dir=root / STATE_DIR, prefix=".moment-") as mark:
            os.utime(mark.name, ns=(moment - MARGIN_NS, moment - MARGIN_NS))
            listed = subprocess.run(
                [find, *present, "-cnewer", mark.name, "-print0"], cwd=root, capture_output=True, check=False
            )
    except OSError:
        return None
    if listed.returncode != 0:
        return None
    return {os.fsdecode(path) for path in listed.stdout.split(b"\0") if path}
