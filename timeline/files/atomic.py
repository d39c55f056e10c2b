"""Writing files whole or not at all: the one place that does it, for events/ files, dumps and
the published site.

Every file is written under a temporary name beside its target, then renamed into place, so a
reader sees the old file or the new one, never part of one. Temporary names are
``.<name>.<random>.tmp``, or ``.<name>.<pid>.<random>.tmp`` where leftovers must be told from
the writes of processes still running (events/, which several commands may write at once).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

TEMPORARY_NAME = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.tmp")
TEMPORARY_NAME_WITH_PID = re.compile(r"\..+\.(?P<pid>\d+)\.[A-Za-z0-9_]{8}\.tmp")


def _file_mode() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


# What open() gives a new file (readable by all unless the umask says otherwise); files written
# through mkstemp are made owner-only, which a web server or a colleague could not read.
FILE_MODE = _file_mode()


def _temporary(path: Path, *, pid: bool) -> tuple[int, str]:
    prefix = f".{path.name}.{os.getpid()}." if pid else f".{path.name}."
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    except FileNotFoundError:  # the folder is new (made only then: most files go to folders that exist)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    os.fchmod(handle, FILE_MODE)
    return handle, temporary


@contextmanager
def replacing(path: Path, *, durable: bool = False, pid: bool = False, text: bool = False) -> Iterator[IO]:
    """A stream to write ``path``'s new content to; renamed into place when the block ends, and
    thrown away if it raises. ``durable`` flushes the file to disk before the rename (the
    folder's entry is flushed by :func:`sync_folder`, where the rename itself must last)."""
    handle, temporary = _temporary(path, pid=pid)
    try:
        stream = os.fdopen(handle, "w", encoding="utf-8", newline="\n") if text else os.fdopen(handle, "wb")
        with stream:
            yield stream
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, content: bytes | str, *, durable: bool = False, pid: bool = False) -> None:
    """Write ``content`` to ``path`` whole (see the module's docstring)."""
    with replacing(path, durable=durable, pid=pid, text=isinstance(content, str)) as stream:
        stream.write(content)


def stage(target: Path, content: bytes) -> tuple[str, str]:
    """Write ``content`` beside ``target`` under a temporary name, to be renamed into place later
    (a build publishes many files at once); returns (temporary, target)."""
    handle, temporary = _temporary(target, pid=False)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary, str(target)


def sync_folder(folder: Path) -> None:
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
