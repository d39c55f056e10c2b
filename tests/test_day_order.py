"""Entries of one day are listed in causal order, on every listing.

What these tests prove:

1. The order of a day: an entry comes after what it responds to, follows, ends or supersedes; among
   entries free to come next, by the day their date ends, then the time they were recorded, then by
   title; a cycle of links is broken the same way whatever order its links were made in.
2. On the home page, the year page, every facet page both ends are on, the year's data files and
   the TimelineJS file, a response is listed after what it responds to on the same day (before it
   on the home page, which lists the latest first), though the titles and the times recorded
   would put it first.
3. Links made and removed, new dates and retractions move the other entries of their day, on the
   listings the changed entry is on and on those it is not, and the incremental build after each
   equals a full build, byte for byte.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import shutil
from pathlib import Path

from conftest import ArchiveUnderTest
from sitebuild import build, html, tree

from timeline.domain.dayorder import order_of_day
from timeline.site.urls import FACETS

# 1. The order of a day --------------------------------------------------------------------------


def test_an_entry_comes_after_what_it_follows_then_by_end_recorded_and_title() -> None:
    day = [
        ("zeta", "2020-05-28", "2020-05-28T10:00:00.000+00:00", "Zeta order"),
        ("alpha", "2020-05-28", "2020-05-28T09:00:00.000+00:00", "Alpha statement"),
        ("mike", "2020-05-28", "2020-05-28T11:00:00.000+00:00", "Mike hearing"),
        ("long", "2020-06-02", "2020-05-28T08:00:00.000+00:00", "A week of hearings"),
        ("same", "2020-05-28", "2020-05-28T11:00:00.000+00:00", "Lima hearing"),
    ]
    assert order_of_day(day, []) == ["alpha", "zeta", "same", "mike", "long"]
    # alpha responds to zeta; long follows alpha (a link from outside the day is no constraint).
    assert order_of_day(day, [("zeta", "alpha"), ("alpha", "long"), ("elsewhere", "zeta")]) == [
        "zeta", "alpha", "same", "mike", "long",
    ]  # fmt: skip
    assert order_of_day(day, [("mike", "zeta"), ("zeta", "alpha")]) == ["same", "mike", "zeta", "alpha", "long"]


def test_a_cycle_of_links_is_broken_the_same_way_whatever_order_the_links_come_in() -> None:
    day = [(name, "2020-05-28", f"2020-05-28T0{n}:00:00.000+00:00", name) for n, name in enumerate("abcde")]
    cycle = [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("e", "e")]
    orders = {tuple(order_of_day(day, list(links))) for links in itertools.permutations(cycle)}
    # e, free (a link to itself is no constraint), goes first; the cycle is broken at its first entry
    # by the time recorded (a); d still comes after c.
    assert orders == {("e", "a", "b", "c", "d")}
    # Entries free of the cycle go first; the order the entries are given in does not matter.
    assert order_of_day(list(reversed(day)), [("b", "a"), ("a", "b")]) == ["c", "d", "e", "a", "b"]


# 2. Every listing ------------------------------------------------------------------------------


def record_same_day_chains(archive: ArchiveUnderTest) -> dict[str, str]:
    """Two days whose responses are recorded first and sort first by title: on 28 May 2020 "Alpha"
    responds to "Zeta"; on 26 May "Bravo" responds to "Mike", which follows "Yankee". All are on
    Twitter, name it, are about Section 230 in the United States; Mike and Bravo are statements.
    Returns their slugs by name."""
    common = ("--platform", "Twitter", "--actor", "Twitter:subject", "--topic", "Section 230",
              "--jurisdiction", "United States")  # fmt: skip
    slugs = {
        "alpha": archive.add("Alpha statement on the order", "2020-05-28", "statement", *common),
        "bravo": archive.add("Bravo calls the labels censorship", "2020-05-26", "statement", *common),
        "mike": archive.add("Mike answers for the company", "2020-05-26", "statement", *common),
        "zeta": archive.add("Zeta order on online censorship", "2020-05-28", "executive-order", *common),
        "yankee": archive.add("Yankee labels two tweets", "2020-05-26", "label", *common),
    }
    names = {name: entry["slug"] for name, entry in slugs.items()}
    for later, kind, earlier in (("alpha", "responds-to", "zeta"), ("bravo", "responds-to", "mike"),
                                 ("mike", "follows", "yankee")):  # fmt: skip
        archive.ok("link", names[later], kind, names[earlier], "--reason", "as reported")
    return names


def listed(page: Path) -> list[str]:
    """The slugs of the entry cards a listing page shows, top to bottom."""
    hrefs = [a["href"] for a in html(page).select("li.entry-card .entry-title a")]
    return [re.search(r"events/([^/]+)/(index\.html)?$", href).group(1) for href in hrefs]  # type: ignore[union-attr]


def listings_of(out: Path) -> dict[str, list[str]]:
    """Every listing of the site's entries in date order (every year, facet and thread page), in reading
    order (the home page's and the facet pages' reversed, as they list the latest first; a facet's
    oldest-first pages as they are), by the file it is in."""
    pages = [*out.glob("timeline/*/index.html"), *(p for f in FACETS for p in out.glob(f"{f}/*/oldest/index.html"))]
    pages += out.glob("threads/*/index.html")
    found = {page.relative_to(out).as_posix(): listed(page) for page in sorted(pages)}
    newest_first = [out / "index.html", *(p for f in FACETS for p in out.glob(f"{f}/*/index.html"))]
    found |= {page.relative_to(out).as_posix(): list(reversed(listed(page))) for page in sorted(newest_first)}
    found["data/2020/entries.json"] = [e["slug"] for e in json.loads((out / "data/2020/entries.json").read_bytes())]
    rows = csv.DictReader(io.StringIO((out / "data/2020/entries.csv").read_text(encoding="utf-8")))
    found["data/2020/entries.csv"] = [row["slug"] for row in rows]
    slides = json.loads((out / "data/timelinejs.json").read_bytes())["events"]
    found["data/timelinejs.json"] = [slide["unique_id"] for slide in slides]
    return found


def assert_causal(out: Path, slugs: dict[str, str], pairs: list[tuple[str, str]]) -> None:
    """On every listing showing both, each (earlier, later) pair's earlier entry is listed first;
    each pair is on the home page and at least one other listing besides."""
    listings = listings_of(out)
    for earlier, later in pairs:
        showing = [w for w, order in listings.items() if {slugs[earlier], slugs[later]} <= set(order)]
        assert "index.html" in showing and len(showing) > 1, (earlier, later, showing)
        for where in showing:
            order = listings[where]
            assert order.index(slugs[earlier]) < order.index(slugs[later]), (where, earlier, later, order)


def test_on_every_listing_a_response_comes_after_what_it_responds_to_on_the_same_day(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    slugs = record_same_day_chains(sqlite_archive)
    out = tmp_path / "site"
    build(sqlite_archive, out)
    listings = listings_of(out)
    order = [slugs[name] for name in ("yankee", "mike", "bravo", "zeta", "alpha")]
    for where in ("timeline/2020/index.html", "platforms/twitter/index.html", "topics/section-230/index.html",
                  "actors/twitter/index.html", "jurisdictions/united-states/index.html", "index.html",
                  "data/2020/entries.json", "data/2020/entries.csv", "data/timelinejs.json"):  # fmt: skip
        assert listings[where] == order, where
    assert listings["kinds/statement/index.html"] == [slugs["mike"], slugs["bravo"], slugs["alpha"]]
    assert_causal(out, slugs, [("zeta", "alpha"), ("yankee", "mike"), ("mike", "bravo")])


# 3. Incremental builds ---------------------------------------------------------------------------


def test_links_dates_and_retractions_reorder_a_day_and_incremental_builds_equal_full_ones(
    store: ArchiveUnderTest, tmp_path: Path
) -> None:
    slugs = record_same_day_chains(store)
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    build(store, incremental)

    def change(*command: str) -> list[str]:
        """Make the change, build, check the site against a full build; the year page's order."""
        store.ok(*command, "--reason", "as reported")
        build(store, incremental)
        shutil.rmtree(full, ignore_errors=True)
        build(store, full, "--full")
        assert tree(incremental) == tree(full), command
        names = {slug: name for name, slug in slugs.items()}
        return [names[slug] for slug in listed(incremental / "timeline/2020/index.html")]

    # Without its link, Alpha goes by the time it was recorded: first.
    assert change("unlink", slugs["alpha"], "responds-to", slugs["zeta"]) == [
        "yankee",
        "mike",
        "bravo",
        "alpha",
        "zeta",
    ]
    # Zeta now follows Alpha: the order stays.
    assert change("link", slugs["zeta"], "follows", slugs["alpha"]) == ["yankee", "mike", "bravo", "alpha", "zeta"]
    # On Mike's day, Alpha, recorded first, goes first: nothing there comes before it.
    assert change("correct", slugs["alpha"], "--date", "2020-05-26") == ["alpha", "yankee", "mike", "bravo", "zeta"]
    # Mike's link to Yankee is gone: Bravo still answers Mike, and Yankee, recorded last, ends the day.
    assert change("unlink", slugs["mike"], "follows", slugs["yankee"]) == ["alpha", "mike", "bravo", "yankee", "zeta"]
    # Alpha supersedes Yankee, and Yankee's retraction frees it again.
    assert change("link", slugs["alpha"], "supersedes", slugs["yankee"]) == ["mike", "bravo", "yankee", "alpha", "zeta"]
    assert change("retract", slugs["yankee"]) == ["alpha", "mike", "bravo", "zeta"]
    # A new entry that Mike responds to, recorded last, on Mike's day: Mike and Bravo move after it.
    late = store.add("Late notice of the labels", "2020-05-26", "label", "--platform", "Twitter")
    slugs["late"] = late["slug"]
    assert change("link", slugs["mike"], "responds-to", slugs["late"]) == ["alpha", "late", "mike", "bravo", "zeta"]
    assert_causal(incremental, slugs, [("late", "mike"), ("mike", "bravo")])

    # A hearing's new date frees the statement that answered it: two statements of its old day change
    # places on the statements' page, which the hearing is not on.
    for name, title, kind in (("papa", "Papa answers the hearing", "statement"),
                              ("quebec", "Quebec statement on moderation", "statement"),
                              ("xray", "Xray hearing on moderation", "hearing")):  # fmt: skip
        slugs[name] = store.add(title, "2020-05-27", kind)["slug"]
    day_26 = ["alpha", "late", "mike", "bravo"]
    assert change("link", slugs["papa"], "responds-to", slugs["xray"]) == [*day_26, "quebec", "xray", "papa", "zeta"]
    statements = incremental / "kinds/statement/oldest/index.html"
    assert listed(statements) == [slugs[n] for n in ("alpha", "mike", "bravo", "quebec", "papa")]
    assert change("correct", slugs["xray"], "--date", "2020-05-25") == ["xray", *day_26, "papa", "quebec", "zeta"]
    assert listed(statements) == [slugs[n] for n in ("alpha", "mike", "bravo", "papa", "quebec")]
