"""Entries listed together that share a day and a title ("Terms of Service updated", one per
platform) each show what tells them apart, on every listing, and rebuilt in part as in full."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import ArchiveUnderTest
from sitebuild import build, html, tree

from timeline.site.twins import tell_apart

TERMS = "Terms of Service updated"


def apart(page: Path) -> dict[str, str]:
    """What each card of a listing page says to tell it apart, by its entry's slug ("" for none)."""
    found = {}
    for card in html(page).select("li.entry-card"):
        slug = card.select_one(".entry-title a")["href"].split("/")[-2]
        detail = card.select_one(".card-apart")
        found[slug] = detail.get_text(strip=True) if detail else ""
    return found


def record_twins(archive: ArchiveUnderTest) -> dict[str, dict[str, Any]]:
    def add(name: str, title: str, date: str, platform: str) -> tuple[str, dict[str, Any]]:
        return name, archive.add(title, date, "statement", "--platform", platform, "--allow-duplicate")

    return dict(
        [
            add("spotify", TERMS, "2022-03-01", "Spotify"),
            add("tinder", TERMS, "2022-03-01", "Tinder"),
            add("twitter", TERMS, "2022-03-01", "Twitter"),
            # The same platform, actors (none) and publisher: only the short id differs.
            add("privacy", "Privacy Policy updated", "2022-03-01", "Twitter"),
            add("privacy-again", "Privacy policy updated.", "2022-03-01", "Twitter"),
            add("next-day", TERMS, "2022-03-02", "Twitter"),
        ]
    )


def test_cards_that_share_a_day_and_a_title_say_what_tells_them_apart(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    archive, out, full = sqlite_archive, tmp_path / "site", tmp_path / "full"
    entries = record_twins(archive)
    slug = {name: entry["slug"] for name, entry in entries.items()}
    short = {name: entry["short_id"] for name, entry in entries.items()}
    build(archive, out)

    year = apart(out / "timeline/2022/index.html")
    assert year == {
        slug["spotify"]: "Platform: Spotify",
        slug["tinder"]: "Platform: Tinder",
        slug["twitter"]: "Platform: Twitter",
        slug["privacy"]: f"Entry: {short['privacy']}",
        slug["privacy-again"]: f"Entry: {short['privacy-again']}",
        slug["next-day"]: "",
    }
    assert apart(out / "index.html") == year
    # On Twitter's page, its terms change has no twin left; the privacy changes still have each other.
    for page in ("platforms/twitter/index.html", "platforms/twitter/oldest/index.html"):
        assert apart(out / page) == {
            slug["twitter"]: "",
            slug["privacy"]: f"Entry: {short['privacy']}",
            slug["privacy-again"]: f"Entry: {short['privacy-again']}",
            slug["next-day"]: "",
        }

    # Tinder's change was Spotify's: the platform no longer tells the three apart, so the cards of
    # the two entries left as they were change too, incrementally as in full.
    archive.ok("correct", slug["tinder"], "--platform", "Spotify", "--replace", "--reason", "the platform")
    build(archive, out)
    year = apart(out / "timeline/2022/index.html")
    assert [year[slug[name]] for name in ("spotify", "tinder", "twitter")] == [
        f"Entry: {short[name]}" for name in ("spotify", "tinder", "twitter")
    ]
    build(archive, full, "--full")
    assert tree(out) == tree(full)


def test_the_first_detail_that_differs_between_every_twin_is_the_one_shown() -> None:
    def card(n: int, **fields: Any) -> dict[str, Any]:
        return {"id": f"id{n}", "slug": f"s{n}", "short_id": f"k{n}", "date": "2022-03-01", "title": TERMS} | fields

    actors = [{"name": "Reddit"}], [{"name": "Imgur"}]
    platforms = [{"name": "Reddit"}]
    # Same platform: the actors differ; a title spelled otherwise is the same title.
    cards = [card(1, platforms=platforms, actors=actors[0]), card(2, platforms=platforms, actors=actors[1])]
    cards[1]["title"] = "terms of service  updated!"
    assert tell_apart(cards) == {"id1": "Actor: Reddit", "id2": "Actor: Imgur"}
    # Publishers that differ, where nothing else does; a third card on another day has no twin.
    cards = [card(1, publisher="Reuters"), card(2, publisher="AP"), card(3, date="2022-03-02")]
    assert tell_apart(cards) == {"id1": "Source: Reuters", "id2": "Source: AP"}
