"""Page keys keep the text the read model stores them by: a read model built before must still
know its dirty pages and the files each page produced."""

from __future__ import annotations

import pytest

from timeline.site import pagekeys

ENTRY = "0b8e2c3a-1111-4222-8333-444455556666"


@pytest.mark.parametrize(
    "key,text",
    [
        (pagekeys.Entry(ENTRY), f"entry:{ENTRY}"),
        (pagekeys.Revision(ENTRY, 3), f"revision:{ENTRY}:3"),
        (pagekeys.Year(2020), "year:2020"),
        (pagekeys.Year(2020, 4), "year:2020:4"),
        (pagekeys.Facet("topics", "section-230"), "facet:topics:section-230"),
        (pagekeys.Facet("sources", "bbc-news-labels-1a2b3c4d", 2), "facet:sources:bbc-news-labels-1a2b3c4d:2"),
        (pagekeys.FacetIndex("actors"), "facets:actors"),
        (pagekeys.ChangesPage(7), "changes-page:7"),
        (pagekeys.DataYear(1998), "data-year:1998"),
        (pagekeys.Bundle("smith-2026"), "bundle:smith-2026"),
        (pagekeys.Editorial("about"), "page:about"),
        (pagekeys.Thread("2020-05-26-twitter-labels-tweets"), "thread:2020-05-26-twitter-labels-tweets"),
        (pagekeys.HOME, "home"),
        (pagekeys.CHANGES, "changes"),
        (pagekeys.FEEDS, "feeds"),
        (pagekeys.DATA, "data"),
        (pagekeys.TIMELINEJS, "timelinejs"),
        (pagekeys.SITEMAP, "sitemap"),
        (pagekeys.STATIC, "static"),
        (pagekeys.BUNDLES, "bundles"),
        (pagekeys.THREADS, "threads"),
    ],
)
def test_a_key_and_its_text_make_each_other(key: pagekeys.PageKey, text: str) -> None:
    assert str(key) == text
    assert pagekeys.parse(text) == key


def test_a_listing_page_belongs_to_its_whole_listing() -> None:
    for listing in (pagekeys.Year(2020), pagekeys.Facet("topics", "section-230")):
        page = pagekeys.page(listing, 3)
        assert page != listing
        assert pagekeys.whole_listing(page) == listing
        assert pagekeys.whole_listing(listing) is None
    assert pagekeys.whole_listing(pagekeys.Revision(ENTRY, 3)) is None
    assert pagekeys.whole_listing(pagekeys.ChangesPage(3)) is None


def test_keys_of_different_kinds_with_the_same_parts_stay_apart() -> None:
    assert len({pagekeys.Year(2020), pagekeys.DataYear(2020), pagekeys.ChangesPage(2020)}) == 3
