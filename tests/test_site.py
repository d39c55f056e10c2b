"""The static site, proven at its boundaries: what `timeline build` writes and what its pages show.

What these tests prove:

1. `timeline build` on the flagship archive writes every page type, and a crawl of the whole
   output finds no broken internal link or missing asset; manifest.json lists every file with
   its sha256.
2. After `timeline correct` of a title, the entry keeps its address, its old revision page is
   byte-identical, the new revision page exists, the listings show the new title, and the
   incremental build rewrote exactly the files named in the test and touched no other.
3. A merged entry's old address and its short link redirect to the entry it was merged into
   (named by its current title), which has left the listings.
4. The Atom feeds parse with feedparser, with stable ids and absolute links under base_url;
   data/<year>/entries.json match `timeline list --json`, and the entries.csv files import back into a
   new archive as the same entries (cells a spreadsheet would run as formulas included).
5. A retracted entry keeps its page with a notice and its reason, and leaves every listing.

How builds write the site (incremental equals full, interrupted builds, serve): test_site_builds.py.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import feedparser
import pytest
from click.testing import CliRunner
from conftest import ArchiveUnderTest, copy_flagship_files
from sitebuild import (
    FLAGSHIP_BASE_URL,
    SMALL_BASE_URL,
    age_every_file,
    broken_links,
    build,
    entry_links,
    entry_titles,
    html,
    is_manifest,
    links_of,
    lists,
    one,
    record_small_archive,
    resolve,
    sitemap_locations,
    touched,
    tree,
)

from timeline.site import data, urls
from timeline.site.manifest import part_of
from timeline.site.manifest import read as read_manifest

# 1. The flagship site --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def flagship(tmp_path_factory: pytest.TempPathFactory) -> tuple[ArchiveUnderTest, Path]:
    """A copy of the repository's archive (settings and events/), built into OUT."""
    root = tmp_path_factory.mktemp("flagship")
    copy_flagship_files(root)
    archive = ArchiveUnderTest(root=root, store_url=None, runner=CliRunner())
    out = root / "out"
    counts = build(archive, out)
    # Every change the site shows was read from the committed history: the entries' and the actors'
    # (the reservations of names are not the site's).
    lines = [line for p in (root / "history").rglob("*.jsonl") for line in p.read_text().splitlines()]
    assert counts["changes"] == len([line for line in lines if '"event": "timeline:Reservation.' not in line])
    return archive, out


def test_the_flagship_build_writes_every_page_type(flagship: tuple[ArchiveUnderTest, Path]) -> None:
    archive, out = flagship
    entries = archive.json("list")
    entry = entries[0]
    for name in [
        "index.html",
        "timeline/2017/index.html",
        "timeline/2019/index.html",
        "timeline/2020/index.html",
        f"events/{entry['slug']}/index.html",
        f"events/{entry['slug']}/v1/index.html",
        f"events/{entry['slug']}/index.json",
        f"e/{entry['short_id']}/index.html",
        "changes/index.html",
        "feeds/entries.xml",
        "feeds/changes.xml",
        "data/index.html",
        "data/index.json",
        "data/2020/entries.json",
        "data/2020/entries.csv",
        "data/2020/timelinejs.json",
        "data/timelinejs.json",
        "sitemap.xml",
        "sitemap-pages.xml",
        "sitemap-entries-2020.xml",
        "robots.txt",
        "404.html",
        "manifest.json",
        "assets/style.css",
    ]:
        assert (out / name).is_file(), f"{name} was not built"
    for facet in ("actors", "platforms", "topics", "kinds", "jurisdictions", "sources"):
        assert (out / facet / "index.html").is_file(), f"{facet}/ was not built"
        assert list(out.glob(f"{facet}/*/index.html")), f"no {facet}/<key>/ page"
        assert list(out.glob(f"feeds/{facet}/*.xml")), f"no feeds/{facet}/<key>.xml"
    # Every live entry has its page, data and short link; the short link leads to the page.
    for listed in entries:
        assert (out / "events" / listed["slug"] / "index.html").is_file()
        assert json.loads((out / "events" / listed["slug"] / "index.json").read_bytes())["id"] == listed["id"]
        redirect = out / "e" / listed["short_id"] / "index.html"
        assert links_of(html(redirect))[-1] == f"../../events/{listed['slug']}/index.html"
    assert (out / "robots.txt").read_text() == (f"User-agent: *\nAllow: /\nSitemap: {FLAGSHIP_BASE_URL}sitemap.xml\n")


def test_a_crawl_of_the_flagship_site_finds_no_broken_link(flagship: tuple[ArchiveUnderTest, Path]) -> None:
    _, out = flagship
    pages = list(out.rglob("*.html"))
    assert len(pages) > 100
    assert broken_links(out, FLAGSHIP_BASE_URL) == []
    # The sitemap and the feeds name only addresses that exist.
    locations = sitemap_locations(out, FLAGSHIP_BASE_URL)
    assert locations and all(loc.startswith(FLAGSHIP_BASE_URL) for loc in locations)
    missing = [loc for loc in locations if not resolve(out, out / "index.html", loc, FLAGSHIP_BASE_URL).is_file()]
    assert missing == []


def test_the_manifest_lists_every_file_with_its_sha256(flagship: tuple[ArchiveUnderTest, Path]) -> None:
    archive, out = flagship
    manifest = read_manifest(out)
    assert manifest is not None
    files = {path: content for path, content in tree(out).items() if not is_manifest(path)}
    assert sorted(manifest["files"]) == sorted(files)
    for name, content in files.items():
        assert manifest["files"][name] == {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}, name
    # It names the history the site shows: every change the store holds, in so many files.
    assert manifest["history"]["events"] == len(archive.notifications())
    assert manifest["history"]["files"] == len(list((archive.root / "history").rglob("*.jsonl")))


# 2. A corrected title --------------------------------------------------------------------------


def test_a_corrected_title_rewrites_exactly_the_pages_that_show_it(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    entries = record_small_archive(sqlite_archive)
    alpha, beta, gamma = entries["alpha"], entries["beta"], entries["gamma"]
    # Delta cites alpha's source too, which then has its page, listing alpha by its title.
    alpha_source = ["--title", "Report: Alpha order targets platform liability", "--publisher", "Test Wire"]
    alpha_source += ["--url", "https://example.com/alpha", "--reason", "the same report"]
    sqlite_archive.ok("source", "add", entries["delta"]["slug"], *alpha_source)
    out = tmp_path / "site"
    build(sqlite_archive, out)
    before = tree(out)
    age_every_file(out)

    corrected = sqlite_archive.json(
        "correct", alpha["slug"], "--title", "Alpha order narrows platform liability", "--reason", "the headline"
    )
    counts = build(sqlite_archive, out)
    after = tree(out)

    assert corrected["slug"] == alpha["slug"] and corrected["revision"] == 3
    a = f"events/{alpha['slug']}"
    source_page = one(out, "sources/test-wire-report-alpha-order-targets-platform-liability-*/index.html")
    source_feed = "feeds/" + source_page.removesuffix("/index.html") + ".xml"
    expected = {
        # the entry: its page, data, short link, and its new revision
        f"{a}/index.html",
        f"{a}/index.json",
        f"{a}/v3/index.html",
        f"e/{alpha['short_id']}/index.html",
        # its citations: the permanent address's now name revision 3; revision 3 gets its own
        *(f"{a}/{name}" for name in ("cite.bib", "cite.ris", "cite.json")),
        *(f"{a}/v3/{name}" for name in ("cite.bib", "cite.ris", "cite.json")),
        # related entries, both directions: alpha responds to beta, gamma responds to alpha
        f"events/{beta['slug']}/index.html",
        f"events/{gamma['slug']}/index.html",
        # the listings that show its title, including gamma's year, whose card links to alpha by title
        "index.html",
        "timeline/2020/index.html",
        "timeline/2017/index.html",
        "actors/donald-trump/index.html",
        "feeds/actors/donald-trump.xml",
        "platforms/twitter/index.html",
        "feeds/platforms/twitter.xml",
        "topics/section-230/index.html",
        "feeds/topics/section-230.xml",
        "kinds/executive-order/index.html",
        "feeds/kinds/executive-order.xml",
        "jurisdictions/united-states/index.html",
        "feeds/jurisdictions/united-states.xml",
        source_page,
        source_feed,
        # the change log, feeds and data
        "changes/index.html",
        "feeds/entries.xml",
        "feeds/changes.xml",
        "data/2020/entries.json",
        "data/2020/entries.csv",
        "data/entries.json",  # the whole archive's, which hold every year's
        "data/entries.csv",
        "data/2020/timelinejs.json",  # the year's TimelineJS file, which the whole archive's joins
        "data/timelinejs.json",
        "timeline/2020/timescale.json",  # the time scale's entries of its year, titles and all
        # its thread (gamma, alpha, beta), named after alpha, its most linked entry, and the list of threads
        f"threads/{gamma['slug']}/index.html",
        "threads/index.html",
    }
    # each name's listing in its other order, oldest first
    facet_pages = {name for name in expected if name.count("/") == 2 and name.split("/")[0] in urls.FACETS}
    expected |= {name.replace("/index.html", "/oldest/index.html") for name in facet_pages}
    # and the manifest: its top file, and the parts that list the files above
    listing = {"manifest.json", *(f"manifest/{part_of(name)}.json" for name in expected)}
    expected |= listing
    changed = {name for name in after if before.get(name) != after[name]}
    assert sorted(changed) == sorted(expected)
    assert set(before) - set(after) == set()
    assert touched(out) == expected, "files with the same bytes were rewritten"
    assert counts["written"] == len(expected - listing)
    assert counts["removed"] == 0
    assert feed_ids_in(after["feeds/entries.xml"]) == feed_ids_in(before["feeds/entries.xml"])

    # The address is the same, revision 1 never changes, and every listing shows the new title.
    assert after[f"{a}/v1/index.html"] == before[f"{a}/v1/index.html"]
    assert after[f"{a}/v2/index.html"] == before[f"{a}/v2/index.html"]
    assert "Alpha order targets platform liability" in html(out / a / "v1" / "index.html").h1.text
    assert html(out / a / "index.html").h1.text == "Alpha order narrows platform liability"
    assert html(out / a / "v3" / "index.html").h1.text == "Alpha order narrows platform liability"
    for listing in [
        "index.html",
        "timeline/2020/index.html",
        "actors/donald-trump/index.html",
        "platforms/twitter/index.html",
        "topics/section-230/index.html",
        "kinds/executive-order/index.html",
        "jurisdictions/united-states/index.html",
        source_page,
        f"events/{beta['slug']}/index.html",
        f"events/{gamma['slug']}/index.html",
    ]:
        assert entry_titles(out / listing, out)[alpha["slug"]] == "Alpha order narrows platform liability", listing
    newest = {e.link: e.title for e in feedparser.parse(after["feeds/entries.xml"]).entries}
    assert newest[f"{SMALL_BASE_URL}{a}/"] == "Alpha order narrows platform liability"
    assert broken_links(out, SMALL_BASE_URL) == []


# 3. A merged entry -----------------------------------------------------------------------------


def test_a_merged_entry_redirects_to_the_entry_it_was_merged_into(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    entries = record_small_archive(sqlite_archive)
    target = entries["alpha"]
    duplicate = sqlite_archive.add(
        "Trump order on preventing online censorship", "2020-05-28", "executive-order",
        "--actor", "White House:issuer", "--platform", "Twitter",
    )  # fmt: skip
    out = tmp_path / "site"
    build(sqlite_archive, out)
    assert (out / "actors/white-house/index.html").is_file()

    sqlite_archive.ok("merge", duplicate["slug"], target["slug"], "--reason", "the same order recorded twice")
    build(sqlite_archive, out)

    target_page = f"events/{target['slug']}/index.html"
    assert (out / target_page).is_file()
    for old_address in (f"events/{duplicate['slug']}/index.html", f"e/{duplicate['short_id']}/index.html"):
        page = html(out / old_address)
        refresh = page.find("meta", attrs={"http-equiv": "refresh"})
        assert refresh is not None, f"{old_address} does not redirect"
        url = refresh["content"].split("url=", 1)[1]
        assert (out / old_address).parent.joinpath(url).resolve() == (out / target_page).resolve()
        assert page.find("link", rel="canonical")["href"] == f"{SMALL_BASE_URL}events/{target['slug']}/"
    # The duplicate left the listings; its sources moved to the target.
    listings = [
        "index.html",
        "timeline/2020/index.html",
        "platforms/twitter/index.html",
        "kinds/executive-order/index.html",
    ]
    for listing in listings:
        assert duplicate["slug"] not in entry_links(out / listing, out), listing
        assert target["slug"] in entry_links(out / listing, out), listing
    assert not lists(out, "actors/white-house", duplicate["slug"])
    assert duplicate["id"] not in [e["id"] for e in published_entries(out)]
    assert "Report: Trump order on preventing online censorship" in (out / target_page).read_text()
    assert broken_links(out, SMALL_BASE_URL) == []


def test_a_merged_entrys_redirect_names_the_targets_current_title(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    target = sqlite_archive.add("Trump signs order on platform liability", "2020-05-28", "executive-order")
    duplicate = sqlite_archive.add("White House order on online censorship", "2020-05-28", "executive-order")
    sqlite_archive.ok("merge", duplicate["slug"], target["slug"], "--reason", "the same order twice")
    sqlite_archive.ok("correct", target["slug"], "--title", "Trump signs order on Section 230", "--reason", "title")
    out = tmp_path / "site"
    build(sqlite_archive, out)
    for old_address in (f"events/{duplicate['slug']}/index.html", f"e/{duplicate['short_id']}/index.html"):
        assert entry_titles(out / old_address, out) == {target["slug"]: "Trump signs order on Section 230"}
        assert html(out / old_address).title.text == "Moved: Trump signs order on Section 230"


# 4. Feeds and data -----------------------------------------------------------------------------


def feed_ids_in(feed: bytes) -> list[str]:
    return [entry.id for entry in feedparser.parse(feed).entries]


def feed_ids(out: Path) -> dict[str, list[str]]:
    feeds = sorted(out.glob("feeds/**/*.xml"))
    return {path.relative_to(out).as_posix(): feed_ids_in(path.read_bytes()) for path in feeds}


def test_every_feed_parses_with_absolute_links_and_ids_that_survive_a_rebuild(
    flagship: tuple[ArchiveUnderTest, Path], tmp_path: Path
) -> None:
    archive, out = flagship
    feeds = sorted(out.glob("feeds/**/*.xml"))
    assert {"feeds/entries.xml", "feeds/changes.xml"} <= {f.relative_to(out).as_posix() for f in feeds}
    assert len(feeds) > 20
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        name = path.relative_to(out).as_posix()
        assert parsed.bozo == 0, f"{name}: {parsed.get('bozo_exception')}"
        assert parsed.version == "atom10", name
        if not parsed.entries:  # only a facet no live entry has any more (its page stays, saying so)
            page = out / name.removeprefix("feeds/").removesuffix(".xml") / "index.html"
            assert "No entry in the timeline has this" in page.read_text(encoding="utf-8"), f"{name} is empty"
        ids = [entry.id for entry in parsed.entries]
        assert len(set(ids)) == len(ids), f"{name}: repeated ids"
        for entry in parsed.entries:
            assert entry.link.startswith(FLAGSHIP_BASE_URL), f"{name}: {entry.link}"
            assert resolve(out, out / "index.html", entry.link, FLAGSHIP_BASE_URL).is_file(), entry.link
    newest = feedparser.parse((out / "feeds/entries.xml").read_bytes())
    assert len(newest.entries) == len(archive.json("list"))

    rebuilt = tmp_path / "rebuilt"
    build(archive, rebuilt, "--full")
    assert feed_ids(rebuilt) == feed_ids(out)


def published_entries(out: Path) -> list[dict[str, Any]]:
    """Every entry in the site's data files, found through data/index.json."""
    listing = json.loads((out / "data/index.json").read_bytes())
    assert [row["year"] for row in listing] == sorted(row["year"] for row in listing)
    entries = []
    for row in listing:
        part = json.loads((out / f"data/{row['year']:04d}/entries.json").read_bytes())
        assert len(part) == row["entries"]
        assert row["json"].endswith(f"data/{row['year']:04d}/entries.json")
        entries += part
    return entries


def test_entries_json_holds_what_list_prints(flagship: tuple[ArchiveUnderTest, Path]) -> None:
    archive, out = flagship
    published = published_entries(out)
    listed = archive.json("list")
    assert [e["id"] for e in published] == [e["id"] for e in listed]
    assert published == listed


def comparable(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries without their revision number (an import starts every entry at revision 1)."""
    return [{k: v for k, v in entry.items() if k != "revision"} for entry in entries]


def test_entries_csv_imports_back_into_a_new_archive_as_the_same_entries(
    flagship: tuple[ArchiveUnderTest, Path], tmp_path: Path
) -> None:
    archive, out = flagship
    copy = ArchiveUnderTest(root=tmp_path / "copy", store_url=None, runner=CliRunner())
    copy.ok("init", str(copy.root))
    years = [row["year"] for row in json.loads((out / "data/index.json").read_bytes())]
    imported_count = 0
    for year in years:  # oldest first, so relations point back to entries already imported
        result = copy.ok("import", str(out / f"data/{year}/entries.csv"))
        imported_count += int(result.stdout.split()[1])
    original = archive.json("list")
    assert imported_count == len(original)
    imported = copy.json("list")

    # The same entries, day by day. Within a day, entries no link orders come in the order they
    # were recorded, which the data files do not carry: an import records its rows at one moment,
    # so those fall back to their titles' order.
    def by_day(entries: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
        days: dict[str, list[dict[str, Any]]] = {}
        for entry in comparable(entries):
            days.setdefault(entry["date"], []).append(entry)
        return [(day, sorted(group, key=lambda e: e["id"])) for day, group in days.items()]

    assert by_day(imported) == by_day(original)


def test_data_files_round_trip_cells_a_spreadsheet_would_run(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    """Cells starting with = + - @ are written with an apostrophe, and read back without it."""
    first = sqlite_archive.add(
        "+1 million accounts removed", "2020-05-26", "takedown",
        "--summary", "- first point\n- second point", "--actor", "@jack:author", "--topic", "=SUM(A1)",
        "--source-author", "A. Reporter", "--source-quote", "-- the quote", "--source-language", "fr",
        "--source-archived-url", "https://web.archive.org/web/2020/https://example.com/x",
        "--source-url", "https://example.com/x",
    )  # fmt: skip
    sqlite_archive.ok(
        "source", "add", first["slug"], "--title", "Second report", "--publisher", "Other Wire",
        "--author", "B. Writer", "--author", "C. Writer", "--note", "gives a later date", "--reason", "second source",
    )  # fmt: skip
    answer = ("--link", "responds-to", first["slug"])
    sqlite_archive.add("Second entry answers the first", "2020-05-27", "statement", *answer)
    out = tmp_path / "site"
    build(sqlite_archive, out)
    rows = list(csv.DictReader(io.StringIO((out / "data/2020/entries.csv").read_text(encoding="utf-8"))))
    assert rows[0]["title"] == "'+1 million accounts removed"

    copy = ArchiveUnderTest(root=tmp_path / "copy", store_url=None, runner=CliRunner())
    copy.ok("init", str(copy.root))
    copy.ok("import", str(out / "data/2020/entries.csv"))
    original = sqlite_archive.json("list")
    assert comparable(copy.json("list")) == comparable(original)
    assert published_entries(out) == original


@pytest.mark.parametrize("count", [0, 1, 3])
def test_a_years_data_file_joined_from_ready_parts_is_what_json_dumps_gives(count: int) -> None:
    """The projection keeps each entry's published JSON; the year's file joins those parts, and must
    be byte for byte the file json.dumps would write for the list."""
    entries = [
        {"id": str(n), "title": f"Line one\nline two “quoted” {n}", "summary": "A\n\nB \\ \"c\"", "actors": [],
         "sources": [{"title": "Ünïcode", "authors": ["A", "B"]}], "relations": [], "retracted": False}
        for n in range(count)
    ]  # fmt: skip
    parts = [json.dumps(entry, ensure_ascii=False, indent=1) for entry in entries]
    expected = (json.dumps(entries, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    assert data.entries_json(parts) == expected


def test_changes_pages_stay_current_past_a_hundred_changes(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    """changes/page/N holds a fixed hundred changes and links to its neighbours; the newest-changes
    page shows the total. While changes/ shows them all there are no numbered pages (a first page
    would repeat it, linked from nowhere); passing a hundred adds pages 1 and 2, both linked."""
    rows = tmp_path / "rows.csv"
    with rows.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["title", "kind", "date", "source_title"])
        for n in range(100):
            day = f"2020-01-{n % 28 + 1:02d}"
            writer.writerow([f"Platform removes network number {n}", "takedown", day, f"Report {n}"])
    sqlite_archive.ok("import", str(rows))
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    build(sqlite_archive, incremental)
    assert not (incremental / "changes/page").exists()
    sqlite_archive.add("Platform removes one more network", "2020-02-01", "takedown")
    build(sqlite_archive, incremental)
    build(sqlite_archive, full, "--full")
    assert "101 in all" in html(incremental / "changes/index.html").get_text()
    listed = [a["href"] for a in html(incremental / "changes/index.html").select("nav.pagination a")]
    assert listed == ["page/1/index.html", "page/2/index.html"]
    next_link = html(incremental / "changes/page/1/index.html").find("a", rel="next")
    assert next_link is not None and next_link["href"] == "../2/index.html"
    second = html(incremental / "changes/page/2/index.html").get_text()
    assert "Platform removes one more network" in second and "Changes 101 to 101" in second
    assert tree(incremental) == tree(full)


# 5. A retracted entry --------------------------------------------------------------------------


def test_a_retracted_entry_keeps_its_page_with_the_reason_and_leaves_every_listing(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    entries = record_small_archive(sqlite_archive)
    beta = entries["beta"]
    out = tmp_path / "site"
    build(sqlite_archive, out)
    listings = ["index.html", "timeline/2020/index.html", "platforms/twitter/index.html", "actors/twitter/index.html"]
    for listing in listings:
        assert beta["slug"] in entry_links(out / listing, out)

    sqlite_archive.ok("retract", beta["slug"], "--reason", "the labels were never added")
    build(sqlite_archive, out)

    page = html(out / "events" / beta["slug"] / "index.html")
    notice = page.find(class_="retracted")
    assert notice is not None
    assert "the labels were never added" in notice.get_text()
    assert (out / "events" / beta["slug"] / "v1/index.html").is_file()
    assert (out / "events" / beta["slug"] / "v2/index.html").is_file()
    for listing in listings:
        assert beta["slug"] not in entry_links(out / listing, out), listing
    # The facets only beta had no longer list it (whether or not their pages stay); nor do the data and feeds.
    assert not lists(out, "topics/election-misinformation", beta["slug"])
    assert not lists(out, "kinds/label", beta["slug"])
    live = [entries[k]["slug"] for k in ("gamma", "delta", "alpha")]
    assert [e["slug"] for e in published_entries(out)] == live
    csv_slugs = []
    for year in ("2017", "2019", "2020"):
        rows = csv.DictReader(io.StringIO((out / f"data/{year}/entries.csv").read_text()))
        csv_slugs += [row["slug"] for row in rows]
    assert csv_slugs == live
    beta_url = f"{SMALL_BASE_URL}events/{beta['slug']}/"
    assert beta_url not in [e.link for e in feedparser.parse((out / "feeds/entries.xml").read_bytes()).entries]
    assert beta_url not in sitemap_locations(out, SMALL_BASE_URL)
    # Its pages still link only to pages that exist.
    assert broken_links(out, SMALL_BASE_URL) == []
