"""Every address of the site, and the file each one is written to. Nothing else builds URLs.

A page's URL and its output path come from one function each, so they cannot
drift apart. URLs here are relative to the site root, without a leading slash:
``events/<slug>/``. Pages link to each other relatively (see :func:`relative`),
so the site works under any sub-path and opened from disk; absolute URLs
(canonical links, feeds, sitemap, citations, JSON-LD) come from a :class:`SiteUrls`,
which binds the site's ``base_url`` once, when pages are rendered.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, urlsplit

FACETS = ("actors", "platforms", "topics", "kinds", "jurisdictions", "sources")
PAGE_SIZE = 100


def _paged(base: str, page: int) -> str:
    return base if page <= 1 else f"{later_pages(base)}{page}/"


def later_pages(listing: str) -> str:
    """The folder of a listing's pages after the first ("timeline/2020/page/"); its own page
    sends the reader to the first."""
    return f"{listing}page/"


def home() -> str:
    return ""


def timeline_index() -> str:
    """The years of the timeline, each with its count of entries."""
    return "timeline/"


def year(number: int, page: int = 1) -> str:
    return _paged(f"timeline/{number:04d}/", page)


def events_index() -> str:
    """Where every entry's page lives: the entries by year."""
    return "events/"


def entry(slug: str) -> str:
    return f"events/{slug}/"


def revision(slug: str, number: int) -> str:
    return f"events/{slug}/v{number}/"


def entry_data(slug: str) -> str:
    return f"events/{slug}/index.json"


CITATION_FORMATS = {"csl": "cite.json", "bibtex": "cite.bib", "ris": "cite.ris"}


def citation(slug: str, format_name: str, revision_number: int | None = None) -> str:
    """Citation downloads beside the entry page, or beside one revision's page."""
    folder = entry(slug) if revision_number is None else revision(slug, revision_number)
    return folder + CITATION_FORMATS[format_name]


def threads_index() -> str:
    """Every thread of linked entries, the latest first."""
    return "threads/"


def thread(key: str) -> str:
    """A thread: entries joined by relations, one story (the key is its earliest entry's slug when it
    first appeared, kept for good: see timeline/site/threadkeys.py)."""
    return f"threads/{key}/"


def bundle_index() -> str:
    return "bundles/"


def bundle(name: str) -> str:
    return f"bundles/{name}/"


def bundle_file(name: str, format_name: str) -> str:
    return f"bundles/{name}/" + {"csl": "bundle.json", "bibtex": "bundle.bib", "ris": "bundle.ris"}[format_name]


def script(name: str) -> str:
    return f"assets/{name}"


def assets_index() -> str:
    return "assets/"


def short_index() -> str:
    """What short links are (there is no list of them: each is an entry's, under events/)."""
    return "e/"


def short(short_id: str) -> str:
    return f"e/{short_id}/"


def facet_index(facet: str, page: int = 1) -> str:
    return _paged(f"{facet}/", page)


def facet(facet_name: str, key: str, page: int = 1) -> str:
    """A name's entries, newest first (page 1 the newest hundred)."""
    return _paged(f"{facet_name}/{key}/", page)


def facet_oldest(facet_name: str, key: str, page: int = 1) -> str:
    """The same entries oldest first, a listing of its own beside the newest-first one."""
    return _paged(f"{facet_name}/{key}/oldest/", page)


def source_anchor(key: str) -> str:
    """The id of a source in an entry page's list of sources: a source cited by one entry has no
    page of its own, and the sources' index links there, to ``entry(slug)`` and this fragment."""
    return f"source-{key}"


def changes(page: int = 0) -> str:
    """``changes/`` shows the newest changes; page N (from 1) holds the N-th hundred from the first."""
    return "changes/" if page <= 0 else f"{later_pages('changes/')}{page}/"


def feeds_index() -> str:
    return "feeds/"


def feeds_facet_index(facet_name: str) -> str:
    """The feeds of one facet's names."""
    return f"feeds/{facet_name}/"


def feed_entries() -> str:
    return "feeds/entries.xml"


def feed_changes() -> str:
    return "feeds/changes.xml"


def feed_facet(facet_name: str, key: str) -> str:
    return f"feeds/{facet_name}/{key}.xml"


def data_index() -> str:
    """The downloads page; ``data/index.json`` beside it lists the files for programs."""
    return "data/"


def data_listing() -> str:
    return "data/index.json"


def data_year(number: int) -> str:
    """The page beside one year's data files."""
    return f"data/{number:04d}/"


# The entries are published in one pair of files per year of their (start) date, so a
# correction rewrites one year's files, not the whole archive's.
def data_json(number: int) -> str:
    return f"data/{number:04d}/entries.json"


def data_csv(number: int) -> str:
    return f"data/{number:04d}/entries.csv"


def data_all_json() -> str:
    """Every live entry in one file: the years' files joined, for whoever wants the whole archive."""
    return "data/entries.json"


def data_all_csv() -> str:
    return "data/entries.csv"


def data_timelinejs() -> str:
    """The live entries in Knight Lab's TimelineJS format, for ``new TL.Timeline(id, url)``: the
    years' files joined."""
    return "data/timelinejs.json"


def data_timelinejs_year(number: int) -> str:
    """The TimelineJS file of the live entries whose date starts in one year: a slideshow of a size
    TimelineJS shows well, and the part of the whole archive's file a change rewrites."""
    return f"data/{number:04d}/timelinejs.json"


def timescale_overview() -> str:
    """How many live entries each month of the archive holds: what the time scale draws when it
    shows more than it can list, and where its overview strip puts the years."""
    return "timeline/timescale.json"


def timescale_year(number: int) -> str:
    """The entries a year page lists, in the few fields the time scale draws them with."""
    return f"timeline/{number:04d}/timescale.json"


def stylesheet() -> str:
    return "assets/style.css"


def editorial(name: str) -> str:
    """A page the archive's editors wrote (``about/``, ``methodology/``), at the top of the site."""
    return f"{name}/"


def search() -> str:
    return "search/"


def sitemap() -> str:
    """The sitemap index: it lists the sitemap's parts (:func:`sitemap_part`)."""
    return "sitemap.xml"


def sitemap_part(name: str, number: int = 1) -> str:
    """A part of the sitemap (``pages``, or ``entries-YYYY`` for the entries whose slugs start with the
    year), and its further files when it lists more than a sitemap may (``-2``, ``-3``...)."""
    return f"sitemap-{name}.xml" if number == 1 else f"sitemap-{name}-{number}.xml"


def robots() -> str:
    return "robots.txt"


def not_found() -> str:
    return "404.html"


def manifest() -> str:
    return "manifest.json"


def manifest_index() -> str:
    return "manifest/"


def manifest_part(part: str) -> str:
    """One part of the manifest (see timeline/site/manifest.py)."""
    return f"manifest/{part}.json"


# The site nav's sections, by the first folder of the addresses each holds: an entry's pages
# (events/) are part of the timeline, as the years' index of events/ is.
_SECTIONS = {
    "timeline": "timeline",
    "events": "timeline",
    "threads": "threads",
    "changes": "changes",
    "search": "search",
}


def section(url: str) -> str | None:
    """The nav section the page at URL belongs to: "home", "timeline", "threads", a facet ("actors"...),
    "changes" or "search"; None for a page of no section (feeds, data, bundles, short links)."""
    if url == home():
        return "home"
    first = url.split("/", 1)[0]
    return first if first in FACETS else _SECTIONS.get(first)


def output_path(url: str) -> str:
    """The file a URL is served from: a folder URL is its index.html.

    Every path stays inside the output folder: the names in URLs are slugs, keys and short ids
    made of ``[a-z0-9-]``, so a path that could leave the folder is a bug, refused here.
    """
    path = f"{url}index.html" if url == "" or url.endswith("/") else url
    if any(part in ("", ".", "..") for part in path.split("/")) or any(ch in path for ch in "\\:\0"):
        raise ValueError(f"{url!r} is not a path inside the site's folder")
    return path


def relative(from_url: str, to_url: str) -> str:
    """A link from the page at ``from_url`` to ``to_url`` that works on any host and from disk.

    Folder links name their index.html, since a browser opening files from disk does
    not look for one. (What ``posixpath.relpath`` gives, for site URLs, at a tenth of its
    cost: a full build makes hundreds of thousands of links, most of them to the same few
    hundred pages, so each URL's path is worked out once.)
    """
    here = _path_parts(from_url)[:-1]
    target = _path_parts(to_url)
    common = 0
    for mine, theirs in zip(here, target[:-1], strict=False):
        if mine != theirs:
            break
        common += 1
    link = "/".join([".."] * (len(here) - common) + list(target[common:]))
    return link if _NEEDS_NO_QUOTING.fullmatch(link) else quote(link, safe="/#.-_~")


_NEEDS_NO_QUOTING = re.compile(r"[A-Za-z0-9/#._~-]*")


@lru_cache(maxsize=1 << 16)
def _path_parts(url: str) -> tuple[str, ...]:
    return tuple(output_path(url).split("/"))


class SiteUrls:
    """The site's absolute addresses, its base URL bound once (datasette's ``Urls`` is the model).

    They are made when pages are rendered and never stored: the read model holds site-relative
    addresses only, so a change of base URL renders the pages again without projecting anew.
    """

    def __init__(self, base_url: str):
        self.base_url = base_url  # as configured: JSON-LD names the site by it
        self.root = base_url.rstrip("/") + "/"
        self.path = urlsplit(self.root).path  # "/" or the sub-path the site lives under, "/timeline/"

    def absolute(self, url: str) -> str:
        """The absolute address of a site-relative URL (as this module's functions give them)."""
        return self.root + url

    def root_relative(self, url: str) -> str:
        """The address of a site-relative URL from the root of whatever host serves the site
        ("/timeline/assets/style.css"): for the 404 page, which is served at any depth and on
        any origin (a preview, a mirror), where neither a relative nor an absolute link would do."""
        return self.path + url

    def home(self) -> str:
        return self.absolute(home())

    def entry(self, slug: str) -> str:
        return self.absolute(entry(slug))

    def revision(self, slug: str, number: int) -> str:
        return self.absolute(revision(slug, number))

    def data_json(self, number: int) -> str:
        return self.absolute(data_json(number))

    def data_csv(self, number: int) -> str:
        return self.absolute(data_csv(number))

    def sitemap(self) -> str:
        return self.absolute(sitemap())


def absolute(base_url: str, url: str) -> str:
    """The absolute address of URL on the site at BASE_URL. (Templates are given ``urls``: an
    archive's own templates, made before SiteUrls, may join ``site.base_url`` with this.)"""
    return SiteUrls(base_url).absolute(url)
