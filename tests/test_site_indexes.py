"""Every folder of the site has a page, and the 404 page works wherever it is served.

What these tests prove:

1. Trimming any address of the built site folder by folder always reaches a page (an index.html):
   timeline/ and events/ list the years with their counts, e/ says what short links are, feeds/
   names the feeds, feeds/<facet>/ lists each name's feed, data/<year>/ links its files; assets/
   and manifest/ say what they hold; a long listing's page/ leads to its first page. (The search
   index, pagefind/, is Pagefind's and for the search page only.) The nav's "Timeline" goes to
   timeline/.
2. The years' indexes follow the archive: a new year and a count that changes show after an
   incremental build, which equals a full build.
3. The 404 page links only root-relative addresses under base_url's path, so it is styled and its
   links work on any origin; `timeline serve` answers a missing address with it, status 404, and
   serves those addresses; in Chromium, the page served from another origin than base_url's has
   its stylesheet applied.
4. ``licence`` and ``report_error`` in timeline.toml put a licence line and a "Report an error" link
   (an e-mail address as a mailto: link) in every page's footer; a bad address is refused by name.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import http.server
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from conftest import ArchiveUnderTest
from playwright.sync_api import Browser
from sitebuild import SMALL_BASE_URL, broken_links, build, html, record_small_archive, tree
from test_serve import serving

from timeline.site import urls

SEARCH_INDEX = "pagefind"
SUB_PATH_BASE_URL = "https://archive.example.net/policy/timeline/"


def fetch(url: str) -> tuple[int, bytes]:
    """The status and body of a GET of URL, an error's body too."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def folders_without_a_page(out: Path) -> set[str]:
    """Every folder reached by trimming the address of a file of OUT that has no index.html."""
    missing = set()
    for path in out.rglob("*"):
        address = path.relative_to(out)
        if not path.is_file() or address.parts[0] == SEARCH_INDEX:
            continue
        for folder in address.parents:
            if not (out / folder / "index.html").is_file():
                missing.add(f"{folder.as_posix()}/")
    return missing


def year_counts(page: BeautifulSoup) -> dict[str, str]:
    """The years a page lists, each with its count as shown."""
    years = page.find("nav", class_="years")
    assert years is not None
    return {li.a.get_text(): li.find(class_="count").get_text() for li in years.find_all("li")}


def set_base_url(archive: ArchiveUnderTest, base_url: str) -> None:
    settings = archive.root / "timeline.toml"
    lines = settings.read_text(encoding="utf-8").splitlines()
    lines = [f'base_url = "{base_url}"' if line.startswith("base_url") else line for line in lines]
    settings.write_text("\n".join(lines) + "\n", encoding="utf-8")


# 1. Every folder has a page ---------------------------------------------------------------------


def test_every_folder_a_reader_reaches_by_trimming_an_address_has_a_page(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    entries = record_small_archive(sqlite_archive)
    sqlite_archive.ok("bundle", "create", "brief", entries["alpha"]["slug"], "--title", "A brief")
    out = tmp_path / "site"
    build(sqlite_archive, out)

    for folder in ("timeline/", "events/", "e/", "feeds/", "feeds/actors/", "data/2020/", "assets/", "manifest/"):
        assert (out / folder / "index.html").is_file(), folder
    assert folders_without_a_page(out) == set()
    assert broken_links(out, SMALL_BASE_URL) == []


def test_the_indexes_say_what_their_folder_holds(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    record_small_archive(sqlite_archive)
    out = tmp_path / "site"
    build(sqlite_archive, out)

    home = html(out / "index.html")
    nav = home.find("nav", attrs={"aria-label": "Site"})
    assert nav.find("a", string="Timeline")["href"] == "timeline/index.html"

    # The years with their counts (alpha and beta in 2020), linking to the year pages.
    timeline = html(out / "timeline/index.html")
    assert timeline.h1.get_text() == "Timeline"
    assert year_counts(timeline) == {"2017": "(1)", "2019": "(1)", "2020": "(2)"}
    links = {a.get_text(): a["href"] for a in timeline.find("nav", class_="years").find_all("a")}
    assert links == {y: f"{y}/index.html" for y in ("2017", "2019", "2020")}
    assert year_counts(html(out / "events/index.html")) == year_counts(timeline)

    short_links = html(out / "e/index.html")
    assert "never changes" in short_links.main.get_text()
    assert short_links.main.find("a", href="../events/index.html") is not None

    feeds = html(out / "feeds/index.html").main
    feed_links = {a["href"] for a in feeds.find_all("a")}
    assert {"entries.xml", "changes.xml"} <= feed_links
    assert {f"{facet}/index.html" for facet in urls.FACETS} <= feed_links
    actor_feeds = html(out / "feeds/actors/index.html").main.find("ul", class_="facet-list")
    listed = {a.get_text(): a["href"] for a in actor_feeds.find_all("a")}
    assert listed == {"Donald Trump": "donald-trump.xml", "Facebook": "facebook.xml", "Twitter": "twitter.xml"}
    assert all((out / "feeds/actors" / href).is_file() for href in listed.values())

    data_year = html(out / "data/2020/index.html").main
    assert {a["href"] for a in data_year.find_all("a")} >= {"entries.json", "entries.csv", "../index.html"}
    assert "The 2 live entries" in data_year.get_text()


def test_the_folder_of_a_listings_later_pages_leads_to_its_first(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    """101 entries in 2020 (and as many changes) make a second page of the year, of Twitter's
    pages and of the change log; the folder of those pages leads to the first. When the year
    is back to one page, the folder goes with its second page, as a full build has it."""
    rows = tmp_path / "rows.csv"
    with rows.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["title", "kind", "date", "platforms", "source_title"])
        for n in range(101):
            writer.writerow(
                [f"Network takedown number {n:03d}", "takedown", f"2020-06-{n % 28 + 1:02d}", "Twitter", "R"]
            )
    sqlite_archive.ok("import", str(rows))
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    build(sqlite_archive, incremental)

    assert folders_without_a_page(incremental) == set()
    for folder, first in (("timeline/2020/page/", "../index.html"), ("platforms/twitter/page/", "../index.html"),
                          ("changes/page/", "../index.html")):  # fmt: skip
        later = html(incremental / folder / "index.html").main
        assert later.find("a", string="its first page")["href"] == first, folder
    assert broken_links(incremental, SMALL_BASE_URL) == []

    slug = next(e["slug"] for e in sqlite_archive.json("list") if e["title"].endswith("050"))
    sqlite_archive.ok("retract", slug, "--reason", "never happened")
    build(sqlite_archive, incremental)
    build(sqlite_archive, full, "--full")
    assert not (incremental / "timeline/2020/page").exists()
    assert (incremental / "changes/page/index.html").is_file()
    assert tree(incremental) == tree(full)


# 2. The indexes follow the archive ----------------------------------------------------------------


def test_a_new_year_and_a_changed_count_show_on_the_indexes_as_a_full_build_has_them(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    entries = record_small_archive(sqlite_archive)
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    build(sqlite_archive, incremental)

    sqlite_archive.add("Epsilon hearing on platform moderation", "2021-03-02", "hearing", "--actor", "US Senate")
    sqlite_archive.ok("retract", entries["beta"]["slug"], "--reason", "the labels were never added")
    build(sqlite_archive, incremental)
    build(sqlite_archive, full, "--full")

    expected = {"2017": "(1)", "2019": "(1)", "2020": "(1)", "2021": "(1)"}
    assert year_counts(html(incremental / "timeline/index.html")) == expected
    assert year_counts(html(incremental / "events/index.html")) == expected
    actors = html(incremental / "feeds/actors/index.html").main.find("ul", class_="facet-list")
    assert "US Senate" in actors.get_text()
    assert tree(incremental) == tree(full)


# 3. The 404 page, anywhere ------------------------------------------------------------------------


def test_the_404_page_links_root_relative_addresses_under_the_base_url_path(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    record_small_archive(sqlite_archive)
    set_base_url(sqlite_archive, SUB_PATH_BASE_URL)
    out = tmp_path / "site"
    build(sqlite_archive, out)

    page = html(out / "404.html")
    addresses = [tag["href"] for tag in page.find_all(["a", "link"], href=True)]
    addresses += [tag["src"] for tag in page.find_all(["script", "img"], src=True)]
    assert addresses, "the 404 page links somewhere"
    # (The skip link stays on the page.)
    assert [a for a in addresses if not a.startswith(("/policy/timeline/", "#"))] == [], addresses
    assert page.find("link", rel="stylesheet")["href"] == "/policy/timeline/assets/style.css"
    assert page.find("link", rel="icon")["href"] == "/policy/timeline/assets/favicon.svg"
    nav = page.find("nav", attrs={"aria-label": "Site"})
    assert nav.find("a", string="Timeline")["href"] == "/policy/timeline/timeline/"
    assert page.find("link", rel="canonical") is None, "a 404 page is the page of no address"
    assert broken_links(out, SUB_PATH_BASE_URL) == []


def test_serve_answers_a_missing_address_with_the_sites_404_page(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    set_base_url(sqlite_archive, SUB_PATH_BASE_URL)
    out = tmp_path / "site"
    with serving(sqlite_archive, out) as (url, _):
        status, body = fetch(f"{url}no-such-page/")
        # The 404 page's own links, under the base URL's path, are served too.
        stylesheet = fetch(f"{url}policy/timeline/assets/style.css")
        year = fetch(f"{url}policy/timeline/timeline/2020/")
    assert status == 404
    assert body == (out / "404.html").read_bytes()
    assert BeautifulSoup(body, "lxml").h1.get_text() == "Page not found"
    assert stylesheet == (200, (out / "assets/style.css").read_bytes())
    assert year == (200, (out / "timeline/2020/index.html").read_bytes())


class NotFoundHandler(http.server.SimpleHTTPRequestHandler):
    """A host of the site at its root, quietly, answering every missing address with its 404 page."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def hosted(out: Path) -> Iterator[str]:
    """OUT served on 127.0.0.1 at a free port; yields the server's root address."""
    handler = functools.partial(NotFoundHandler, directory=str(out))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/"
        finally:
            server.shutdown()


def test_the_404_page_is_styled_on_an_origin_other_than_the_base_urls(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path, browser: Browser
) -> None:
    sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    out = tmp_path / "site"
    build(sqlite_archive, out)  # base_url is https://example.org/: never this server

    context = browser.new_context()
    try:
        page = context.new_page()
        with hosted(out) as root:
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            response = page.goto(f"{root}deep/no/such/page/")
            assert response is not None and response.status == 404
            page.wait_for_load_state("load")
            font = page.evaluate("getComputedStyle(document.body).fontFamily")
            timeline_link = page.locator("nav a", has_text="Timeline").evaluate("a => a.href")
    finally:
        context.close()
    assert "Georgia" in font, "style.css applied"
    assert f"{root}assets/style.css" in requested
    assert not any("example.org" in url for url in requested)
    assert timeline_link == f"{root}timeline/"


# 4. The footer's licence and "report an error" ---------------------------------------------------


def add_settings(archive: ArchiveUnderTest, *lines: str) -> None:
    with (archive.root / "timeline.toml").open("a", encoding="utf-8") as settings:
        settings.write("\n".join(lines) + "\n")


def test_the_footer_shows_the_licence_and_where_to_report_an_error(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    entry = sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    out = tmp_path / "site"
    build(sqlite_archive, out)
    footer = html(out / "index.html").find("footer")
    assert footer.find(class_="licence") is None and footer.find("a", string="Report an error") is None

    add_settings(sqlite_archive, 'licence = "Text and data: CC BY 4.0"', 'report_error = "corrections@example.org"')
    build(sqlite_archive, out)  # (new settings render every page again)
    for page in ("index.html", f"events/{entry['slug']}/index.html", "timeline/index.html", "404.html"):
        footer = html(out / page).find("footer")
        assert footer.find(class_="licence").get_text() == "Text and data: CC BY 4.0", page
        assert footer.find("a", string="Report an error")["href"] == "mailto:corrections@example.org", page


def test_a_report_error_address_that_is_neither_web_nor_mail_is_refused(sqlite_archive: ArchiveUnderTest) -> None:
    add_settings(sqlite_archive, 'report_error = "javascript:alert(1)"')
    result = sqlite_archive.run("list")
    assert result.exit_code != 0
    assert "report_error: 'javascript:alert(1)' is neither a web address nor an e-mail address" in result.stderr
