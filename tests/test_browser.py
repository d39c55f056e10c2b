"""The built site in a real browser: Chromium, driven by Playwright, with axe-core for accessibility.

The site is the flagship archive (a copy of this repository's ``timeline.toml`` and ``events/``) plus
entries that give every page type: a retracted entry, an entry merged into the executive order (its
address and short link become redirects), a corrected entry (so a v2 revision page exists), an entry
with an Arabic title and an Arabic source quoting Arabic text, a citation bundle and a withdrawn one. It is built
once, hosted under a sub-path (``/timeline/``) by a local HTTP server on 127.0.0.1 that answers a
missing address with the site's own 404 page, as a web host would; ``base_url`` names that address,
so the 404 page's root-relative links (under base_url's path) resolve. Every request the browser
makes elsewhere is refused.

What these tests prove:

1. A reader can go from the home page to an entry, to one of its actors, to an entry listed there,
   to a related entry, and back, with the browser's history.
2. Search finds the executive order on "Section 230", every result shows its title, date, kind and
   an excerpt, the kind filter narrows the results, and ``?q=`` fills in and runs a search.
3. The keyboard reaches every visible link (the skip link first, which moves to the content), and
   the focused element always shows a focus indicator.
4. No page logs a console error, breaks its Content-Security-Policy, or has a failed request or a
   response of 400 or more (but the deliberate navigation to a missing address, answered by the
   404 page). Search runs Pagefind's WebAssembly under the policy.
5. (tests/test_accessibility.py) axe-core finds no WCAG 2.1 A/AA violation on any page type, nor
   with the filter chips pressed; nor on one page of every type the site has (every facet kind and
   index, feeds, data, about, methodology, a withdrawn bundle, the merged entry's old address, the
   second page of the changes and of a year, from a build with pages of ten) at 320 and 1280 px,
   and none of them scrolls sideways at 320 px (WCAG 1.4.10, reflow).
6. Without JavaScript every page has its heading, every live entry can be reached from the home
   page by following links, and the search page offers the ways to browse instead.
7. The filter chips on a year page hide the other kinds, say so, and undo.
8. Each citation gets a Copy button that puts it on the clipboard; without JavaScript, none, and
   the citation is plain text.
9. Screenshots at phone and desktop widths land in ``test-artifacts/screenshots/``; no page scrolls
   sideways on a phone.
10. An Arabic title and quotation run right to left, and the Arabic source is marked ``lang="ar"``;
    the title runs right to left wherever it is listed too, and the source's own page marks its
    Arabic heading as Arabic.
11. In dark mode the page is dark and still has enough contrast.

The tests need Chromium at /usr/bin/chromium (the ``browser`` fixture in conftest.py): without it they
skip on a laptop and fail in CI. The session prints the version of the Chromium it launched.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from click.testing import CliRunner
from conftest import ArchiveUnderTest, copy_flagship_files
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    expect,
)

import timeline.site.listingplaces as site_listingplaces
import timeline.site.projection as site_projection
import timeline.site.urls as site_urls

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
SUBPATH = "timeline/"  # the site is hosted under a sub-path, as the README says it may be

EXECUTIVE_ORDER = "2020-05-28-trump-signs-executive-order-targeting-section-230-protections"
EXECUTIVE_ORDER_TITLE = "Trump signs executive order targeting Section 230 protections"
REVOCATION_TITLE = "Biden revokes Trump's executive order on online censorship"
LABELS = "2020-05-26-twitter-adds-fact-check-labels-to-trump-tweets-on-mail-in-ballots"
LABELS_TITLE = "Twitter adds fact-check labels to Trump tweets on mail-in ballots"
ARABIC_TITLE = "تويتر يضيف علامات تدقيق الحقائق إلى تغريدات ترامب"
ARABIC_SOURCE_TITLE = "تويتر يصنف تغريدات ترامب"
ARABIC_QUOTE = "معلومات مضللة"
BUNDLE = "browser-bundle"
WITHDRAWN_BUNDLE = "withdrawn-bundle"

WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
COLOR_CONTRAST = {"runOnly": {"type": "rule", "values": ["color-contrast"]}, "resultTypes": ["violations"]}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
CRAWL_LIMIT = 400  # pages; the site has about 160


# The site, built once and served on 127.0.0.1 --------------------------------------------------


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the web root quietly; a missing address gets the site's 404 page, as a host would."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        not_found = Path(self.directory) / SUBPATH / "404.html"
        if code != 404 or not not_found.is_file():
            super().send_error(code, message, explain)
            return
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@dataclass
class Site:
    """The built site and the address it is served at."""

    base: str  # the site's root URL, ending in "/timeline/"
    out: Path
    slugs: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        """The server's origin, "http://127.0.0.1:PORT"."""
        parts = urlsplit(self.base)
        return f"{parts.scheme}://{parts.netloc}"

    def url(self, path: str) -> str:
        return self.base + path

    def entry(self, slug: str) -> str:
        return self.url(f"events/{slug}/index.html")

    def file(self, url: str) -> Path:
        """The file a URL of the site is served from."""
        path = url.removeprefix(self.base)
        return self.out / (path + "index.html" if path == "" or path.endswith("/") else path)

    def live_entries(self) -> list[dict[str, Any]]:
        """Every live entry, from the site's data files (one per year, listed in data/index.json)."""
        listing = json.loads((self.out / "data" / "index.json").read_bytes())
        files = [self.out / f"data/{row['year']:04d}/entries.json" for row in listing]
        return [entry for path in files for entry in json.loads(path.read_bytes())]


@contextlib.contextmanager
def served(root: Path) -> Iterator[tuple[str, Path]]:
    """Serve ROOT/www on 127.0.0.1; yields the site's address under the sub-path and the folder to build into."""
    www = root / "www"
    www.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SiteHandler, directory=str(www)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{SUBPATH}", www / SUBPATH.rstrip("/")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def flagship_archive(root: Path, base: str) -> ArchiveUnderTest:
    """A copy of the flagship archive in ROOT/archive whose base_url is BASE."""
    archive_root = root / "archive"
    archive_root.mkdir()
    settings = (ROOT / "timeline.toml").read_text()
    settings, replaced = re.subn(r'(?m)^base_url = ".*"$', f'base_url = "{base}"', settings)
    assert replaced == 1, "timeline.toml has no base_url line"
    (archive_root / "timeline.toml").write_text(settings)
    copy_flagship_files(archive_root, settings=False)
    return ArchiveUnderTest(root=archive_root, store_url=None, runner=CliRunner())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The flagship archive plus the extra entries, built into www/timeline/ and served from www/."""
    root = tmp_path_factory.mktemp("browser")
    with served(root) as (base, out):
        archive = flagship_archive(root, base)
        archive.ok("build", "--out", str(out))  # records the flagship entries from events/
        slugs = record_extra_entries(archive)
        archive.ok("build", "--out", str(out))
        yield Site(base=base, out=out, slugs=slugs)


SHORT_PAGE = 10  # listings of ten, so that the flagship archive's changes and years run to several pages


@pytest.fixture(scope="module")
def paged_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The flagship archive built with pages of ten, for the pages after a listing's first.

    The flagship's changes fit on one page of a hundred; recording a hundred more would slow every
    browser test, so the page size, a constant read by the build, is shortened for this build only.
    """
    root = tmp_path_factory.mktemp("paged")
    with served(root) as (base, out), pytest.MonkeyPatch.context() as patch:
        for module in (site_urls, site_listingplaces, site_projection):
            patch.setattr(module, "PAGE_SIZE", SHORT_PAGE)
        flagship_archive(root, base).ok("build", "--out", str(out))
        patch.undo()
        yield Site(base=base, out=out)


def record_extra_entries(archive: ArchiveUnderTest) -> dict[str, str]:
    """A retracted, a merged, a corrected and an Arabic entry (the corrected one citing the Arabic
    source too), and a bundle; returns their slugs."""
    retracted = archive.add("Placeholder recorded by mistake", "2020-05-29", "statement")
    archive.ok("retract", retracted["slug"], "--reason", "recorded by mistake")
    merged = archive.add(
        "White House order on preventing online censorship", "2020-05-28", "executive-order",
        "--actor", "White House:issuer",
    )  # fmt: skip
    archive.ok("merge", merged["slug"], EXECUTIVE_ORDER, "--reason", "the same order recorded twice")
    corrected = archive.add(
        "Senator asks FTC to review platform moderation", "2020-05-29", "statement",
        "--actor", "Josh Hawley:author", "--link", "responds-to", EXECUTIVE_ORDER,
    )  # fmt: skip
    archive.ok(
        "correct", corrected["slug"], "--title", "Senator asks FTC to investigate platform moderation",
        "--reason", "the letter asks for an investigation",
    )  # fmt: skip
    arabic = archive.json(
        "add", "--title", ARABIC_TITLE, "--kind", "label", "--date", "2020-05-27",
        "--actor", "Twitter:author", "--platform", "Twitter",
        "--source-title", ARABIC_SOURCE_TITLE, "--source-publisher", "الجزيرة", "--source-language", "ar",
        "--source-quote", ARABIC_QUOTE, "--source-quote-by", "تويتر",
    )  # fmt: skip
    # Cited by two entries, the Arabic source has its own page.
    archive.ok(
        "source", "add", corrected["slug"], "--title", ARABIC_SOURCE_TITLE, "--publisher", "الجزيرة",
        "--language", "ar", "--reason", "the letter is reported there too",
    )  # fmt: skip
    archive.ok("bundle", "create", BUNDLE, EXECUTIVE_ORDER, LABELS, "--title", "Browser test bundle")
    archive.ok("bundle", "create", WITHDRAWN_BUNDLE, LABELS, "--title", "Withdrawn browser test bundle")
    archive.ok("bundle", "delete", WITHDRAWN_BUNDLE, "--reason", "pinned the wrong entry")
    return {
        "retracted": retracted["slug"],
        "merged": merged["slug"],
        "merged_short_id": merged["short_id"],
        "corrected": corrected["slug"],
        "arabic": arabic["slug"],
    }


# The browser ----------------------------------------------------------------------------------


def only_this_host(context: BrowserContext, site: Site) -> BrowserContext:
    """Refuse every request that does not go to the local server (it then shows as a failed request)."""
    context.route(lambda url: not url.startswith(site.origin + "/"), lambda route: route.abort("blockedbyclient"))
    return context


# A violation of the pages' Content-Security-Policy becomes a console error (see problems_of).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    console.error("CSP violation: " + event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def context(browser: Browser, site: Site) -> Iterator[BrowserContext]:
    """A fresh browser profile with JavaScript, at the default desktop size."""
    made = only_this_host(browser.new_context(viewport=DESKTOP), site)
    made.add_init_script(REPORT_CSP_VIOLATIONS)
    yield made
    made.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def no_script(browser: Browser, site: Site) -> Iterator[Page]:
    """A page in a browser profile with JavaScript turned off."""
    made = only_this_host(browser.new_context(java_script_enabled=False, viewport=DESKTOP), site)
    yield made.new_page()
    made.close()


# Page types -------------------------------------------------------------------------------------

MISSING = "events/no-such-entry/"


def source_page(site: Site) -> str:
    """The page of the Arabic entry's source (its key ends in a hash)."""
    html = (site.out / "events" / site.slugs["arabic"] / "index.html").read_text()
    match = re.search(r'href="\.\./\.\./(sources/[^"/]+/index\.html)"', html)
    assert match, "the Arabic entry links to no source page"
    return match.group(1)


PAGE_TYPES: dict[str, Callable[[Site], str]] = {
    "home": lambda site: "index.html",
    "year": lambda site: "timeline/2020/index.html",
    "entry": lambda site: f"events/{EXECUTIVE_ORDER}/index.html",
    "revision": lambda site: f"events/{EXECUTIVE_ORDER}/v1/index.html",
    "corrected entry": lambda site: f"events/{site.slugs['corrected']}/index.html",
    "second revision": lambda site: f"events/{site.slugs['corrected']}/v2/index.html",
    "retracted entry": lambda site: f"events/{site.slugs['retracted']}/index.html",
    "right-to-left entry": lambda site: f"events/{site.slugs['arabic']}/index.html",
    "facet index": lambda site: "actors/index.html",
    "facet detail": lambda site: "actors/donald-trump/index.html",
    "source": source_page,
    "changes": lambda site: "changes/index.html",
    "search with a query": lambda site: "search/index.html?q=Section+230",
    "bundle index": lambda site: "bundles/index.html",
    "bundle": lambda site: f"bundles/{BUNDLE}/index.html",
    "404 page": lambda site: "404.html",
    "404 at a missing address": lambda site: MISSING,
}

# What shows that a page's scripts have done their work.
READY = {
    "home": "[data-filters]:not([hidden]) .chip",
    "year": "[data-filters]:not([hidden]) .chip",
    "entry": "button.copy",
    "revision": "button.copy",
    "corrected entry": "button.copy",
    "second revision": "button.copy",
    "retracted entry": "button.copy",
    "right-to-left entry": "button.copy",
    "search with a query": ".search-results li",
}


def open_page(page: Page, site: Site, page_type: str) -> Response | None:
    response = page.goto(site.url(PAGE_TYPES[page_type](site)))
    wait_until_ready(page, page_type)
    return response


def wait_until_ready(page: Page, page_type: str) -> None:
    """Until the page's scripts have done their work: its READY element shows, and its time scale
    (timescale.js, on listings) is drawn."""
    if page_type in READY:
        page.locator(READY[page_type]).first.wait_for()
    if page.locator("section.timescale").count():
        page.locator("section.timescale[data-ready]").wait_for()


def problems_of(page: Page, allowed_url: str | None = None) -> list[str]:
    """Start recording console errors, failed requests and responses of 400 or more (but for ALLOWED_URL)."""
    found: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and message.location.get("url") != allowed_url:
            found.append(f"console error: {message.text} at {message.location}")

    def on_failed(request: Request) -> None:
        found.append(f"request failed: {request.url} ({request.failure})")

    def on_response(response: Response) -> None:
        if response.status >= 400 and response.url != allowed_url:
            found.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: found.append(f"uncaught exception: {error}"))
    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    return found


def axe_violations(page: Page, options: dict[str, Any] = WCAG_21_AA) -> list[str]:
    """axe-core's violations, one line each with its rule, help text and the nodes it names."""
    results = Axe().run(page, options=options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[node['target'] for node in v['nodes']]}"
        for v in results.response["violations"]
    ]


def heading(page: Page) -> str:
    return page.locator("main h1").inner_text()


# 1. Navigation -----------------------------------------------------------------------------------


def test_a_reader_follows_links_from_home_to_related_entries_and_back(page: Page, site: Site) -> None:
    page.goto(site.url("index.html"))
    expect(page.locator("main h1")).to_have_text("Platform policy timeline")

    page.locator("h3.entry-title").get_by_role("link", name=EXECUTIVE_ORDER_TITLE, exact=True).click()
    expect(page).to_have_url(site.entry(EXECUTIVE_ORDER))
    expect(page.locator("main h1")).to_have_text(EXECUTIVE_ORDER_TITLE)

    page.locator("dl.facts").get_by_role("link", name="Donald Trump", exact=True).click()
    expect(page).to_have_url(site.url("actors/donald-trump/index.html"))
    expect(page.locator("main h1")).to_have_text("Donald Trump")

    page.locator("ol.entries").get_by_role("link", name=LABELS_TITLE, exact=True).click()
    expect(page).to_have_url(site.entry(LABELS))
    expect(page.locator("main h1")).to_have_text(LABELS_TITLE)

    related = page.locator("section[aria-labelledby='related-heading']")
    expect(related.locator("h2")).to_have_text("Related entries")
    related.get_by_role("link", name=EXECUTIVE_ORDER_TITLE, exact=True).click()
    expect(page).to_have_url(site.entry(EXECUTIVE_ORDER))
    expect(page.locator("main h1")).to_have_text(EXECUTIVE_ORDER_TITLE)

    page.go_back()
    expect(page).to_have_url(site.entry(LABELS))
    expect(page.locator("main h1")).to_have_text(LABELS_TITLE)
    page.go_back()
    expect(page).to_have_url(site.url("actors/donald-trump/index.html"))
    expect(page.locator("main h1")).to_have_text("Donald Trump")


def test_a_merged_entrys_address_and_short_link_lead_to_the_entry_it_was_merged_into(page: Page, site: Site) -> None:
    for old in (f"events/{site.slugs['merged']}/index.html", f"e/{site.slugs['merged_short_id']}/"):
        page.goto(site.url(old))
        expect(page).to_have_url(site.entry(EXECUTIVE_ORDER))
        expect(page.locator("main h1")).to_have_text(EXECUTIVE_ORDER_TITLE)


# 2. Search -----------------------------------------------------------------------------------------


def search_results(page: Page) -> list[dict[str, str]]:
    """The results shown: title, its link, the meta line (date · kind · publisher) and the excerpt."""
    return page.locator(".search-results > li").evaluate_all(
        """items => items.map(item => ({
            title: item.querySelector('h2.result-title a')?.textContent ?? '',
            href: item.querySelector('h2.result-title a')?.href ?? '',
            meta: item.querySelector('p.meta')?.textContent ?? '',
            excerpt: item.querySelector('p.excerpt')?.textContent.trim() ?? '',
        }))"""
    )


# "28 May 2020 · Executive order", and the first source's publisher if it has one: " · Federal Register"
DATE_AND_KIND = re.compile(r".*\b\d{4}\b · [A-Z][a-z ]*( · .+)?")


def test_search_finds_the_order_and_the_kind_filter_narrows_the_results(page: Page, site: Site) -> None:
    problems = problems_of(page)
    page.goto(site.url("search/index.html"))
    expect(page.locator("form[data-search]")).to_be_visible()
    expect(page.locator("[data-without-search]")).to_be_hidden()

    page.get_by_label("Search the archive").fill("Section 230")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".search-status")).to_have_text(re.compile(r"^\d+ entr(y|ies) found$"))
    expect(page).to_have_url(re.compile(r"[?&]q=Section\+230(&|$)"))  # the policy forbids wait_for_function's eval
    everything = search_results(page)
    titles = [r["title"] for r in everything]
    assert EXECUTIVE_ORDER_TITLE in titles, titles
    assert len(everything) > 1, titles
    assert page.locator(".search-status").inner_text() == f"{len(everything)} entries found"
    for result in everything:
        assert result["title"].strip(), result
        assert DATE_AND_KIND.fullmatch(result["meta"]), result
        assert result["excerpt"], result
        assert urlsplit(result["href"]).path.startswith(urlsplit(site.url("events/")).path), result
    order = everything[titles.index(EXECUTIVE_ORDER_TITLE)]
    assert order["meta"].startswith("28 May 2020 · Executive order · ")  # and the publisher it first cites
    assert urlsplit(order["href"]).path == urlsplit(site.url(f"events/{EXECUTIVE_ORDER}/")).path

    expect(page.locator(".search-filters")).to_be_visible()
    page.get_by_label("Kind").select_option("Executive order")
    expect(page).to_have_url(re.compile(r"[?&]kind=Executive(\+|%20)order(&|$)"))
    narrowed = search_results(page)
    assert sorted(r["title"] for r in narrowed) == sorted([EXECUTIVE_ORDER_TITLE, REVOCATION_TITLE])
    assert len(narrowed) < len(everything)
    expect(page.locator(".search-status")).to_have_text("2 entries found")
    assert all(" · Executive order" in r["meta"] for r in narrowed)
    assert problems == [], "\n".join(problems)


def test_a_search_address_fills_in_the_terms_and_runs_the_search(page: Page, site: Site) -> None:
    page.goto(site.url("search/index.html?q=Section+230"))
    expect(page.get_by_label("Search the archive")).to_have_value("Section 230")
    expect(page.locator(".search-results h2.result-title a", has_text=EXECUTIVE_ORDER_TITLE)).to_be_visible()

    page.goto(site.url("search/index.html?q=Section+230&kind=Executive+order"))
    expect(page.get_by_label("Kind")).to_have_value("Executive order")
    expect(page.locator(".search-status")).to_have_text("2 entries found")
    assert sorted(r["title"] for r in search_results(page)) == sorted([EXECUTIVE_ORDER_TITLE, REVOCATION_TITLE])


# 3. Keyboard ---------------------------------------------------------------------------------------

FOCUSED = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    return {
        tag: element.tagName,
        probe: element.dataset ? element.dataset.tabProbe ?? null : null,
        text: (element.textContent || '').trim().slice(0, 60),
        skip: element.classList.contains('skip'),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
        shadow: style.boxShadow !== 'none',
        inMain: Boolean(element.closest('main')),
    };
}"""


@pytest.mark.parametrize("page_type", ["home", "entry"])
def test_the_keyboard_reaches_every_link_with_a_visible_focus(page: Page, site: Site, page_type: str) -> None:
    open_page(page, site, page_type)
    # Number every visible link, so that the focused one can be named exactly.
    links = page.locator("a[href]").evaluate_all(
        """links => links.filter(link => link.checkVisibility())
            .map((link, i) => { link.dataset.tabProbe = String(i); return link.textContent.trim() || link.href; })"""
    )
    reached: set[int] = set()
    unmarked: list[str] = []
    for presses in range(len(links) + 60):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if presses == 0:
            assert focused["skip"], f"the first Tab reaches {focused}, not the skip link"
        elif focused["skip"]:
            break  # once round the page
        if focused["tag"] == "BODY":
            continue  # between the end of the page and the browser's own controls
        if focused["probe"] is not None:
            reached.add(int(focused["probe"]))
        if not (focused["outline"] or focused["shadow"]):
            unmarked.append(f"{focused['tag']} {focused['text']!r}")
    missed = [text for i, text in enumerate(links) if i not in reached]
    assert missed == [], f"links the keyboard never reached: {missed}"
    assert unmarked == [], f"focused without a visible outline or shadow: {unmarked}"


@pytest.mark.parametrize("page_type", ["home", "entry"])
def test_the_skip_link_moves_to_the_content(page: Page, site: Site, page_type: str) -> None:
    open_page(page, site, page_type)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["skip"]
    expect(page.locator("a.skip")).to_be_in_viewport()  # shown once focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#content$"))
    assert abs(page.evaluate("document.getElementById('content').getBoundingClientRect().top")) < 2
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["inMain"], f"after the skip link, Tab reaches {focused} outside main"


# 4. No errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_no_console_errors_or_failed_requests(page: Page, site: Site, page_type: str) -> None:
    missing = site.url(MISSING) if page_type == "404 at a missing address" else None
    problems = problems_of(page, allowed_url=missing)
    response = open_page(page, site, page_type)
    assert response is not None
    assert response.status == (404 if missing else 200)
    expect(page.locator("main h1")).not_to_be_empty()
    if page_type.startswith("404"):
        expect(page.locator("main h1")).to_have_text("Page not found")
        # The stylesheet (a root-relative link on the 404 page) loaded.
        assert "Georgia" in page.evaluate("getComputedStyle(document.body).fontFamily")
    assert problems == [], "\n".join(problems)


# 6. Without JavaScript -----------------------------------------------------------------------------


HEADINGS_AND_LINKS = """() => ({
    headings: [...document.querySelectorAll('main h1')].map(h1 => h1.textContent),
    links: [...document.querySelectorAll('a[href]')].map(link => link.href),
})"""
ALTERNATE_ADDRESS = re.compile(r"/(e/[^/]+|events/[^/]+/v\d+)/(index\.html)?$")


def crawl(page: Page, site: Site) -> tuple[set[str], list[str]]:
    """Follow every same-site link to a page, from the home page, but to an entry's other addresses
    (short links and revision pages, checked apart); returns the pages reached and those without a
    main heading."""
    queue = [site.url("index.html")]
    queued = set(queue)
    reached: set[str] = set()
    headless: list[str] = []
    while queue:
        assert len(reached) < CRAWL_LIMIT, f"more than {CRAWL_LIMIT} pages: is the crawl going round?"
        url = queue.pop(0)
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{url}: {response and response.status}"
        reached.add(page.url)
        found = page.evaluate(HEADINGS_AND_LINKS)
        if len(found["headings"]) != 1 or not found["headings"][0].strip():
            headless.append(page.url)
        for link in found["links"]:
            target = urldefrag(link).url
            if (
                target.startswith(site.base)
                and target.endswith(("/", ".html"))
                and not ALTERNATE_ADDRESS.search(target)
                and target not in queued
            ):
                queued.add(target)
                queue.append(target)
    return reached, headless


def has_heading(page: Page) -> bool:
    return page.locator("main h1").count() == 1 and bool(heading(page).strip())


def test_without_javascript_every_live_entry_is_reachable_from_home_and_every_page_has_its_heading(
    no_script: Page, site: Site
) -> None:
    reached, headless = crawl(no_script, site)
    assert headless == []
    entries = site.live_entries()
    committed = [
        p for p in (ROOT / "events").glob("*.md") if "\nretracted: true\n" not in p.read_text(encoding="utf-8")
    ]
    assert len(entries) == len(committed) + 2  # the corrected and Arabic entries
    unreached = [e["slug"] for e in entries if site.entry(e["slug"]) not in reached]
    assert unreached == []
    # The page types the crawl leaves out have their heading too; a short link redirects without script.
    for page_type, path in PAGE_TYPES.items():
        url = site.url(path(site))
        if url not in reached:
            no_script.goto(url)
            assert has_heading(no_script), page_type
    no_script.goto(site.url(f"e/{entries[0]['short_id']}/index.html"))
    expect(no_script).to_have_url(site.entry(entries[0]["slug"]))
    assert has_heading(no_script)


def test_without_javascript_the_search_page_offers_the_ways_to_browse(no_script: Page, site: Site) -> None:
    no_script.goto(site.url("search/index.html"))
    expect(no_script.locator("main h1")).to_have_text("Search")
    expect(no_script.locator("form[data-search]")).to_be_hidden(timeout=1000)  # nothing will change it
    browse = no_script.locator("[data-without-search]")
    expect(browse).to_be_visible()
    expect(browse).to_contain_text("Search needs JavaScript")
    hrefs = browse.locator("a").evaluate_all("links => links.map(link => link.href)")
    assert hrefs == [
        site.url(path)
        for path in ("index.html", *(f"{f}/index.html" for f in ("actors", "platforms", "topics", "kinds")),
                     "jurisdictions/index.html", "sources/index.html")
    ]  # fmt: skip


def test_without_javascript_no_filter_chips_and_every_card_shows(no_script: Page, site: Site) -> None:
    no_script.goto(site.url("timeline/2020/index.html"))
    expect(no_script.locator("[data-filters]")).to_be_hidden()
    cards = no_script.locator(".entry-card")
    assert cards.count() > 2
    assert all(cards.nth(i).is_visible() for i in range(cards.count()))


# 7. Filter chips -----------------------------------------------------------------------------------


def visible_kinds(page: Page) -> list[str]:
    return page.locator(".entry-card").evaluate_all(
        "cards => cards.filter(card => card.checkVisibility()).map(card => card.dataset.kind)"
    )


def test_a_kind_chip_on_a_year_page_shows_only_that_kind_and_undoes(page: Page, site: Site) -> None:
    open_page(page, site, "year")
    everything = visible_kinds(page)
    total = len(everything)
    assert everything.count("Label") == 2  # the flagship's labels entry and the Arabic one
    assert total == page.locator(".entry-card").count() > 2
    chip = page.get_by_role("button", name="Kind: Label", exact=True)
    status = page.locator(".filters-status")
    expect(chip).to_have_attribute("aria-pressed", "false")

    chip.click()
    expect(chip).to_have_attribute("aria-pressed", "true")
    expect(status).to_have_text(f"2 of {total} entries shown")
    assert visible_kinds(page) == ["Label", "Label"]

    chip.click()
    expect(chip).to_have_attribute("aria-pressed", "false")
    expect(status).to_have_text(f"{total} of {total} entries shown")
    assert visible_kinds(page) == everything


# 8. Copy buttons -----------------------------------------------------------------------------------


def test_each_citation_has_a_copy_button_that_puts_it_on_the_clipboard(
    context: BrowserContext, page: Page, site: Site
) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.origin)
    open_page(page, site, "entry")
    page.locator("section.cite details > summary").click()  # shows the permanent address's citations
    items = page.locator(".citations li")
    assert items.count() == 8  # APA, Chicago, MLA and Bluebook, for the revision and the permanent address
    for i in range(items.count()):
        item = items.nth(i)
        style = item.locator(".style-name").inner_text().rstrip(":")
        button = item.get_by_role("button", name=f"Copy the {style} citation", exact=True)
        expect(button).to_have_text("Copy")
        button.click()
        expect(button).to_have_text("Copied")
        citation = item.locator(".citation").inner_text().strip()
        assert citation and "platform policy timeline" in citation.casefold()  # the website, as each style cases it
        assert page.evaluate("navigator.clipboard.readText()") == item.locator(".citation").evaluate(
            "element => element.textContent.trim()"
        )


def test_without_javascript_citations_are_plain_text_without_buttons(no_script: Page, site: Site) -> None:
    no_script.goto(site.entry(EXECUTIVE_ORDER))
    assert no_script.locator("button").count() == 0
    citations = no_script.locator(".citations .citation")
    assert citations.count() == 8
    revision = json.loads((site.out / "events" / EXECUTIVE_ORDER / "index.json").read_bytes())["revision"]
    assert site.url(f"events/{EXECUTIVE_ORDER}/v{revision}/") in citations.first.inner_text()
    for i in range(citations.count()):
        assert citations.nth(i).text_content().strip()


# 9. Screenshots ------------------------------------------------------------------------------------


@pytest.mark.parametrize("size_name, size", [("phone", PHONE), ("desktop", DESKTOP)])
def test_screenshots_at_phone_and_desktop_widths_without_sideways_scrolling(
    browser: Browser, site: Site, size_name: str, size: dict[str, int]
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone = size_name == "phone"
    made = only_this_host(browser.new_context(viewport=size, is_mobile=phone, has_touch=phone), site)
    try:
        page = made.new_page()
        for name, page_type in [("home", "home"), ("year", "year"), ("entry", "entry"),
                                ("search", "search with a query")]:  # fmt: skip
            open_page(page, site, page_type)
            path = SCREENSHOTS / f"{name}-{size_name}.png"
            path.unlink(missing_ok=True)
            page.screenshot(path=str(path), full_page=True)
            data = path.read_bytes()
            assert data.startswith(PNG_SIGNATURE) and len(data) > 1000, path
            if phone:
                widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                assert widths[0] <= widths[1] + 1, f"{name} scrolls sideways on a phone: {widths}"
    finally:
        made.close()


# 10. Right to left ---------------------------------------------------------------------------------


def direction(locator: Any) -> str:
    return locator.evaluate("element => getComputedStyle(element).direction")


def test_an_arabic_title_and_quotation_run_right_to_left(page: Page, site: Site) -> None:
    open_page(page, site, "right-to-left entry")
    title = page.locator("main h1")
    expect(title).to_have_text(ARABIC_TITLE)
    assert direction(title) == "rtl"
    source = page.locator("ol.sources > li")
    assert source.count() == 1
    expect(source).to_have_attribute("lang", "ar")
    quote = source.locator("blockquote")
    expect(quote).to_contain_text(ARABIC_QUOTE)
    assert direction(quote) == "rtl"
    # An English title beside it stays left to right.
    page.goto(site.entry(EXECUTIVE_ORDER))
    assert direction(page.locator("main h1")) == "ltr"
    # The home page's timeline card too.
    page.goto(site.url("index.html"))
    assert direction(page.locator("h3.entry-title", has_text=ARABIC_TITLE)) == "rtl"


def test_an_arabic_title_runs_right_to_left_wherever_it_is_listed(page: Page, site: Site) -> None:
    """Beyond the entry page: the kind's page, the change log and the source's own page (whose
    heading is the Arabic headline, so it must also be marked as Arabic: WCAG 2.1 SC 3.1.2)."""
    wrong = []
    for path in ("kinds/label/index.html", "platforms/twitter/index.html", "changes/index.html"):
        page.goto(site.url(path))
        title = page.locator("main a", has_text=ARABIC_TITLE).first
        if direction(title) != "rtl":
            wrong.append(f"{path}: the title's link runs {direction(title)}")
    page.goto(site.url(source_page(site)))
    source_heading = page.locator("main h1")
    expect(source_heading).to_have_text(ARABIC_SOURCE_TITLE)
    if direction(source_heading) != "rtl":
        wrong.append(f"source page: its heading runs {direction(source_heading)}")
    language = source_heading.evaluate("element => element.closest('[lang]').lang")
    if language != "ar":
        wrong.append(f"source page: its heading is marked lang={language!r}")
    assert wrong == [], "\n".join(wrong)


# 11. Dark mode -------------------------------------------------------------------------------------

LUMINANCE = """element => {
    const [r, g, b] = getComputedStyle(element).backgroundColor.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number)
        .map(c => c / 255).map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""


def test_dark_mode_is_dark_with_enough_contrast(browser: Browser, site: Site) -> None:
    made = only_this_host(browser.new_context(color_scheme="dark", viewport=DESKTOP), site)
    try:
        page = made.new_page()
        open_page(page, site, "entry")
        assert page.locator("body").evaluate(LUMINANCE) < 0.05
        violations = axe_violations(page, COLOR_CONTRAST)
        assert violations == [], "\n".join(violations)
        open_page(page, site, "year")
        page.get_by_role("button", name="Kind: Label", exact=True).click()
        violations = axe_violations(page, COLOR_CONTRAST)
        assert violations == [], "\n".join(violations)
    finally:
        made.close()
