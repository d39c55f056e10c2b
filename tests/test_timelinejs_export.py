"""The build's ``data/timelinejs.json`` is a TimelineJS file that Knight Lab's own library shows.

The archive here has an entry for every date the archive can hold (a day, a month, a year, an
approximate year, ranges of days and of months), sources with and without URLs, a title and a
summary with characters HTML must escape (and a ``<script>`` written as text), a retracted and a
merged entry (neither is a slide). The tests check the file against the documented format (a JSON
Schema written from Knight Lab's "TimelineJS JSON data format" page), check each slide's fields,
then load it with the real TimelineJS (the ``@knight-lab/timelinejs`` package from npm, installed
into ``.cache/timelinejs``) in Chromium, from a test page served over HTTP on 127.0.0.1, and go
to every slide. The same library also reads the import's fixtures, and must find in them the
events, at the dates, that ``timeline import`` finds.

Without npm or Chromium these tests skip on a laptop, and fail in CI.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import IN_CI, ArchiveUnderTest
from hypothesis import given
from hypothesis import strategies as st
from playwright.sync_api import Browser, ConsoleMessage, Page

from timeline.formats.htmltext import html_to_text
from timeline.site import slides, urls
from timeline.site.markdown import render_markdown

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "timelinejs"
SCHEMA = json.loads((FIXTURES / "timelinejs.schema.json").read_text(encoding="utf-8"))
TIMELINEJS_CACHE = ROOT / ".cache" / "timelinejs"
TIMELINEJS_PACKAGE = "@knight-lab/timelinejs@3"
TIMELINEJS_DIST = TIMELINEJS_CACHE / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
BASE_URL = "https://example.org/tl/"

SCRIPT_SUMMARY = (
    "Twitter linked the tweets to [a page of facts](https://example.org/facts).\n\n"
    "A reply quoted <script>alert('x')</script> as text."
)
ESCAPED_TITLE = 'Platform bans "<b>" & other tags in bios'

# The page TimelineJS is tested on: the library, its stylesheet, and a function that shows a
# timeline from a URL or an object and answers, once TimelineJS has loaded it, what it made of it.
TEST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TimelineJS test page</title>
<link rel="stylesheet" href="tljs/css/timeline.css"></head>
<body><div id="timeline-embed" style="width: 100%; height: 600px"></div>
<script src="tljs/js/timeline.js"></script>
<script>
function dateOf(d) {
  return d ? {year: d.data.year, month: d.data.month, day: d.data.day} : null;
}
window.showTimeline = (source) => new Promise((resolve, reject) => {
  document.getElementById("timeline-embed").replaceChildren();
  const timeline = new TL.Timeline("timeline-embed", source, {
    script_path: new URL("tljs/js/", location.href).href,
  });
  window.timeline = timeline;
  timeline.on("loaded", () => resolve({
    valid: timeline.config.isValid(),
    errors: timeline.config.getErrors().map(String),
    title: timeline.config.title ? timeline.config.title.text.headline : null,
    eras: timeline.config.eras.length,
    ids: Object.keys(timeline.config.event_dict),
    events: timeline.config.events.map((e) => ({
      unique_id: e.unique_id,
      headline: e.text.headline,
      start: dateOf(e.start_date),
      end: dateOf(e.end_date),
      group: e.group || "",
    })),
  }));
  setTimeout(() => reject(new Error("TimelineJS did not finish loading in 20 s")), 20000);
});
</script></body></html>
"""


def unavailable(reason: str) -> NoReturn:
    """A missing tool skips the test on a laptop, and fails it in CI, where it must be there."""
    if IN_CI:
        pytest.fail(f"the TimelineJS tests must run in CI: {reason}")
    pytest.skip(reason)


# The archive and its built file ----------------------------------------------------------------


@dataclass
class Built:
    archive: ArchiveUnderTest
    out: Path
    entries: dict[str, dict[str, Any]]  # by name in this test

    def file(self) -> dict[str, Any]:
        return json.loads((self.out / "data" / "timelinejs.json").read_bytes())


def record_entries(archive: ArchiveUnderTest) -> dict[str, dict[str, Any]]:
    # fmt: off
    day = archive.json(
        "add", "--title", "Twitter adds fact-check labels to two tweets", "--kind", "label", "--date", "2020-05-26",
        "--summary", SCRIPT_SUMMARY, "--source-title", "Twitter labels Trump tweets", "--source-publisher", "BBC News",
        "--source-url", "https://example.org/news/labels?a=1&b=2",
    )
    month = archive.json(
        "add", "--title", "Facebook removes accounts tied to a state-backed operation", "--kind", "takedown",
        "--date", "2019-08", "--source-title", "Printed weekly report", "--source-publisher", "Example Weekly",
    )
    archive.ok("source", "add", month["slug"], "--title", "Facebook's announcement", "--publisher", "Facebook",
               "--url", "https://example.org/facebook/announcement", "--reason", "the announcement online")
    year = archive.add("A year of platform takedowns", "2019", "takedown")
    approximate = archive.add("DHS summons Twitter to unmask a critic", "2017~", "legal-demand")
    days = archive.add("Trump's order is challenged in court", "2020-05-28/2020-06-02", "lawsuit")
    months = archive.add(ESCAPED_TITLE, "2020-11/2021-01", "policy-change")
    retracted = archive.add("A ban that never happened", "2020-05-27", "suspension")
    archive.ok("retract", retracted["slug"], "--reason", "never happened")
    merged = archive.add("Twitter labels two Trump tweets", "2020-05-26", "label", "--allow-duplicate")
    archive.ok("merge", merged["slug"], day["slug"], "--reason", "the same labels")
    # fmt: on
    names = ("day", "month", "year", "approximate", "days", "months", "retracted", "merged")
    entries = (day, month, year, approximate, days, months, retracted, merged)
    return {name: archive.json("show", e["slug"]) for name, e in zip(names, entries, strict=True)}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("timelinejs-archive")
    archive = ArchiveUnderTest(root=root / "archive", store_url=None, runner=CliRunner())
    archive.ok("init", str(archive.root), "--title", "Platform policy & speech", "--base-url", BASE_URL)
    entries = record_entries(archive)
    out = root / "www" / "site"
    archive.ok("build", "--out", str(out))
    return Built(archive=archive, out=out, entries=entries)


# The file, against the documented format ------------------------------------------------------


def test_the_file_follows_the_documented_format(built: Built) -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(built.file())]
    assert problems == []
    # The schema refuses what the documentation does not name (so the check above can fail).
    assert not validator.is_valid({"events": [{"start_date": {"year": 2020}, "headline": "misplaced"}]})
    # The import's own JSON fixture is in the documented format too.
    assert list(validator.iter_errors(json.loads((FIXTURES / "platform-policy.json").read_bytes()))) == []


def test_every_live_entry_is_a_slide_at_the_precision_of_its_date(built: Built) -> None:
    data = built.file()
    slides = {s["unique_id"]: s for s in data["events"]}
    live = [e for e in built.entries.values() if not e["retracted"] and "merged_into" not in e]
    assert [s["unique_id"] for s in data["events"]] == [e["slug"] for e in built.archive.json("list")]
    assert set(slides) == {e["slug"] for e in live}
    assert data["title"]["text"]["headline"] == "Platform policy &amp; speech"
    assert '<a href="https://example.org/tl/">Browse the archive</a>' in data["title"]["text"]["text"]

    def slide(name: str) -> dict[str, Any]:
        return slides[built.entries[name]["slug"]]

    dates = {
        name: {k: slide(name)[k] for k in ("start_date", "end_date", "display_date") if k in slide(name)}
        for name in ("day", "month", "year", "approximate", "days", "months")
    }
    assert dates == {
        "day": {"start_date": {"year": 2020, "month": 5, "day": 26}},
        "month": {"start_date": {"year": 2019, "month": 8}},
        "year": {"start_date": {"year": 2019}},
        "approximate": {"start_date": {"year": 2017}, "display_date": "c. 2017"},
        "days": {"start_date": {"year": 2020, "month": 5, "day": 28}, "end_date": {"year": 2020, "month": 6, "day": 2}},
        "months": {"start_date": {"year": 2020, "month": 11}, "end_date": {"year": 2021, "month": 1}},
    }

    day = slide("day")
    permalink = f"{BASE_URL}events/{built.entries['day']['slug']}/"
    assert day["text"]["text"] == (
        render_markdown(SCRIPT_SUMMARY) + f'<p><a href="{permalink}">The entry, its sources and its history</a></p>'
    )
    assert "&lt;script&gt;alert" in day["text"]["text"] and "<script" not in day["text"]["text"]
    assert day["media"] == {
        "url": "https://example.org/news/labels?a=1&b=2",
        "link": "https://example.org/news/labels?a=1&b=2",
        "caption": "Twitter labels Trump tweets",
        "credit": "BBC News",
    }
    assert day["group"] == "label"
    # The first source with a URL gives the media; an entry whose sources have none has no media.
    assert slide("month")["media"]["url"] == "https://example.org/facebook/announcement"
    assert "media" not in slide("year")
    assert slide("months")["text"]["headline"] == html.escape(ESCAPED_TITLE)


@given(
    summary_html=st.text(),
    title=st.text(),
    source_url=st.text(),
    base_url=st.sampled_from(["https://example.org/tl/", "https://example.org", "http://h.example/a&b/\"x'ü/"]),
)
def test_a_slide_kept_without_the_base_url_is_the_slide_made_with_it(
    summary_html: str, title: str, source_url: str, base_url: str
) -> None:
    """The read model keeps slides site-relative; the file puts the base URL in, and must hold
    exactly the slide made with the absolute address, whatever the entry's text holds."""
    doc = {
        "slug": "2020-05-26-x",
        "date": "2020-05-26~",
        "date_display": "c. 26 May 2020",
        "summary_html": summary_html + '"text":"<p><a href="',
        "title": title,
        "kind": "label",
        "sources": [{"url": source_url + '"text":"', "title": title, "publisher": summary_html}],
    }
    links = urls.SiteUrls(base_url)
    made_with_it = json.dumps(slides.slide(doc, links.entry(doc["slug"])), ensure_ascii=False, separators=(",", ":"))
    assert slides.events_json([slides.slide_json(doc)] * 2, links) == f"{made_with_it},{made_with_it}"


def test_a_slide_keeps_its_unique_id_when_its_entry_is_corrected(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    entry = sqlite_archive.add("Twitter labels tweets", "2020-05-26", "label")
    other = sqlite_archive.add("Trump signs an order", "2020-05-28", "executive-order")
    out = tmp_path / "site"
    sqlite_archive.ok("build", "--out", str(out))
    before = json.loads((out / "data" / "timelinejs.json").read_bytes())
    sqlite_archive.ok("correct", entry["slug"], "--title", "Twitter labels two tweets", "--date", "2020-05",
                      "--reason", "the headline and the date were too precise")  # fmt: skip
    sqlite_archive.ok("build", "--out", str(out))
    after = json.loads((out / "data" / "timelinejs.json").read_bytes())
    assert [s["unique_id"] for s in after["events"]] == [s["unique_id"] for s in before["events"]]
    assert [s["unique_id"] for s in after["events"]] == [entry["slug"], other["slug"]]
    assert after["events"][0]["text"]["headline"] == "Twitter labels two tweets"
    assert after["events"][0]["start_date"] == {"year": 2020, "month": 5}
    assert after["events"][1] == before["events"][1]


def test_the_file_imports_back_as_the_same_entries(built: Built, sqlite_archive: ArchiveUnderTest) -> None:
    result = sqlite_archive.ok("import", str(built.out / "data" / "timelinejs.json"), "--group-as", "kind")
    assert result.stderr == ""
    original = {e["title"]: e for e in built.archive.json("list")}
    imported = {e["title"]: e for e in sqlite_archive.json("list")}
    assert {t: (e["date"], e["kind"]) for t, e in original.items()} == {
        t: (e["date"], e["kind"]) for t, e in imported.items()
    }
    labels = imported["Twitter adds fact-check labels to two tweets"]
    assert labels["sources"][0]["url"] == "https://example.org/news/labels?a=1&b=2"
    assert labels["summary"].endswith(
        f"[The entry, its sources and its history]({BASE_URL}events/{built.entries['day']['slug']}/)"
    )


# The real TimelineJS, in Chromium ---------------------------------------------------------------


@pytest.fixture(scope="session")
def timelinejs_dist() -> Path:
    """Knight Lab's TimelineJS from npm, installed into .cache/timelinejs once and reused afterwards."""
    if not (TIMELINEJS_DIST / "js" / "timeline.js").is_file():
        npm = shutil.which("npm")
        if npm is None:
            unavailable("npm is not installed")
        TIMELINEJS_CACHE.mkdir(parents=True, exist_ok=True)
        install = subprocess.run(
            [npm, "install", "--no-save", "--no-audit", "--no-fund", "--ignore-scripts",
             "--prefix", str(TIMELINEJS_CACHE), TIMELINEJS_PACKAGE],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        if install.returncode != 0 or not (TIMELINEJS_DIST / "js" / "timeline.js").is_file():
            unavailable(f"npm install {TIMELINEJS_PACKAGE} failed ({install.returncode}): {install.stderr[-2000:]}")
    return TIMELINEJS_DIST


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def origin(built: Built, timelinejs_dist: Path) -> Iterator[str]:
    """http://127.0.0.1:PORT serving the test page, the library (tljs/), the site and the fixtures."""
    www = built.out.parent
    (www / "index.html").write_text(TEST_PAGE, encoding="utf-8")
    for name, target in (("tljs", timelinejs_dist), ("fixtures", FIXTURES)):
        if not (www / name).exists():
            (www / name).symlink_to(target, target_is_directory=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(www)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class TimelinePage:
    page: Page
    errors: list[str]  # uncaught exceptions and console errors, but for resources refused below

    def show(self, source_expression: str) -> dict[str, Any]:
        result: dict[str, Any] = self.page.evaluate(f"async () => showTimeline(await ({source_expression}))")
        return result


@pytest.fixture
def tl_page(browser: Browser, origin: str) -> Iterator[TimelinePage]:
    """The test page, with every request that leaves 127.0.0.1 refused (TimelineJS asks for web
    fonts, and the media would be fetched from their sites)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route(lambda url: not url.startswith(origin + "/"), lambda route: route.abort("blockedbyclient"))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "ERR_BLOCKED_BY_CLIENT" not in message.text:
            errors.append(f"console: {message.text}")

    page.on("console", on_console)
    page.goto(f"{origin}/index.html")
    yield TimelinePage(page, errors)
    context.close()


def test_timelinejs_shows_every_slide_of_the_built_file(built: Built, tl_page: TimelinePage) -> None:
    result = tl_page.show("fetch('site/data/timelinejs.json').then((response) => response.json())")
    assert result["valid"] and result["errors"] == []
    live = {e["slug"]: e for e in built.entries.values() if not e["retracted"] and "merged_into" not in e}
    assert {e["unique_id"] for e in result["events"]} == set(live)
    # TimelineJS keeps our ids as they are (it would make new ones from headlines if they clashed).
    assert set(live) <= set(result["ids"])

    page = tl_page.page
    for slug, entry in live.items():
        page.evaluate("(id) => window.timeline.goToId(id)", slug)
        page.wait_for_function("(id) => window.timeline.current_id === id", arg=slug)
        slide = page.locator(f"[id='{slug}']")
        assert slide.locator(".tl-headline").first.text_content() == entry["title"], slug
        permalink = f"{BASE_URL}events/{slug}/"
        assert slide.locator(f"a[href='{permalink}']").count() == 1, slug
        assert slide.locator("script").count() == 0, slug
        media = next((source["url"] for source in entry["sources"] if "url" in source), None)
        if media is not None:  # the media leads to the document even when TimelineJS cannot embed it
            assert slide.locator(f"a[href='{media}']").count() >= 1, slug
    approximate = page.locator(f"[id='{built.entries['approximate']['slug']}']")
    assert "c. 2017" in (approximate.locator(".tl-headline-date").first.text_content() or "")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "timelinejs.png"))
    assert tl_page.errors == []


def timelinejs_date(start: dict[str, Any], end: dict[str, Any] | None) -> str:
    """What TimelineJS read, written as the archive writes dates."""

    def part(d: dict[str, Any]) -> str:
        text = f"{int(d['year']):04d}"
        if d.get("month"):
            text += f"-{int(d['month']):02d}"
            if d.get("day"):
                text += f"-{int(d['day']):02d}"
        return text

    first = part(start)
    return first if end is None or part(end) == first else f"{first}/{part(end)}"


@pytest.mark.parametrize(
    "fixture,source",
    [
        ("platform-policy.json", "fetch('fixtures/platform-policy.json').then((response) => response.json())"),
        ("takedowns-2019.csv", "'fixtures/takedowns-2019.csv'"),  # TimelineJS reads a CSV from its URL
    ],
)
def test_timelinejs_reads_the_import_fixtures_as_the_import_does(
    tl_page: TimelinePage, sqlite_archive: ArchiveUnderTest, fixture: str, source: str
) -> None:
    result = tl_page.show(source)
    assert result["valid"] and result["errors"] == []
    assert result["eras"] == 1 and result["title"]
    theirs = {html_to_text(e["headline"]): timelinejs_date(e["start"], e["end"]) for e in result["events"]}

    sqlite_archive.ok("import", str(FIXTURES / fixture))
    # TimelineJS has no approximate dates: it only shows the display date that made ours approximate.
    ours = {e["title"]: e["date"].replace("~", "") for e in sqlite_archive.json("list")}
    assert ours == theirs
    file_sources = {s["title"] for e in sqlite_archive.json("list") for s in e["sources"] if "url" not in s}
    assert file_sources == {html_to_text(result["title"])}
    assert tl_page.errors == []
