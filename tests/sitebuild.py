"""Building the test archives' sites and reading them back, for tests/test_site.py and
tests/test_site_builds.py."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import feedparser
from bs4 import BeautifulSoup
from conftest import ArchiveUnderTest
from lxml import etree

from timeline.app.service import ArchiveService

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP_BASE_URL = "https://example.org/timeline/"
SMALL_BASE_URL = "https://example.org/"  # what `timeline init` writes
SUMMARY = re.compile(r"built ([\d,]+) files?, ([\d,]+) written, ([\d,]+) removed, from ([\d,]+) new changes?,")
OLD_MTIME_NS = 1_000_000_000 * 10**9  # 2001-09-09: any rewrite moves a file's mtime away from it


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
    """The manifest and its parts (manifest/index.html, which says what they are, is a page)."""
    return path == "manifest.json" or (path.startswith("manifest/") and path.endswith(".json"))


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
    if link.startswith(base_url) or (link.startswith("/") and not link.startswith("//")):
        # Absolute links of our own (canonical links), and root-relative ones (the 404 page's).
        path, base_path = unquote(urlsplit(link).path), urlsplit(base_url).path
        if not path.startswith(base_path):
            return Path("/") / path.lstrip("/")  # (outside the site)
        path = path[len(base_path) :]
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
        "--link", "responds-to", alpha["slug"], "--allow-out-of-order",
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


def sitemap_locations(out: Path, base_url: str) -> list[str]:
    """Every address the sitemap lists: those of each part its index (sitemap.xml) names."""
    index = etree.parse(str(out / "sitemap.xml")).getroot()
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    found = []
    for part in index.iter("{*}loc"):
        assert part.text and part.text.startswith(base_url), part.text
        found += [loc.text for loc in etree.parse(str(out / part.text.removeprefix(base_url))).iter("{*}loc")]
    return found
