"""Page keys -> files. Each key names a group of files that change together (see pagekeys.py).

Rendering reads only the read model, so a page is the same whether it is rebuilt alone or with
the whole site.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from timeline.files.archive import Archive
from timeline.site import pagekeys
from timeline.site.entrypages import EntryPages
from timeline.site.listings import Listings
from timeline.site.pageinputs import PageInputs
from timeline.site.readmodel import SiteView
from timeline.site.sitefiles import SiteFiles
from timeline.site.templating import Files, Templates
from timeline.site.threadpages import ThreadPages
from timeline.site.timescale import TimescaleFiles


class Renderer:
    def __init__(
        self, archive: Archive, view: SiteView, compiled: Path | None = None, inputs: PageInputs | None = None
    ):
        """``compiled``: a folder to keep compiled templates in (see templating.Templates); ``inputs``:
        what listing pages were rendered from (see pageinputs.py)."""
        templates = Templates(archive, compiled)
        self.inputs = inputs
        entries, site = EntryPages(templates, view), SiteFiles(templates, view, inputs)
        listings = Listings(templates, view, inputs)
        timescale = TimescaleFiles(templates, view)
        threads = ThreadPages(templates, view)
        self.kinds: dict[type[pagekeys.PageKey], Callable[[Any], Files]] = {
            pagekeys.Entry: entries.entry,
            pagekeys.Revision: entries.revision,
            pagekeys.Bundle: entries.bundle,
            pagekeys.Year: listings.year,
            pagekeys.FacetIndex: listings.facet_index,
            pagekeys.Facet: listings.facet,
            pagekeys.ChangesPage: listings.changes_page,
            pagekeys.DataYear: site.data_year,
            pagekeys.Timescale: timescale.year,
            pagekeys.Editorial: site.editorial,
            pagekeys.Thread: threads.thread,
        }
        self.site_pages: dict[pagekeys.Site, Callable[[], Files]] = {
            pagekeys.HOME: listings.home,
            pagekeys.CHANGES: listings.changes_index,
            pagekeys.YEARS: listings.years_indexes,
            pagekeys.TIMESCALE: timescale.overview,
            pagekeys.BUNDLES: entries.bundle_index,
            pagekeys.FEEDS: site.feeds,
            pagekeys.DATA: site.data_index,
            pagekeys.TIMELINEJS: site.timelinejs,
            pagekeys.SITEMAP: site.sitemap,
            pagekeys.STATIC: site.static,
            pagekeys.THREADS: threads.index,
        }

    def render(self, key: pagekeys.PageKey) -> Files:
        """The files of one page key."""
        if isinstance(key, pagekeys.Site):
            return self.site_pages[key]()
        return self.kinds[type(key)](key)
