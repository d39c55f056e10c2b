"""Page keys -> files. Each key names a group of files that change together (see pagekeys.py).

Rendering reads only the read model, so a page is the same whether it is rebuilt alone or with
the whole site.
"""

from __future__ import annotations

import calendar
import json
import math
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from timeline.domain.model import RelationType
from timeline.files.archive import Archive
from timeline.formats.csl import bibtex, ris
from timeline.site import citemeta as citations
from timeline.site import data, pagekeys, urls
from timeline.site import slides as timelinejs
from timeline.site.readmodel import SiteView

FACET_TITLES = {
    "actors": "Actors",
    "platforms": "Platforms",
    "topics": "Topics",
    "kinds": "Kinds",
    "jurisdictions": "Jurisdictions",
    "sources": "Sources",
}
FEED_SIZE = 50
HOME_SIZE = 20
STATIC_FILES = ("style.css", "cite.js", "timeline.js", "search.js", "favicon.svg")

Files = dict[str, bytes]

# Every page allows only the site's own scripts, stylesheet, images and requests: text from the
# archive can never run, even where a template forgets to escape it. JSON-LD blocks are data and
# never run. The search page also runs Pagefind's WebAssembly, which needs 'wasm-unsafe-eval'.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'"
)
SEARCH_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"
)


def template_folders(archive: Archive) -> list[Path]:
    """The archive's own site_templates/ first (to override any template), then the package's."""
    packaged = Path(str(resources.files("timeline.site_templates")))
    own = archive.root / "site_templates"
    return [own, packaged] if own.is_dir() else [packaged]


_ANCHORS = {"0-before": "m-before", "1-year": "m-year"}


def _month(entry: dict[str, Any], year: int) -> tuple[str, str]:
    """(sort key, heading) of the group an entry is listed under on a year page: entries that began in
    an earlier year first, then those known only to the year, then month by month."""
    start = entry["date_start"]
    if not start.startswith(f"{year:04d}"):
        return "0-before", f"Continuing from before {year}"
    if entry["date"].split("/")[0].rstrip("~").count("-") == 0:
        return "1-year", f"{year}, month not known"
    return start[:7], f"{calendar.month_name[int(start[5:7])]} {year}"


class Renderer:
    def __init__(self, archive: Archive, view: SiteView, compiled: Path | None = None):
        """``compiled``: a folder to keep compiled templates in. Compiling them costs ~0.3 s, a
        third of a small incremental build; Jinja checks each against its source before use."""
        self.archive = archive
        self.view = view
        self.folders = template_folders(archive)
        if compiled is not None:
            compiled.mkdir(parents=True, exist_ok=True)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(f) for f in self.folders]),
            bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled is not None else None,
            autoescape=jinja2.select_autoescape(["html", "xml"]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.links = urls.SiteUrls(archive.base_url)
        # What templates know of the site (an archive's own templates may name site.base_url).
        self.site = {"title": archive.title, "base_url": self.links.base_url, "language": archive.language}
        self.citations = citations.Citations(self.site, self.links)
        self.kinds: dict[type[pagekeys.PageKey], Callable[[Any], Files]] = {
            pagekeys.Entry: self.entry,
            pagekeys.Revision: self.revision,
            pagekeys.Year: self.year,
            pagekeys.FacetIndex: self.facet_index,
            pagekeys.Facet: self.facet,
            pagekeys.ChangesPage: self.changes_page,
            pagekeys.DataYear: self.data_year,
            pagekeys.Bundle: self.bundle,
        }
        self.site_pages: dict[pagekeys.Site, Callable[[], Files]] = {
            pagekeys.HOME: self.home,
            pagekeys.CHANGES: self.changes_index,
            pagekeys.FEEDS: self.feeds,
            pagekeys.DATA: self.data_index,
            pagekeys.TIMELINEJS: self.timelinejs,
            pagekeys.SITEMAP: self.sitemap,
            pagekeys.STATIC: self.static,
            pagekeys.BUNDLES: self.bundle_index,
        }

    def render(self, key: pagekeys.PageKey) -> Files:
        """The files of one page key."""
        if isinstance(key, pagekeys.Site):
            return self.site_pages[key]()
        return self.kinds[type(key)](key)

    def page(self, template: str, url: str, absolute_links: bool = False, **context: Any) -> Files:
        def rel(target: str) -> str:
            # The 404 page is served at any address, so its links cannot be relative.
            if absolute_links:
                return self.links.absolute(target)
            return urls.relative(url, target)

        policy = SEARCH_CONTENT_SECURITY_POLICY if url == urls.search() else CONTENT_SECURITY_POLICY
        html = self.env.get_template(template).render(
            site=self.site,
            page_url=url,
            content_security_policy=policy,
            canonical=self.links.absolute(url),
            rel=rel,
            absolute=self.links.absolute,
            urls=urls,
            facet_titles=FACET_TITLES,
            inverse_wording={t.value: t.inverse_wording for t in RelationType},
            **context,
        )
        return {urls.output_path(url): html.encode("utf-8")}

    def redirect(self, url: str, target: str, title: str) -> Files:
        return self.page("redirect.html", url, target=target, title=title)

    # Entries -------------------------------------------------------------------

    def entry(self, key: pagekeys.Entry) -> Files:
        doc = self.view.entry(key.entry_id)
        if doc is None:
            return {}
        url = urls.entry(doc["slug"])
        short = urls.short(doc["short_id"])
        if doc["merged_into"]:
            merged_into = self.view.entry(doc["merged_into"]) or {}
            target, title = urls.entry(doc["merged_into_slug"]), merged_into.get("title", doc["merged_into_title"])
            return {
                **self.redirect(url, target, title),
                **self.redirect(short, target, title),
                urls.entry_data(doc["slug"]): data.entry_json(doc),
            }
        incoming = self.view.incoming(doc["id"])
        sources_of = self.view.entries_by_id(source_id for _, source_id in incoming)
        backlinks: dict[str, list[dict[str, Any]]] = {}
        for relation_type, source_id in incoming:
            source = sources_of.get(source_id)
            if source is not None:
                backlinks.setdefault(relation_type, []).append(source)
        targets = self.view.entries_by_id(r["target_id"] for r in doc["relations"])
        revisions = self.view.revisions(doc["id"])
        files = self.page(
            "entry.html",
            url,
            entry=doc,
            current_titles={k: v["title"] for k, v in targets.items()},
            backlinks=backlinks,
            revisions=revisions,
            cite=self.citations.box(doc, revisions[-1], with_permanent=True),
            meta=self.citations.head(doc, revisions[-1], url),
        )
        files[urls.entry_data(doc["slug"])] = data.entry_json(doc)
        files.update(self.citations.files_for(doc, None))
        files.update(self.redirect(short, url, doc["title"]))
        return files

    def revision(self, key: pagekeys.Revision) -> Files:
        revision = self.view.revision(key.entry_id, key.number)
        if revision is None:
            return {}
        url = urls.revision(revision["slug"], revision["number"])
        entry = revision["snapshot"]
        files = self.page(
            "revision.html",
            url,
            revision=revision,
            entry=entry,
            cite=self.citations.box(entry, revision, with_permanent=False),
            meta=self.citations.head(entry, revision, url),
        )
        files.update(self.citations.files_for(entry, revision))
        return files

    # Lists ---------------------------------------------------------------------

    def paginated(
        self,
        template: str,
        url_of: Callable[[int], str],
        items: list[Any] | tuple[int, Callable[[int], list[Any]]],
        only: int | None = None,
        **context: Any,
    ) -> Files:
        """Every page of a listing, or the ``only`` page (none if the listing has no such page).

        ``items`` is the listing's every item, or (how many there are, the items of page n) for a
        listing too long to read in whole for one page."""
        if isinstance(items, list):
            listed = items
            items = (len(listed), lambda n: listed[(n - 1) * urls.PAGE_SIZE : n * urls.PAGE_SIZE])
        total, page_items = items
        pages = max(1, math.ceil(total / urls.PAGE_SIZE))
        files: Files = {}
        for number in range(1, pages + 1) if only is None else [only] if 1 <= only <= pages else []:
            pagination = {
                "number": number,
                "pages": pages,
                "previous": url_of(number - 1) if number > 1 else None,
                "next": url_of(number + 1) if number < pages else None,
            }
            context.update(items=page_items(number), pagination=pagination)
            files.update(self.page(template, url_of(number), **context))
        return files

    def year(self, listing: pagekeys.Year) -> Files:
        """The year's every page, or its ``listing.page`` alone (see projection.ranks)."""
        number = listing.year
        entries = self.view.year_entries(number)
        if not entries:
            return {}
        months: list[dict[str, str]] = []
        for index, entry in enumerate(entries):
            key, label = _month(entry, number)
            entry = entries[index] = {
                **entry,
                "month_key": key,
                "month_label": label,
                "month_anchor": _ANCHORS.get(key, f"m-{key}"),
            }
            if not months or months[-1]["anchor"] != entry["month_anchor"]:
                page = index // urls.PAGE_SIZE + 1
                months.append({"label": label, "anchor": entry["month_anchor"], "url": urls.year(number, page)})
        return self.paginated(
            "year.html",
            lambda page: urls.year(number, page),
            entries,
            only=listing.page,
            year=number,
            years=[(y, None) for y in self.view.years()],
            months=months,
        )

    def facet_index(self, key: pagekeys.FacetIndex) -> Files:
        facet = key.facet
        items = self.view.facet_counts(facet)
        return self.paginated("facet_index.html", lambda page: urls.facet_index(facet, page), items, facet=facet)

    def facet(self, listing: pagekeys.Facet) -> Files:
        """The facet key's every page and its feed, or its ``listing.page`` alone and the feed."""
        facet, key, only = listing.facet, listing.key, listing.page
        name = self.view.facet_name(facet, key)
        if name is None:
            return {}
        entries: list[Any] | tuple[int, Callable[[int], list[Any]]]
        if only is None:
            entries = self.view.facet_entries(facet, key)  # may be none now: a published page stays
        else:
            size = urls.PAGE_SIZE
            entries = (
                self.view.facet_count(facet, key),
                lambda n: self.view.facet_entries(facet, key, limit=size, offset=(n - 1) * size),
            )
        document = self.view.source_document(key) if facet == "sources" else None
        if document is not None:
            name = document["title"]
        files = self.paginated(
            "facet.html",
            lambda page: urls.facet(facet, key, page),
            entries,
            only=only,
            facet=facet,
            key=key,
            name=name,
            document=document,
        )
        recent = self.view.feed_items(self.view.facet_newest(facet, key, FEED_SIZE))
        feed_url = urls.feed_facet(facet, key)
        files.update(self.feed(feed_url, f"{FACET_TITLES[facet][:-1]}: {name}", urls.facet(facet, key), recent))
        return files

    def home(self) -> Files:
        recent = self.view.latest_cards(HOME_SIZE)
        return self.page(
            "home.html", urls.home(), recent=recent, years=self.view.year_counts(), total=self.view.count_live()
        )

    def changes_index(self) -> Files:
        total = self.view.count_changes()
        pages = max(1, math.ceil(total / urls.PAGE_SIZE))
        return self.page(
            "changes.html",
            urls.changes(),
            items=self.view.changes(urls.PAGE_SIZE),
            pages=pages,
            number=0,
            total=total,
        )

    def changes_page(self, key: pagekeys.ChangesPage) -> Files:
        """Page N holds the changes numbered (N-1)*100+1 to N*100 from the first, so pages never shift;
        a page links only to its neighbours, so a new change touches one page (two when it opens a page)."""
        number = key.number
        items = self.view.changes_from_first(urls.PAGE_SIZE + 1, offset=(number - 1) * urls.PAGE_SIZE)
        if not items:
            return {}
        pagination = {
            "number": number,
            "previous": urls.changes(number - 1) if number > 1 else None,
            "next": urls.changes(number + 1) if len(items) > urls.PAGE_SIZE else None,
        }
        return self.page(
            "changes_page.html",
            urls.changes(number),
            items=list(reversed(items[: urls.PAGE_SIZE])),
            pagination=pagination,
        )

    # Citation bundles ----------------------------------------------------------

    def bundle(self, key: pagekeys.Bundle) -> Files:
        """A bundle's page and reference files show only pinned revisions: corrections made later
        to its entries never change them."""
        found = self.view.bundle(key.name)
        if found is None:
            return {}
        pinned = []
        for pin in found["pins"]:
            revision = self.view.revision(pin["entry_id"], pin["revision"])
            if revision is not None:
                pinned.append((revision, self.citations.item_for(revision["snapshot"], revision)))
        items = [item for _, item in pinned]
        name = found["name"]
        files = self.page("bundle.html", urls.bundle(name), bundle=found, pinned=[r for r, _ in pinned])
        files[urls.bundle_file(name, "csl")] = (json.dumps(items, ensure_ascii=False, indent=1) + "\n").encode()
        files[urls.bundle_file(name, "bibtex")] = bibtex(items).encode("utf-8")
        files[urls.bundle_file(name, "ris")] = ris(items).encode("utf-8")
        return files

    def bundle_index(self) -> Files:
        return self.page("bundles.html", urls.bundle_index(), bundles=self.view.bundles())

    # Feeds, data, housekeeping -------------------------------------------------

    def feed(self, url: str, title: str, alternate: str, entries: list[dict[str, Any]]) -> Files:
        xml = self.env.get_template("feed.xml").render(
            site=self.site,
            feed_url=self.links.absolute(url),
            title=title,
            alternate=self.links.absolute(alternate),
            entries=entries,
            updated=max((e["updated"] for e in entries), default="1970-01-01T00:00:00+00:00"),
            absolute=self.links.absolute,
            urls=urls,
            changes=None,
        )
        return {url: xml.encode("utf-8")}

    def feeds(self) -> Files:
        newest = self.view.live_entries(limit=FEED_SIZE, newest_first=True)
        files = self.feed(urls.feed_entries(), f"{self.archive.title}: new entries", urls.home(), newest)
        changes = self.view.changes(FEED_SIZE)
        xml = self.env.get_template("feed.xml").render(
            site=self.site,
            feed_url=self.links.absolute(urls.feed_changes()),
            title=f"{self.archive.title}: changes",
            alternate=self.links.absolute(urls.changes()),
            entries=[],
            changes=changes,
            updated=max((c["timestamp"] for c in changes), default="1970-01-01T00:00:00+00:00"),
            absolute=self.links.absolute,
            urls=urls,
        )
        files[urls.feed_changes()] = xml.encode("utf-8")
        return files

    def data_index(self) -> Files:
        years = self.view.start_year_counts()
        listing = [
            {
                "year": year,
                "entries": count,
                "json": self.links.data_json(year),
                "csv": self.links.data_csv(year),
            }
            for year, count in years
        ]
        files = self.page("data.html", urls.data_index(), years=years)
        files[urls.data_listing()] = (json.dumps(listing, indent=1) + "\n").encode("utf-8")
        return files

    def data_year(self, key: pagekeys.DataYear) -> Files:
        number = key.year
        public = self.view.live_public_of_year(number)
        if not public:
            return {}
        return {urls.data_json(number): data.entries_json(public), urls.data_csv(number): data.entries_csv(public)}

    def timelinejs(self) -> Files:
        slides = self.view.live_slides()
        return {urls.data_timelinejs(): timelinejs.timelinejs_json(slides, self.archive.title, self.links)}

    def sitemap(self) -> Files:
        addresses = [urls.home(), urls.changes()]
        addresses += [urls.year(y) for y, _ in self.view.year_counts()]
        # By slug, not by date order: a new title must not reorder the sitemap (it is rendered only when
        # addresses come or go).
        addresses += [urls.entry(slug) for slug in sorted(self.view.live_slugs())]
        for facet in urls.FACETS:
            addresses.append(urls.facet_index(facet))
            addresses += [urls.facet(facet, key) for key, _, _ in self.view.facet_counts(facet)]
        xml = self.env.get_template("sitemap.xml").render(locations=[self.links.absolute(a) for a in addresses])
        return {urls.sitemap(): xml.encode("utf-8")}

    def static(self) -> Files:
        files: Files = {}
        for name in STATIC_FILES:
            for folder in self.folders:
                path = folder / name
                if path.is_file():
                    files[f"assets/{name}"] = path.read_bytes()
                    break
        files[urls.robots()] = f"User-agent: *\nAllow: /\nSitemap: {self.links.sitemap()}\n".encode()
        files.update(self.page("404.html", urls.not_found(), absolute_links=True))
        files.update(self.page("search.html", urls.search()))
        return files
