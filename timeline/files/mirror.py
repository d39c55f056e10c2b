"""Store -> files: each entry's events/ file, rewritten after every change to it.

Files are written atomically (a temporary file renamed over the old one) and
only when their text changes, so git sees exactly the entries that changed. A
temporary file's name carries the id of the process writing it, so the ones
left by a process that died can be told from ones being written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from uuid import UUID

from timeline.domain.model import PolicyEvent
from timeline.files.atomic import TEMPORARY_NAME_WITH_PID, write_atomically
from timeline.formats.entrydata import entry_to_dict
from timeline.formats.entryfile import dump_entry_text


def entry_path(folder: Path, slug: str) -> Path:
    return folder / f"{slug}.md"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


def remove_abandoned_temporaries(folder: Path) -> list[str]:
    """Remove the temporary files of writes whose process died before renaming them into place."""
    removed = []
    for path in folder.glob(".*.tmp"):
        match = TEMPORARY_NAME_WITH_PID.fullmatch(path.name)
        if match and int(match["pid"]) != os.getpid() and not _running(int(match["pid"])):
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return sorted(removed)


def write_text_atomically(path: Path, text: str, *, durable: bool = True) -> bool:
    """Write ``text`` to ``path`` unless it already holds it; returns whether it wrote.

    ``durable=False`` skips the fsync: bulk writes of files the store can always
    regenerate (``timeline export``) should not pay one disk flush per file.
    """
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except FileNotFoundError:
        pass
    write_atomically(path, text, durable=durable, pid=True)
    return True


# Relations name their targets by slug in files: the store's id -> slug look-up.
SlugOf = Callable[[UUID], str]


def entry_text(slug_of: SlugOf, entry: PolicyEvent) -> str:
    return dump_entry_text(entry_to_dict(entry, slug_of))


def write_entry(slug_of: SlugOf, folder: Path, entry: PolicyEvent, *, durable: bool = True) -> bool:
    """Rewrite one entry's file from the store; returns whether the file changed."""
    return write_text_atomically(entry_path(folder, entry.slug), entry_text(slug_of, entry), durable=durable)


def export_all(slug_of: SlugOf, entries: Iterable[PolicyEvent], folder: Path) -> tuple[int, int]:
    """Write every entry given (retracted and merged ones too); returns (entries, files changed)."""
    total = changed = 0
    for entry in entries:
        total += 1
        changed += write_entry(slug_of, folder, entry, durable=False)
    return total, changed


def export_jsonl(slug_of: SlugOf, entries: Iterable[PolicyEvent], path: Path) -> int:
    """Every entry given as one JSON object per line, with the events/ field names (the import format)."""
    lines = [json.dumps(entry_to_dict(entry, slug_of), ensure_ascii=False) for entry in entries]
    write_text_atomically(path, "".join(line + "\n" for line in lines))
    return len(lines)
