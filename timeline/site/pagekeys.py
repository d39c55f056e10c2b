"""Page keys: each names a group of files that change together and are rendered as one.

The projection marks keys dirty, the build renders them, and the read model remembers which
files each key produced. The read model keeps keys as text, in its ``dirty`` and ``pages``
tables; that text is made (``str(key)``) and read (:func:`parse`) here only, and must not
change, or the read models already built would no longer know their pages:

``entry:<id>`` (the entry page, its index.json, its citations, its short link), ``revision:<id>:<n>``,
``year:<y>`` and ``facet:<facet>:<key>`` (a listing's every page; a facet's with its feed), a listing's
page alone as ``year:<y>:<n>`` or ``facet:<facet>:<key>:<n>``, ``facets:<facet>`` (a facet's index),
``changes-page:<n>``, ``data-year:<y>`` (one year's data files), ``timescale:<y>`` (the time scale's data
for a year), ``bundle:<name>``, ``page:<name>`` (a page the archive's editors wrote, pages/<name>.md),
``thread:<key>`` (a thread of linked entries), and the pages made once for the whole site: ``home``,
``changes``, ``feeds``, ``data`` (the downloads page), ``timelinejs``, ``sitemap``, ``static``, ``bundles``,
``years`` (the indexes of timeline/ and events/), ``timescale`` (the time scale's counts by month),
``threads`` (the list of threads).

Ids, facets, keys and names are made of ``[a-z0-9-]``, so a colon always separates parts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class PageKey:
    """What every page key is; ``sorted(keys, key=str)`` orders them as their text does."""


@dataclass(frozen=True)
class Entry(PageKey):
    entry_id: str

    def __str__(self) -> str:
        return f"entry:{self.entry_id}"


@dataclass(frozen=True)
class Revision(PageKey):
    entry_id: str
    number: int

    def __str__(self) -> str:
        return f"revision:{self.entry_id}:{self.number}"


@dataclass(frozen=True)
class Year(PageKey):
    """A year's listing: every page of it, or its ``page`` alone."""

    year: int
    page: int | None = None

    def __str__(self) -> str:
        return f"year:{self.year}" if self.page is None else f"year:{self.year}:{self.page}"


@dataclass(frozen=True)
class Facet(PageKey):
    """A facet key's listing and its feed: every page in both orders, or its ``page`` alone (and the
    feed). Pages are numbered oldest first; page n alone is rendered with the newest-first pages
    that hold the same entries (see facetpages.mirrored_pages)."""

    facet: str
    key: str
    page: int | None = None

    def __str__(self) -> str:
        whole = f"facet:{self.facet}:{self.key}"
        return whole if self.page is None else f"{whole}:{self.page}"


Listing = Year | Facet


@dataclass(frozen=True)
class FacetIndex(PageKey):
    facet: str

    def __str__(self) -> str:
        return f"facets:{self.facet}"


@dataclass(frozen=True)
class ChangesPage(PageKey):
    number: int

    def __str__(self) -> str:
        return f"changes-page:{self.number}"


@dataclass(frozen=True)
class DataYear(PageKey):
    """The data files of the live entries whose date starts in ``year``."""

    year: int

    def __str__(self) -> str:
        return f"data-year:{self.year}"


@dataclass(frozen=True)
class Timescale(PageKey):
    """The time scale's data for the entries listed in ``year`` (an entry spanning years is in each)."""

    year: int

    def __str__(self) -> str:
        return f"timescale:{self.year}"


@dataclass(frozen=True)
class Bundle(PageKey):
    name: str

    def __str__(self) -> str:
        return f"bundle:{self.name}"


@dataclass(frozen=True)
class Editorial(PageKey):
    """A page the archive's editors wrote in Markdown (see timeline/files/pages.py)."""

    name: str

    def __str__(self) -> str:
        return f"page:{self.name}"


@dataclass(frozen=True)
class Thread(PageKey):
    """A thread of linked entries (see threads.py): its page, a redirect or the notice it ended."""

    key: str

    def __str__(self) -> str:
        return f"thread:{self.key}"


@dataclass(frozen=True)
class Site(PageKey):
    """A page made once for the whole site, named by ``name`` alone."""

    name: str

    def __str__(self) -> str:
        return self.name


HOME = Site("home")
CHANGES = Site("changes")
FEEDS = Site("feeds")
DATA = Site("data")
TIMELINEJS = Site("timelinejs")
SITEMAP = Site("sitemap")
STATIC = Site("static")
BUNDLES = Site("bundles")
YEARS = Site("years")
TIMESCALE = Site("timescale")
THREADS = Site("threads")
# The pages every change of an entry affects (the sitemap changes only when addresses come or go);
# the years' indexes and the time scale's month counts count the live entries, which any change may move.
GLOBAL_PAGES = (HOME, CHANGES, FEEDS, DATA, TIMELINEJS, YEARS, TIMESCALE)


def page(listing: Listing, number: int) -> Listing:
    """One page of a listing, to be rendered alone."""
    if isinstance(listing, Year):
        return Year(listing.year, number)
    return Facet(listing.facet, listing.key, number)


def whole_listing(key: PageKey) -> Listing | None:
    """The key of the whole listing, for the key of one of its pages (None for any other key)."""
    if isinstance(key, Year) and key.page is not None:
        return Year(key.year)
    if isinstance(key, Facet) and key.page is not None:
        return Facet(key.facet, key.key)
    return None


def _page_number(parts: list[str]) -> int | None:
    return int(parts[0]) if parts else None


_PARSERS: dict[str, Callable[[list[str]], PageKey]] = {
    "entry": lambda p: Entry(p[0]),
    "revision": lambda p: Revision(p[0], int(p[1])),
    "year": lambda p: Year(int(p[0]), _page_number(p[1:])),
    "facet": lambda p: Facet(p[0], p[1], _page_number(p[2:])),
    "facets": lambda p: FacetIndex(p[0]),
    "changes-page": lambda p: ChangesPage(int(p[0])),
    "data-year": lambda p: DataYear(int(p[0])),
    "timescale": lambda p: Timescale(int(p[0])),
    "bundle": lambda p: Bundle(p[0]),
    "page": lambda p: Editorial(p[0]),
    "thread": lambda p: Thread(p[0]),
}


def parse(text: str) -> PageKey:
    """The key whose text (``str(key)``) is TEXT."""
    kind, *parts = text.split(":")
    return _PARSERS[kind](parts) if parts else Site(kind)
