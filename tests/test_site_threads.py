"""Threads of linked entries, on built sites.

What these tests prove:

1. Entries joined by relations (but ``related``) make one thread with its page at threads/<key>/,
   the key being its earliest entry's slug when the thread first appeared. A link that joins two
   threads leaves one, at the address given first; the other address leads to it. Undoing the link
   splits them again and each part is back at its own address; a thread left with one entry ends,
   its page saying so. After every step an incremental build equals a full one.
2. A thread's page is a dated list (``ol.entries.timeline`` of ``.entry-card`` items with
   ``<time datetime>``) in date order, a response after what it responds to, each entry with its
   links to the others in words both ways; the time scale's container sits just above it. Each
   entry's page names its thread; threads/ lists every thread, the latest first, with its span and
   count, and the nav and the sitemap lead there.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from conftest import ArchiveUnderTest
from sitebuild import SMALL_BASE_URL, broken_links, build, html, record_small_archive, sitemap_locations, tree

from timeline.site import urls


def words(element: Any) -> str:
    """An element's text as read: its words, one space apart."""
    return " ".join(element.get_text().split())


def page(out: Path, url: str) -> BeautifulSoup:
    return html(out / urls.output_path(url))


def thread_line(out: Path, slug: str) -> str | None:
    """What an entry's page says of its thread ("Part of the thread: ..."), if anything."""
    line = page(out, urls.entry(slug)).select_one("p.thread-link")
    return words(line) if line else None


def listed_threads(out: Path) -> list[tuple[str, str]]:
    """(key, text) of each thread threads/ lists, in its order."""
    items = page(out, urls.threads_index()).select("ul.thread-list li")
    return [(li.a["href"].split("/")[-2], words(li)) for li in items]


def redirect_target(out: Path, key: str) -> str | None:
    refresh = page(out, urls.thread(key)).find("meta", attrs={"http-equiv": "refresh"})
    return refresh["content"].split("url=")[1].split("/")[-2] if refresh else None


def same_as_full_build(archive: ArchiveUnderTest, incremental: Path, full: Path) -> None:
    build(archive, incremental)
    build(archive, full, "--full")
    a, b = tree(incremental), tree(full)
    assert sorted(a) == sorted(b)
    assert [name for name in b if a[name] != b[name]] == []


def record_two_stories(archive: ArchiveUnderTest) -> dict[str, dict[str, Any]]:
    """The small archive (gamma responds to alpha, alpha to beta; delta alone) and a second story:
    zeta responds to epsilon; eta is only ``related`` to delta."""
    entries = record_small_archive(archive)
    epsilon = archive.add("Epsilon suspends an account", "2021-01-08", "suspension", "--platform", "Twitter")
    zeta = archive.add(
        "Zeta objects to the suspension", "2021-01-09", "statement", "--link", "responds-to", epsilon["slug"]
    )
    eta = archive.add(
        "Eta reports on takedowns", "2019-09-01", "statement", "--link", "related", entries["delta"]["slug"]
    )
    return entries | {"epsilon": epsilon, "zeta": zeta, "eta": eta}


def test_threads_merge_split_and_end_at_permanent_addresses(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    a, b = tmp_path / "incremental", tmp_path / "full"
    entries = record_two_stories(sqlite_archive)
    slug = {name: entry["slug"] for name, entry in entries.items()}
    first, second = slug["gamma"], slug["epsilon"]  # each story's earliest entry when it appeared
    same_as_full_build(sqlite_archive, a, b)
    assert [key for key, _ in listed_threads(a)] == [second, first]
    assert thread_line(a, slug["beta"]) == "Part of the thread: Alpha order targets platform liability (3 entries)"
    assert thread_line(a, slug["zeta"]) == "Part of the thread: Epsilon suspends an account (2 entries)"
    for alone in ("delta", "eta"):  # a "related" link joins no thread
        assert thread_line(a, slug[alone]) is None

    sqlite_archive.ok("link", slug["epsilon"], "follows", slug["alpha"], "--reason", "the same dispute")
    same_as_full_build(sqlite_archive, a, b)
    assert [key for key, _ in listed_threads(a)] == [first]
    assert redirect_target(a, second) == first
    assert "This thread is now at" in page(a, urls.thread(second)).get_text()
    for name in ("alpha", "zeta"):
        assert thread_line(a, slug[name]) == "Part of the thread: Alpha order targets platform liability (5 entries)"

    sqlite_archive.ok("unlink", slug["epsilon"], "follows", slug["alpha"], "--reason", "two disputes after all")
    same_as_full_build(sqlite_archive, a, b)
    assert [key for key, _ in listed_threads(a)] == [second, first]
    assert redirect_target(a, second) is None
    assert thread_line(a, slug["epsilon"]) == "Part of the thread: Epsilon suspends an account (2 entries)"

    sqlite_archive.ok("retract", slug["zeta"], "--reason", "no such statement")
    same_as_full_build(sqlite_archive, a, b)
    assert [key for key, _ in listed_threads(a)] == [first]
    ended = page(a, urls.thread(second))
    assert "no longer linked" in ended.select_one(".notice").get_text()
    assert [li.get_text(strip=True) for li in ended.select("ul.ended-thread li")] == [
        "Epsilon suspends an account",
        "Zeta objects to the suspension",
    ]
    assert thread_line(a, slug["epsilon"]) is None
    assert broken_links(a, SMALL_BASE_URL) == []


def test_a_thread_page_is_a_dated_list_with_its_links_in_words(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    entries = record_two_stories(sqlite_archive)
    slug = {name: entry["slug"] for name, entry in entries.items()}
    # On one day, a response after what it responds to, whatever the titles say.
    answer = sqlite_archive.add(
        "Aardvark answers the order", "2020-05-28", "statement", "--link", "responds-to", slug["alpha"]
    )
    build(sqlite_archive, out)
    thread = page(out, urls.thread(slug["gamma"]))
    assert thread.h1.get_text(strip=True) == "Alpha order targets platform liability"
    assert words(thread.select_one("p.lead")).startswith("4 entries, April 2017 – 28 May 2020.")
    timeline = thread.select_one("ol.entries.timeline")
    # Above the list, the time scale that draws it (hidden until its script draws the page's own cards).
    scale = timeline.find_previous_sibling("section")
    assert scale["class"] == ["timescale"] and scale["data-timescale"] == "page" and scale.has_attr("hidden")
    cards = timeline.select("li.entry-card")
    assert [card.select_one("time")["datetime"] for card in cards] == [
        "2017-04",
        "2020-05-26",
        "2020-05-28",
        "2020-05-28",
    ]
    titles = [card.select_one(".entry-title a").get_text() for card in cards]
    assert titles == [entries["gamma"]["title"], entries["beta"]["title"], entries["alpha"]["title"], answer["title"]]
    links = {
        title: [words(li) for li in card.select(".card-relations li")]
        for title, card in zip(titles, cards, strict=True)
    }
    assert links[entries["alpha"]["title"]] == [
        "Responds to Beta labels two tweets",
        "Responded to by Gamma sues to block a summons",
        "Responded to by Aardvark answers the order",
    ]
    assert links[entries["beta"]["title"]] == ["Responded to by Alpha order targets platform liability"]

    listed = listed_threads(out)
    assert listed == [
        (slug["epsilon"], "Epsilon suspends an account (2 entries, 8 January 2021 – 9 January 2021)"),
        (slug["gamma"], "Alpha order targets platform liability (4 entries, April 2017 – 28 May 2020)"),
    ]
    nav = page(out, urls.thread(slug["gamma"])).select_one("nav[aria-label=Site] a[aria-current=true]")
    assert nav is not None and nav.get_text() == "Threads"
    sitemap = sitemap_locations(out, SMALL_BASE_URL)
    for url in (urls.threads_index(), urls.thread(slug["gamma"]), urls.thread(slug["epsilon"])):
        assert f"{SMALL_BASE_URL}{url}" in sitemap


@pytest.mark.parametrize("seed", [3, 7])  # (sequences that merge or end threads, not only grow them)
def test_any_sequence_of_links_unlinks_retractions_and_corrections_builds_as_a_full_build(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path, seed: int
) -> None:
    """Links made and undone at random among six entries, some retracted and brought back, some
    moved to another day: threads merge, split, end and come back, and the incremental build
    equals a full one (checked midway and at the end)."""
    archive, a, b = sqlite_archive, tmp_path / "incremental", tmp_path / "full"
    names = ["one", "two", "three", "four", "five", "six"]
    slugs = [archive.add(f"Entry {n} of the story", f"2020-05-{20 + i:02d}")["slug"] for i, n in enumerate(names)]
    rng = random.Random(seed)
    links: set[tuple[str, str, str]] = set()
    retracted: set[str] = set()
    build(archive, a)
    for step in range(24):
        roll = rng.random()
        if roll < 0.6 or not links:
            earlier, later = sorted(rng.sample(slugs, 2))
            kind = rng.choice(["responds-to", "follows", "ends", "challenges", "related"])
            if archive.run("link", later, kind, earlier, "--reason", "step").exit_code == 0:
                links.add((later, kind, earlier))
        elif roll < 0.8:
            link = sorted(links)[rng.randrange(len(links))]
            if archive.run("unlink", *link, "--reason", "step").exit_code == 0:  # (not from a retracted entry)
                links.discard(link)
        elif roll < 0.92:
            entry = rng.choice(slugs)
            archive.ok(*(("unretract", entry) if entry in retracted else ("retract", entry)), "--reason", "step")
            retracted ^= {entry}
        else:  # another day, still after what it links to: the day's order and the thread's dates change
            archive.run("correct", rng.choice(slugs[3:]), "--date", "2020-05-26", "--reason", "step")
        build(archive, a)
        if step in (11, 23):
            shutil.rmtree(b, ignore_errors=True)
            same_as_full_build(archive, a, b)
    # The sequence went through more than growth: a thread merged into another (a redirect left) or ended.
    pages = [page(a, urls.thread(p.name)) for p in (a / "threads").iterdir() if p.is_dir()]
    assert any(p.find("meta", attrs={"http-equiv": "refresh"}) or "no longer linked" in p.get_text() for p in pages)
