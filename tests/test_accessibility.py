"""Accessibility in Chromium: axe finds no WCAG 2.1 A/AA violation on every page type of the
site, at the narrowest width WCAG asks pages to reflow to (320 CSS px, where no page may scroll
sideways) and at a desktop width; and none with a filter chip pressed.

The site, its page types and the browser helpers are test_browser.py's.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import test_browser
from playwright.sync_api import Browser, Page, expect
from test_browser import (
    DESKTOP,
    MISSING,
    PAGE_TYPES,
    SHORT_PAGE,
    WITHDRAWN_BUNDLE,
    Site,
    axe_violations,
    only_this_host,
    open_page,
    wait_until_ready,
)

# The built sites and the browser's pages are test_browser.py's fixtures, used here by name.
context, page, site, paged_site = test_browser.context, test_browser.page, test_browser.site, test_browser.paged_site


# Every page type ----------------------------------------------------------------------------------


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_axe_finds_no_wcag_21_aa_violation(page: Page, site: Site, page_type: str) -> None:
    open_page(page, site, page_type)
    if page_type == "search with a query":
        expect(page.locator(".search-filters")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)


def test_axe_finds_no_violation_with_a_filter_chip_pressed(page: Page, site: Site) -> None:
    open_page(page, site, "year")
    expect(page.locator("[data-filters]")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)
    page.get_by_role("button", name="Kind: Label", exact=True).click()
    expect(page.get_by_role("button", name="Kind: Label", exact=True)).to_have_attribute("aria-pressed", "true")
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)


# The flagship's Section 230 story, keyed by its earliest entry (see timeline/site/threadkeys.py).
SECTION_230_THREAD = "2020-05-26-trump-tweets-that-mail-in-ballots-in-california-will-lead-to-fraud"

# Every page type at the narrowest and a desktop width: one page of each, the search with results.
EVERY_PAGE_TYPE: dict[str, Callable[[Site], str]] = {
    **PAGE_TYPES,
    "timeline index": lambda site: "timeline/index.html",
    "events index": lambda site: "events/index.html",
    "short link index": lambda site: "e/index.html",
    "merged entry's redirect": lambda site: f"events/{site.slugs['merged']}/index.html",
    "platforms page": lambda site: "platforms/twitter/index.html",
    "platforms page oldest first": lambda site: "platforms/twitter/oldest/index.html",
    "topics page": lambda site: "topics/content-moderation/index.html",
    "kinds page": lambda site: "kinds/executive-order/index.html",
    "jurisdictions page": lambda site: "jurisdictions/united-states/index.html",
    "platforms index": lambda site: "platforms/index.html",
    "topics index": lambda site: "topics/index.html",
    "kinds index": lambda site: "kinds/index.html",
    "jurisdictions index": lambda site: "jurisdictions/index.html",
    "sources index": lambda site: "sources/index.html",
    "feeds index": lambda site: "feeds/index.html",
    "data page": lambda site: "data/index.html",
    "withdrawn bundle": lambda site: f"bundles/{WITHDRAWN_BUNDLE}/index.html",
    "about": lambda site: "about/index.html",
    "methodology": lambda site: "methodology/index.html",
    "thread": lambda site: (
        "threads/2020-05-26-trump-tweets-that-mail-in-ballots-in-california-will-lead-to-fraud/index.html"
    ),
    "threads index": lambda site: "threads/index.html",
}
STICKING_OUT = """() => [...document.querySelectorAll('body *')]
    .filter(element => element.getBoundingClientRect().right > window.innerWidth)
    .map(element => element.tagName.toLowerCase() + '.' + element.className + ' '
         + JSON.stringify((element.textContent || '').trim().slice(0, 40)))"""


def sticking_out(page: Page) -> list[str]:
    """The elements that reach past the right edge of the window, to say what makes a page scroll sideways."""
    found: list[str] = page.evaluate(STICKING_OUT)
    return found


NARROWEST = {"width": 320, "height": 640}  # WCAG 2.1 reflow: no sideways scrolling at 320 CSS px


def check_at_width(browser: Browser, site: Site, path: str, page_type: str, width: dict[str, int]) -> None:
    """Open PATH at WIDTH: axe finds no WCAG 2.1 A/AA violation, and at 320 px it does not scroll sideways."""
    made = only_this_host(browser.new_context(viewport=width), site)
    try:
        page = made.new_page()
        page.goto(site.url(path))
        wait_until_ready(page, page_type)
        expect(page.locator("main h1")).not_to_be_empty()
        violations = axe_violations(page)
        assert violations == [], "\n".join(violations)
        if width is NARROWEST:
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert widths[0] <= widths[1], f"{page_type} scrolls sideways at 320 px: {widths}: {sticking_out(page)}"
    finally:
        made.close()


WIDTHS = pytest.mark.parametrize("width", [NARROWEST, DESKTOP], ids=["320px", "1280px"])


@WIDTHS
@pytest.mark.parametrize("page_type", list(EVERY_PAGE_TYPE))
def test_axe_finds_no_wcag_21_aa_violation_on_every_page_type_at_320_and_1280_px(
    browser: Browser, site: Site, page_type: str, width: dict[str, int]
) -> None:
    path = EVERY_PAGE_TYPE[page_type](site)
    if path != MISSING:
        assert site.file(site.url(path.split("?")[0])).is_file(), f"the site has no {page_type}: {path}"
    check_at_width(browser, site, path, page_type, width)


LATER_PAGES = {
    "changes page 2": "changes/page/2/index.html",
    "year page 2": "timeline/2020/page/2/index.html",
    # A name's listing, numbered pages in both orders (the flagship names Twitter on 17 entries).
    "platform page 2": "platforms/twitter/page/2/index.html",
    "platform page 2 oldest first": "platforms/twitter/oldest/page/2/index.html",
}


@WIDTHS
@pytest.mark.parametrize("page_type", list(LATER_PAGES))
def test_axe_finds_no_wcag_21_aa_violation_on_a_listings_second_page_at_320_and_1280_px(
    browser: Browser, paged_site: Site, page_type: str, width: dict[str, int]
) -> None:
    path = LATER_PAGES[page_type]
    assert paged_site.file(paged_site.url(path)).is_file(), f"pages of {SHORT_PAGE} give no {page_type}"
    check_at_width(browser, paged_site, path, page_type, width)
