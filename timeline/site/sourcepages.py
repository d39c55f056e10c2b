"""Which sources have a page of their own: those that two live entries have cited at once.

A page listing the one entry that cites a source shows nothing that entry's page does not; so a
source gets its page (and its feed) when a second live entry cites it, and keeps both from then
on, whatever happens to the citations later: a published address never breaks. The projection
sees the changes in the store's order, which every clone and every full rebuild share, so the
same history always gives the same pages. A source without a page is shown where it is cited:
on its entry's page, at :func:`timeline.site.urls.source_anchor`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from eventsourcing.sqlite import SQLiteCursor

from timeline.site import pagekeys

# Live entries that must cite a source at once for it to get its page.
SHARED_BY = 2


# What a sort ignores before a headline's first letter or digit: "[Report on...]" sorts under R.
_LEADING_PUNCTUATION = re.compile(r"^[\W_]+")


def index_order(key: str, document: dict[str, Any]) -> str:
    """Where the sources' index lists a document: in the order a reader looks one up in, by
    publisher, then date, then title, as a bibliography sorts (case and leading punctuation aside),
    those without a publisher or a date after those with one, and the key last, so that the order
    never depends on the rows' order. One string, its fields apart by NUL (which no field holds:
    it is taken out), so that a string's order (code points; the read model's, UTF-8 bytes) is
    that of the fields in turn, and the read model can keep it in an index."""
    publisher, date = document.get("publisher") or "", document.get("date") or ""
    title = _LEADING_PUNCTUATION.sub("", document["title"]) or document["title"]
    fields = ("1" if not publisher else "0") + publisher.casefold(), ("1" if not date else "0") + date
    return "\0".join(field.replace("\0", "") for field in (*fields, title.casefold(), key))


def remember_documents(cursor: SQLiteCursor, documents: Iterable[tuple[str, str]]) -> None:
    """Keep each (key, document) a live entry cites as first cited, with its place in the sources'
    index: the index and the source's page show that form."""
    rows = [(key, document, index_order(key, json.loads(document))) for key, document in documents]
    cursor.executemany("INSERT OR IGNORE INTO source_documents (key, document, sort_key) VALUES (?, ?, ?)", rows)


def with_pages(cursor: SQLiteCursor, keys: Iterable[str]) -> list[str]:
    """Those of these source keys that have a page, sorted."""
    wanted = sorted(set(keys))
    marks = ", ".join("?" * len(wanted))
    cursor.execute(f"SELECT key FROM published_facets WHERE facet = 'sources' AND key IN ({marks})", wanted)
    return sorted(row[0] for row in cursor.fetchall())


def publish_shared(cursor: SQLiteCursor, doc: dict[str, Any]) -> set[pagekeys.PageKey]:
    """Give a page to each source of this (just written) entry that it now shares with another
    live entry, and had none; returns the pages that change with it: the source's listing, the
    sources' index, their feeds' page and the sitemap, and the page of every entry citing it,
    which now links to it (retracted ones too: their pages show their sources)."""
    if not doc["live"]:
        return set()
    keys = {source["key"] for source in doc["sources"]}
    dirty: set[pagekeys.PageKey] = set()
    for key in sorted(keys - set(with_pages(cursor, keys))):
        cursor.execute("SELECT DISTINCT entry_id FROM memberships WHERE facet = 'sources' AND key = ?", (key,))
        citing = {row[0] for row in cursor.fetchall()}
        if len(citing) < SHARED_BY:
            continue
        cursor.execute(
            "INSERT INTO published_facets (facet, key, name) "
            "SELECT 'sources', key, document FROM source_documents WHERE key = ?",
            (key,),
        )
        dirty |= {pagekeys.Facet("sources", key)} | {pagekeys.Entry(i) for i in citing | _not_live_citing(cursor, key)}
    if dirty:
        dirty |= {pagekeys.FacetIndex("sources"), pagekeys.SITEMAP}
    return dirty


def _not_live_citing(cursor: SQLiteCursor, key: str) -> set[str]:
    """The retracted entries citing the source (few: they are read, not indexed; a merged entry's
    page is a redirect)."""
    cursor.execute("SELECT id, data FROM entries WHERE live = 0 AND merged_into = '' AND data LIKE ?", (f"%{key}%",))
    return {i for i, data in cursor.fetchall() if any(s["key"] == key for s in json.loads(data)["sources"])}
