"""How a reader moves between an entry and what it names: the names on every card link to their
pages, /sources/ lists each document with its publisher and date in a bibliography's order (each
leading to its page, or to its one citing entry), an actor's page says what the actor is and how
many entries name it, and the nav marks the section the reader is in."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from conftest import ArchiveUnderTest
from hypothesis import given
from hypothesis import strategies as st
from sitebuild import SMALL_BASE_URL, broken_links, build, html, record_small_archive, resolve, tree

from timeline.site.sourcepages import index_order


def glance_links(out: Path, page: str) -> dict[str, list[tuple[str, str]]]:
    """For each card of the listing PAGE (by its entry's slug): (text, target page) of each name
    link, the target relative to OUT."""
    path = out / page
    cards = {}
    for card in html(path).select("li.entry-card"):
        slug = card.select_one(".entry-title a")["href"].split("/")[-2]
        links = []
        for anchor in card.select("p.glance a"):
            target = resolve(out, path, anchor["href"], SMALL_BASE_URL)
            assert target is not None and target.is_file(), f"{page}: {anchor} leads nowhere"
            links.append((anchor.get_text(), target.resolve().relative_to(out.resolve()).as_posix()))
        cards[slug] = links
    return cards


def test_names_on_cards_link_to_the_pages_of_their_actors_platforms_and_topics(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    archive, out = sqlite_archive, tmp_path / "site"
    entries = record_small_archive(archive)
    build(archive, out)

    year = glance_links(out, "timeline/2020/index.html")
    assert year[entries["alpha"]["slug"]] == [
        ("Donald Trump", "actors/donald-trump/index.html"),
        ("Twitter", "platforms/twitter/index.html"),
        ("Section 230", "topics/section-230/index.html"),
    ]
    assert year[entries["beta"]["slug"]] == [
        ("Twitter", "actors/twitter/index.html"),
        ("Twitter", "platforms/twitter/index.html"),
        ("election misinformation", "topics/election-misinformation/index.html"),
    ]
    # The home page's cards are the same cards; each link's page is about the name it shows.
    home = glance_links(out, "index.html")
    assert home[entries["delta"]["slug"]] == [
        ("Facebook", "actors/facebook/index.html"),
        ("Facebook", "platforms/facebook/index.html"),
    ]
    for links in home.values():
        for text, target in links:
            assert html(out / target).h1.get_text() == text
    # The role stays beside the actor's name, outside its link; the groups read as before.
    [glance] = [
        card.select_one("p.glance")
        for card in html(out / "index.html").select("li.entry-card")
        if entries["beta"]["slug"] in card.select_one(".entry-title a")["href"]
    ]
    assert " ".join(glance.get_text().split()) == "Twitter (author) · Twitter · election misinformation"
    assert broken_links(out, SMALL_BASE_URL) == []


def test_sources_are_listed_with_publisher_and_date_by_publisher_then_date_then_title(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    archive, out = sqlite_archive, tmp_path / "site"

    def cite(title: str, publisher: str, date: str) -> None:
        options = ["--source-title", title, "--source-date", date] if date else ["--source-title", title]
        options += ["--source-publisher", publisher] if publisher else []
        archive.ok("add", "--title", f"Entry citing {title}", "--kind", "statement", "--date", "2020-05-28", *options)

    cite("Zeta rules on liability", "Reuters", "2020-05-26")
    cite("[Report on the order]", "Reuters", "2020-05-28")
    cite("Alpha platforms respond", "Reuters", "2020-05-28")
    cite("What the order says", "associated press", "2020-05-29")
    cite("A memo without a publisher", "", "2020-05-01")
    cite("An undated brief", "Reuters", "")
    build(archive, out)

    items = html(out / "sources" / "index.html").select("ul.source-list li")
    assert [" ".join(item.get_text().split()) for item in items] == [
        "What the order says — associated press, 29 May 2020 (1)",
        "Zeta rules on liability — Reuters, 26 May 2020 (1)",
        "Alpha platforms respond — Reuters, 28 May 2020 (1)",
        "[Report on the order] — Reuters, 28 May 2020 (1)",
        "An undated brief — Reuters (1)",
        "A memo without a publisher — 1 May 2020 (1)",
    ]
    # Each is cited once, so has no page: its title links to where its entry's page shows it.
    for item in items:
        href = item.a["href"]
        target = resolve(out, out / "sources" / "index.html", href, SMALL_BASE_URL)
        assert target is not None and target.is_file() and target.parent.parent.name == "events"
        shown = html(target).find(id=href.split("#")[1])
        assert shown is not None and shown.parent.name == "ol" and f"“{item.a.get_text()}”" in shown.get_text()
    assert [folder.name for folder in (out / "sources").iterdir() if folder.is_dir()] == []


def actor_summary(out: Path, key: str) -> str:
    shown = html(out / "actors" / key / "index.html").select_one("p.actor-summary")
    assert shown is not None and shown.find_previous_sibling("h1") is not None
    return " ".join(shown.get_text().split())


def test_an_actor_page_says_what_the_actor_is_and_how_many_entries_name_it(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    archive, out = sqlite_archive, tmp_path / "site"
    entries = record_small_archive(archive)
    archive.ok("actor", "type", "Twitter", "organization")
    build(archive, out)
    assert actor_summary(out, "twitter") == "Organisation · 2 entries"
    assert actor_summary(out, "donald-trump") == "1 entry"  # untyped: the count alone

    # A new type and a retraction: the next build shows both, and equals a full build.
    archive.ok("actor", "type", "Twitter", "government", "--reason", "as a regulator sees it")
    archive.ok("retract", entries["beta"]["slug"], "--reason", "recorded twice")
    archive.ok("actor", "type", "Donald Trump", "person")
    build(archive, out)
    assert actor_summary(out, "twitter") == "Government body · 1 entry"
    assert actor_summary(out, "donald-trump") == "Person · 1 entry"
    full = tmp_path / "full"
    build(archive, full, "--full")
    assert tree(out) == tree(full)

    # An entry added names the actor once more: the count follows, incrementally too.
    archive.add("Twitter sues over an order", "2020-06-02", "lawsuit", "--actor", "Twitter:plaintiff")
    build(archive, out)
    assert actor_summary(out, "twitter") == "Government body · 2 entries"
    build(archive, full, "--full")
    assert tree(out) == tree(full)


def current(out: Path, page: str) -> list[tuple[str, str]]:
    """(link text, aria-current) of each link the header of PAGE marks as current."""
    header = html(out / page).select_one("header.site-header")
    return [(a.get_text(), a["aria-current"]) for a in header.select("a[aria-current]")]


def test_the_nav_marks_the_section_each_page_belongs_to(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    archive, out = sqlite_archive, tmp_path / "site"
    entries = record_small_archive(archive)
    build(archive, out)
    alpha = entries["alpha"]["slug"]
    expected = {
        "index.html": [("Test archive", "page")],
        "timeline/index.html": [("Timeline", "page")],
        "timeline/2020/index.html": [("Timeline", "true")],
        "events/index.html": [("Timeline", "true")],
        f"events/{alpha}/index.html": [("Timeline", "true")],
        f"events/{alpha}/v1/index.html": [("Timeline", "true")],
        "actors/index.html": [("Actors", "page")],
        "actors/twitter/index.html": [("Actors", "true")],
        "platforms/twitter/index.html": [("Platforms", "true")],
        "topics/section-230/index.html": [("Topics", "true")],
        "kinds/label/index.html": [("Kinds", "true")],
        "jurisdictions/index.html": [("Jurisdictions", "page")],
        "sources/index.html": [("Sources", "page")],
        "changes/index.html": [("Changes", "page")],
        "search/index.html": [("Search", "page")],
        "threads/index.html": [("Threads", "page")],
        f"threads/{entries['gamma']['slug']}/index.html": [("Threads", "true")],
        # Pages of no nav section mark nothing.
        "feeds/index.html": [],
        "data/index.html": [],
        "bundles/index.html": [],
    }
    assert {page: current(out, page) for page in expected} == expected


def bibliography_order(key: str, document: dict[str, str]) -> tuple[object, ...]:
    """The sources' index's order as the README states it: by publisher, then date, then title (case
    and leading punctuation aside), those without a publisher or a date after those with one, the key last."""
    publisher, date = document.get("publisher") or "", document.get("date") or ""
    title = re.sub(r"^[\W_]+", "", document["title"]) or document["title"]
    return (not publisher, publisher.casefold(), not date, date, title.casefold(), key)


documents = st.fixed_dictionaries(
    {
        "title": st.text(min_size=1),
        "publisher": st.text(),
        "date": st.sampled_from(["", "2020", "2020-05", "2020-05-28"]),
    }
)


@given(st.lists(st.tuples(st.text(alphabet="abc-0", min_size=1), documents), min_size=2, max_size=8))
def test_the_kept_order_of_the_sources_index_is_the_bibliographys(sources: list[tuple[str, dict[str, str]]]) -> None:
    """The read model keeps each document's place as one string (sourcepages.index_order) and the
    index reads them in that string's order: it must be the order stated, whatever the texts hold,
    in Python's order of strings and in SQLite's."""
    sources = [(key, doc) for key, doc in sources if "\0" not in key + doc["title"] + doc["publisher"]]
    stated = sorted(sources, key=lambda s: bibliography_order(*s))
    assert sorted(sources, key=lambda s: index_order(*s)) == stated
    with sqlite3.connect(":memory:") as db:
        db.execute("CREATE TABLE s (n INTEGER, sort_key TEXT)")
        db.executemany("INSERT INTO s VALUES (?, ?)", [(n, index_order(*s)) for n, s in enumerate(sources)])
        in_sqlite = [sources[n] for (n,) in db.execute("SELECT n FROM s ORDER BY sort_key")]
    assert [bibliography_order(*s) for s in in_sqlite] == [bibliography_order(*s) for s in stated]
