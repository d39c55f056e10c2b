"""What the archive says about itself, and the whole archive in one download.

What these tests prove:

1. ``pages/about.md`` and ``pages/methodology.md``, written by the archive's editors, become the
   pages ``about/`` and ``methodology/``: the opening heading is the page's title, links work, and
   raw HTML in the Markdown is shown as text, never run. Every page type's footer links to them;
   without the files there is no page and no link. A changed about.md is rendered again by an
   incremental build, which equals a full build; a removed one leaves the site with its links. A
   Markdown file the site would not publish is refused by name, before anything is written.
2. ``description`` in timeline.toml is what the home page says the archive is (a new archive has a
   generic one); a description that is not one line of text is refused by name.
3. ``data/entries.json`` and ``data/entries.csv`` hold every live entry, and are the years' files
   joined; a correction and a retraction change them, and an incremental build equals a full one.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import ArchiveUnderTest
from sitebuild import broken_links, build, html, record_small_archive, sitemap_locations, tree

from timeline.files.archive import DEFAULT_DESCRIPTION, load_archive
from timeline.files.pages import editorial_pages
from timeline.site import build as build_module
from timeline.site import sitefiles, urls
from timeline.site.templating import Templates

REPOSITORY = Path(__file__).resolve().parent.parent
ABOUT = """# About this archive

This archive records what platforms did. Read [how entries are chosen](../methodology/),
[the data](/data/#all-years) or [a source](https://example.com/report).

<script>alert("raw")</script> <b>bold?</b>

## How to cite it

Cite an entry's revision address.
"""
METHODOLOGY = "How entries are chosen: each rests on a source.\n"


def write_page(archive: ArchiveUnderTest, name: str, text: str) -> None:
    folder = archive.root / "pages"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.md").write_text(text, encoding="utf-8")


def footer_links(page: Path) -> dict[str, str]:
    """The footer's links: their words -> their addresses."""
    return {a.get_text(strip=True): a["href"] for a in html(page).find("footer").find_all("a", href=True)}


def every_page_type(out: Path, slug: str) -> list[str]:
    return [
        "index.html",
        f"events/{slug}/index.html",
        f"events/{slug}/v1/index.html",
        "timeline/index.html",
        "timeline/2020/index.html",
        "actors/index.html",
        "actors/twitter/index.html",
        "changes/index.html",
        "data/index.html",
        "feeds/index.html",
        "bundles/index.html",
        "search/index.html",
        "404.html",
        "about/index.html",
        "methodology/index.html",
    ]


# 1. The editors' pages --------------------------------------------------------------------------


def test_the_editors_pages_are_rendered_from_markdown_and_linked_from_every_footer(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    entries = record_small_archive(sqlite_archive)
    write_page(sqlite_archive, "about", ABOUT)
    write_page(sqlite_archive, "methodology", METHODOLOGY)
    out = tmp_path / "site"
    build(sqlite_archive, out)

    about = html(out / urls.output_path(urls.editorial("about")))
    main = about.find("main")
    assert main.find("h1").get_text() == "About this archive"
    assert about.title.get_text() == "About this archive · Test archive"
    assert [h.get_text() for h in main.find_all("h2")] == ["How to cite it"]
    # Links to the site work from disk and under any sub-path; others stay as written.
    assert main.find("a", string="how entries are chosen")["href"] == "../methodology/index.html"
    assert main.find("a", string="the data")["href"] == "../data/index.html#all-years"
    assert main.find("a", string="a source")["href"] == "https://example.com/report"
    # Raw HTML is text on the page: no script, no bold, the tags shown as written.
    assert about.find("main").find("script") is None and main.find("b") is None
    assert '<script>alert("raw")</script>' in main.get_text()
    methodology = html(out / "methodology/index.html")
    assert methodology.find("main").find("h1").get_text() == "Methodology"  # no heading: its footer label
    assert "each rests on a source" in methodology.find("main").get_text()

    for page in every_page_type(out, entries["alpha"]["slug"]):
        links = footer_links(out / page)
        assert "About" in links and "Methodology" in links, page
        target = (out / page).parent / links["About"]
        assert target.resolve() == (out / "about/index.html").resolve() or page == "404.html", page
    assert footer_links(out / "404.html")["About"] == "/about/"  # the 404 page's links are root-relative
    assert broken_links(out, "https://example.org/") == []
    sitemap = sitemap_locations(out, "https://example.org/")
    assert "https://example.org/about/" in sitemap and "https://example.org/methodology/" in sitemap


def test_without_the_files_there_is_no_page_and_no_link(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    entries = record_small_archive(sqlite_archive)
    write_page(sqlite_archive, "methodology", METHODOLOGY)  # about.md missing
    out = tmp_path / "site"
    build(sqlite_archive, out)
    assert not (out / "about").exists()
    for page in every_page_type(out, entries["alpha"]["slug"]):
        if page.startswith("about/"):
            continue
        links = footer_links(out / page)
        assert "About" not in links and "Methodology" in links, page

    (sqlite_archive.root / "pages" / "methodology.md").unlink()
    build(sqlite_archive, out)
    assert not (out / "methodology").exists()
    assert "Methodology" not in footer_links(out / "index.html")
    assert "https://example.org/methodology/" not in sitemap_locations(out, "https://example.org/")
    full = tmp_path / "full"
    build(sqlite_archive, full, "--full")
    assert tree(out) == tree(full)


def test_a_changed_page_is_rendered_again_and_equals_a_full_build(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    record_small_archive(sqlite_archive)
    write_page(sqlite_archive, "about", ABOUT)
    out = tmp_path / "site"
    build(sqlite_archive, out)
    home_before = (out / "index.html").read_bytes()

    write_page(sqlite_archive, "about", ABOUT.replace("what platforms did", "what platforms and governments did"))
    counts = build(sqlite_archive, out)
    assert "what platforms and governments did" in html(out / "about/index.html").find("main").get_text()
    assert counts["written"] >= 1
    assert (out / "index.html").read_bytes() == home_before  # no other page changes with the text
    full = tmp_path / "full"
    build(sqlite_archive, full, "--full")
    assert tree(out) == tree(full)

    # Nothing changed: nothing written.
    assert build(sqlite_archive, out)["written"] == 0


def test_a_page_the_site_would_not_publish_is_refused(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    write_page(sqlite_archive, "faq", "# Questions\n")
    out = tmp_path / "site"
    result = sqlite_archive.run("build", "--out", str(out))
    assert result.exit_code != 0
    assert result.stderr.strip().splitlines() == [
        "error: pages/faq.md: not a page the site publishes; it publishes pages/about.md and "
        "pages/methodology.md (rename or remove it)"
    ]
    assert not out.exists()


def test_the_flagship_says_what_it_is_and_how_it_is_made() -> None:
    pages = {page.name: page.text for page in editorial_pages(REPOSITORY)}
    assert list(pages) == ["about", "methodology"]
    assert pages["about"].startswith("# About this archive\n") and "## How to cite it" in pages["about"]
    assert "## How entries are corrected" in pages["methodology"]
    flagship = load_archive(REPOSITORY)
    assert flagship.description.startswith("What governments and platforms did about online speech")


# 2. The description --------------------------------------------------------------------------------


def set_description(archive: ArchiveUnderTest, value: str) -> None:
    settings = archive.root / "timeline.toml"
    text = re.sub(r"(?m)^description = .*$", lambda _: f"description = {value}", settings.read_text())
    settings.write_text(text, encoding="utf-8")


def test_the_home_page_says_what_the_settings_describe(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    out = tmp_path / "site"
    build(sqlite_archive, out)
    home = html(out / "index.html")
    assert home.find(class_="lead").get_text() == DEFAULT_DESCRIPTION
    assert "online speech" not in DEFAULT_DESCRIPTION  # a new archive's is about no subject in particular

    set_description(sqlite_archive, '"Court rulings on content moderation in the EU & the UK."')
    build(sqlite_archive, out)
    home = html(out / "index.html")
    assert home.find(class_="lead").get_text() == "Court rulings on content moderation in the EU & the UK."
    assert home.find("meta", attrs={"name": "description"})["content"] == home.find(class_="lead").get_text()
    full = tmp_path / "full"
    build(sqlite_archive, full, "--full")
    assert tree(out) == tree(full)


def test_a_bad_description_is_refused(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    out = tmp_path / "site"
    for value, problem in (
        ('["a", "b"]', "description: is a list; give text"),
        ('""', "description: is empty; give a non-empty text"),
        (f'"{"x" * 301}"', "description: is 301 characters long; at most 300 are accepted"),
        # (last: the setting then spans two lines of timeline.toml)
        (
            '"""two\nlines"""',
            "description: contains control characters or other non-text characters (U+000A); "
            "give plain text on one line",
        ),
    ):
        set_description(sqlite_archive, value)
        result = sqlite_archive.run("build", "--out", str(out))
        assert result.exit_code != 0, value
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert problem in result.stderr, result.stderr
        assert not out.exists()


# 3. The whole archive in one download ----------------------------------------------------------


def year_files(out: Path, name: str) -> list[Path]:
    return [out / (urls.data_json(y) if name == "json" else urls.data_csv(y)) for y in (2017, 2019, 2020)]


def check_all_years(out: Path, live: set[str]) -> None:
    whole = json.loads((out / urls.data_all_json()).read_bytes())
    assert {e["slug"] for e in whole} == live
    assert whole == [e for path in year_files(out, "json") if path.is_file() for e in json.loads(path.read_bytes())]
    rows = list(csv.reader(io.StringIO((out / urls.data_all_csv()).read_text(encoding="utf-8"))))
    joined: list[list[str]] = []
    for path in year_files(out, "csv"):
        if path.is_file():
            header, *body = csv.reader(io.StringIO(path.read_text(encoding="utf-8")))
            joined += body
    assert rows[1:] == joined and rows[0] == header
    assert {row[header.index("slug")] for row in rows[1:]} == live


def test_the_all_years_files_are_the_years_joined(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    entries = record_small_archive(sqlite_archive)
    out = tmp_path / "site"
    build(sqlite_archive, out)
    slugs = {e["slug"] for e in entries.values()}
    check_all_years(out, slugs)
    data_page = html(out / "data/index.html")
    assert data_page.find("a", string="entries.json")["href"] == "entries.json"
    assert data_page.find("a", string="entries.csv")["href"] == "entries.csv"

    alpha, delta = entries["alpha"]["slug"], entries["delta"]["slug"]
    sqlite_archive.ok("correct", alpha, "--title", "Alpha order, corrected", "--reason", "the order's name")
    sqlite_archive.ok("retract", delta, "--yes", "--reason", "not a takedown")
    build(sqlite_archive, out)
    check_all_years(out, slugs - {delta})
    whole = json.loads((out / urls.data_all_json()).read_bytes())
    assert [e["title"] for e in whole if e["slug"] == alpha] == ["Alpha order, corrected"]
    full = tmp_path / "full"
    build(sqlite_archive, full, "--full")
    assert tree(out) == tree(full)


@pytest.mark.parametrize("cores", ["one core", "every core"])
def test_the_all_years_files_are_joined_from_what_this_build_publishes(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: str
) -> None:
    """The whole archive's files are joined from the years' files as this build makes them: a year it
    renders again (on this core or another), a year's file as published, never a file changed on disk."""
    entries = record_small_archive(sqlite_archive)
    out, full = tmp_path / "site", tmp_path / "full"
    build(sqlite_archive, out)
    if cores == "every core":  # an incremental build rendered by worker processes, as a large one is
        monkeypatch.setattr(build_module, "PARALLEL_FROM", 1)
    edited = out / urls.data_json(2019)  # (delta's year: no change below renders it again)
    edited.write_bytes(edited.read_bytes().replace(b'"title": "', b'"title": "EDITED ', 1))
    sqlite_archive.ok("correct", entries["gamma"]["slug"], "--title", "Gamma, corrected", "--reason", "its name")
    build(sqlite_archive, out)
    build(sqlite_archive, full, "--full")
    for name in (urls.data_all_json(), urls.data_all_csv()):
        assert (out / name).read_bytes() == (full / name).read_bytes(), name
    assert b"EDITED" not in (out / urls.data_all_json()).read_bytes()
    assert b"Gamma, corrected" in (out / urls.data_all_csv()).read_bytes()


def test_serve_watches_the_editors_pages(sqlite_archive: ArchiveUnderTest) -> None:
    """`timeline serve` rebuilds when what it watches changes: a page written, edited or removed."""
    from timeline.cli.session import Session
    from timeline.cli.site import _watched_state

    session = Session(archive_option=str(sqlite_archive.root), store_option=sqlite_archive.store_url)
    before = _watched_state(session)
    write_page(sqlite_archive, "about", ABOUT)
    written = _watched_state(session)
    assert written != before
    (sqlite_archive.root / "pages" / "about.md").unlink()
    assert _watched_state(session) != written


def test_a_sitemap_part_past_the_limit_goes_on_in_a_second_file(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sitemap may list 50,000 addresses: past that, a part goes on in -2, -3... (here the limit is 2)."""
    monkeypatch.setattr(sitefiles, "SITEMAP_SIZE", 2)
    for title in ("Twitter labels a tweet", "Facebook declines to label", "Trump signs an order"):
        sqlite_archive.add(title, "2020-05-28")
    out = tmp_path / "site"
    build(sqlite_archive, out)
    assert (out / "sitemap-entries-2020.xml").is_file() and (out / "sitemap-entries-2020-2.xml").is_file()
    assert not (out / "sitemap-entries-2020-3.xml").exists()
    listed = sitemap_locations(out, "https://example.org/")
    entries = [loc for loc in listed if "/events/" in loc]
    assert len(entries) == 3 == len(set(entries))
    index = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert index.count("<sitemap>") == len(list(out.glob("sitemap-*.xml")))


def test_a_new_entry_renders_its_years_sitemap_part_and_leaves_the_others(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry's address goes in the part of its slug's year: a new one changes that part (and the
    index, when a part comes), and the parts listing what they did are not made again."""
    sqlite_archive.add("Twitter labels a tweet", "2020-05-28")
    sqlite_archive.add("Facebook declines to label", "2019-05-28")
    out, full = tmp_path / "site", tmp_path / "full"
    build(sqlite_archive, out)
    made: list[list[str]] = []
    text = Templates.text

    def counted(self: Templates, template: str, **context: Any) -> str:
        if template == "sitemap.xml":
            made.append(context["locations"])
        return text(self, template, **context)

    monkeypatch.setattr(Templates, "text", counted)
    added = sqlite_archive.add("Trump signs an order", "2020-05-28")
    build(sqlite_archive, out)
    assert len(made) == 1 and f"https://example.org/events/{added['slug']}/" in made[0]
    assert all("/events/2020-" in location for location in made[0])
    build(sqlite_archive, full, "--full")
    assert tree(out) == tree(full)


def test_the_sitemap_lists_the_pages_of_names_a_live_entry_has(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    """A name's page stays when its last entry is retracted (links to it keep working), but the
    sitemap no longer lists it; a name some live entry has is listed."""
    kept = sqlite_archive.add(
        "Oversight board reviews a takedown", "2021-03-02", "statement", "--actor", "Oversight Board"
    )
    gone = sqlite_archive.add(
        "Ministry orders a takedown", "2021-03-03", "legal-demand", "--actor", "Ministry of Posts"
    )
    out = tmp_path / "site"
    build(sqlite_archive, out)
    base = "https://example.org/"
    listed = set(sitemap_locations(out, base))
    ministry, board = base + urls.facet("actors", "ministry-of-posts"), base + urls.facet("actors", "oversight-board")
    assert {ministry, board} <= listed
    sqlite_archive.ok("retract", gone["slug"], "--yes", "--reason", "recorded in error")
    build(sqlite_archive, out)
    listed = set(sitemap_locations(out, base))
    assert board in listed and ministry not in listed
    assert (out / urls.output_path(urls.facet("actors", "ministry-of-posts"))).is_file()
    assert base + urls.entry(kept["slug"]) in listed
