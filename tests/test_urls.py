"""Every address the site publishes, pinned: a change here breaks citations, so it must be deliberate."""

from __future__ import annotations

import posixpath
from typing import Any
from urllib.parse import quote

import pytest

from timeline.site import urls


@pytest.mark.parametrize(
    "url,expected",
    [
        (urls.home(), ""),
        (urls.year(2020), "timeline/2020/"),
        (urls.year(2020, 3), "timeline/2020/page/3/"),
        (urls.entry("2020-05-28-trump-signs-order"), "events/2020-05-28-trump-signs-order/"),
        (urls.revision("2020-05-28-trump-signs-order", 2), "events/2020-05-28-trump-signs-order/v2/"),
        (urls.entry_data("2020-05-28-trump-signs-order"), "events/2020-05-28-trump-signs-order/index.json"),
        (urls.short("ab12cd34"), "e/ab12cd34/"),
        (urls.facet_index("actors"), "actors/"),
        (urls.facet_index("actors", 2), "actors/page/2/"),
        (urls.facet("topics", "section-230"), "topics/section-230/"),
        (urls.facet("topics", "section-230", 2), "topics/section-230/page/2/"),
        (urls.facet_oldest("topics", "section-230"), "topics/section-230/oldest/"),
        (urls.facet_oldest("topics", "section-230", 2), "topics/section-230/oldest/page/2/"),
        (urls.facet_oldest("actors", "oldest", 3), "actors/oldest/oldest/page/3/"),
        (urls.changes(), "changes/"),
        (urls.changes(4), "changes/page/4/"),
        (urls.feed_entries(), "feeds/entries.xml"),
        (urls.feed_changes(), "feeds/changes.xml"),
        (urls.feed_facet("platforms", "twitter"), "feeds/platforms/twitter.xml"),
        (urls.data_index(), "data/"),
        (urls.data_listing(), "data/index.json"),
        (urls.data_json(2020), "data/2020/entries.json"),
        (urls.data_csv(1998), "data/1998/entries.csv"),
        (urls.data_timelinejs(), "data/timelinejs.json"),
        (urls.timescale_overview(), "timeline/timescale.json"),
        (urls.timescale_year(2020), "timeline/2020/timescale.json"),
        (urls.data_all_json(), "data/entries.json"),
        (urls.data_all_csv(), "data/entries.csv"),
        (urls.editorial("about"), "about/"),
        (urls.threads_index(), "threads/"),
        (urls.thread("2020-05-26-twitter-labels-tweets"), "threads/2020-05-26-twitter-labels-tweets/"),
        (urls.editorial("methodology"), "methodology/"),
        (urls.sitemap(), "sitemap.xml"),
        (urls.sitemap_part("pages"), "sitemap-pages.xml"),
        (urls.sitemap_part("entries-2020"), "sitemap-entries-2020.xml"),
        (urls.sitemap_part("entries-2020", 2), "sitemap-entries-2020-2.xml"),
        (urls.robots(), "robots.txt"),
        (urls.not_found(), "404.html"),
        (urls.manifest(), "manifest.json"),
        (urls.manifest_part("events-2020"), "manifest/events-2020.json"),
    ],
)
def test_addresses(url: str, expected: str) -> None:
    assert url == expected


@pytest.mark.parametrize(
    "url,path",
    [("", "index.html"), ("events/x/", "events/x/index.html"), ("feeds/entries.xml", "feeds/entries.xml")],
)
def test_a_url_and_its_file_come_from_one_rule(url: str, path: str) -> None:
    assert urls.output_path(url) == path


@pytest.mark.parametrize(
    "here,there,link",
    [
        ("", "events/x/", "events/x/index.html"),
        ("events/x/", "actors/donald-trump/", "../../actors/donald-trump/index.html"),
        ("events/x/v2/", "events/x/", "../index.html"),
        ("events/x/", "events/x/index.json", "index.json"),
        ("timeline/2020/page/2/", "", "../../../../index.html"),
    ],
)
def test_internal_links_are_relative_and_name_their_file(here: str, there: str, link: str) -> None:
    assert urls.relative(here, there) == link


def test_relative_links_agree_with_posix_relpath_between_every_kind_of_page() -> None:
    pages = [
        urls.home(),
        urls.year(2020),
        urls.year(2020, 3),
        urls.entry("2020-05-26-x"),
        urls.revision("2020-05-26-x", 2),
        urls.entry_data("y"),
        urls.citation("y", "bibtex", 3),
        urls.bundle("b"),
        urls.bundle_index(),
        urls.short("7k"),
        urls.facet("actors", "a"),
        urls.facet("actors", "a", 4),
        urls.facet_oldest("actors", "a"),
        urls.facet_oldest("actors", "a", 2),
        urls.facet_index("topics", 2),
        urls.changes(),
        urls.changes(7),
        urls.feed_facet("topics", "t"),
        urls.data_json(2017),
        urls.data_index(),
        urls.stylesheet(),
        urls.search(),
        urls.not_found(),
        urls.entry("2020-05-26-x") + "#sources",
    ]
    for here in pages:
        for there in pages:
            expected = posixpath.relpath(urls.output_path(there), posixpath.dirname(urls.output_path(here)) or ".")
            assert urls.relative(here, there) == quote(expected, safe="/#.-_~"), (here, there)


def test_absolute_addresses_join_the_base_url() -> None:
    assert urls.absolute("https://example.org/timeline/", "events/x/") == "https://example.org/timeline/events/x/"
    assert urls.absolute("https://example.org/timeline", "") == "https://example.org/timeline/"


@pytest.mark.parametrize("base_url", ["https://example.org/timeline/", "https://example.org/timeline"])
@pytest.mark.parametrize(
    "method,args,expected",
    [
        ("absolute", ("",), "https://example.org/timeline/"),
        ("absolute", ("feeds/entries.xml",), "https://example.org/timeline/feeds/entries.xml"),
        ("home", (), "https://example.org/timeline/"),
        ("entry", ("2020-05-28-x",), "https://example.org/timeline/events/2020-05-28-x/"),
        ("revision", ("2020-05-28-x", 2), "https://example.org/timeline/events/2020-05-28-x/v2/"),
        ("data_json", (998,), "https://example.org/timeline/data/0998/entries.json"),
        ("data_csv", (2020,), "https://example.org/timeline/data/2020/entries.csv"),
        ("sitemap", (), "https://example.org/timeline/sitemap.xml"),
    ],
)
def test_the_site_urls_bind_the_base_url_once(base_url: str, method: str, args: tuple[Any, ...], expected: str) -> None:
    site = urls.SiteUrls(base_url)
    assert getattr(site, method)(*args) == expected
    assert site.base_url == base_url  # as configured: JSON-LD names the site by it
