"""Reading an import file into rows: its format told by its content, each row as the mapping
``entrydata.draft_from`` reads (or the error that makes it bad), numbered as people find it.

CSV columns (one row per entry; lists separated by ``;``):

- ``title``, ``kind``, ``date`` (required), ``summary``, ``slug``, ``id``, ``short_id``;
- ``actors`` as ``Name:role; Name:role``; ``platforms``, ``topics``, ``jurisdictions``;
- ``identifiers`` as ``scheme:value; ...`` (``executive-order:13925; federal-register:85 FR 34079``);
- ``relations`` as ``type:target-slug; ...`` (targets in the archive or in the file);
- the first source as ``source_title`` (required), ``source_url``, ``source_publisher``,
  ``source_date``, ``source_authors``, ``source_quote``, ``source_quote_by``,
  ``source_language``, ``source_archived_url``, ``source_note``, ``source_accessed``;
  more sources as ``source2_title``, ``source2_url``... up to ``source9_*``.

A file's format is told by its content: a JSON object with ``events`` is a TimelineJS file,
other JSON is JSON Lines, and a CSV is ours when its columns include ``title`` and the
TimelineJS template's when they include Year and Headline (see :mod:`timeline.formats.timelinejs_reader`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from timeline.errors import TimelineError
from timeline.formats.entrycsv import ENTRY_COLUMNS, SOURCE_COLUMN
from timeline.formats.entrydata import SOURCE_FIELDS
from timeline.formats.timelinejs_reader import TimelineJSOptions, is_template_header, is_timelinejs_json
from timeline.formats.timelinejs_reader import read_csv as read_timelinejs_csv
from timeline.formats.timelinejs_reader import read_json as read_timelinejs_json

LIST_SEPARATOR = ";"
# What --format accepts; "auto" tells the format by the file's content.
FORMATS = ("auto", "csv", "jsonl", "timelinejs")
# entries.csv puts an apostrophe before a cell a spreadsheet would run as a formula; reading drops it.
_NEUTRALISED = re.compile(r"^'(?='*[=+\-@\t\r])")


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(LIST_SEPARATOR) if part.strip()]


def _csv_mapping(row: dict[str, str]) -> dict[str, Any]:
    row = {column: _NEUTRALISED.sub("", value or "") for column, value in row.items()}
    unknown = [c for c in row if c not in ENTRY_COLUMNS and not SOURCE_COLUMN.match(c or "")]
    if unknown:
        raise ValueError(f"unknown column {unknown[0]!r}")
    sources: dict[int, dict[str, Any]] = {}
    for column, value in row.items():
        match = SOURCE_COLUMN.match(column)
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
        **{
            k: (row.get(k) or "").strip() or None
            for k in ("title", "kind", "date", "summary", "slug", "id", "short_id")
        },
        "actors": _split(row.get("actors")),
        "platforms": _split(row.get("platforms")),
        "topics": _split(row.get("topics")),
        "jurisdictions": _split(row.get("jurisdictions")),
        "identifiers": _split(row.get("identifiers")),
        "sources": [sources[n] for n in sorted(sources)],
        "relations": relations,
    }


def detect_format(path: Path, text: str) -> str:
    """csv, jsonl, timelinejs-json or timelinejs-csv, told by the content (the name only breaks a tie)."""
    start = text.lstrip()[:1]
    if start in ("{", "["):
        try:
            whole = json.loads(text)
        except ValueError:
            whole = None
        if is_timelinejs_json(whole):
            return "timelinejs-json"
        if whole is not None and (not isinstance(whole, dict) or "\n" in text.strip()):
            raise TimelineError(
                f"{path.name}: is one JSON document but not a TimelineJS file (an object with an 'events' list); "
                "JSON Lines has one entry per line"
            )
        return "jsonl"
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return "jsonl"
    headers = next(csv.reader(io.StringIO(text, newline="")), [])
    if "title" in headers:
        return "csv"
    if is_template_header(headers):
        return "timelinejs-csv"
    raise TimelineError(
        f"{path.name}: not a file the import reads: a CSV whose first line names the columns (title, kind, "
        "date, source_title...), the TimelineJS spreadsheet saved as CSV (Year, Month, Day, ..., Headline, Text, "
        "Media...), a TimelineJS JSON file, or JSON Lines"
    )


def chosen_format(path: Path, text: str, wanted: str) -> str:
    """The format to read the file as: ``wanted`` (one of FORMATS), checked against the content."""
    found = detect_format(path, text) if wanted == "auto" or wanted == "timelinejs" else wanted
    if wanted == "timelinejs" and not found.startswith("timelinejs"):
        raise TimelineError(
            f"{path.name}: is not a TimelineJS file: give a JSON object with 'events', "
            "or the TimelineJS spreadsheet saved as CSV (its first line: Year, Month, Day, ... Headline, Text...)"
        )
    return found


def read_rows(path: Path, text: str, fmt: str, timelinejs: TimelineJSOptions) -> Iterator[tuple[int, Any]]:
    """Each row's number and its mapping, or the error that makes it bad; ``fmt`` as :func:`chosen_format` tells it."""
    if fmt == "timelinejs-json":
        yield from read_timelinejs_json(text, path.name, timelinejs)
        return
    if fmt == "timelinejs-csv":
        yield from read_timelinejs_csv(text, path.name, timelinejs)
        return
    if fmt == "jsonl":
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as error:
                    raise ValueError(
                        f"is not JSON ({error.msg[:1].lower()}{error.msg[1:]} at column {error.colno}); "
                        "each line must be a JSON object"
                    ) from None
                if not isinstance(data, dict):
                    raise ValueError("each line must be a JSON object")
                data.pop("revision", None)
                data.pop("retracted", None)
                yield number, data
            except ValueError as error:
                yield number, error
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "title" not in reader.fieldnames:
        raise TimelineError(f"{path.name}: the first line must name the columns (title, kind, date, source_title...)")
    for row in reader:
        try:
            yield reader.line_num, _csv_mapping(row)
        except ValueError as error:
            yield reader.line_num, error
