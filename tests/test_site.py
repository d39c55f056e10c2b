"""The static site, proven at its boundaries (the `build` and `serve` commands and the files they write).

What these tests prove:

1. `timeline build` on the flagship archive writes every page type, and a crawl of the whole
   output finds no broken internal link or missing asset; manifest.json lists every file with
   its sha256.
2. After `timeline correct` of a title, the entry keeps its address, its old revision page is
   byte-identical, the new revision page exists, the listings show the new title, and the
   incremental build rewrote exactly the files named in the test and touched no other.
3. A merged entry's old address and its short link redirect to the entry it was merged into
   (named by its current title), which has left the listings.
4. The Atom feeds parse with feedparser, with stable ids and absolute links under base_url;
   data/<year>/entries.json match `timeline list --json`, and the entries.csv files import back into a
   new archive as the same entries (cells a spreadsheet would run as formulas included).
5. An incremental build after each of a sequence of mixed changes gives the same tree, byte for
   byte, as a full build; a build with nothing changed writes nothing (on SQLite and PostgreSQL).
   Pages that show archive-wide numbers (the years on each year page, the count of changes on
   each changes page) follow every change.
6. A retracted entry keeps its page with a notice and its reason, and leaves every listing.
7. Files no longer produced are removed (with their folders); an interrupted build leaves every
   file whole (old or new, no temporary files) and the next build completes it.
8. `timeline serve` serves the site and rebuilds it when the store changes.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from conftest import ArchiveUnderTest
from lxml import etree

from timeline.app.service import ArchiveService
from timeline.site import data, render
from timeline.site.build import build_site
from timeline.site.manifest import part_of
from timeline.site.manifest import read as read_manifest

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP_BASE_URL = "https://example.org/timeline/"
SMALL_BASE_URL = "https://example.org/"  # what `timeline init` writes
SUMMARY = re.compile(r"built ([\d,]+) files, ([\d,]+) written, ([\d,]+) removed, from ([\d,]+) new changes")
OLD_MTIME_NS = 1_000_000_000 * 10**9  # 2001-09-09: any rewrite moves a file's mtime away from it


# Helpers ---------------------------------------------------------------------------------------


SEARCH_INDEX = "pagefind"


def tree(out: Path) -> dict[str, bytes]:
    """Every file under OUT, by its path relative to OUT, but the search index: Pagefind does not
    write the same bytes twice for the same pages (the browser tests check search works)."""
    return {
        path: p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not (path := p.relative_to(out).as_posix()).startswith(f"{SEARCH_INDEX}/")
    }


def is_manifest(path: str) -> bool:
    return path == "manifest.json" or path.startswith("manifest/")


def folders(out: Path) -> set[str]:
    return {
        path
        for p in out.rglob("*")
        if p.is_dir() and not (path := p.relative_to(out).as_posix()).startswith(SEARCH_INDEX)
    }


def age_every_file(out: Path) -> None:
    for path in out.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(OLD_MTIME_NS, OLD_MTIME_NS))


def touched(out: Path) -> set[str]:
    """Files whose mtime moved since :func:`age_every_file` (written, or new)."""
    return {
        path
        for p in out.rglob("*")
        if p.is_file()
        and p.stat().st_mtime_ns != OLD_MTIME_NS
        and not (path := p.relative_to(out).as_posix()).startswith(f"{SEARCH_INDEX}/")
    }


def build(archive: ArchiveUnderTest, out: Path, *extra: str) -> dict[str, int]:
    """Run `timeline build --out OUT`; returns the counts its summary line reports."""
    result = archive.ok("build", "--out", str(out), *extra)
    match = SUMMARY.search(result.stdout)
    assert match, f"no build summary in {result.stdout!r}"
    files, written, removed, changes = (int(n.replace(",", "")) for n in match.groups())
    return {"files": files, "written": written, "removed": removed, "changes": changes}


def html(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_bytes(), "lxml")


def links_of(page: BeautifulSoup) -> list[str]:
    """Every address a page refers to: a/link href, script/img src, meta refresh url."""
    found = [tag["href"] for tag in page.find_all(["a", "link"], href=True)]
    found += [tag["src"] for tag in page.find_all(["script", "img"], src=True)]
    for meta in page.find_all("meta", attrs={"http-equiv": re.compile("^refresh$", re.I)}):
        match = re.search(r"url=(.+)$", meta["content"], re.I)
        assert match, f"meta refresh without url: {meta}"
        found.append(match.group(1).strip())
    return found


def resolve(out: Path, page: Path, link: str, base_url: str) -> Path | None:
    """The file inside OUT a link from PAGE points to; None for an external or same-page link."""
    if link.startswith(base_url):  # absolute links of our own (the 404 page, canonical links)
        path = unquote(urlsplit(link).path)[len(urlsplit(base_url).path) :]
        return out / (path + "index.html" if path == "" or path.endswith("/") else path)
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None  # http(s) sources, mailto: never fetched
    if not parts.path:
        return None  # "#content": checked against the page's ids by the caller
    return page.parent / unquote(parts.path)


def broken_links(out: Path, base_url: str) -> list[str]:
    """Every internal link of every page that does not lead to a file inside OUT."""
    root = out.resolve()
    broken = []
    for page_path in sorted(out.rglob("*.html")):
        page = html(page_path)
        ids = {tag["id"] for tag in page.find_all(id=True)}
        for link in links_of(page):
            name = f"{page_path.relative_to(out)} -> {link}"
            if link.startswith("#"):
                if link[1:] not in ids:
                    broken.append(f"{name} (no such id)")
                continue
            if page_path.name != "404.html" and link.startswith(base_url) and not _is_head_link(page, link):
                broken.append(f"{name} (absolute link to our own site; links must be relative)")
            target = resolve(out, page_path, link, base_url)
            if target is None:
                continue
            target = target.resolve()
            if not target.is_relative_to(root):
                broken.append(f"{name} (outside the site)")
            elif not target.is_file():
                broken.append(f"{name} (missing)")
    return broken


def _is_head_link(page: BeautifulSoup, link: str) -> bool:
    """Canonical links are absolute by design."""
    return any(tag.get("href") == link for tag in page.find_all("link", rel="canonical"))


def entry_titles(page: Path, out: Path) -> dict[str, str]:
    """The entry pages (events/<slug>/) a listing page links to: slug -> the link's text."""
    titles = {}
    for anchor in html(page).find_all("a", href=True):
        target = resolve(out, page, anchor["href"], "\0")
        if target is not None:
            relative = target.resolve().relative_to(out.resolve()).as_posix()
            match = re.fullmatch(r"events/([^/]+)/index\.html", relative)
            if match:
                titles[match.group(1)] = anchor.get_text(strip=True)
    return titles


def entry_links(page: Path, out: Path) -> set[str]:
    """The entry pages a listing page links to, as slugs."""
    return set(entry_titles(page, out))


def lists(out: Path, facet_page: str, slug: str) -> bool:
    """Whether the facet page FACET/KEY (if it exists) or its feed lists the entry SLUG."""
    page, feed = out / facet_page / "index.html", out / "feeds" / f"{facet_page}.xml"
    in_page = page.is_file() and slug in entry_links(page, out)
    in_feed = feed.is_file() and any(
        e.link.endswith(f"/events/{slug}/") for e in feedparser.parse(feed.read_bytes()).entries
    )
    return in_page or in_feed


def service_for(archive: ArchiveUnderTest) -> ArchiveService:
    """The app and archive as a command opens them."""
    return ArchiveService.open(archive.root, store=archive.store_url)


def record_small_archive(archive: ArchiveUnderTest) -> dict[str, dict[str, Any]]:
    """Four entries in three years with actors, platforms, topics, jurisdictions and relations:
    alpha responds to beta, gamma responds to alpha; delta stands alone."""
    alpha = archive.add(
        "Alpha order targets platform liability", "2020-05-28", "executive-order",
        "--actor", "Donald Trump:issuer", "--platform", "Twitter", "--topic", "Section 230",
        "--jurisdiction", "United States", "--source-url", "https://example.com/alpha",
        "--summary", "The order asks agencies to review the liability shield.",
    )  # fmt: skip
    beta = archive.add(
        "Beta labels two tweets", "2020-05-26", "label",
        "--actor", "Twitter:author", "--platform", "Twitter", "--topic", "election misinformation",
    )  # fmt: skip
    gamma = archive.add(
        "Gamma sues to block a summons", "2017-04", "lawsuit",
        "--actor", "Twitter:plaintiff", "--platform", "Twitter", "--jurisdiction", "United States",
        "--link", "responds-to", alpha["slug"],
    )  # fmt: skip
    delta = archive.add(
        "Delta removes a network of pages", "2019-08-19", "takedown",
        "--actor", "Facebook:author", "--platform", "Facebook",
    )  # fmt: skip
    archive.ok("link", alpha["slug"], "responds-to", beta["slug"], "--reason", "the order answers the labels")
    return {
        "alpha": archive.json("show", alpha["slug"]),
        "beta": beta,
        "gamma": gamma,
        "delta": delta,
    }


def one(out: Path, pattern: str) -> str:
    """The one file matching PATTERN under OUT (e.g. a source page whose key ends in a hash)."""
    matches = sorted(p.relative_to(out).as_posix() for p in out.glob(pattern))
    assert len(matches) == 1, f"{pattern}: {matches}"
    return matches[0]


# 1. The flagship site --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def flagship(tmp_path_factory: pytest.TempPathFactory) -> tuple[ArchiveUnderTest, Path]:
    """A copy of the repository's archive (settings and events/), built into OUT."""
    root = tmp_path_factory.mktemp("flagship")
    shutil.copy(ROOT / "timeline.toml", root / "timeline.toml")
    shutil.copytree(ROOT / "events", root / "events")
    archive = ArchiveUnderTest(root=root, store_url=None, runner=CliRunner())
    out = root / "out"
    counts = build(archive, out)
    assert counts["changes"] == len(list((root / "events").glob("*.md")))
    return archive, out


def test_the_flagship_build_writes_every_page_type(flagship: tuple[ArchiveUnderTest, Path]) -> None:
    archive, out = flagship
    entries = archive.json("list")
    entry = entries[0]
    for name in [
        "index.html",
        "timeline/2017/index.html",
        "timeline/2019/index.html",
        "timeline/2020/index.html",
        f"events/{entry['slug']}/index.html",
        f"events/{entry['slug']}/v1/index.html",
        f"events/{entry['slug']}/index.json",
        f"e/{entry['short_id']}/index.html",
        "changes/index.html",
        "changes/page/1/index.html",
        "feeds/entries.xml",
        "feeds/changes.xml",
        "data/index.html",
        "data/index.json",
        "data/2020/entries.json",
        "data/2020/entries.csv",
        "data/timelinejs.json",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "manifest.json",
        "assets/style.css",
    ]:
        assert (out / name).is_file(), f"{name} was not built"
    for facet in ("actors", "platforms", "topics", "kinds", "jurisdictions", "sources"):
        assert (out / facet / "index.html").is_file(), f"{facet}/ was not built"
        assert list(out.glob(f"{facet}/*/index.html")), f"no {facet}/<key>/ page"
        assert list(out.glob(f"feeds/{facet}/*.xml")), f"no feeds/{facet}/<key>.xml"
    # Every live entry has its page, data and short link; the short link leads to the page.
    for listed in entries:
        assert (out / "events" / listed["slug"] / "index.html").is_file()
        assert json.loads((out / "events" / listed["slug"] / "index.json").read_bytes())["id"] == listed["id"]
        redirect = out / "e" / listed["short_id"] / "index.html"
        assert links_of(html(redirect))[-1] == f"../../events/{listed['slug']}/index.html"
    assert (out / "robots.txt").read_text() == (f"User-agent: *\nAllow: /\nSitemap: {FLAGSHIP_BASE_URL}sitemap.xml\n")


def test_a_crawl_of_the_flagship_site_finds_no_broken_link(flagship: tuple[ArchiveUnderTest, Path]) -> None:
    _, out = flagship
    pages = list(out.rglob("*.html"))
    assert len(pages) > 100
    assert broken_links(out, FLAGSHIP_BASE_URL) == []
    # The sitemap and the feeds name only addresses that exist.
    locations = [loc.text for loc in etree.parse(str(out / "sitemap.xml")).iter("{*}loc")]
    assert locations and all(loc.startswith(FLAGSHIP_BASE_URL) for loc in locations)
    missing = [loc for loc in locations if not resolve(out, out / "index.html", loc, FLAGSHIP_BASE_URL).is_file()]
    assert missing == []


def test_the_manifest_lists_every_file_with_its_sha256(flagship: tuple[ArchiveUnderTest, Path]) -> None:
    archive, out = flagship
    manifest = read_manifest(out)
    assert manifest is not None
    files = {path: content for path, content in tree(out).items() if not is_manifest(path)}
    assert sorted(manifest["files"]) == sorted(files)
    for name, content in files.items():
        assert manifest["files"][name] == {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}, name
    policy_events = [n for n, _, topic in archive.notifications() if topic.startswith("timeline:PolicyEvent.")]
    assert manifest["position"] == max(policy_events)


# 2. A corrected title --------------------------------------------------------------------------


def test_a_corrected_title_rewrites_exactly_the_pages_that_show_it(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    entries = record_small_archive(sqlite_archive)
    alpha, beta, gamma = entries["alpha"], entries["beta"], entries["gamma"]
    out = tmp_path / "site"
    build(sqlite_archive, out)
    before = tree(out)
    age_every_file(out)

    corrected = sqlite_archive.json(
        "correct", alpha["slug"], "--title", "Alpha order narrows platform liability", "--reason", "the headline"
    )
    counts = build(sqlite_archive, out)
    after = tree(out)

    assert corrected["slug"] == alpha["slug"] and corrected["revision"] == 3
    a = f"events/{alpha['slug']}"
    source_page = one(out, "sources/test-wire-report-alpha-order-targets-platform-liability-*/index.html")
    source_feed = "feeds/" + source_page.removesuffix("/index.html") + ".xml"
    expected = {
        # the entry: its page, data, short link, and its new revision
        f"{a}/index.html",
        f"{a}/index.json",
        f"{a}/v3/index.html",
        f"e/{alpha['short_id']}/index.html",
        # its citations: the permanent address's now name revision 3; revision 3 gets its own
        *(f"{a}/{name}" for name in ("cite.bib", "cite.ris", "cite.json")),
        *(f"{a}/v3/{name}" for name in ("cite.bib", "cite.ris", "cite.json")),
        # related entries, both directions: alpha responds to beta, gamma responds to alpha
        f"events/{beta['slug']}/index.html",
        f"events/{gamma['slug']}/index.html",
        # the listings that show its title, including gamma's year, whose card links to alpha by title
        "index.html",
        "timeline/2020/index.html",
        "timeline/2017/index.html",
        "actors/donald-trump/index.html",
        "feeds/actors/donald-trump.xml",
        "platforms/twitter/index.html",
        "feeds/platforms/twitter.xml",
        "topics/section-230/index.html",
        "feeds/topics/section-230.xml",
        "kinds/executive-order/index.html",
        "feeds/kinds/executive-order.xml",
        "jurisdictions/united-states/index.html",
        "feeds/jurisdictions/united-states.xml",
        source_page,
        source_feed,
        # the change log, feeds and data
        "changes/index.html",
        "changes/page/1/index.html",
        "feeds/entries.xml",
        "feeds/changes.xml",
        "data/2020/entries.json",
        "data/2020/entries.csv",
        "data/timelinejs.json",
    }
    # and the manifest: its top file, and the parts that list the files above
    listing = {"manifest.json", *(f"manifest/{part_of(name)}.json" for name in expected)}
    expected |= listing
    changed = {name for name in after if before.get(name) != after[name]}
    assert sorted(changed) == sorted(expected)
    assert set(before) - set(after) == set()
    assert touched(out) == expected, "files with the same bytes were rewritten"
    assert counts["written"] == len(expected - listing)
    assert counts["removed"] == 0
    assert feed_ids_in(after["feeds/entries.xml"]) == feed_ids_in(before["feeds/entries.xml"])

    # The address is the same, revision 1 never changes, and every listing shows the new title.
    assert after[f"{a}/v1/index.html"] == before[f"{a}/v1/index.html"]
    assert after[f"{a}/v2/index.html"] == before[f"{a}/v2/index.html"]
    assert "Alpha order targets platform liability" in html(out / a / "v1" / "index.html").h1.text
    assert html(out / a / "index.html").h1.text == "Alpha order narrows platform liability"
    assert html(out / a / "v3" / "index.html").h1.text == "Alpha order narrows platform liability"
    for listing in [
        "index.html",
        "timeline/2020/index.html",
        "actors/donald-trump/index.html",
        "platforms/twitter/index.html",
        "topics/section-230/index.html",
        "kinds/executive-order/index.html",
        "jurisdictions/united-states/index.html",
        source_page,
        f"events/{beta['slug']}/index.html",
        f"events/{gamma['slug']}/index.html",
    ]:
        assert entry_titles(out / listing, out)[alpha["slug"]] == "Alpha order narrows platform liability", listing
    newest = {e.link: e.title for e in feedparser.parse(after["feeds/entries.xml"]).entries}
    assert newest[f"{SMALL_BASE_URL}{a}/"] == "Alpha order narrows platform liability"
    assert broken_links(out, SMALL_BASE_URL) == []


# 3. A merged entry -----------------------------------------------------------------------------


def test_a_merged_entry_redirects_to_the_entry_it_was_merged_into(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    entries = record_small_archive(sqlite_archive)
    target = entries["alpha"]
    duplicate = sqlite_archive.add(
        "Trump order on preventing online censorship", "2020-05-28", "executive-order",
        "--actor", "White House:issuer", "--platform", "Twitter",
    )  # fmt: skip
    out = tmp_path / "site"
    build(sqlite_archive, out)
    assert (out / "actors/white-house/index.html").is_file()

    sqlite_archive.ok("merge", duplicate["slug"], target["slug"], "--reason", "the same order recorded twice")
    build(sqlite_archive, out)

    target_page = f"events/{target['slug']}/index.html"
    assert (out / target_page).is_file()
    for old_address in (f"events/{duplicate['slug']}/index.html", f"e/{duplicate['short_id']}/index.html"):
        page = html(out / old_address)
        refresh = page.find("meta", attrs={"http-equiv": "refresh"})
        assert refresh is not None, f"{old_address} does not redirect"
        url = refresh["content"].split("url=", 1)[1]
        assert (out / old_address).parent.joinpath(url).resolve() == (out / target_page).resolve()
        assert page.find("link", rel="canonical")["href"] == f"{SMALL_BASE_URL}events/{target['slug']}/"
    # The duplicate left the listings; its sources moved to the target.
    listings = [
        "index.html",
        "timeline/2020/index.html",
        "platforms/twitter/index.html",
        "kinds/executive-order/index.html",
    ]
    for listing in listings:
        assert duplicate["slug"] not in entry_links(out / listing, out), listing
        assert target["slug"] in entry_links(out / listing, out), listing
    assert not lists(out, "actors/white-house", duplicate["slug"])
    assert duplicate["id"] not in [e["id"] for e in published_entries(out)]
    assert "Report: Trump order on preventing online censorship" in (out / target_page).read_text()
    assert broken_links(out, SMALL_BASE_URL) == []


def test_a_merged_entrys_redirect_names_the_targets_current_title(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    target = sqlite_archive.add("Trump signs order on platform liability", "2020-05-28", "executive-order")
    duplicate = sqlite_archive.add("White House order on online censorship", "2020-05-28", "executive-order")
    sqlite_archive.ok("merge", duplicate["slug"], target["slug"], "--reason", "the same order twice")
    sqlite_archive.ok("correct", target["slug"], "--title", "Trump signs order on Section 230", "--reason", "title")
    out = tmp_path / "site"
    build(sqlite_archive, out)
    for old_address in (f"events/{duplicate['slug']}/index.html", f"e/{duplicate['short_id']}/index.html"):
        assert entry_titles(out / old_address, out) == {target["slug"]: "Trump signs order on Section 230"}
        assert html(out / old_address).title.text == "Moved: Trump signs order on Section 230"


# 4. Feeds and data -----------------------------------------------------------------------------


def feed_ids_in(feed: bytes) -> list[str]:
    return [entry.id for entry in feedparser.parse(feed).entries]


def feed_ids(out: Path) -> dict[str, list[str]]:
    feeds = sorted(out.glob("feeds/**/*.xml"))
    return {path.relative_to(out).as_posix(): feed_ids_in(path.read_bytes()) for path in feeds}


def test_every_feed_parses_with_absolute_links_and_ids_that_survive_a_rebuild(
    flagship: tuple[ArchiveUnderTest, Path], tmp_path: Path
) -> None:
    archive, out = flagship
    feeds = sorted(out.glob("feeds/**/*.xml"))
    assert {"feeds/entries.xml", "feeds/changes.xml"} <= {f.relative_to(out).as_posix() for f in feeds}
    assert len(feeds) > 20
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        name = path.relative_to(out).as_posix()
        assert parsed.bozo == 0, f"{name}: {parsed.get('bozo_exception')}"
        assert parsed.version == "atom10", name
        assert parsed.entries, f"{name} is empty"
        ids = [entry.id for entry in parsed.entries]
        assert len(set(ids)) == len(ids), f"{name}: repeated ids"
        for entry in parsed.entries:
            assert entry.link.startswith(FLAGSHIP_BASE_URL), f"{name}: {entry.link}"
            assert resolve(out, out / "index.html", entry.link, FLAGSHIP_BASE_URL).is_file(), entry.link
    newest = feedparser.parse((out / "feeds/entries.xml").read_bytes())
    assert len(newest.entries) == len(archive.json("list"))

    rebuilt = tmp_path / "rebuilt"
    build(archive, rebuilt, "--full")
    assert feed_ids(rebuilt) == feed_ids(out)


def published_entries(out: Path) -> list[dict[str, Any]]:
    """Every entry in the site's data files, found through data/index.json."""
    listing = json.loads((out / "data/index.json").read_bytes())
    assert [row["year"] for row in listing] == sorted(row["year"] for row in listing)
    entries = []
    for row in listing:
        part = json.loads((out / f"data/{row['year']:04d}/entries.json").read_bytes())
        assert len(part) == row["entries"]
        assert row["json"].endswith(f"data/{row['year']:04d}/entries.json")
        entries += part
    return entries


def test_entries_json_holds_what_list_prints(flagship: tuple[ArchiveUnderTest, Path]) -> None:
    archive, out = flagship
    published = published_entries(out)
    listed = archive.json("list")
    assert [e["id"] for e in published] == [e["id"] for e in listed]
    assert published == listed


def comparable(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries without their revision number (an import starts every entry at revision 1)."""
    return [{k: v for k, v in entry.items() if k != "revision"} for entry in entries]


def test_entries_csv_imports_back_into_a_new_archive_as_the_same_entries(
    flagship: tuple[ArchiveUnderTest, Path], tmp_path: Path
) -> None:
    archive, out = flagship
    copy = ArchiveUnderTest(root=tmp_path / "copy", store_url=None, runner=CliRunner())
    copy.ok("init", str(copy.root))
    years = [row["year"] for row in json.loads((out / "data/index.json").read_bytes())]
    imported_count = 0
    for year in years:  # oldest first, so relations point back to entries already imported
        result = copy.ok("import", str(out / f"data/{year}/entries.csv"))
        imported_count += int(result.stdout.split()[1])
    original = archive.json("list")
    assert imported_count == len(original)
    imported = copy.json("list")
    assert [(e["id"], e["slug"]) for e in imported] == [(e["id"], e["slug"]) for e in original]
    assert comparable(imported) == comparable(original)


def test_data_files_round_trip_cells_a_spreadsheet_would_run(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    """Cells starting with = + - @ are written with an apostrophe, and read back without it."""
    first = sqlite_archive.add(
        "+1 million accounts removed", "2020-05-26", "takedown",
        "--summary", "- first point\n- second point", "--actor", "@jack:author", "--topic", "=SUM(A1)",
        "--source-author", "A. Reporter", "--source-quote", "-- the quote", "--source-language", "fr",
        "--source-archived-url", "https://web.archive.org/web/2020/https://example.com/x",
        "--source-url", "https://example.com/x",
    )  # fmt: skip
    sqlite_archive.ok(
        "source", "add", first["slug"], "--title", "Second report", "--publisher", "Other Wire",
        "--author", "B. Writer", "--author", "C. Writer", "--note", "gives a later date", "--reason", "second source",
    )  # fmt: skip
    answer = ("--link", "responds-to", first["slug"])
    sqlite_archive.add("Second entry answers the first", "2020-05-27", "statement", *answer)
    out = tmp_path / "site"
    build(sqlite_archive, out)
    rows = list(csv.DictReader(io.StringIO((out / "data/2020/entries.csv").read_text(encoding="utf-8"))))
    assert rows[0]["title"] == "'+1 million accounts removed"

    copy = ArchiveUnderTest(root=tmp_path / "copy", store_url=None, runner=CliRunner())
    copy.ok("init", str(copy.root))
    copy.ok("import", str(out / "data/2020/entries.csv"))
    original = sqlite_archive.json("list")
    assert comparable(copy.json("list")) == comparable(original)
    assert published_entries(out) == original


@pytest.mark.parametrize("count", [0, 1, 3])
def test_a_years_data_file_joined_from_ready_parts_is_what_json_dumps_gives(count: int) -> None:
    """The projection keeps each entry's published JSON; the year's file joins those parts, and must
    be byte for byte the file json.dumps would write for the list."""
    entries = [
        {"id": str(n), "title": f"Line one\nline two “quoted” {n}", "summary": "A\n\nB \\ \"c\"", "actors": [],
         "sources": [{"title": "Ünïcode", "authors": ["A", "B"]}], "relations": [], "retracted": False}
        for n in range(count)
    ]  # fmt: skip
    parts = [json.dumps(entry, ensure_ascii=False, indent=1) for entry in entries]
    expected = (json.dumps(entries, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    assert data.entries_json(parts) == expected


def test_changes_pages_stay_current_past_a_hundred_changes(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    """changes/page/N holds a fixed hundred changes and links to its neighbours; the newest-changes
    page shows the total. Passing a hundred adds page 2, and page 1 gains its link to it."""
    rows = tmp_path / "rows.csv"
    with rows.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["title", "kind", "date", "source_title"])
        for n in range(100):
            day = f"2020-01-{n % 28 + 1:02d}"
            writer.writerow([f"Platform removes network number {n}", "takedown", day, f"Report {n}"])
    sqlite_archive.ok("import", str(rows))
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    build(sqlite_archive, incremental)
    assert not (incremental / "changes/page/2/index.html").exists()
    first_page = (incremental / "changes/page/1/index.html").read_bytes()
    sqlite_archive.add("Platform removes one more network", "2020-02-01", "takedown")
    build(sqlite_archive, incremental)
    build(sqlite_archive, full, "--full")
    assert "101 in all" in html(incremental / "changes/index.html").get_text()
    assert (incremental / "changes/page/1/index.html").read_bytes() != first_page
    next_link = html(incremental / "changes/page/1/index.html").find("a", rel="next")
    assert next_link is not None and next_link["href"] == "../2/index.html"
    second = html(incremental / "changes/page/2/index.html").get_text()
    assert "Platform removes one more network" in second and "Changes 101 to 101" in second
    assert tree(incremental) == tree(full)


# 5. Incremental builds are full builds ---------------------------------------------------------


def test_incremental_builds_after_every_kind_of_change_equal_a_full_build(
    store: ArchiveUnderTest, tmp_path: Path
) -> None:
    a, b = tmp_path / "incremental", tmp_path / "full"
    entries = record_small_archive(store)
    alpha, beta, gamma, delta = (entries[k] for k in ("alpha", "beta", "gamma", "delta"))
    build(store, a)
    epsilon = store.add("Epsilon hearing on platform moderation", "2020-06-10", "hearing", "--actor", "US Senate")
    duplicate = store.add(
        "White House order on online censorship", "2020-05-28", "executive-order", "--platform", "Twitter"
    )
    changes = [
        ("correct", gamma["slug"], "--title", "Gamma sues the government", "--date", "2018-03", "--reason", "year"),
        ("source", "add", beta["slug"], "--title", "Labels explained", "--publisher", "Other Wire",
         "--url", "https://example.com/labels", "--reason", "a second account"),
        ("source", "withdraw", beta["slug"], "1", "--reason", "the first report was wrong"),
        ("link", delta["slug"], "related", epsilon["slug"], "--reason", "same week"),
        ("unlink", alpha["slug"], "responds-to", beta["slug"], "--reason", "no such link"),
        ("retract", delta["slug"], "--reason", "the takedown never happened"),
        ("merge", duplicate["slug"], alpha["slug"], "--reason", "the same order twice"),
        ("correct", alpha["slug"], "--title", "Alpha order on platform liability", "--reason", "after the merge"),
        ("correct", epsilon["slug"], "--topic", "content moderation", "--reason", "a topic"),
    ]  # fmt: skip
    build(store, a)
    for change in changes:
        store.ok(*change)
        build(store, a)

    full = build(store, b, "--full")
    incremental, complete = tree(a), tree(b)
    assert sorted(incremental) == sorted(complete)
    differing = sorted(name for name in complete if incremental[name] != complete[name])
    assert differing == []
    assert folders(a) == folders(b)
    assert full["files"] == len([path for path in complete if not is_manifest(path)])

    age_every_file(a)
    again = build(store, a)
    assert (again["written"], again["removed"], again["changes"]) == (0, 0, 0)
    assert touched(a) == set()
    assert tree(a) == complete


def test_new_settings_render_every_page_again_without_projecting_anew(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    """Pages show the title, language and base URL; the read model holds none of them."""
    a, b = tmp_path / "incremental", tmp_path / "full"
    record_small_archive(sqlite_archive)
    build(sqlite_archive, a)
    settings = sqlite_archive.root / "timeline.toml"
    text = settings.read_text(encoding="utf-8")
    for old, new in ((SMALL_BASE_URL, "https://example.net/archive/"), ("Test archive", "Renamed archive")):
        assert text.count(f'"{old}"') == 1
        text = text.replace(f'"{old}"', f'"{new}"')
    settings.write_text(text, encoding="utf-8")

    again = build(sqlite_archive, a)
    assert again["changes"] == 0
    assert again["written"] > 0
    build(sqlite_archive, b, "--full")
    assert tree(a) == tree(b)
    assert 'href="https://example.net/archive/"' in (a / "index.html").read_text(encoding="utf-8")


def test_a_change_in_long_listings_rewrites_only_the_pages_it_shows_on_and_equals_a_full_build(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    """A listing of 250 entries has three pages. A change that keeps an entry in it at the same dates
    renders only the pages from its old place to its new one; one that changes who is listed, or
    where, renders the whole listing. After each, the site is the one a full build makes."""
    rows = tmp_path / "rows.csv"
    with rows.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["title", "kind", "date", "platforms", "actors", "source_title"])
        for n in range(250):
            # Entries 90 to 129 share a day, across the boundary of the first two pages.
            day = dt.date(2020, 6, 15) + dt.timedelta(days=0 if 90 <= n < 130 else (n - 110) // 2)
            writer.writerow([f"Network takedown number {n:03d}", "takedown", day.isoformat(), "Twitter",
                             "Twitter:platform", f"Report {n}"])  # fmt: skip
    sqlite_archive.ok("import", str(rows))
    slugs = {e["title"]: e["slug"] for e in sqlite_archive.json("list")}
    target = slugs["Network takedown number 125"]
    sqlite_archive.add("An answer to takedown 200", "2021-02-01", "statement", "--link", "responds-to",
                                slugs["Network takedown number 200"])  # fmt: skip
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    build(sqlite_archive, incremental)
    listings = ("platforms/twitter/", "timeline/2020/", "actors/twitter/")
    listing_pages = {f"{name}{'' if n == 1 else f'page/{n}/'}index.html": n for name in listings for n in (1, 2, 3)}
    assert all((incremental / page).is_file() for page in listing_pages)

    def change(*command: str) -> set[int]:
        """Make the change, build, check the site against a full build; the listing pages rewritten."""
        sqlite_archive.ok(*command)
        age_every_file(incremental)
        build(sqlite_archive, incremental)
        shutil.rmtree(full, ignore_errors=True)
        build(sqlite_archive, full, "--full")
        assert tree(incremental) == tree(full), command
        return {listing_pages[p] for p in touched(incremental) if p in listing_pages}

    # Words no card shows: no listing page changes.
    assert change("correct", target, "--summary", "A longer account.", "--reason", "detail") == set()
    # A new title moves the entry from page 2 to page 1 among the entries of its day: pages 1 and 2.
    assert change("correct", target, "--title", "Network takedown number 095b", "--reason", "name") == {1, 2}
    # A linked entry's new title shows on the cards linking to it: the page of each.
    assert change("correct", slugs["Network takedown number 200"], "--title", "Network takedown number 200b",
                  "--reason", "name") == {3}  # fmt: skip
    # The actor's role shows on the actor's page only.
    assert change("correct", target, "--actor", "Twitter:enforcer", "--reason", "role") == {1}
    # A new date, a retraction: every page of the listings.
    assert change("correct", slugs["Network takedown number 010"], "--date", "2020-12-30", "--reason", "day") == {
        1, 2, 3
    }  # fmt: skip
    assert change("retract", slugs["Network takedown number 020"], "--reason", "never happened") == {1, 2, 3}


# 6. A retracted entry --------------------------------------------------------------------------


def test_a_retracted_entry_keeps_its_page_with_the_reason_and_leaves_every_listing(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    entries = record_small_archive(sqlite_archive)
    beta = entries["beta"]
    out = tmp_path / "site"
    build(sqlite_archive, out)
    listings = ["index.html", "timeline/2020/index.html", "platforms/twitter/index.html", "actors/twitter/index.html"]
    for listing in listings:
        assert beta["slug"] in entry_links(out / listing, out)

    sqlite_archive.ok("retract", beta["slug"], "--reason", "the labels were never added")
    build(sqlite_archive, out)

    page = html(out / "events" / beta["slug"] / "index.html")
    notice = page.find(class_="retracted")
    assert notice is not None
    assert "the labels were never added" in notice.get_text()
    assert (out / "events" / beta["slug"] / "v1/index.html").is_file()
    assert (out / "events" / beta["slug"] / "v2/index.html").is_file()
    for listing in listings:
        assert beta["slug"] not in entry_links(out / listing, out), listing
    # The facets only beta had no longer list it (whether or not their pages stay); nor do the data and feeds.
    assert not lists(out, "topics/election-misinformation", beta["slug"])
    assert not lists(out, "kinds/label", beta["slug"])
    live = [entries[k]["slug"] for k in ("gamma", "delta", "alpha")]
    assert [e["slug"] for e in published_entries(out)] == live
    csv_slugs = []
    for year in ("2017", "2019", "2020"):
        rows = csv.DictReader(io.StringIO((out / f"data/{year}/entries.csv").read_text()))
        csv_slugs += [row["slug"] for row in rows]
    assert csv_slugs == live
    beta_url = f"{SMALL_BASE_URL}events/{beta['slug']}/"
    assert beta_url not in [e.link for e in feedparser.parse((out / "feeds/entries.xml").read_bytes()).entries]
    assert beta_url not in [loc.text for loc in etree.parse(str(out / "sitemap.xml")).iter("{*}loc")]
    # Its pages still link only to pages that exist.
    assert broken_links(out, SMALL_BASE_URL) == []


# 7. Safe writing -------------------------------------------------------------------------------


def test_pages_no_longer_produced_are_removed_with_their_folders(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    entries = record_small_archive(sqlite_archive)
    out = tmp_path / "site"
    build(sqlite_archive, out)
    assert (out / "timeline/2017/index.html").is_file()

    sqlite_archive.ok("correct", entries["gamma"]["slug"], "--date", "2018-03", "--reason", "the suit was 2018")
    counts = build(sqlite_archive, out)

    assert counts["removed"] == 3  # the 2017 year page and that year's two data files
    assert not (out / "timeline/2017").exists(), sorted(p.name for p in (out / "timeline").iterdir())
    assert not (out / "data/2017").exists()
    assert (out / "data/2018/entries.csv").is_file()
    assert (out / "timeline/2018/index.html").is_file()
    manifest = read_manifest(out)
    assert manifest is not None and "timeline/2017/index.html" not in manifest["files"]
    for year in (2018, 2019, 2020):
        assert "2017" not in html(out / f"timeline/{year}/index.html").find("nav", class_="years").get_text()
    assert broken_links(out, SMALL_BASE_URL) == []


def test_year_pages_list_every_year_that_has_entries(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    """Each year page lists the years (the home page adds their counts): a new year shows on all of
    them, and another entry in an existing year rewrites only its own year page."""
    record_small_archive(sqlite_archive)
    out = tmp_path / "site"
    build(sqlite_archive, out)
    other_years = {y: (out / f"timeline/{y}/index.html").read_bytes() for y in (2017, 2019)}
    sqlite_archive.add("Epsilon hearing on platform moderation", "2020-06-10", "hearing")
    build(sqlite_archive, out)
    assert {y: (out / f"timeline/{y}/index.html").read_bytes() for y in (2017, 2019)} == other_years
    home = html(out / "index.html").find("nav", class_="years")
    assert {li.a.text: li.find(class_="count").text for li in home.find_all("li")} == {
        "2017": "(1)",
        "2019": "(1)",
        "2020": "(3)",
    }
    sqlite_archive.add("Zeta statement on encryption", "2021-02-01", "statement")
    build(sqlite_archive, out)
    for year in (2017, 2019, 2020, 2021):
        nav = html(out / f"timeline/{year}/index.html").find("nav", class_="years")
        assert [li.a.text for li in nav.find_all("li")] == ["2017", "2019", "2020", "2021"], year


@contextlib.contextmanager
def rendering_fails_after(keys: int) -> Iterator[list[str]]:
    """Make the renderer raise once it has rendered KEYS page keys, as a crash mid-build would."""
    rendered: list[str] = []
    original = render.Renderer.render

    def failing(self: render.Renderer, key: str) -> dict[str, bytes]:
        if len(rendered) == keys:
            raise RuntimeError("the build was interrupted")
        rendered.append(key)
        return original(self, key)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render.Renderer, "render", failing)
        yield rendered


def well_formed(name: str, content: bytes) -> bool:
    if name.endswith(".html"):
        return content.rstrip().endswith(b"</html>")
    if name.endswith(".json"):
        json.loads(content)
        return True
    if name.endswith(".xml"):
        etree.fromstring(content)
        return True
    return True


def test_an_interrupted_build_leaves_whole_files_and_the_next_build_completes_it(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    entries = record_small_archive(sqlite_archive)
    out, full = tmp_path / "site", tmp_path / "full"
    build(sqlite_archive, out)
    old = tree(out)
    sqlite_archive.ok("correct", entries["alpha"]["slug"], "--title", "Alpha order, retitled", "--reason", "typo")
    sqlite_archive.ok("correct", entries["delta"]["slug"], "--title", "Delta, retitled", "--reason", "typo")
    build(sqlite_archive, full, "--full")
    new = tree(full)

    with (
        service_for(sqlite_archive) as service,
        rendering_fails_after(8) as rendered,
        pytest.raises(RuntimeError, match="interrupted"),
    ):
        build_site(service.app, service.archive, out)
    assert len(rendered) == 8

    interrupted = tree(out)
    assert [p.name for p in out.rglob("*.tmp")] == []
    assert all(well_formed(name, content) for name, content in interrupted.items())
    neither = sorted(n for n, c in interrupted.items() if c != old.get(n) and c != new.get(n))
    assert neither == []
    # The pages rendered before the interruption all existed: their new versions are published only once
    # every new file they may link to is written (see timeline/site/publishing.py), so the site is the old one.
    assert interrupted == old
    assert any(new.get(n) != c for n, c in interrupted.items()), "everything was written before the interruption"

    build(sqlite_archive, out)
    assert tree(out) == new
    assert folders(out) == folders(full)


# 8. serve --------------------------------------------------------------------------------------


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_serve_serves_the_site_and_rebuilds_it_when_the_store_changes(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    first = sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    out = tmp_path / "served"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIMELINE_")} | sqlite_archive.env()
    server = subprocess.Popen(
        [sys.executable, "-m", "timeline", "serve", "--port", "0", "--interval", "0.2", "--out", str(out)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in server.stdout], daemon=True).start()
    try:
        url = None
        deadline = time.monotonic() + 15
        while url is None and time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                match = re.search(r"at (http://127\.0\.0\.1:\d+/)", lines.get(timeout=0.5))
                url = match.group(1) if match else None
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
        assert url is not None, "serve did not print its address within 15 s"

        status, body = fetch(url)
        assert status == 200 and b"Twitter labels two tweets" in body
        assert fetch(f"{url}events/{first['slug']}/")[0] == 200

        second = sqlite_archive.add("Trump signs an order on platform liability", "2020-05-28", "executive-order")
        page = f"{url}events/{second['slug']}/"
        deadline = time.monotonic() + 15
        # Pages are written one by one as the rebuild goes: wait for the home page to list it too.
        while (fetch(page)[0] != 200 or b"Trump signs an order" not in fetch(url)[1]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert fetch(page)[0] == 200, "the new entry's page was not served within 15 s"
        # The home page, which links to it, is replaced once every new page is written: a moment later.
        while b"Trump signs an order on platform liability" not in fetch(url)[1] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert b"Trump signs an order on platform liability" in fetch(url)[1]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_change_re_indexes_only_its_part_of_the_search_index(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    """The search index is one Pagefind index per half-year of slug, merged by the search page: a
    correction re-indexes its own half-year, and the other parts are left as they were."""
    entries = record_small_archive(sqlite_archive)
    out = tmp_path / "site"
    build(sqlite_archive, out)
    parts = json.loads((out / "pagefind" / "parts.json").read_text())
    assert parts == ["2017-h1", "2019-h2", "2020-h1"]
    before = {part: (out / "pagefind" / part / "pagefind-entry.json").stat().st_ino for part in parts}
    sqlite_archive.ok("correct", entries["delta"]["slug"], "--title", "Delta removes a network", "--reason", "r")
    build(sqlite_archive, out)
    after = {part: (out / "pagefind" / part / "pagefind-entry.json").stat().st_ino for part in parts}
    assert [part for part in parts if before[part] != after[part]] == ["2019-h2"]


def test_a_second_build_of_the_same_folder_waits_for_the_first_and_then_says_so(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    """Two builds of one folder would write the same files and read model at once: the second
    waits for the lock, and gives up with one line if the first does not finish in time."""
    import fcntl

    from timeline.files.archive import find_archive
    from timeline.site.build import view_path

    sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    out = tmp_path / "site"
    lock = view_path(find_archive(sqlite_archive.root, str(sqlite_archive.root)), out).with_suffix(".lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # a build in progress, as another process would hold it
        refused = sqlite_archive.run("--lock-timeout", "0", "build", "--out", str(out))
        assert refused.exit_code == 2
        expected = f"error: another 'timeline build' is writing {out}; try again when it has finished"
        assert refused.stderr.strip() == expected
        assert not out.exists()
    assert build(sqlite_archive, out)["written"] > 0


def test_published_files_and_entry_files_are_readable_by_others_as_the_umask_allows(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    """A web server running as another user must be able to read the site."""
    entry = sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    out = tmp_path / "site"
    build(sqlite_archive, out)
    umask = os.umask(0o022)
    os.umask(umask)
    expected = 0o666 & ~umask
    for path in [out / "index.html", out / f"events/{entry['slug']}/index.html", out / "manifest.json"]:
        assert path.stat().st_mode & 0o777 == expected, path
    assert (sqlite_archive.root / "events" / f"{entry['slug']}.md").stat().st_mode & 0o777 == expected
