"""A name with hundreds of entries: its page lists them newest first, the other order one click
away as its own pages, with a heading per year, a list of the years each leading to where it
starts, and numbered pages; rebuilt in part it is the page a full build makes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import ArchiveUnderTest
from sitebuild import SMALL_BASE_URL, broken_links, build, html, resolve, tree

from timeline.site import urls
from timeline.site.paging import page_numbers
from timeline.site.templating import Templates

COUNT = 250


def record_many(archive: ArchiveUnderTest, tmp_path: Path) -> None:
    """COUNT entries of one platform over four years, their dates out of order in the file."""
    rows = tmp_path / "rows.csv"
    with rows.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["title", "kind", "date", "platforms", "source_title"])
        for n in range(COUNT):
            date = f"{2018 + n * 4 // COUNT}-{n % 12 + 1:02d}-{n % 28 + 1:02d}"
            writer.writerow([f"Twitter changes its terms, version {n}", "statement", date, "Twitter", f"Terms {n}"])
    archive.ok("import", str(rows))


def cards(page: Path) -> list[tuple[str, str]]:
    """(date, title) of each card of a facet page, in its order."""
    return [
        (card.time["datetime"], card.select_one(".entry-title").get_text(strip=True))
        for card in html(page).select("li.entry-card")
    ]


def pages_of(out: Path, first: str) -> list[Path]:
    """The pages of the listing whose first page is FIRST (a folder under OUT), in their order."""
    found, number = [out / first / "index.html"], 2
    while (out / first / "page" / str(number) / "index.html").is_file():
        found.append(out / first / "page" / str(number) / "index.html")
        number += 1
    return found


@pytest.mark.parametrize(
    "number,pages,shown",
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 8, [1, 2, None, 7, 8]),
        (4, 8, [1, 2, 3, 4, 5, 6, 7, 8]),
        (5, 10, [1, 2, 3, 4, 5, 6, None, 9, 10]),
        (8, 8, [1, 2, None, 7, 8]),
    ],
)
def test_page_numbers_show_the_ends_and_the_neighbours_with_gaps_marked(
    number: int, pages: int, shown: list[int | None]
) -> None:
    assert page_numbers(number, pages) == shown


def test_a_long_facet_lists_newest_first_with_the_other_order_years_and_page_numbers(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    archive, out = sqlite_archive, tmp_path / "site"
    record_many(archive, tmp_path)
    build(archive, out)

    newest, oldest = pages_of(out, "platforms/twitter"), pages_of(out, "platforms/twitter/oldest")
    assert len(newest) == len(oldest) == 3
    newest_cards = [card for page in newest for card in cards(page)]
    oldest_cards = [card for page in oldest for card in cards(page)]
    assert len(newest_cards) == COUNT and newest_cards == list(reversed(oldest_cards))
    assert [date for date, _ in oldest_cards] == sorted(date for date, _ in oldest_cards)
    assert len(cards(newest[0])) == 100 and newest_cards[0][0].startswith("2021-")

    # Each order links to the other, marking the one shown.
    order = html(newest[1]).select_one("nav.order")
    assert [(a.get_text(), a.get("aria-current")) for a in order.select("a")] == [
        ("Newest first", "true"),
        ("Oldest first", None),
    ]
    assert resolve(out, newest[1], order.select("a")[1]["href"], SMALL_BASE_URL).resolve() == oldest[0].resolve()

    # Numbered pages, the current one marked.
    numbers = html(newest[1]).select("nav.pagination .page-numbers a")
    assert [(a.get_text(), a.get("aria-current")) for a in numbers] == [("1", None), ("2", "page"), ("3", None)]
    assert [resolve(out, newest[1], a["href"], SMALL_BASE_URL).resolve() for a in numbers] == [
        p.resolve() for p in newest
    ]

    # Each year's link leads to the page and heading where that year starts, in each order.
    for pages, listed in ((newest, newest_cards), (oldest, oldest_cards)):
        years = html(pages[0]).select("nav.facet-years a")
        assert [a.get_text() for a in years] == (["2021", "2020", "2019", "2018"] if pages is newest else
                                                 ["2018", "2019", "2020", "2021"])  # fmt: skip
        for link in years:
            path, anchor = link["href"].split("#")
            target = resolve(out, pages[0], path, SMALL_BASE_URL).resolve()
            first = next(i for i, (date, _) in enumerate(listed) if date.startswith(link.get_text()))
            assert target == pages[first // 100].resolve()
            heading = html(target).find(id=anchor)
            assert heading.get_text() == link.get_text() and "year-heading" in heading["class"]
            assert heading.find_next("li", class_="entry-card").time["datetime"] == listed[first][0]
    assert broken_links(out, SMALL_BASE_URL) == []


def test_a_long_facet_rebuilt_in_part_is_the_facet_a_full_build_makes(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    archive, out, full = sqlite_archive, tmp_path / "site", tmp_path / "full"
    record_many(archive, tmp_path)
    build(archive, out)
    listed = archive.json("list", "--platform", "Twitter")
    middle = listed[130]["slug"]
    # A new title leaves the entry where it was: only the pages holding it, in both orders.
    archive.ok("correct", middle, "--title", "Twitter rewrites its terms", "--reason", "the headline")
    build(archive, out)
    build(archive, full, "--full")
    assert tree(out) == tree(full)
    assert "Twitter rewrites its terms" in {t for _, t in cards(out / "platforms/twitter/oldest/page/2/index.html")}
    # A new year moves it across pages and changes where the years start; an entry added changes the count.
    archive.ok("correct", middle, "--date", "2017-06-01", "--reason", "the date the terms took effect")
    archive.add("Twitter changes its terms once more", "2021-12-30", "statement", "--platform", "Twitter")
    build(archive, out)
    build(archive, full)
    assert tree(out) == tree(full)
    newest = html(out / "platforms/twitter/index.html")
    assert [a.get_text() for a in newest.select("nav.facet-years a")] == ["2021", "2020", "2019", "2018", "2017"]
    assert cards(out / "platforms/twitter/index.html")[0][1] == "Twitter changes its terms once more"
    assert cards(out / "platforms/twitter/oldest/index.html")[0][1] == "Twitter rewrites its terms"


def test_a_long_index_renders_only_the_pages_a_change_reaches(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sources' index lists every cited document (COUNT of them, three pages): a new one renders
    the pages from its place on, and leaves the others alone, as a full build would make them."""
    archive, out, full = sqlite_archive, tmp_path / "site", tmp_path / "full"
    record_many(archive, tmp_path)
    build(archive, out)
    rendered: list[str] = []
    page = Templates.page

    def counted(self: Templates, template: str, url: str, **context: object) -> dict[str, bytes]:
        if template == "facet_index.html" and url.startswith("sources/"):
            rendered.append(url)
        return page(self, template, url, **context)

    monkeypatch.setattr(Templates, "page", counted)
    # Documents without a publisher or a date are listed by title: "Zeta terms" comes last.
    archive.ok("add", "--title", "Twitter changes its terms again", "--kind", "statement", "--date", "2021-12-30",
               "--source-title", "Zeta terms")  # fmt: skip
    build(archive, out)
    assert rendered == [urls.facet_index("sources", 3)]
    build(archive, full, "--full")
    assert tree(out) == tree(full)

    rendered.clear()  # a document that sorts first moves every page's items on by one
    archive.ok("add", "--title", "Twitter explains its terms", "--kind", "statement", "--date", "2021-12-31",
               "--source-title", "Aardvark terms")  # fmt: skip
    build(archive, out)
    assert sorted(rendered) == sorted(urls.facet_index("sources", n) for n in (1, 2, 3))
    build(archive, full)
    assert tree(out) == tree(full)
