"""How `timeline build` and `timeline serve` write the site, proven at their boundaries.

What these tests prove:

1. An incremental build after each of a sequence of mixed changes gives the same tree, byte for
   byte, as a full build; a build with nothing changed writes nothing (on SQLite and PostgreSQL).
   Pages that show archive-wide numbers (the years on each year page, the count of changes on
   each changes page) follow every change; long listings rewrite only the pages a change shows on.
2. Files no longer produced are removed (with their folders); an interrupted build leaves every
   file whole (old or new, no temporary files) and the next build completes it.
3. `timeline serve` serves the site and rebuilds it when the store changes; a change re-indexes
   only its part of the search index; two builds of one folder take turns; published files are
   readable as the umask allows.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ArchiveUnderTest
from lxml import etree
from sitebuild import (
    SMALL_BASE_URL,
    age_every_file,
    broken_links,
    build,
    folders,
    html,
    is_manifest,
    record_small_archive,
    service_for,
    touched,
    tree,
)

from timeline.site import render
from timeline.site.build import build_site
from timeline.site.facetpages import mirrored_pages
from timeline.site.manifest import read as read_manifest

# 1. Incremental builds are full builds ---------------------------------------------------------


def test_incremental_builds_after_every_kind_of_change_equal_a_full_build(
    store: ArchiveUnderTest, tmp_path: Path
) -> None:
    a, b = tmp_path / "incremental", tmp_path / "full"
    entries = record_small_archive(store)
    alpha, beta, gamma, delta = (entries[k] for k in ("alpha", "beta", "gamma", "delta"))
    build(store, a)
    epsilon = store.add("Epsilon hearing on platform moderation", "2020-06-10", "hearing", "--actor", "US Senate")
    duplicate = store.add(
        "White House order on online censorship", "2020-05-28", "executive-order", "--platform", "Twitter"
    )
    changes = [
        ("correct", gamma["slug"], "--title", "Gamma sues the government", "--date", "2018-03", "--reason", "year"),
        ("source", "add", beta["slug"], "--title", "Labels explained", "--publisher", "Other Wire",
         "--url", "https://example.com/labels", "--reason", "a second account"),
        ("source", "withdraw", beta["slug"], "1", "--reason", "the first report was wrong"),
        ("link", delta["slug"], "related", epsilon["slug"], "--reason", "same week"),
        ("unlink", alpha["slug"], "responds-to", beta["slug"], "--reason", "no such link"),
        ("retract", delta["slug"], "--reason", "the takedown never happened"),
        ("actor", "type", "Facebook", "organization", "--reason", "named by a retracted entry only"),
        ("actor", "type", "Donald Trump", "person", "--reason", "the issuer of alpha"),
        ("merge", duplicate["slug"], alpha["slug"], "--reason", "the same order twice"),
        ("correct", alpha["slug"], "--title", "Alpha order on platform liability", "--reason", "after the merge"),
        ("correct", epsilon["slug"], "--topic", "content moderation", "--reason", "a topic"),
        ("actor", "type", "Donald Trump", "government", "--reason", "the office, not the man"),
    ]  # fmt: skip
    build(store, a)
    for change in changes:
        store.ok(*change)
        build(store, a)

    full = build(store, b, "--full")
    incremental, complete = tree(a), tree(b)
    assert sorted(incremental) == sorted(complete)
    differing = sorted(name for name in complete if incremental[name] != complete[name])
    assert differing == []
    assert folders(a) == folders(b)
    assert full["files"] == len([path for path in complete if not is_manifest(path)])

    age_every_file(a)
    again = build(store, a)
    assert (again["written"], again["removed"], again["changes"]) == (0, 0, 0)
    assert touched(a) == set()
    assert tree(a) == complete


def test_new_settings_render_every_page_again_without_projecting_anew(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    """Pages show the title, language and base URL; the read model holds none of them."""
    a, b = tmp_path / "incremental", tmp_path / "full"
    record_small_archive(sqlite_archive)
    build(sqlite_archive, a)
    settings = sqlite_archive.root / "timeline.toml"
    text = settings.read_text(encoding="utf-8")
    for old, new in ((SMALL_BASE_URL, "https://example.net/archive/"), ("Test archive", "Renamed archive")):
        assert text.count(f'"{old}"') == 1
        text = text.replace(f'"{old}"', f'"{new}"')
    settings.write_text(text, encoding="utf-8")

    again = build(sqlite_archive, a)
    assert again["changes"] == 0
    assert again["written"] > 0
    build(sqlite_archive, b, "--full")
    assert tree(a) == tree(b)
    assert 'href="https://example.net/archive/"' in (a / "index.html").read_text(encoding="utf-8")


def test_a_changed_stylesheet_or_template_renders_the_site_again(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    """A new version of the tool (or an archive's own template) changes what pages are made with:
    the next build writes the new stylesheet and pages, without projecting anew."""
    import timeline.site_templates as packaged

    a, b = tmp_path / "incremental", tmp_path / "full"
    record_small_archive(sqlite_archive)
    build(sqlite_archive, a)
    own = sqlite_archive.root / "site_templates"
    own.mkdir()
    tool = Path(packaged.__file__).parent
    (own / "style.css").write_bytes((tool / "style.css").read_bytes() + b"\n.index-only { color: red; }\n")
    base = (tool / "base.html").read_text(encoding="utf-8")
    assert "</footer>" in base
    (own / "base.html").write_text(base.replace("</footer>", "<p>Kept by the test desk.</p></footer>"), "utf-8")

    again = build(sqlite_archive, a)
    assert again["changes"] == 0
    assert (a / "assets" / "style.css").read_bytes().endswith(b".index-only { color: red; }\n")
    assert "Kept by the test desk." in (a / "index.html").read_text(encoding="utf-8")
    build(sqlite_archive, b, "--full")
    assert tree(a) == tree(b)


def test_a_change_in_long_listings_rewrites_only_the_pages_it_shows_on_and_equals_a_full_build(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    """A listing of 250 entries has three pages. A change that keeps an entry in it at the same dates
    renders only the pages from its old place to its new one (a link that reorders its day, the
    pages of that day); one that changes who is listed, or where, renders the whole listing. After
    each, the site is the one a full build makes."""
    rows = tmp_path / "rows.csv"
    with rows.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["title", "kind", "date", "platforms", "actors", "source_title"])
        for n in range(250):
            # Entries 90 to 129 share a day, across the boundary of the first two pages.
            day = dt.date(2020, 6, 15) + dt.timedelta(days=0 if 90 <= n < 130 else (n - 110) // 2)
            writer.writerow([f"Network takedown number {n:03d}", "takedown", day.isoformat(), "Twitter",
                             "Twitter:platform", f"Report {n}"])  # fmt: skip
    sqlite_archive.ok("import", str(rows))
    slugs = {e["title"]: e["slug"] for e in sqlite_archive.json("list")}
    target = slugs["Network takedown number 125"]
    sqlite_archive.add("An answer to takedown 200", "2021-02-01", "statement", "--link", "responds-to",
                                slugs["Network takedown number 200"])  # fmt: skip
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    build(sqlite_archive, incremental)
    # Pages in date order: the year's, and each name's oldest first (its newest-first pages are
    # checked against them: they hold the same entries, from the other end).
    facets = ("platforms/twitter/", "actors/twitter/")
    listings = ("timeline/2020/", *(f"{name}oldest/" for name in facets))
    listing_pages = {f"{name}{'' if n == 1 else f'page/{n}/'}index.html": n for name in listings for n in (1, 2, 3)}
    assert all((incremental / page).is_file() for page in listing_pages)

    def pages_touched(listing: str) -> set[int]:
        found = {p.removeprefix(listing) for p in touched(incremental) if p.startswith(listing)}
        return {1 if p == "index.html" else int(p.split("/")[1]) for p in found if p.count("/") in (0, 2)}

    def change(*command: str) -> set[int]:
        """Make the change, build, check the site against a full build; the listing pages rewritten."""
        sqlite_archive.ok(*command)
        age_every_file(incremental)
        build(sqlite_archive, incremental)
        shutil.rmtree(full, ignore_errors=True)
        build(sqlite_archive, full, "--full")
        assert tree(incremental) == tree(full), command
        for name in facets:
            oldest_pages = (incremental / name / "oldest").rglob("index.html")
            count = sum(len(html(page).select("li.entry-card")) for page in oldest_pages)
            oldest = pages_touched(f"{name}oldest/")
            # (a page rendered with them whose bytes stay the same is not rewritten)
            newest = pages_touched(name)
            assert newest <= {n for p in oldest for n in mirrored_pages(p, count)} and bool(newest) == bool(oldest)
        return {listing_pages[p] for p in touched(incremental) if p in listing_pages}

    # Words no card shows: no listing page changes.
    assert change("correct", target, "--summary", "A longer account.", "--reason", "detail") == set()
    # A new title that keeps the entry's place among those of its day (in the order recorded, then
    # by title): its page only.
    assert change("correct", target, "--title", "Network takedown number 125b", "--reason", "name") == {2}
    # A linked entry's new title shows on the cards linking to it: the page of each.
    assert change("correct", slugs["Network takedown number 200"], "--title", "Network takedown number 200b",
                  "--reason", "name") == {3}  # fmt: skip
    # A link within the day that keeps the order shows on the linking card's page only; one that
    # moves an entry (and the one answering it) after a later one renders the pages the day is on.
    assert change("link", slugs["Network takedown number 100"], "responds-to", slugs["Network takedown number 095"],
                  "--reason", "an answer") == {2}  # fmt: skip
    assert change("link", slugs["Network takedown number 095"], "responds-to", slugs["Network takedown number 128"],
                  "--reason", "an answer") == {1, 2}  # fmt: skip
    # The actor's role shows on the actor's page only.
    assert change("correct", target, "--actor", "Twitter:enforcer", "--reason", "role") == {2}
    # A new date, a retraction: every page of the listings.
    assert change("correct", slugs["Network takedown number 010"], "--date", "2020-12-30", "--reason", "day") == {
        1, 2, 3
    }  # fmt: skip
    assert change("retract", slugs["Network takedown number 020"], "--reason", "never happened") == {1, 2, 3}


# 2. Safe writing -------------------------------------------------------------------------------


def test_pages_no_longer_produced_are_removed_with_their_folders(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    entries = record_small_archive(sqlite_archive)
    out = tmp_path / "site"
    build(sqlite_archive, out)
    assert (out / "timeline/2017/index.html").is_file()

    sqlite_archive.ok("correct", entries["gamma"]["slug"], "--date", "2018-03", "--reason", "the suit was 2018")
    counts = build(sqlite_archive, out)

    # the 2017 year page, that year's two data files, its TimelineJS file and their page, and the
    # time scale's entries of 2017
    assert counts["removed"] == 6
    assert not (out / "timeline/2017").exists(), sorted(p.name for p in (out / "timeline").iterdir())
    assert not (out / "data/2017").exists()
    assert (out / "data/2018/entries.csv").is_file()
    assert (out / "timeline/2018/index.html").is_file()
    manifest = read_manifest(out)
    assert manifest is not None and "timeline/2017/index.html" not in manifest["files"]
    for year in (2018, 2019, 2020):
        assert "2017" not in html(out / f"timeline/{year}/index.html").find("nav", class_="years").get_text()
    assert broken_links(out, SMALL_BASE_URL) == []


def test_year_pages_list_every_year_that_has_entries(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    """Each year page lists the years (the home page adds their counts): a new year shows on all of
    them, and another entry in an existing year rewrites only its own year page."""
    record_small_archive(sqlite_archive)
    out = tmp_path / "site"
    build(sqlite_archive, out)
    other_years = {y: (out / f"timeline/{y}/index.html").read_bytes() for y in (2017, 2019)}
    sqlite_archive.add("Epsilon hearing on platform moderation", "2020-06-10", "hearing")
    build(sqlite_archive, out)
    assert {y: (out / f"timeline/{y}/index.html").read_bytes() for y in (2017, 2019)} == other_years
    home = html(out / "index.html").find("nav", class_="years")
    assert {li.a.text: li.find(class_="count").text for li in home.find_all("li")} == {
        "2017": "(1)",
        "2019": "(1)",
        "2020": "(3)",
    }
    sqlite_archive.add("Zeta statement on encryption", "2021-02-01", "statement")
    build(sqlite_archive, out)
    for year in (2017, 2019, 2020, 2021):
        nav = html(out / f"timeline/{year}/index.html").find("nav", class_="years")
        assert [li.a.text for li in nav.find_all("li")] == ["2017", "2019", "2020", "2021"], year


@contextlib.contextmanager
def rendering_fails_after(keys: int) -> Iterator[list[str]]:
    """Make the renderer raise once it has rendered KEYS page keys, as a crash mid-build would."""
    rendered: list[str] = []
    original = render.Renderer.render

    def failing(self: render.Renderer, key: str) -> dict[str, bytes]:
        if len(rendered) == keys:
            raise RuntimeError("the build was interrupted")
        rendered.append(key)
        return original(self, key)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render.Renderer, "render", failing)
        yield rendered


def well_formed(name: str, content: bytes) -> bool:
    if name.endswith(".html"):
        return content.rstrip().endswith(b"</html>")
    if name.endswith(".json"):
        json.loads(content)
        return True
    if name.endswith(".xml"):
        etree.fromstring(content)
        return True
    return True


def test_an_interrupted_build_leaves_whole_files_and_the_next_build_completes_it(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    entries = record_small_archive(sqlite_archive)
    out, full = tmp_path / "site", tmp_path / "full"
    build(sqlite_archive, out)
    old = tree(out)
    sqlite_archive.ok("correct", entries["alpha"]["slug"], "--title", "Alpha order, retitled", "--reason", "typo")
    sqlite_archive.ok("correct", entries["delta"]["slug"], "--title", "Delta, retitled", "--reason", "typo")
    build(sqlite_archive, full, "--full")
    new = tree(full)

    with (
        service_for(sqlite_archive) as service,
        rendering_fails_after(8) as rendered,
        pytest.raises(RuntimeError, match="interrupted"),
    ):
        build_site(service.app, service.archive, out)
    assert len(rendered) == 8

    interrupted = tree(out)
    assert [p.name for p in out.rglob("*.tmp")] == []
    assert all(well_formed(name, content) for name, content in interrupted.items())
    neither = sorted(n for n, c in interrupted.items() if c != old.get(n) and c != new.get(n))
    assert neither == []
    # The pages rendered before the interruption all existed: their new versions are published only once
    # every new file they may link to is written (see timeline/site/publishing.py), so the site is the old one.
    assert interrupted == old
    assert any(new.get(n) != c for n, c in interrupted.items()), "everything was written before the interruption"

    build(sqlite_archive, out)
    assert tree(out) == new
    assert folders(out) == folders(full)


# 3. serve --------------------------------------------------------------------------------------


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_serve_serves_the_site_and_rebuilds_it_when_the_store_changes(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    first = sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    out = tmp_path / "served"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIMELINE_")} | sqlite_archive.env()
    server = subprocess.Popen(
        [sys.executable, "-m", "timeline", "serve", "--port", "0", "--interval", "0.2", "--out", str(out)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in server.stdout], daemon=True).start()
    try:
        url = None
        deadline = time.monotonic() + 15
        while url is None and time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                match = re.search(r"at (http://127\.0\.0\.1:\d+/)", lines.get(timeout=0.5))
                url = match.group(1) if match else None
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
        assert url is not None, "serve did not print its address within 15 s"

        status, body = fetch(url)
        assert status == 200 and b"Twitter labels two tweets" in body
        assert fetch(f"{url}events/{first['slug']}/")[0] == 200

        second = sqlite_archive.add("Trump signs an order on platform liability", "2020-05-28", "executive-order")
        page = f"{url}events/{second['slug']}/"
        deadline = time.monotonic() + 15
        # Pages are written one by one as the rebuild goes: wait for the home page to list it too.
        while (fetch(page)[0] != 200 or b"Trump signs an order" not in fetch(url)[1]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert fetch(page)[0] == 200, "the new entry's page was not served within 15 s"
        # The home page, which links to it, is replaced once every new page is written: a moment later.
        while b"Trump signs an order on platform liability" not in fetch(url)[1] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert b"Trump signs an order on platform liability" in fetch(url)[1]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_change_re_indexes_only_its_part_of_the_search_index(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    """The search index is one Pagefind index per half-year of slug, merged by the search page: a
    correction re-indexes its own half-year, and the other parts are left as they were."""
    entries = record_small_archive(sqlite_archive)
    out = tmp_path / "site"
    build(sqlite_archive, out)
    parts = json.loads((out / "pagefind" / "parts.json").read_text())
    assert parts == ["2017-h1", "2019-h2", "2020-h1"]
    before = {part: (out / "pagefind" / part / "pagefind-entry.json").stat().st_ino for part in parts}
    sqlite_archive.ok("correct", entries["delta"]["slug"], "--title", "Delta removes a network", "--reason", "r")
    build(sqlite_archive, out)
    after = {part: (out / "pagefind" / part / "pagefind-entry.json").stat().st_ino for part in parts}
    assert [part for part in parts if before[part] != after[part]] == ["2019-h2"]


def test_a_second_build_of_the_same_folder_waits_for_the_first_and_then_says_so(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    """Two builds of one folder would write the same files and read model at once: the second
    waits for the lock, and gives up with one line if the first does not finish in time."""
    import fcntl

    from timeline.files.archive import find_archive
    from timeline.site.build import view_path

    sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    out = tmp_path / "site"
    lock = view_path(find_archive(sqlite_archive.root, str(sqlite_archive.root)), out).with_suffix(".lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # a build in progress, as another process would hold it
        refused = sqlite_archive.run("--lock-timeout", "0", "build", "--out", str(out))
        assert refused.exit_code == 2
        expected = f"error: another 'timeline build' is writing {out}; try again when it has finished"
        assert refused.stderr.strip() == expected
        assert not out.exists()
    assert build(sqlite_archive, out)["written"] > 0


def test_published_files_and_entry_files_are_readable_by_others_as_the_umask_allows(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    """A web server running as another user must be able to read the site."""
    entry = sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    out = tmp_path / "site"
    build(sqlite_archive, out)
    umask = os.umask(0o022)
    os.umask(umask)
    expected = 0o666 & ~umask
    for path in [out / "index.html", out / f"events/{entry['slug']}/index.html", out / "manifest.json"]:
        assert path.stat().st_mode & 0o777 == expected, path
    assert (sqlite_archive.root / "events" / f"{entry['slug']}.md").stat().st_mode & 0o777 == expected
