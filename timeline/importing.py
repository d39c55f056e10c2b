"""Bulk import from spreadsheets (CSV) and from JSON Lines (the export format).

All or nothing: every row is checked first, and any bad row rejects the whole
file with a list of every bad row and its problem. Only then are entries saved,
in batches of a few hundred per transaction. Each row's entry id derives from
the file's content and the row's number, so re-running an interrupted import
finishes the job without recording anything twice.

CSV columns (one row per entry; lists separated by ``;``):

- ``title``, ``kind``, ``date`` (required), ``summary``, ``slug``;
- ``actors`` as ``Name:role; Name:role``; ``platforms``, ``topics``, ``jurisdictions``;
- ``relations`` as ``type:target-slug; ...`` (targets in the archive or in the file);
- the first source as ``source_title`` (required), ``source_url``, ``source_publisher``,
  ``source_date``, ``source_authors``, ``source_quote``, ``source_quote_by``,
  ``source_language``, ``source_archived_url``, ``source_note``, ``source_accessed``;
  more sources as ``source2_title``, ``source2_url``... up to ``source9_*``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from timeline.application import Draft
from timeline.entrydata import SOURCE_FIELDS, draft_from, relations_from
from timeline.errors import TimelineError

LIST_SEPARATOR = ";"
IMPORT_NAMESPACE = uuid.UUID("5b0c8f52-4f0e-4c55-9a53-3f1c2b6f7e10")
ENTRY_COLUMNS = ("title", "kind", "date", "summary", "slug", "actors", "platforms", "topics", "jurisdictions",
                 "relations", "id", "short_id")
_SOURCE_COLUMN = re.compile(r"^source(\d?)_(\w+)$")


class ImportRejected(TimelineError):
    """The file has bad rows; nothing was imported."""

    def __init__(self, path: Path, problems: list[str]):
        self.problems = problems
        shown = "; ".join(problems[:50]) + (f"; and {len(problems) - 50} more" if len(problems) > 50 else "")
        super().__init__(f"{path.name}: nothing imported, {len(problems)} bad rows: {shown}")


@dataclass(frozen=True)
class Row:
    number: int  # the line number in the file, so people can find it
    draft: Draft
    relations: tuple[tuple[str, str], ...]


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(LIST_SEPARATOR) if part.strip()]


def _csv_mapping(row: dict[str, str]) -> dict[str, Any]:
    unknown = [c for c in row if c not in ENTRY_COLUMNS and not _SOURCE_COLUMN.match(c or "")]
    if unknown:
        raise ValueError(f"unknown column {unknown[0]!r}")
    sources: dict[int, dict[str, Any]] = {}
    for column, value in row.items():
        match = _SOURCE_COLUMN.match(column)
        if match and value and value.strip():
            number, name = int(match.group(1) or 1), match.group(2)
            if name not in SOURCE_FIELDS:
                raise ValueError(f"unknown column {column!r}; source columns: {', '.join(SOURCE_FIELDS)}")
            sources.setdefault(number, {})[name] = _split(value) if name == "authors" else value.strip()
    relations = []
    for item in _split(row.get("relations")):
        kind, _, target = item.partition(":")
        relations.append({"type": kind.strip(), "target": target.strip()})
    return {
        **{k: (row.get(k) or "").strip() or None for k in ("title", "kind", "date", "summary", "slug", "id",
                                                         "short_id")},
        "actors": _split(row.get("actors")),
        "platforms": _split(row.get("platforms")),
        "topics": _split(row.get("topics")),
        "jurisdictions": _split(row.get("jurisdictions")),
        "sources": [sources[n] for n in sorted(sources)],
        "relations": relations,
    }


def _read_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any] | Exception]]:
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                if not isinstance(data, dict):
                    raise ValueError("each line must be a JSON object")
                data.pop("revision", None)
                data.pop("retracted", None)
                yield number, data
            except ValueError as error:
                yield number, error
        return
    if path.suffix.lower() != ".csv":
        raise TimelineError(f"{path.name}: unsupported file type; accepted: .csv, .jsonl")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "title" not in reader.fieldnames:
        raise TimelineError(f"{path.name}: the first line must name the columns (title, kind, date, source_title...)")
    for row in reader:
        try:
            yield reader.line_num, _csv_mapping(row)
        except ValueError as error:
            yield reader.line_num, error


def read_import(path: Path) -> list[Row]:
    """Every row checked; raises :class:`ImportRejected` listing every bad row."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as error:
        raise TimelineError(f"{path}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise TimelineError(f"{path.name}: is not UTF-8 text") from None
    digest = hashlib.sha256(raw).hexdigest()
    rows: list[Row] = []
    problems: list[str] = []
    for number, data in _read_rows(path, text):
        if isinstance(data, Exception):
            problems.append(f"row {number}: {data}")
            continue
        try:
            draft = draft_from(data)
            if not draft.sources:
                raise ValueError("sources: an entry needs at least one source (source_title)")
            if draft.id is None:
                draft = replace(draft, id=uuid.uuid5(IMPORT_NAMESPACE, f"{digest}:{number}"))
            rows.append(Row(number, draft, relations_from(data.get("relations"))))
        except (TimelineError, ValueError) as error:
            problems.append(f"row {number}: {error}")
    if problems:
        raise ImportRejected(path, problems)
    return rows
