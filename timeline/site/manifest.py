"""The site's manifest: every published file's sha256 and size, and the history the site shows.

A site of 10,000 entries has some 170,000 files; one JSON file listing them all is
~20 MB, and rewriting it would cost more than the rest of an incremental build. So
``manifest.json`` names the committed history the site reflects (see
:func:`timeline.files.history.describe`) and a list of parts, each part file
(``manifest/<part>.json``) lists the files of one part of the site with its sha256
in ``manifest.json``; a build rewrites only the parts whose files changed. Files are
grouped by top folder and, within it, into 64 groups by the item they belong to.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from timeline.site import urls

FileRows = dict[str, tuple[str, int]]


def part_of(path: str) -> str:
    """The manifest part a published file is listed in: its top folder and one of 64 groups, by a
    hash of the item it belongs to (an entry's page, revisions and citations share a group)."""
    segments = path.split("/")
    if len(segments) == 1:
        return "site"
    # The item: feeds/<facet>/<key>.xml has its key one level down; everything else has it first.
    item = "/".join(segments[:3]) if segments[0] == "feeds" else "/".join(segments[:2])
    return f"{segments[0]}-{zlib.crc32(item.encode()) % 64:02d}"


def _encode(data: Any) -> bytes:
    # One file a line: readable, diffable, and several times faster to write than indented JSON.
    if "files" in data:
        lines = ",\n".join(f"{json.dumps(p)}:{json.dumps(v, sort_keys=True)}" for p, v in data["files"].items())
        return ('{"files":{\n' + lines + "\n}}\n").encode("utf-8")
    return (json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8")


# Pagefind lists an index's filters in hash order, which differs from run to run: its files are
# not listed, and a comparison of two builds of one history leaves them out (their results agree).
SEARCH_INDEX_NOTE = (
    "the search index is not listed: Pagefind writes its filters in an order that differs from run to run, "
    "so two builds of the same history give the same search results from different bytes"
)


def write(
    out: Path,
    history: dict[str, Any],
    search_index: str,
    parts: Iterable[str],
    files_of: Callable[[str], FileRows],
    write_bytes: Callable[[Path, bytes], None],
) -> None:
    """Rewrite the named parts from ``files_of(part)``, drop parts left empty, then write the
    top file last, so that it never names a part that is not on disk."""
    top = read_top(out)
    listed: dict[str, str] = dict(top.get("parts", {})) if top else {}
    for part in sorted(set(parts)):
        rows = files_of(part)
        target = out / urls.manifest_part(part)
        if not rows:
            listed.pop(part, None)
            target.unlink(missing_ok=True)
            continue
        content = _encode({"files": {p: {"sha256": sha, "size": size} for p, (sha, size) in sorted(rows.items())}})
        listed[part] = hashlib.sha256(content).hexdigest()
        if not target.is_file() or target.read_bytes() != content:
            write_bytes(target, content)
    content = _encode(
        {"history": history, "search_index": search_index, "search_index_note": SEARCH_INDEX_NOTE, "parts": listed}
    )
    target = out / urls.manifest()
    if not target.is_file() or target.read_bytes() != content:
        write_bytes(target, content)


def read_top(out: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((out / urls.manifest()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def read(out: Path) -> dict[str, Any] | None:
    """The manifest with every part merged: ``{"history", "search_index", "files": {path: {sha256, size}}}``,
    or None when the folder has no readable manifest."""
    top = read_top(out)
    if top is None:
        return None
    files: dict[str, Any] = dict(top.get("files", {}))  # a manifest written before it had parts
    for part in top.get("parts", {}):
        try:
            files.update(json.loads((out / urls.manifest_part(part)).read_text(encoding="utf-8"))["files"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return {"history": top.get("history"), "search_index": top.get("search_index"), "files": files}
