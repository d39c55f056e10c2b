"""The files made once for the whole site: the site's feeds and their page, the data downloads and
their pages, the pages the archive's editors wrote, the TimelineJS file, the sitemap, robots.txt,
the static assets, the 404 and search pages, and the pages of the folders e/, assets/ and manifest/."""

from __future__ import annotations

import json
import re

from timeline.site import data, pagekeys, urls
from timeline.site import slides as timelinejs
from timeline.site.markdown import render_page_markdown
from timeline.site.pageinputs import PageInputs
from timeline.site.readmodel import SiteView
from timeline.site.templating import FEED_SIZE, KEPT, Files, Templates

STATIC_FILES = ("style.css", "cite.js", "timeline.js", "timescale.js", "search.js", "search-where.js", "favicon.svg")
SITEMAP_SIZE = 50_000  # the most addresses one sitemap file may list (sitemaps.org)
# A Markdown text's opening heading ("# About this archive"), which is its page's title.
OPENING_HEADING = re.compile(r"\A\s*# +(.+?)(?: +#+)? *(?:\n|\Z)")


class SiteFiles:
    def __init__(self, templates: Templates, view: SiteView, inputs: PageInputs | None = None):
        """``inputs``: the build's files, which the whole archive's data files are joined from."""
        self.templates = templates
        self.view = view
        self.inputs = inputs
        self.links = templates.links
        self.title = templates.site["title"]

    def feeds(self) -> Files:
        newest = self.view.live_entries(limit=FEED_SIZE, newest_first=True)
        files = self.templates.feed(urls.feed_entries(), f"{self.title}: new entries", urls.home(), newest)
        changes = self.view.changes(FEED_SIZE)
        files.update(self.templates.feed(urls.feed_changes(), f"{self.title}: changes", urls.changes(), [], changes))
        files.update(self.templates.page("feeds.html", urls.feeds_index(), size=FEED_SIZE))
        return files

    def data_index(self) -> Files:
        years = self.view.start_year_counts()
        listing = [
            {
                "year": year,
                "entries": count,
                "json": self.links.data_json(year),
                "csv": self.links.data_csv(year),
                "timelinejs": self.links.absolute(urls.data_timelinejs_year(year)),
            }
            for year, count in years
        ]
        files = self.templates.page("data.html", urls.data_index(), years=years, total=sum(n for _, n in years))
        files[urls.data_listing()] = (json.dumps(listing, indent=1) + "\n").encode("utf-8")
        # Every entry change dirties this page (it counts them), so the whole archive's files live here,
        # joined from the years' files (as this build makes them) rather than from every entry's row.
        parts = [self.year_files(year) for year, _ in years]
        files[urls.data_all_json()] = data.joined_json([json_file for json_file, _ in parts])
        files[urls.data_all_csv()] = data.joined_csv([csv_file for _, csv_file in parts])
        return files

    def year_files(self, year: int) -> tuple[bytes, bytes]:
        """The JSON and CSV files of the year's live entries, as this build publishes them."""
        if self.inputs is not None:
            json_file, csv_file = (
                self.inputs.published(urls.data_json(year)),
                self.inputs.published(urls.data_csv(year)),
            )
            if json_file is not None and csv_file is not None:
                return json_file, csv_file
        public = self.view.live_public_of_year(year)
        return data.entries_json([text for text, _ in public]), data.csv_file([line for _, line in public])

    def data_year(self, key: pagekeys.DataYear) -> Files:
        number = key.year
        public = self.view.live_public_of_year(number)
        if not public:
            return {}
        files = self.templates.page("data_year.html", urls.data_year(number), year=number, count=len(public))
        files[urls.data_json(number)] = data.entries_json([text for text, _ in public])
        files[urls.data_csv(number)] = data.csv_file([line for _, line in public])
        slides = self.view.live_slides_of_year(number)
        files[urls.data_timelinejs_year(number)] = timelinejs.timelinejs_json(slides, self.title, self.links, number)
        if self.inputs is not None:
            made = (urls.data_json(number), urls.data_csv(number), urls.data_timelinejs_year(number))
            self.inputs.rendered.update({path: files[path] for path in made})
        return files

    def editorial(self, key: pagekeys.Editorial) -> Files:
        """A page the archive's editors wrote: its opening heading (else its footer label) as its
        title, the rest as Markdown, rendered safely like the summaries."""
        page = self.templates.editorial.get(key.name)
        if page is None:
            return {}
        text, title = page.text, page.label
        if heading := OPENING_HEADING.match(text):
            text, title = text[heading.end() :], heading.group(1).strip()
        here = urls.editorial(page.name)
        body = render_page_markdown(text, lambda path: _site_link(here, path))
        return self.templates.page("editorial.html", here, title=title, body=body)

    def timelinejs(self) -> Files:
        """The whole archive's TimelineJS file, joined from the years' files as this build makes them
        (like the data files: a change rewrites its year's slides, and the join copies the rest)."""
        parts = []
        for year, _ in self.view.start_year_counts():
            made = None if self.inputs is None else self.inputs.published(urls.data_timelinejs_year(year))
            if made is None:
                slides = self.view.live_slides_of_year(year)
                made = timelinejs.timelinejs_json(slides, self.title, self.links, year)
            parts.append(made)
        return {urls.data_timelinejs(): timelinejs.joined_timelinejs(parts, self.title, self.links)}

    def sitemap(self) -> Files:
        """The sitemap index and its parts: the site's pages, then the entries by the year their slugs
        start with (slugs never change, so an entry stays in its part), each at most SITEMAP_SIZE
        addresses, the most a sitemap may list."""
        pages = [urls.home(), urls.timeline_index(), urls.changes()]
        pages += [urls.editorial(name) for name in self.templates.editorial]
        pages += [urls.year(y) for y, _ in self.view.year_counts()]
        threads = sorted(thread["key"] for thread in self.view.live_threads())
        pages += [urls.threads_index(), *(urls.thread(key) for key in threads)]
        for facet in urls.FACETS:
            pages.append(urls.facet_index(facet))
            pages += [urls.facet(facet, key) for key in self.view.listed_facet_keys(facet)]
        parts: dict[str, list[str]] = {"pages": pages}
        # By slug, not by date order: a new title must not reorder a part (it is rendered only when
        # addresses come or go).
        for slug in self.view.live_slugs():
            parts.setdefault(f"entries-{slug[:4] if slug[:4].isdigit() else 'other'}", []).append(urls.entry(slug))
        files: Files = {}
        for name, addresses in parts.items():
            for number, start in enumerate(range(0, max(len(addresses), 1), SITEMAP_SIZE), 1):
                chunk = [self.links.absolute(a) for a in addresses[start : start + SITEMAP_SIZE]]
                part = urls.sitemap_part(name, number)
                # A new entry changes its year's part: the others, listing what they did, are left alone.
                if self.inputs is not None and self.inputs.same(part, "sitemap.xml", part, {"locations": chunk}):
                    files[part] = KEPT
                else:
                    files[part] = self.templates.text("sitemap.xml", locations=chunk).encode()
        index = self.templates.text("sitemap_index.xml", locations=[self.links.absolute(f) for f in files])
        files[urls.sitemap()] = index.encode("utf-8")
        return files

    def static(self) -> Files:
        files: Files = {}
        for name in STATIC_FILES:
            for folder in self.templates.folders:
                path = folder / name
                if path.is_file():
                    files[urls.script(name)] = path.read_bytes()
                    break
        files[urls.robots()] = f"User-agent: *\nAllow: /\nSitemap: {self.links.sitemap()}\n".encode()
        files.update(self.templates.page("404.html", urls.not_found(), root_relative_links=True))
        files.update(self.templates.page("search.html", urls.search()))
        # The folders a reader reaches by trimming an address, whose pages change only with the templates.
        files.update(self.templates.page("short_links.html", urls.short_index()))
        files.update(self.templates.page("assets.html", urls.assets_index(), names=STATIC_FILES))
        files.update(self.templates.page("manifest.html", urls.manifest_index()))
        return files


def _site_link(here: str, path: str) -> str:
    """A link an editor wrote on the page at HERE, as pages link: an address from the site's root
    ("/data/") made relative, so it works under any sub-path; a folder's naming its index.html, so
    it works opened from disk."""
    if path.startswith("/"):
        try:
            return urls.relative(here, path.lstrip("/"))
        except ValueError:  # no address of the site ("/a//b", "/../b"): left as written, for the link checker
            return path
    return f"{path}index.html" if path.endswith("/") else path
