"""What a name's listing (actors/<key>/) shows besides its cards: its two orders, its years.

The listing is newest first, and oldest first as a listing of its own (actors/<key>/oldest/),
each with the same entries under a heading per year and a list of the years, each linking to
the page and heading where that year starts in that order. A page of one order is rendered
with the pages of the other that hold the same entries (see :func:`mirrored_pages`), so the
page keys (pagekeys.Facet, numbered in date order) keep naming the pages a change touches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from timeline.site import urls

UrlOf = Callable[[int], str]


def orders(facet: str, key: str) -> list[tuple[bool, UrlOf]]:
    """(newest first?, address of page n) of each order of the listing, the default first."""
    return [
        (True, lambda page: urls.facet(facet, key, page)),
        (False, lambda page: urls.facet_oldest(facet, key, page)),
    ]


def anchor(year: int) -> str:
    return f"y-{year:04d}"


def year_starts(year_counts: list[tuple[int, int]], newest_first: bool, url_of: UrlOf) -> list[dict[str, Any]]:
    """Each year of the listing (from its ``(year, count)`` oldest first), in the listing's order,
    with its count and the page and anchor where its entries start."""
    starts, index = [], 0
    for year, count in reversed(year_counts) if newest_first else year_counts:
        page = index // urls.PAGE_SIZE + 1
        starts.append({"year": year, "count": count, "anchor": anchor(year), "url": url_of(page)})
        index += count
    return starts


def by_year(items: list[tuple[dict[str, Any], str]]) -> list[dict[str, Any]]:
    """A page's (card, detail) pairs in runs of the year their date starts in, in the order given."""
    groups: list[dict[str, Any]] = []
    for item in items:
        year = int(item[0]["date_start"][:4])
        if not groups or groups[-1]["year"] != year:
            groups.append({"year": year, "anchor": anchor(year), "cards": []})
        groups[-1]["cards"].append(item)
    return groups


def mirrored_pages(page: int, count: int) -> list[int]:
    """The pages of the newest-first listing of COUNT entries holding those of PAGE oldest first."""
    size = urls.PAGE_SIZE
    first, last = (page - 1) * size, min(page * size, count) - 1  # ranks, oldest first
    if last < first:
        return []
    return list(range((count - 1 - last) // size + 1, (count - 1 - first) // size + 2))
