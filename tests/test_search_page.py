"""The search page in Chromium, on an archive made to strain it: what readers reported.

The archive is the flagship one plus actors, platforms and topics with very long names (which once
sized the filter grid, so that the Actor select covered the Topic select), 61 quarterly reports
matching one query (more than the 50 results loaded at a time), an entry whose summary alone names
a rare word and one whose source's headline alone names it.

What these tests prove:

1. At 320, 768 and 1280 px no two filter controls overlap and each lies inside the viewport; the
   filters fold away under "Filters" on a phone and are open on a wide screen.
2. The terms, filters and order are in the address as they change, and opening that address
   restores them and the same results.
3. Excerpts come from the summary, not the list of actors and platforms, with the match marked by a
   <mark> element and nothing else read as markup; an entry matching only in a source's headline
   ranks below one matching in its own summary.
4. "Show more" loads the results past the first 50 and moves focus to the first new one; the
   results can be ordered newest or oldest first.
5. Opened from disk, the page says to serve the site, not that it needs JavaScript.
6. Terms that find nothing but are a typo away from a name in the filters get a "Did you mean"
   link to the search for that name.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from conftest import ArchiveUnderTest, copy_flagship_files
from playwright.sync_api import Browser, BrowserContext, Page, expect
from test_browser import (
    REPORT_CSP_VIOLATIONS,
    ROOT,
    SUBPATH,
    Site,
    SiteHandler,
    axe_violations,
    only_this_host,
    problems_of,
)

LONG_ACTOR = (
    "The Permanent Subcommittee on Investigations of the Committee on Homeland Security and "
    "Governmental Affairs of the United States Senate"
)
LONG_PLATFORM = "A Very Long Platform Name For A Federated Social Network Of Community-Run Servers Worldwide"
LONG_TOPIC = "Intermediary liability for algorithmically recommended third-party content across borders"
REPORTS = 61
RARE = "glimmerstone"
SUMMARY_MATCH = "Court weighs the duty of platforms to moderate"
HEADLINE_MATCH = "Agency opens an inquiry into recommendation systems"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The strained archive, built into www/timeline/ and served from www/."""
    root = tmp_path_factory.mktemp("search-page")
    archive_root, www = root / "archive", root / "www"
    archive_root.mkdir()
    www.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SiteHandler, directory=str(www)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/{SUBPATH}"
        settings = re.sub(r'(?m)^base_url = ".*"$', f'base_url = "{base}"', (ROOT / "timeline.toml").read_text())
        (archive_root / "timeline.toml").write_text(settings)
        copy_flagship_files(archive_root, settings=False)
        archive = ArchiveUnderTest(root=archive_root, store_url=None, runner=CliRunner())
        out = www / SUBPATH.rstrip("/")
        archive.ok("build", "--out", str(out))  # records the flagship entries from events/
        record_strains(archive)
        archive.ok("build", "--out", str(out))
        yield Site(base=base, out=out)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def record_strains(archive: ArchiveUnderTest) -> None:
    archive.add(
        SUMMARY_MATCH, "2021-03-04", "lawsuit",
        "--summary", f"The {RARE} doctrine, the court says, decides who answers for what users post.",
        "--actor", f"{LONG_ACTOR}:plaintiff", "--platform", LONG_PLATFORM, "--topic", LONG_TOPIC,
    )  # fmt: skip
    archive.add(
        HEADLINE_MATCH, "2022-06-07", "statement",
        "--summary", "The agency asks how feeds choose what to show.",
        "--source-title", f"Inquiry cites the {RARE} doctrine; {RARE} critics welcome it",
    )  # fmt: skip
    for number in range(1, REPORTS + 1):  # one a month from January 2018, so their order is their number
        year, month = divmod(number - 1, 12)
        archive.add(
            f"Quarterly moderation ledger {number:03d}", f"{2018 + year}-{month + 1:02d}-15", "statement",
            "--summary", "Numbers of posts removed and labelled, by reason.",
        )  # fmt: skip


@pytest.fixture
def context(browser: Browser, site: Site) -> Iterator[BrowserContext]:
    made = only_this_host(browser.new_context(viewport={"width": 1280, "height": 800}), site)
    made.add_init_script(REPORT_CSP_VIOLATIONS)
    yield made
    made.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def titles(page: Page) -> list[str]:
    return page.locator(".search-results h2.result-title a").all_text_contents()


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and \
        a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]  # fmt: skip


# 1. Layout -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [320, 768, 1280])
def test_no_two_filters_overlap_and_each_is_inside_the_viewport(browser: Browser, site: Site, width: int) -> None:
    made = only_this_host(browser.new_context(viewport={"width": width, "height": 900}), site)
    try:
        page = made.new_page()
        page.goto(site.url("search/index.html"))
        expect(page.locator("form[data-search]")).to_be_visible()
        expect(page.get_by_label("Actor").locator("option", has_text=LONG_ACTOR)).to_have_count(1)
        box = page.locator("details.search-filters-box")
        if width < 768:  # 48em: a phone's first screen keeps the results, the filters fold away
            expect(box).not_to_have_attribute("open", "")
            page.get_by_text("Filters", exact=True).click()
        expect(box).to_have_attribute("open", "")
        controls = page.locator(".search-filters select, #search-sort, #search-terms")
        boxes = [controls.nth(i).bounding_box() for i in range(controls.count())]
        assert len(boxes) >= 7, boxes  # the terms, the order, and a select per filter
        for i, one in enumerate(boxes):
            assert one is not None
            assert one["x"] >= 0 and one["x"] + one["width"] <= width, (width, i, one)
            for other in boxes[i + 1 :]:
                assert other is not None and not overlaps(one, other), (width, one, other)
        scroll = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll[0] <= scroll[1], f"the search page scrolls sideways at {width} px: {scroll}"
    finally:
        made.close()


# 2. The address ------------------------------------------------------------------------------------


def test_the_address_holds_the_search_and_opening_it_restores_it(
    page: Page, context: BrowserContext, site: Site
) -> None:
    page.goto(site.url("search/index.html"))
    page.get_by_label("Search the archive").fill(RARE)
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".search-status")).to_have_text("2 entries found")
    page.get_by_label("Actor").select_option(LONG_ACTOR)
    expect(page.locator(".search-status")).to_have_text("1 entry found")
    page.get_by_label("Order").select_option("newest")
    expect(page).to_have_url(re.compile(r"[?&]sort=newest(&|$)"))
    shared = page.url
    assert f"q={RARE}" in shared and "actor=The+Permanent+Subcommittee" in shared, shared

    again = context.new_page()
    again.goto(shared)
    expect(again.get_by_label("Search the archive")).to_have_value(RARE)
    expect(again.get_by_label("Actor")).to_have_value(LONG_ACTOR)
    expect(again.get_by_label("Order")).to_have_value("newest")
    expect(again.locator(".search-status")).to_have_text("1 entry found")
    assert titles(again) == [SUMMARY_MATCH]


# 3. Excerpts and ranking ---------------------------------------------------------------------------


def test_excerpts_come_from_the_summary_with_the_match_marked(page: Page, site: Site) -> None:
    problems = problems_of(page)
    page.goto(site.url(f"search/index.html?q={RARE}"))
    expect(page.locator(".search-status")).to_have_text("2 entries found")
    first = page.locator(".search-results > li").first
    expect(first.locator("h2 a")).to_have_text(SUMMARY_MATCH)
    excerpt = first.locator("p.excerpt")
    expect(excerpt.locator("mark")).to_have_text(re.compile(RARE, re.IGNORECASE))
    text = excerpt.inner_text()
    assert "doctrine, the court says" in text, text
    assert LONG_ACTOR not in text and LONG_PLATFORM not in text and "Actors" not in text, text
    # Only text and <mark> elements: nothing from the page was read as markup.
    assert excerpt.evaluate("p => [...p.childNodes].every(n => n.nodeType === 3 || n.nodeName === 'MARK')")
    assert excerpt.locator("mark").evaluate_all("marks => marks.every(m => m.children.length === 0)")

    # A filter alone matches no words: the excerpt is still the entry's own text, not its facts.
    page.goto(site.url("search/index.html?actor=" + LONG_ACTOR.replace(" ", "+")))
    expect(page.locator(".search-status")).to_have_text("1 entry found")
    text = page.locator("p.excerpt").inner_text()
    assert LONG_ACTOR not in text and LONG_TOPIC not in text and "Actors" not in text, text
    assert "doctrine" in text, text
    assert problems == [], "\n".join(problems)


def test_each_result_names_its_date_kind_and_first_publisher(page: Page, site: Site) -> None:
    """Entries of one day and one title are told apart by what they rest on, as on the listings."""
    page.goto(site.url("search/index.html?q=moderation+ledger"))
    expect(page.locator(".search-results > li")).to_have_count(50)
    lines = page.locator(".search-results > li p.meta").all_inner_texts()
    assert all(re.fullmatch(r"\d{1,2} \w+ \d{4} · Statement · Test Wire", line) for line in lines), lines[:3]


def test_names_and_identifiers_are_found_as_words_without_filling_excerpts(page: Page, site: Site) -> None:
    # An executive order's number finds it first: its identifiers name it, while the other entries
    # (the order revoking it, those citing its text) only mention it.
    page.goto(site.url("search/index.html?q=13925"))
    expect(page.locator(".search-status")).to_have_text(re.compile(r"^\d+ entries found$"))
    expect(page.locator(".search-results h2 a").first).to_have_text(re.compile("Trump signs executive order"))
    # A platform named only in the facts list, typed as words, finds its entry first (the words'
    # stems, "feder-" and "worldwid-", are in other entries' texts too).
    page.goto(site.url("search/index.html?q=Federated+Worldwide"))
    expect(page.locator(".search-status")).to_have_text(re.compile(r"^\d+ entr(y|ies) found$"))
    expect(page.locator(".search-results h2 a").first).to_have_text(SUMMARY_MATCH)


def test_a_match_in_a_sources_headline_alone_ranks_below_a_match_in_the_entry(page: Page, site: Site) -> None:
    page.goto(site.url(f"search/index.html?q={RARE}"))
    expect(page.locator(".search-status")).to_have_text("2 entries found")
    assert titles(page) == [SUMMARY_MATCH, HEADLINE_MATCH]


# 4. More results and their order -------------------------------------------------------------------


def test_show_more_loads_the_results_past_the_first_fifty(page: Page, site: Site) -> None:
    problems = problems_of(page)
    page.goto(site.url("search/index.html?q=moderation+ledger"))
    status = page.locator(".search-status")
    expect(status).to_have_text(f"{REPORTS} entries found, showing the first 50")
    expect(page.locator(".search-results > li")).to_have_count(50)
    more = page.get_by_role("button", name="Show more")
    more.click()
    expect(page.locator(".search-results > li")).to_have_count(REPORTS)
    expect(status).to_have_text(f"{REPORTS} entries found")
    expect(more).to_be_hidden()
    expect(page.locator(".search-results > li").nth(50).locator("a")).to_be_focused()
    assert len(set(titles(page))) == REPORTS
    assert axe_violations(page) == []
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("order, numbers", [("newest", range(REPORTS, 0, -1)), ("oldest", range(1, REPORTS + 1))])
def test_results_can_be_ordered_by_date(page: Page, site: Site, order: str, numbers: range) -> None:
    page.goto(site.url(f"search/index.html?q=moderation+ledger&sort={order}"))
    expect(page.locator(".search-results > li")).to_have_count(50)
    page.get_by_role("button", name="Show more").click()
    expect(page.locator(".search-results > li")).to_have_count(REPORTS)
    assert titles(page) == [f"Quarterly moderation ledger {n:03d}" for n in numbers]


# 5. From disk --------------------------------------------------------------------------------------


def test_opened_from_disk_the_page_says_to_serve_the_site(browser: Browser, site: Site) -> None:
    made = browser.new_context()
    try:
        page = made.new_page()
        page.goto((site.out / "search" / "index.html").as_uri())
        needs = page.locator("[data-search-needs]")
        expect(needs).to_contain_text("Search needs the site served over http: run 'timeline serve'")
        assert "needs JavaScript" not in needs.inner_text()
        expect(page.locator("form[data-search]")).to_be_hidden()
    finally:
        made.close()


# 6. Did you mean -----------------------------------------------------------------------------------


def test_a_typo_that_finds_nothing_suggests_the_closest_name(page: Page, site: Site) -> None:
    page.goto(site.url("search/index.html?q=Twiter&sort=newest"))
    expect(page.locator(".search-status")).to_have_text("No entries found")
    suggestion = page.locator(".search-suggestion")
    expect(suggestion).to_have_text("Did you mean Twitter?")
    assert axe_violations(page) == []
    suggestion.get_by_role("link", name="Twitter").click()
    expect(page).to_have_url(re.compile(r"[?&]q=Twitter(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]sort=newest(&|$)"))
    expect(page.locator(".search-status")).to_have_text(re.compile(r"^\d+ entr(y|ies) found$"))
    expect(suggestion).to_be_hidden()

    page.goto(site.url("search/index.html?q=xqzvwk"))  # near no name at all
    expect(page.locator(".search-status")).to_have_text("No entries found")
    expect(suggestion).to_be_hidden()
