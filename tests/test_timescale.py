"""The time scale in a real browser (Chromium, Playwright): timescale.js draws the listed entries so
that the distance between two of them is the time between them.

The archive holds entries at known distances in 2021 (10 days, then 60), a ten-day range, an
approximate date, a month, six entries of one day, and 300 entries imported into March 2019: more
than the scale lists one by one, so it counts them by month. It is served over HTTP from
127.0.0.1 (the year, home and timeline pages fetch the scale's data by year) and also opened from
disk, where the scale draws the page's own list.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ArchiveUnderTest
from playwright.sync_api import Browser, Page, expect
from test_browser import served

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
FIRST, TEN_DAYS_LATER, SIXTY_DAYS_LATER = "Order is signed", "Agency answers the order", "Court rules on the order"
RANGE, APPROXIMATE, MONTH = "Consultation runs ten days", "Platforms reply at about this time", "Audit in April"
SAME_DAY = [f"Statement number {n} on the ruling" for n in range(1, 7)]


@dataclass
class Served:
    base: str
    out: Path


def record(archive: ArchiveUnderTest, root: Path) -> None:
    dated = [
        (FIRST, "2021-01-10"),
        (TEN_DAYS_LATER, "2021-01-20"),
        (SIXTY_DAYS_LATER, "2021-03-21"),
        (RANGE, "2021-02-01/2021-02-10"),
        (APPROXIMATE, "2021-02-15~"),
        (MONTH, "2021-04"),
        *[(title, "2021-06-01") for title in SAME_DAY],
    ]
    for title, date in dated:
        archive.add(title, date, "statement", "--platform", "Example Network")
    rows = [
        {
            "title": f"Takedown notice {n} of the March wave",
            "kind": "takedown",
            "date": f"2019-03-{n % 28 + 1:02d}",
            "sources": [{"title": f"Notice {n}", "publisher": "Test Wire"}],
        }
        for n in range(300)
    ]
    (root / "wave.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    archive.ok("import", str(root / "wave.jsonl"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("timescale")
    with served(root) as (base, out):
        archive = ArchiveUnderTest(root=root / "archive", store_url=None, runner=CliRunner())
        archive.ok("init", str(archive.root), "--title", "Time scale archive")
        record(archive, root)
        archive.ok("build", "--out", str(out))
        yield Served(base=base, out=out)


def open_scale(browser: Browser, url: str, viewport: dict[str, int] = DESKTOP) -> Page:
    page = browser.new_context(viewport=viewport).new_page()  # type: ignore[arg-type]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(url)
    page.wait_for_selector("section.timescale[data-ready]")
    assert errors == []
    return page


def mark(page: Page, title: str) -> dict[str, float]:
    """The mark of the entry titled TITLE: its left edge and width, in px from the view's left."""
    box = page.locator(f'.ts-entry[aria-label^="{title},"] .ts-mark').bounding_box()
    view = page.locator(".timescale-view").bounding_box()
    assert box is not None and view is not None, f"{title!r} is not drawn"
    return {"left": box["x"] - view["x"], "width": box["width"]}


def px_per_day(page: Page) -> float:
    """The scale, from the two entries drawn furthest apart in time (each link names the first day
    its entry can mean, where its mark begins)."""
    drawn = page.locator(".ts-entry").evaluate_all(
        """links => links.map(link => [link.dataset.start,
             link.querySelector('.ts-mark').getBoundingClientRect().left])"""
    )
    starts = sorted((dt.date.fromisoformat(start), left) for start, left in drawn)
    (first, left_first), (last, left_last) = starts[0], starts[-1]
    assert first != last, f"too few entries drawn to tell the scale: {starts}"
    return (left_last - left_first) / (last - first).days


def status(page: Page) -> str:
    return page.locator(".timescale-status").inner_text()


# A year on a phone is too narrow to name every entry of these two months (some are counted, see
# below); the platform's page, which shows their five months, names them at both widths.
@pytest.mark.parametrize(
    ("path", "viewport"),
    [("timeline/2021/", DESKTOP), ("platforms/example-network/", DESKTOP), ("platforms/example-network/", PHONE)],
    ids=["year page at 1280px", "facet page at 1280px", "facet page at 390px"],
)
def test_the_distance_between_two_entries_is_proportional_to_the_time_between_them(
    browser: Browser, site: Served, path: str, viewport: dict[str, int]
) -> None:
    page = open_scale(browser, site.base + path, viewport)
    first, second, third = (mark(page, title)["left"] for title in (FIRST, TEN_DAYS_LATER, SIXTY_DAYS_LATER))
    assert second > first and third > second
    per_day_early, per_day_late = (second - first) / 10, (third - second) / 60
    assert per_day_late == pytest.approx(per_day_early, rel=0.10)


def test_a_range_is_drawn_as_a_span_and_an_approximate_date_as_such(browser: Browser, site: Served) -> None:
    page = open_scale(browser, site.base + "platforms/example-network/")
    day = px_per_day(page)
    single, span, month = mark(page, FIRST), mark(page, RANGE), mark(page, MONTH)
    assert span["width"] == pytest.approx(10 * day, rel=0.10)  # 1 to 10 February: ten days
    assert span["width"] > single["width"] * 2
    assert month["width"] == pytest.approx(30 * day, rel=0.10)  # April: thirty days
    assert "ts-period" in (page.locator(f'.ts-entry[aria-label^="{RANGE},"]').get_attribute("class") or "")
    approximate = page.locator(f'.ts-entry[aria-label^="{APPROXIMATE},"]')
    assert "ts-approximate" in (approximate.get_attribute("class") or "")
    assert "c." in (approximate.get_attribute("aria-label") or "")  # its date as shown: "c. 15 February 2021"


def test_zooming_changes_the_scale_and_keeps_time_proportional(browser: Browser, site: Served) -> None:
    page = open_scale(browser, site.base + "timeline/2021/")
    before = px_per_day(page)
    shown = status(page)
    page.get_by_role("button", name="Zoom in", exact=True).click()
    expect(page.locator(".timescale-status")).not_to_have_text(shown)
    assert px_per_day(page) == pytest.approx(before * 3, rel=0.10)
    page.get_by_role("button", name="Zoom out", exact=True).click()
    expect(page.locator(".timescale-status")).to_have_text(shown)
    assert px_per_day(page) == pytest.approx(before, rel=0.10)
    # Zoomed out as far as it goes, the scale shows the whole archive, March 2019 to June 2021.
    page.get_by_role("button", name="Zoom out", exact=True).click()
    expect(page.locator(".timescale-status")).to_contain_text("2019 to ")
    assert status(page).split(": ")[0].endswith("2021")
    expect(page.locator(".ts-count")).not_to_have_count(0)  # 312 entries in view: counted by month


def test_the_keyboard_moves_zooms_and_reaches_the_entries(browser: Browser, site: Served) -> None:
    page = open_scale(browser, site.base + "timeline/2021/")
    view = page.locator(".timescale-view")
    view.focus()
    shown = status(page)
    page.keyboard.press("ArrowRight")
    expect(page.locator(".timescale-status")).not_to_have_text(shown)
    assert status(page).split(" to ")[0].endswith("2021")  # a quarter of a year later: it starts in 2021
    page.keyboard.press("ArrowLeft")
    expect(page.locator(".timescale-status")).to_have_text(shown)
    before = px_per_day(page)
    shown = status(page)
    page.keyboard.press("+")
    expect(page.locator(".timescale-status")).not_to_have_text(shown)
    assert px_per_day(page) == pytest.approx(before * 3, rel=0.10)
    page.keyboard.press("-")
    expect(page.locator(".timescale-status")).to_have_text(shown)
    view.focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "ts-entry" in focused
    title = page.evaluate("document.activeElement.getAttribute('aria-label')").split(",")[0]
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(title)


def test_too_many_entries_to_list_are_counted_by_month_and_a_count_zooms_in(browser: Browser, site: Served) -> None:
    page = open_scale(browser, site.base + "timeline/2019/")
    march = page.locator(".ts-count[aria-label^='March 2019: 300 entries']")
    expect(march).to_be_visible()
    assert "counted by month" in status(page)
    march.click()
    expect(page.locator(".timescale-status")).to_contain_text("March 2019: 300 entries")
    expect(page.locator(".ts-count")).to_have_count(0)  # three months or less: entries, the rest counted
    assert page.locator(".ts-entry").count() > 0 and page.locator(".ts-more").count() > 0


def test_entries_with_no_room_are_counted_and_choosing_the_count_shows_each(browser: Browser, site: Served) -> None:
    page = open_scale(browser, site.base + "timeline/2021/", PHONE)
    june = page.locator(".ts-more[aria-label*='from 1 June 2021 to 1 June 2021']")
    expect(june).to_be_visible()
    hidden = int(june.inner_text().lstrip("+"))
    drawn = [t for t in SAME_DAY if page.locator(f'.ts-entry[aria-label^="{t},"]').count()]
    assert hidden == len(SAME_DAY) - len(drawn) >= 1
    june.click()  # ten days, the closest the scale zooms: every entry of them is drawn
    expect(page.locator(".ts-more")).to_have_count(0)
    for title in SAME_DAY:
        expect(page.locator(f'.ts-entry[aria-label^="{title},"]')).to_have_count(1)


def test_the_overview_strip_shows_every_year_and_moves_to_one(browser: Browser, site: Served) -> None:
    page = open_scale(browser, site.base)
    years = page.locator(".ts-year")
    labels = [years.nth(n).get_attribute("aria-label") for n in range(years.count())]
    assert labels == ["2019: 300 entries", "2020: 0 entries", "2021: 12 entries"]
    years.first.click()
    expect(page.locator(".timescale-status")).to_contain_text("2019")
    assert page.locator(".ts-year[aria-current='true']").first.get_attribute("aria-label") == "2019: 300 entries"


def test_home_shows_the_latest_entries_first(browser: Browser, site: Served) -> None:
    page = open_scale(browser, site.base)
    first_day, last_day = status(page).split(": ")[0].split(" to ")
    # The latest twenty entries, as listed below it: the six of 1 June 2021 back to the March 2019 wave.
    assert first_day.endswith("2019") and last_day.endswith("2021")
    page.get_by_role("button", name="2021: 12 entries").click()
    expect(page.locator(".timescale-status")).to_contain_text("2021: 12 entries")
    expect(page.locator('.ts-entry[aria-label*=" on the ruling,"]')).not_to_have_count(0)


def test_opened_from_disk_it_draws_the_pages_own_list(browser: Browser, site: Served) -> None:
    page = open_scale(browser, (site.out / "timeline" / "2021" / "index.html").as_uri())
    assert px_per_day(page) > 0
    assert "12 entries" in status(page)


def test_without_javascript_the_scale_stays_hidden_and_the_list_is_complete(browser: Browser, site: Served) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.base + "timeline/2021/")
    expect(page.locator("section.timescale")).to_be_hidden()
    expect(page.locator(".entries .entry-card")).to_have_count(12)
    context.close()
