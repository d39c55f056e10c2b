"""Facet keys never merge two names into one page: "C&A" and "C-A" slug alike, so the second
name met gets a numbered key, as entry slugs do, and keeps it for good; spellings that differ
only in case or spacing are one name, with one page."""

from __future__ import annotations

from pathlib import Path

from conftest import ArchiveUnderTest
from sitebuild import SMALL_BASE_URL, broken_links, build, entry_links, html, tree


def index_items(out: Path, facet: str) -> list[tuple[str, str]]:
    """(link text with its count, target folder) of each name the facet's index lists."""
    items = html(out / facet / "index.html").select("ul.facet-list li")
    return [(" ".join(li.get_text().split()), li.a["href"]) for li in items]


def test_names_that_slug_alike_each_get_their_own_page_and_keep_its_address(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    archive, out = sqlite_archive, tmp_path / "site"
    first = archive.add("C&A changes its terms", "2021-03-01", "statement", "--platform", "C&A")
    second = archive.add("C-A changes its terms", "2021-03-02", "statement", "--platform", "C-A")
    # Case and spacing aside, "c&a" is the name "C&A": it joins its page.
    third = archive.add("C&A changes its terms again", "2021-04-01", "statement", "--platform", " c&a ")
    build(archive, out)

    assert index_items(out, "platforms") == [("C&A (2)", "c-a/index.html"), ("C-A (1)", "c-a-2/index.html")]
    ampersand, hyphen = out / "platforms/c-a/index.html", out / "platforms/c-a-2/index.html"
    assert html(ampersand).h1.get_text() == "C&A"
    assert html(hyphen).h1.get_text() == "C-A"
    assert entry_links(ampersand, out) == {first["slug"], third["slug"]}
    assert entry_links(hyphen, out) == {second["slug"]}
    # The cards link each name to its own page.
    card = html(out / "timeline/2021/index.html").find("a", string="C-A")
    assert card is not None and card["href"] == "../../platforms/c-a-2/index.html"
    assert broken_links(out, SMALL_BASE_URL) == []

    # The first holder of c-a leaves the timeline; its key stays its own, and a new spelling that
    # slugs alike gets the next number, not the freed key.
    for entry in (first, third):
        archive.ok("retract", entry["slug"], "--reason", "recorded in error")
    fourth = archive.add("C/A changes its terms", "2021-05-01", "statement", "--platform", "C/A")
    build(archive, out)
    assert html(ampersand).h1.get_text() == "C&A"
    assert entry_links(ampersand, out) == set()
    assert entry_links(hyphen, out) == {second["slug"]}
    assert html(out / "platforms/c-a-3/index.html").h1.get_text() == "C/A"
    assert entry_links(out / "platforms/c-a-3/index.html", out) == {fourth["slug"]}
    assert index_items(out, "platforms") == [("C-A (1)", "c-a-2/index.html"), ("C/A (1)", "c-a-3/index.html")]

    # A full build, from the store's first change, gives every name the same key.
    full = tmp_path / "full"
    build(archive, full, "--full")
    assert tree(out) == tree(full)
