"""A source has its own page and feed only once two live entries cite it, and keeps them.

What these tests prove, on real builds parsed as a reader's browser would:

1. A source cited by one entry has no page and no feed; the sources' index (and nothing else)
   leads to where that entry's page shows it, an id on its list of sources; the sitemap and the
   sources' feeds page do not name it. Every link of the site resolves, fragments included.
2. A second entry citing it makes its page and feed appear in an incremental build, and every
   page that showed it links there; when one of the two citations goes, the page stays. A
   revision page keeps the links it was rendered with. Incremental builds equal full builds.
3. What counts is live entries: a retracted entry's citation does not share a source, though its
   page links to the source's page once there is one.
4. The flagship archive (this repository's own) still has a page for each source its entries share.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ArchiveUnderTest, copy_flagship_files
from sitebuild import (
    SMALL_BASE_URL,
    age_every_file,
    broken_links,
    build,
    html,
    resolve,
    sitemap_locations,
    touched,
    tree,
)

REPORT = "https://example.com/report"


def source_key(out: Path, slug: str, url: str) -> str:
    """The key of the source at URL, from the id its entry's page gives it."""
    for item in html(out / "events" / slug / "index.html").select("ol.sources > li"):
        if item.find("a", href=url) is not None:
            return str(item["id"]).removeprefix("source-")
    raise AssertionError(f"{slug} does not show {url}")


def index_link(out: Path, key: str) -> Path:
    """Where the sources' index leads for the source KEY (the page or fragment must exist)."""
    index = out / "sources" / "index.html"
    for item in html(index).select("ul.source-list li"):
        href = item.a["href"]
        if key in href:
            target = resolve(out, index, href, SMALL_BASE_URL)
            assert target is not None and target.is_file(), href
            return target.resolve().relative_to(out.resolve())
    raise AssertionError(f"the sources' index does not list {key}")


def sitemap_lists(out: Path, key: str) -> bool:
    return f"{SMALL_BASE_URL}sources/{key}/" in sitemap_locations(out, SMALL_BASE_URL)


def feeds_page_lists(out: Path, key: str) -> bool:
    return f"{key}.xml" in (out / "feeds" / "sources" / "index.html").read_text(encoding="utf-8")


def source_page_links(out: Path, page: Path) -> list[str]:
    """The links to a source's page on an entry or revision page, from its list of sources."""
    return [a["href"] for a in html(out / page).select("ol.sources a") if "sources/" in a["href"]]


def has_page(out: Path, key: str) -> bool:
    page, feed = out / "sources" / key / "index.html", out / "feeds" / "sources" / f"{key}.xml"
    assert page.is_file() == feed.is_file(), "a source's page and its feed come together"
    return page.is_file()


def same_as_full_build(archive: ArchiveUnderTest, out: Path, tmp_path: Path, name: str) -> None:
    full = tmp_path / name
    build(archive, full, "--full")
    assert tree(out) == tree(full)
    assert broken_links(out, SMALL_BASE_URL) == []


def cite_report(archive: ArchiveUnderTest, slug: str) -> None:
    """SLUG cites the report as the entry "First order" does (see ArchiveUnderTest.add)."""
    options = ["--title", "Report: First order", "--publisher", "Test Wire", "--url", REPORT]
    archive.ok("source", "add", slug, *options, "--reason", "a second account")


def test_a_source_gets_its_page_when_a_second_entry_cites_it_and_keeps_it(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    archive, out = sqlite_archive, tmp_path / "site"
    first = archive.add("First order", "2020-05-28", "executive-order", "--source-url", REPORT)
    second = archive.add("Second statement", "2020-05-29", "statement")
    build(archive, out)
    key = source_key(out, first["slug"], REPORT)
    entry_page = Path("events") / first["slug"] / "index.html"

    # Cited once: no page, no feed; the index leads to the entry's list of sources.
    assert not has_page(out, key)
    assert index_link(out, key) == entry_page
    assert html(out / entry_page).find(id=f"source-{key}") is not None
    assert source_page_links(out, entry_page) == []
    assert not sitemap_lists(out, key) and not feeds_page_lists(out, key)
    assert broken_links(out, SMALL_BASE_URL) == []

    # A second entry cites it: the page and the feed appear, and both entries' pages link there.
    age_every_file(out)
    cite_report(archive, second["slug"])
    build(archive, out)
    assert has_page(out, key)
    listed = {a["href"].split("/")[-2] for a in html(out / "sources" / key / "index.html").select(".entry-title a")}
    assert listed == {first["slug"], second["slug"]}
    assert index_link(out, key) == Path("sources") / key / "index.html"
    for slug in (first["slug"], second["slug"]):
        assert source_page_links(out, Path("events") / slug / "index.html") == [f"../../sources/{key}/index.html"]
    assert sitemap_lists(out, key) and feeds_page_lists(out, key)
    # A revision page never changes: the first entry's first revision still shows no link.
    revision = Path("events") / first["slug"] / "v1" / "index.html"
    assert str(revision) not in touched(out) and source_page_links(out, revision) == []
    assert source_page_links(out, Path("events") / second["slug"] / "v2" / "index.html") != []
    same_as_full_build(archive, out, tmp_path, "full-shared")

    # One citation withdrawn: the page stays, listing the one entry left, and the links to it too.
    archive.ok("source", "withdraw", second["slug"], "2", "--reason", "not about this")
    build(archive, out)
    assert has_page(out, key) and index_link(out, key) == Path("sources") / key / "index.html"
    assert len(html(out / "sources" / key / "index.html").select(".entry-title a")) == 1
    assert source_page_links(out, entry_page) == [f"../../sources/{key}/index.html"]
    same_as_full_build(archive, out, tmp_path, "full-withdrawn")


def record_citing_report(archive: ArchiveUnderTest, title: str, date: str) -> dict[str, Any]:
    """An entry whose one source is the report as the entry "First order" cites it."""
    options = ["--source-title", "Report: First order", "--source-publisher", "Test Wire", "--source-url", REPORT]
    return archive.json("add", "--title", title, "--kind", "statement", "--date", date, *options)


def test_only_live_entries_share_a_source_and_a_retracted_one_links_to_its_page(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    archive, out = sqlite_archive, tmp_path / "site"
    retracted = record_citing_report(archive, "Mistaken report", "2020-05-27")
    archive.ok("retract", retracted["slug"], "--reason", "never happened")
    first = archive.add("First order", "2020-05-28", "executive-order", "--source-url", REPORT)
    build(archive, out)
    key = source_key(out, first["slug"], REPORT)
    # The retracted entry cited it first, but only one live entry cites it: no page.
    assert not has_page(out, key)
    assert index_link(out, key) == Path("events") / first["slug"] / "index.html"

    second = record_citing_report(archive, "Second statement", "2020-05-29")
    build(archive, out)
    assert has_page(out, key)
    retracted_page = Path("events") / retracted["slug"] / "index.html"
    assert source_page_links(out, retracted_page) == [f"../../sources/{key}/index.html"]
    same_as_full_build(archive, out, tmp_path, "full-second")

    # Both live citers retracted: the page stays, empty, and leaves the index.
    for slug in (first["slug"], second["slug"]):
        archive.ok("retract", slug, "--reason", "wrong")
    build(archive, out)
    assert has_page(out, key)
    assert key not in (out / "sources" / "index.html").read_text(encoding="utf-8")
    same_as_full_build(archive, out, tmp_path, "full-retracted")


@pytest.fixture(scope="module")
def flagship_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("flagship")
    copy_flagship_files(root)
    out = root / "site"
    ArchiveUnderTest(root=root, store_url=None, runner=CliRunner()).ok("build", "--out", str(out))
    return out


def test_the_flagship_has_a_page_for_each_source_its_entries_share_and_none_for_the_others(
    flagship_site: Path,
) -> None:
    out = flagship_site
    citing: dict[str, set[str]] = {}
    for page in (out / "events").glob("*/index.html"):
        article = html(page).select_one("article.entry")
        if article is not None and article.has_attr("data-pagefind-body"):  # a live entry
            for item in article.select("ol.sources > li[id]"):
                citing.setdefault(str(item["id"]).removeprefix("source-"), set()).add(page.parent.name)
    shared = {key for key, slugs in citing.items() if len(slugs) > 1}
    pages = {p.parent.name for p in (out / "sources").glob("*/index.html")}
    assert shared and pages == shared, (shared, pages)
    for key, slugs in citing.items():
        expected = Path("sources") / key if key in shared else Path("events") / slugs.pop()
        assert index_link(out, key) == expected / "index.html"


def test_the_flagship_links_resolve(flagship_site: Path) -> None:
    base_url = re.search(r'base_url\s*=\s*"([^"]+)"', (flagship_site.parent / "timeline.toml").read_text())
    assert base_url is not None
    assert broken_links(flagship_site, base_url.group(1)) == []
