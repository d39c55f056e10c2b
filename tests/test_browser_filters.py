"""The filter chips of home and the year pages in Chromium: the chips pressed are in the address
(so a filtered page can be shared and opened again as it was), one button clears them, and a
choice that leaves no card says so. Home leads on to the rest of the timeline.

The site and the browser helpers are test_browser.py's.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import test_browser
from playwright.sync_api import Page, expect
from test_browser import Site, heading, open_page

# The built site and the browser's pages are test_browser.py's fixtures, used here by name.
context, page, site = test_browser.context, test_browser.page, test_browser.site


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def shown_cards(page: Page) -> int:
    return int(page.locator(".entry-card").evaluate_all("cards => cards.filter(c => c.checkVisibility()).length"))


def test_the_chips_pressed_are_kept_in_the_address_and_restored_from_it(page: Page, site: Site) -> None:
    open_page(page, site, "year")
    total = page.locator(".entry-card").count()
    expect(page.locator(".filters-label")).to_have_text("Show only, among the entries listed on this page:")
    page.get_by_role("button", name="Kind: Label", exact=True).click()
    page.get_by_role("button", name="Platform: Twitter", exact=True).click()
    assert query(page) == {"kind": ["label"], "platform": ["Twitter"]}
    shown = shown_cards(page)
    assert 0 < shown < total

    # The address, opened anew (as a reader it was sent to would), shows the same chips and cards.
    address = page.url
    page.goto(site.url("index.html"))
    page.goto(address)
    page.locator("[data-filters]:not([hidden]) .chip").first.wait_for()
    for name in ("Kind: Label", "Platform: Twitter"):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".filters-status")).to_have_text(f"{shown} of {total} entries shown")
    assert shown_cards(page) == shown
    # A name the page does not list is left out, not a filter that hides everything.
    page.goto(site.url("timeline/2020/index.html?platform=No+such+platform"))
    page.locator("[data-filters]:not([hidden]) .chip").first.wait_for()
    expect(page.locator(".filters-status")).to_have_text(f"{total} of {total} entries shown")


def test_one_button_clears_the_chips_and_a_choice_that_leaves_nothing_says_so(page: Page, site: Site) -> None:
    open_page(page, site, "year")
    total = page.locator(".entry-card").count()
    clear, empty = page.get_by_role("button", name="Clear filters"), page.locator(".filters-empty")
    expect(clear).to_be_hidden()
    expect(empty).to_be_hidden()
    # A kind and a platform no card of that kind has: nothing is left, and the page says so.
    platform = page.evaluate(
        """() => {
          const cards = [...document.querySelectorAll('.entry-card')];
          const all = new Set(cards.flatMap(c => JSON.parse(c.dataset.platforms)));
          const labelled = new Set(cards.filter(c => c.dataset.kindKey === 'label')
                                        .flatMap(c => JSON.parse(c.dataset.platforms)));
          return [...all].sort().find(p => !labelled.has(p));
        }"""
    )
    assert platform, "the year page has no platform without a label to test with"
    page.get_by_role("button", name="Kind: Label", exact=True).click()
    page.get_by_role("button", name=f"Platform: {platform}", exact=True).click()
    expect(page.locator(".filters-status")).to_have_text(f"0 of {total} entries shown")
    expect(empty).to_be_visible()
    expect(empty).to_contain_text("No entry listed on this page matches these filters")
    assert shown_cards(page) == 0

    clear.click()
    expect(page.locator(".filters-status")).to_have_text(f"{total} of {total} entries shown")
    expect(empty).to_be_hidden()
    expect(clear).to_be_hidden()
    assert shown_cards(page) == total and query(page) == {}
    for chip in page.locator(".chip").all():
        expect(chip).to_have_attribute("aria-pressed", "false")
    expect(page.locator(".chip").first).to_be_focused()


def test_home_leads_on_from_its_latest_entries_to_the_rest_of_the_timeline(page: Page, site: Site) -> None:
    open_page(page, site, "home")
    more = page.locator("p.more")
    total = len(site.live_entries())
    assert page.locator(".entry-card").count() < total
    expect(more).to_contain_text(f"of {total}")
    more.get_by_role("link", name="every year of the timeline").click()
    assert heading(page) == "Timeline"
    page.go_back()
    year = more.get_by_role("link", name=re.compile(r"^the whole of \d{4}$"))
    latest = year.inner_text().removeprefix("the whole of ")
    assert latest == max(page.locator(".years a").all_inner_texts())
    year.click()
    assert heading(page).startswith(latest)
