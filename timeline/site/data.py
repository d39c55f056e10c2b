"""The site's data downloads: entries as JSON (the events/ field names) and as CSV (the import columns)."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from timeline.formats.entrycsv import CSV_COLUMNS, SOURCES_PER_ROW, source_column
from timeline.formats.entrydata import ENTRY_FIELDS, LIST_FIELDS

# A cell starting with one of these is a formula to a spreadsheet; a leading apostrophe keeps it
# text. A cell that already starts with apostrophes before one of them gets one more, so that
# dropping one leading apostrophe always gives the text back (the import does).
NEUTRALISED = re.compile(r"'*[=+\-@\t\r]")


def public_entry(doc: dict[str, Any]) -> dict[str, Any]:
    """An entry document as published: the entry's public shape (``entrydata.entry_to_dict``),
    read back from the read model's document of it (``projection.Projector.document``)."""
    # The fields the document holds with the site's additions, taken off again: facet keys, every
    # source field (empty if unknown), relation targets' ids and titles, the merge target's id.
    held = {
        "actors": [{k: v for k, v in actor.items() if k != "key"} for actor in doc["actors"]],
        "identifiers": [{"scheme": i["scheme"], "value": i["value"]} for i in doc["identifiers"]],
        **{field: [item["name"] for item in doc[field]] for field in LIST_FIELDS},
        "sources": [
            {k: v for k, v in s.items() if k not in ("key", "date_display") and v not in ("", [], None)}
            for s in doc["sources"]
        ],
        "relations": [{"type": r["type"], "target": r["target_slug"]} for r in doc["relations"]],
        "merged_into": doc["merged_into_slug"],
    }
    # The shape has a retraction's reason and replacement and a merge target only where there is one;
    # a document, always.
    present = {
        "retraction_reason": doc["retracted"],
        "replaced_by": bool(doc["replaced_by"]),
        "merged_into": bool(doc["merged_into"]),
    }
    return {name: held[name] if name in held else doc[name] for name in ENTRY_FIELDS if present.get(name, True)}


def public_json(doc: dict[str, Any]) -> str:
    """The entry as published, as JSON text: made once per change by the projection and kept in
    the read model, so a year's data files are joined from ready parts, not re-encoded."""
    return json.dumps(public_entry(doc), ensure_ascii=False, indent=1)


def entries_json(public: list[str]) -> bytes:
    """What ``json.dumps(entries, indent=1)`` gives, from each entry's :func:`public_json`."""
    if not public:
        return b"[]\n"
    items = ",\n".join(" " + text.replace("\n", "\n ") for text in public)
    return ("[\n" + items + "\n]\n").encode("utf-8")


def joined(head: bytes, parts: list[memoryview], separator: bytes, tail: bytes) -> bytes:
    """HEAD, the PARTS with SEPARATOR between them, then TAIL, copied once: the whole archive's files
    are hundreds of megabytes at 100,000 entries, and each slice or ``+`` would copy them again."""
    pieces: list[bytes | memoryview] = [head]
    for number, part in enumerate(parts):
        pieces += [separator, part] if number else [part]
    pieces.append(tail)
    return b"".join(pieces)


def joined_json(files: list[bytes]) -> bytes:
    """One :func:`entries_json` file of the entries of several, in their order (the years' files joined)."""
    items = [memoryview(file)[2:-3] for file in files if file != b"[]\n"]  # each "[\n" + items + "\n]\n"
    return joined(b"[\n", items, b",\n", b"\n]\n") if items else b"[]\n"


def joined_csv(files: list[bytes]) -> bytes:
    """One :func:`csv_file` of the rows of several, in their order."""
    header = _csv_text(list(CSV_COLUMNS)).encode("utf-8")
    rows = [memoryview(file)[len(header) :] if file.startswith(header) else memoryview(file) for file in files]
    return joined(header, rows, b"", b"")


def entry_json(doc: dict[str, Any]) -> bytes:
    return (public_json(doc) + "\n").encode("utf-8")


def neutralise(cell: str) -> str:
    """The cell as a spreadsheet shows it as text, never runs it as a formula."""
    return f"'{cell}" if NEUTRALISED.match(cell) else cell


def _csv_row(entry: dict[str, Any]) -> list[str]:
    row = {
        "id": entry["id"],
        "short_id": entry["short_id"],
        "slug": entry["slug"],
        "title": entry["title"],
        "kind": entry["kind"],
        "date": entry["date"],
        "summary": entry["summary"],
        # NAME:ROLE is read at the last colon: a name with a colon keeps its (maybe empty) role.
        "actors": "; ".join(
            f"{a['name']}:{a['role']}" if a["role"] or ":" in a["name"] else a["name"] for a in entry["actors"]
        ),
        "platforms": "; ".join(entry["platforms"]),
        "topics": "; ".join(entry["topics"]),
        "jurisdictions": "; ".join(entry["jurisdictions"]),
        "identifiers": "; ".join(f"{i['scheme']}:{i['value']}" for i in entry["identifiers"]),
        "relations": "; ".join(f"{r['type']}:{r['target']}" for r in entry["relations"]),
    }
    for number, source in enumerate(entry["sources"][:SOURCES_PER_ROW], 1):
        for name, value in source.items():
            row[source_column(number, name)] = "; ".join(value) if isinstance(value, list) else str(value)
    return [neutralise(row.get(column, "")) for column in CSV_COLUMNS]


def _csv_text(row: list[str]) -> str:
    stream = io.StringIO(newline="")
    csv.writer(stream, lineterminator="\n").writerow(row)
    return stream.getvalue()


def csv_line(public: str) -> str:
    """The entry's row of the CSV files (from its :func:`public_json`), as text: made once per change
    by the projection and kept in the read model, like the JSON, so the files are joined from it."""
    return _csv_text(_csv_row(json.loads(public)))


def csv_file(lines: list[str]) -> bytes:
    """The CSV file of the entries whose :func:`csv_line` are LINES: the import's columns, then them."""
    return (_csv_text(list(CSV_COLUMNS)) + "".join(lines)).encode("utf-8")


def entries_csv(public: list[str]) -> bytes:
    """One row per entry (given as its :func:`public_json`) in the import's columns, so the file
    imports back as it is."""
    return csv_file([csv_line(text) for text in public])
