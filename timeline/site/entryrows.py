"""An entry's rows in the read model, written from its document: the entry itself (with its card,
slide and published JSON made once here, not on every render), its relations, its facet
memberships and the years it is listed in."""

from __future__ import annotations

import json
from typing import Any

from eventsourcing.sqlite import SQLiteCursor

from timeline.site.data import csv_line, public_json
from timeline.site.readmodel import card_of
from timeline.site.showing import memberships
from timeline.site.slides import slide_json
from timeline.site.sourcepages import remember_documents


def stored_document(cursor: SQLiteCursor, entry_id: str) -> dict[str, Any] | None:
    """The entry's document as the read model holds it (None for an entry it does not know)."""
    cursor.execute("SELECT data FROM entries WHERE id = ?", (entry_id,))
    row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def write_entry(cursor: SQLiteCursor, doc: dict[str, Any], position: int) -> None:
    """Replace the entry's rows with those of DOC, its state after the change at store POSITION.

    Its place among the entries of its day is kept as it was (0 for an entry in no listing):
    dayorder.settle ranks the day anew when the change may move it."""
    entry_id = doc["id"]
    cursor.execute("SELECT day_rank FROM entries WHERE id = ?", (entry_id,))
    row = cursor.fetchone()
    day_rank = int(row[0]) if row and doc["live"] else 0
    slide_head, slide_tail = slide_json(doc) if doc["live"] else ("", "")
    public = public_json(doc)
    cursor.execute(
        "INSERT OR REPLACE INTO entries (id, slug, short_id, live, retracted, merged_into, date_start, date_end, "
        "title, recorded, day_rank, data, card, slide_head, slide_tail, public, csv) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            entry_id,
            doc["slug"],
            doc["short_id"],
            int(doc["live"]),
            int(doc["retracted"]),
            doc["merged_into"],
            doc["date_start"],
            doc["date_end"],
            doc["title"],
            doc["recorded"],
            day_rank,
            json.dumps(doc, ensure_ascii=False),
            card_of(doc),
            slide_head,
            slide_tail,
            public,
            csv_line(public),
        ),
    )
    cursor.execute("DELETE FROM relations WHERE source_id = ?", (entry_id,))
    cursor.executemany(
        "INSERT INTO relations (source_id, type, target_id, position) VALUES (?, ?, ?, ?)",
        [(entry_id, r["type"], r["target_id"], position) for r in doc["relations"]],
    )
    _write_memberships(cursor, doc, day_rank)
    cursor.execute("DELETE FROM years WHERE entry_id = ?", (entry_id,))
    cursor.executemany("INSERT INTO years (year, entry_id) VALUES (?, ?)", [(y, entry_id) for y in doc["years"]])


def _write_memberships(cursor: SQLiteCursor, doc: dict[str, Any], day_rank: int) -> None:
    entry_id = doc["id"]
    cursor.execute("DELETE FROM memberships WHERE entry_id = ?", (entry_id,))
    rows = memberships(doc)
    listed_by = (doc["date_start"], day_rank, doc["updated"])
    cursor.executemany(
        "INSERT INTO memberships (facet, key, name, entry_id, detail, date_start, day_rank, updated) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(f, k, n, entry_id, d, *listed_by) for f, k, n, d in rows],
    )
    # The first name a facet page is published under stays its name. A source keeps the document
    # first cited, and gets its page only once two entries cite it (see sourcepages.py).
    cursor.executemany(
        "INSERT OR IGNORE INTO published_facets (facet, key, name) VALUES (?, ?, ?)",
        [(f, k, n) for f, k, n, _ in rows if f != "sources"],
    )
    remember_documents(cursor, [(k, d) for f, k, _, d in rows if f == "sources"])


def retitle_replacements(cursor: SQLiteCursor, entry_id: str, title: str) -> set[str]:
    """Retracted entries whose notice names ENTRY_ID as their replacement show its new TITLE;
    returns their ids (their pages change; they are in no listing). Retracted entries are few,
    so they are read rather than indexed."""
    cursor.execute("SELECT id, data FROM entries WHERE retracted = 1 AND data LIKE ?", (f"%{entry_id}%",))
    changed = set()
    for retracted_id, data in cursor.fetchall():
        doc = json.loads(data)
        if doc.get("replaced_by_id") == entry_id and doc.get("replaced_by_title") != title:
            doc["replaced_by_title"] = title
            cursor.execute(
                "UPDATE entries SET data = ? WHERE id = ?", (json.dumps(doc, ensure_ascii=False), retracted_id)
            )
            changed.add(retracted_id)
    return changed
