"""Where an entry document shows: the facets it is listed under, the pages that show it, and the
addresses it puts in the sitemap. Functions of the document alone (see projection.document)."""

from __future__ import annotations

import json
from typing import Any

from timeline.site import pagekeys

# What a source's facet page shows of the document it is about.
SOURCE_SHOWN = ("title", "publisher", "url", "date", "date_display", "language", "authors")


def memberships(doc: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(facet, key, name, detail) rows for a live entry (none for another)."""
    if not doc["live"]:
        return []
    rows = [("kinds", doc["kind_key"], doc["kind"], "")]
    rows += [("actors", a["key"], a["name"], a["role"]) for a in doc["actors"]]
    for facet in ("platforms", "topics", "jurisdictions"):
        rows += [(facet, item["key"], item["name"], "") for item in doc[facet]]
    for source in doc["sources"]:
        shown = {k: v for k, v in source.items() if k in SOURCE_SHOWN}
        rows.append(("sources", source["key"], source["title"], json.dumps(shown, ensure_ascii=False)))
    return rows


def pages_of(doc: dict[str, Any] | None) -> set[pagekeys.PageKey]:
    """The pages that show this state of an entry (not the facet indexes, which show counts: only
    a change of membership changes them)."""
    if doc is None:
        return set()
    keys: set[pagekeys.PageKey] = {pagekeys.Entry(doc["id"])}
    keys |= {pagekeys.Year(y) for y in doc["years"]}
    keys |= {pagekeys.Timescale(y) for y in doc["years"]}
    keys |= {pagekeys.Facet(facet, key) for facet, key, _, _ in memberships(doc)}
    keys |= {pagekeys.Entry(r["target_id"]) for r in doc["relations"]}
    keys.add(pagekeys.DataYear(int(doc["date_start"][:4])))
    if doc["merged_into"]:
        keys.add(pagekeys.Entry(doc["merged_into"]))
    return keys


def listings(doc: dict[str, Any] | None) -> set[pagekeys.Listing]:
    """The year and facet listings (all their pages) that show a live entry."""
    if doc is None or not doc["live"]:
        return set()
    years: set[pagekeys.Listing] = {pagekeys.Year(y) for y in doc["years"]}
    return years | {pagekeys.Facet(f, k) for f, k, _, _ in memberships(doc)}


def addresses(doc: dict[str, Any]) -> set[tuple[str, str]]:
    """The facet and year pages an entry puts in the sitemap."""
    return {(facet, key) for facet, key, _, _ in memberships(doc)} | {("year", str(y)) for y in doc["years"]}


def facet_names(doc: dict[str, Any] | None) -> set[tuple[str, str, str]]:
    """(facet, key, name) of each name a facet's index lists the entry under."""
    return {(f, k, n) for f, k, n, _ in memberships(doc)} if doc else set()
