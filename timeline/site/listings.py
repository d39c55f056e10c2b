"""The listing pages: each year's entries, each facet key's entries (with its feed), the facets'
indexes, the years' indexes, the home page and the change log."""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable
from typing import Any

from timeline.domain.actors import ACTOR_TYPES
from timeline.domain.kinds import MEANINGS, kind_label
from timeline.site import facetpages, pagekeys, timescale, urls
from timeline.site.pageinputs import PageInputs
from timeline.site.paging import pagination
from timeline.site.readmodel import SiteView
from timeline.site.templating import FACET_TITLES, FEED_SIZE, KEPT, Files, Templates
from timeline.wording import plural

HOME_SIZE = 20
_ANCHORS = {"0-before": "m-before", "1-year": "m-year"}

# A listing's every item, or (how many there are, the items of page n) for one too long to read in whole.
Items = list[Any] | tuple[int, Callable[[int], list[Any]]]


def _month(entry: dict[str, Any], year: int) -> tuple[str, str]:
    """(sort key, heading) of the group an entry is listed under on a year page: entries that began in
    an earlier year first, then those known only to the year, then month by month."""
    start = entry["date_start"]
    if not start.startswith(f"{year:04d}"):
        return "0-before", f"Continuing from before {year}"
    if entry["date"].split("/")[0].rstrip("~").count("-") == 0:
        return "1-year", f"{year}, month not known"
    return start[:7], f"{calendar.month_name[int(start[5:7])]} {year}"


class Listings:
    def __init__(self, templates: Templates, view: SiteView, inputs: PageInputs | None = None):
        """``inputs``: what each listing page was last rendered from, to leave alone those that would
        come out the same (see pageinputs.py)."""
        self.templates = templates
        self.view = view
        self.inputs = inputs

    def paginated(
        self,
        template: str,
        url_of: Callable[[int], str],
        items: Items,
        only: list[int] | None = None,
        decided_by: Callable[[int], Any] | None = None,
        **context: Any,
    ) -> Files:
        """Every page of a listing, or the ``only`` pages (those of them the listing has). A page is
        left alone when what it is made from is what it was last made from: its items, or, where
        reading them costs more, what ``decided_by`` says decides them (page n's)."""
        if isinstance(items, list):
            listed = items
            items = (len(listed), lambda n: listed[(n - 1) * urls.PAGE_SIZE : n * urls.PAGE_SIZE])
        total, page_items = items
        pages = max(1, math.ceil(total / urls.PAGE_SIZE))
        files: Files = {}
        for number in range(1, pages + 1) if only is None else [n for n in only if 1 <= n <= pages]:
            context["pagination"] = pagination(number, pages, url_of)
            context["items"] = page_items(number) if decided_by is None else decided_by(number)
            url = url_of(number)
            if self.inputs is not None and self.inputs.same(urls.output_path(url), template, url, context):
                files[urls.output_path(url)] = KEPT
            else:
                if decided_by is not None:
                    context["items"] = page_items(number)
                files.update(self.templates.page(template, url, **context))
            if number == 2:  # the folder of the later pages comes and goes with the second
                files.update(self.later_pages(url_of(1)))
        return files

    def later_pages(self, first: str) -> Files:
        """The page of the folder holding a listing's later pages, which leads to the FIRST."""
        return self.templates.page("listing_pages.html", urls.later_pages(first), first=first)

    def year(self, listing: pagekeys.Year) -> Files:
        """The year's every page, or its ``listing.page`` alone (see listingplaces.py)."""
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
            only=None if listing.page is None else [listing.page],
            year=number,
            # A year the time scale only counts needs no entries fetched for its first screen.
            year_fetched=[number] if len(entries) <= timescale.DENSE else [],
            years=[(y, None) for y in self.view.years()],
            months=months,
        )

    def facet_index(self, key: pagekeys.FacetIndex) -> Files:
        facet = key.facet
        items = self.view.facet_counts(facet)

        def url_of(page: int) -> str:
            return urls.facet_index(facet, page)

        if facet == "sources":
            # Listed with their publisher and date, in a bibliography's order (tens of thousands of
            # documents): only the pages whose documents or counts changed read their documents.
            order = self.view.source_index()
            size = urls.PAGE_SIZE

            def decided_by(n: int) -> list[Any]:
                return order[(n - 1) * size : n * size]

            def documents(n: int) -> list[Any]:
                return self.view.source_documents([key for key, _, _ in decided_by(n)])

            files = self.paginated("facet_index.html", url_of, (len(order), documents), None, decided_by, facet=facet)
        else:
            files = self.paginated("facet_index.html", url_of, items, facet=facet)
        # The feeds of the facet's names come and go with its names, as its index does (a source has
        # its feed once it has its page).
        if facet == "sources":
            with_feeds = set(self.view.facet_keys(facet))
            items = [item for item in items if item[0] in with_feeds]
        files.update(self.templates.page("facet_feeds.html", urls.feeds_facet_index(facet), facet=facet, items=items))
        return files

    def facet(self, listing: pagekeys.Facet) -> Files:
        """The facet key's every page in both orders and its feed, or its ``listing.page`` alone (in date
        order: page n oldest first, with the newest-first pages of the same entries) and the feed."""
        facet, key, only = listing.facet, listing.key, listing.page
        context = self.facet_context(facet, key)
        if context is None:
            return {}
        count, size = self.view.facet_count(facet, key), urls.PAGE_SIZE
        # The whole listing is read once (it may be none now: a published page stays); a page, by index.
        every = self.view.facet_entries(facet, key) if only is None else None
        year_counts = self.view.facet_year_counts(facet, key)
        files: Files = {}
        for newest_first, url_of in facetpages.orders(facet, key):

            def page_items(n: int, newest_first: bool = newest_first) -> list[Any]:
                if every is None:
                    offset = (n - 1) * size
                    return facetpages.by_year(self.view.facet_entries(facet, key, size, offset, newest_first))
                return facetpages.by_year((every[::-1] if newest_first else every)[(n - 1) * size : n * size])

            pages = None if only is None else facetpages.mirrored_pages(only, count) if newest_first else [only]
            years = facetpages.year_starts(year_counts, newest_first, url_of)
            # The count is on every page: a change of it re-renders the whole listing (listingplaces.py).
            context.update(newest_first=newest_first, years=years, entry_count=plural(count, "entry"))
            files.update(self.paginated("facet.html", url_of, (count, page_items), only=pages, **context))
        recent = self.view.feed_items(self.view.facet_newest(facet, key, FEED_SIZE))
        title = f"{FACET_TITLES[facet][:-1]}: {context['name']}"
        files.update(self.templates.feed(urls.feed_facet(facet, key), title, urls.facet(facet, key), recent))
        return files

    def facet_context(self, facet: str, key: str) -> dict[str, Any] | None:
        """What every page of a facet key's listing says of the name (None for a key never published)."""
        name = self.view.facet_name(facet, key)
        if name is None:
            return None
        document = self.view.source_document(key) if facet == "sources" else None
        actor_type = ACTOR_TYPES.get(self.view.actor_types([key]).get(key, "")) if facet == "actors" else None
        if document is not None:
            name = document["title"]
        elif facet == "kinds":
            name = kind_label(name)  # its label: the key stays in the address
        return {
            "facet": facet,
            "key": key,
            "name": name,
            "document": document,
            "actor_type": actor_type,
            "meaning": MEANINGS.get(key) if facet == "kinds" else None,
        }

    def home(self) -> Files:
        recent = self.view.latest_cards(HOME_SIZE)
        years, total = self.view.year_counts(), self.view.count_live()
        # The years the latest entries are listed in: the time scale's first screen.
        shown = sorted(
            {y for card in recent for y in range(int(card["date_start"][:4]), int(card["date_end"][:4]) + 1)}
        )
        return self.templates.page(
            "home.html", urls.home(), recent=recent, recent_years=shown, years=years, total=total
        )

    def years_indexes(self) -> Files:
        """timeline/ and events/: the years with their counts of live entries, each linking to its
        page (an index of every entry on one page would be megabytes long at 10,000 entries)."""
        years, total = self.view.year_counts(), self.view.count_live()
        files = self.templates.page("timeline.html", urls.timeline_index(), years=years, total=total)
        files.update(self.templates.page("events.html", urls.events_index(), years=years, total=total))
        return files

    def changes_index(self) -> Files:
        total = self.view.count_changes()
        pages = max(1, math.ceil(total / urls.PAGE_SIZE))
        return self.templates.page(
            "changes.html",
            urls.changes(),
            items=self.view.changes(urls.PAGE_SIZE),
            pages=pages,
            number=0,
            total=total,
        )

    def changes_page(self, key: pagekeys.ChangesPage) -> Files:
        """Page N holds the changes numbered (N-1)*100+1 to N*100 from the first, so pages never shift;
        a page links to its neighbours and by number to the first, the last and those near it, so a
        new change touches one page (every page when it opens one: each gains a last page).
        Pages exist once there are more changes than changes/ shows: it links them all then."""
        number = key.number
        items = self.view.changes_from_first(urls.PAGE_SIZE + 1, offset=(number - 1) * urls.PAGE_SIZE)
        if not items or (number == 1 and len(items) <= urls.PAGE_SIZE):
            return {}  # (while every change fits on changes/, a first page would only repeat it, unlinked)
        pages = math.ceil(self.view.count_changes() / urls.PAGE_SIZE)
        files = self.templates.page(
            "changes_page.html",
            urls.changes(number),
            items=list(reversed(items[: urls.PAGE_SIZE])),
            pagination=pagination(number, pages, urls.changes),
        )
        if number == 1:  # (the pages' folder exists from the first page on)
            files.update(self.later_pages(urls.changes()))
        return files
