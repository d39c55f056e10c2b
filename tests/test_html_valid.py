"""The built site is valid: the W3C HTML checker (the Nu Html Checker, npm ``vnu-jar``) reports no
errors on any page, and the feeds and the sitemap are well-formed XML of the right shape.

The site is the flagship archive (a copy of this repository's ``timeline.toml`` and ``events/``)
plus entries that exercise every page type and every template branch: a retracted entry, an entry
merged into another (its address and short link become redirect pages), a corrected entry (so a v2
revision page exists), a summary with Markdown links, lists and a ``<script>`` (which must come out
escaped), a source in Arabic (``--source-language ar``) with a right-to-left title and quotation,
and a quotation in English. The test first checks that one file of every page type exists and is the
page it claims to be, then runs the checker once over every HTML file of the site.

The checker is installed from the npm registry into ``.cache/vnu`` at the repository root (kept
across runs, never committed). Without npm or java the test skips on a laptop and fails in CI.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from conftest import IN_CI, ArchiveUnderTest, copy_flagship_files
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
VNU_CACHE = ROOT / ".cache" / "vnu"
VNU_JAR = VNU_CACHE / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
VNU_PACKAGE = "vnu-jar@26"

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

SCRIPT_SUMMARY = (
    "The rules point to [the published policy](https://example.org/policy) and to "
    "[the press office](mailto:press@example.org).\n\n"
    "They ban:\n\n- impersonation;\n- coordinated inauthentic behaviour.\n\n"
    "Appeals go through:\n\n1. a form;\n2. a human reviewer.\n\n"
    "A post quoted in the rules read <script>alert('x')</script> and was removed."
)
ARABIC_TITLE = "هيئة تنظيم الإعلام تحجب موقعاً إخبارياً"
ARABIC_QUOTE = "تم حجب الموقع بسبب نشر أخبار كاذبة"


def unavailable(reason: str) -> NoReturn:
    """A missing tool skips the test on a laptop, and fails it in CI, where it must be there."""
    if IN_CI:
        pytest.fail(f"the HTML checker must run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def vnu_jar() -> Path:
    """The Nu Html Checker's jar, installed with npm into .cache/vnu once and reused afterwards."""
    if shutil.which("java") is None:
        unavailable("java is not installed")
    if not VNU_JAR.is_file():
        npm = shutil.which("npm")
        if npm is None:
            unavailable("npm is not installed")
        VNU_CACHE.mkdir(parents=True, exist_ok=True)
        # --ignore-scripts: the package's postinstall would download a Java runtime; ours is on PATH.
        install = subprocess.run(
            [
                npm,
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                "--prefix",
                str(VNU_CACHE),
                VNU_PACKAGE,
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if install.returncode != 0 or not VNU_JAR.is_file():
            unavailable(f"npm install {VNU_PACKAGE} failed ({install.returncode}): {install.stderr[-2000:]}")
    return VNU_JAR


@dataclass
class BuiltSite:
    out: Path  # the _site folder
    base_url: str
    pages: dict[str, Path]  # page type -> one file of that type


def build_site(root: Path) -> BuiltSite:
    """Copy the flagship archive to ROOT, add entries for every page type, build, and pick the pages."""
    copy_flagship_files(root)
    archive = ArchiveUnderTest(root=root, store_url=None, runner=CliRunner())
    # Past a hundred changes, so that the change log has its numbered pages (recorded first: the
    # entries below are then the newest, as the feeds and the home page show them).
    rows = root / "rows.csv"
    rows.write_text(
        "title,kind,date,source_title\n"
        + "".join(
            f"Test Platform removes network number {n},takedown,2021-05-{n % 28 + 1:02d},Report {n}\n"
            for n in range(80)
        ),
        encoding="utf-8",
    )
    archive.ok("import", str(rows))

    # fmt: off
    rules = archive.json(
        "add", "--title", "Test Platform publishes moderation rules", "--kind", "policy-change",
        "--date", "2021-03-01", "--summary", SCRIPT_SUMMARY,
        "--actor", "Test Platform:author", "--actor", "Test Regulator",
        "--platform", "Test Platform", "--topic", "content moderation", "--jurisdiction", "European Union",
        "--source-title", "Test Platform's new rules", "--source-publisher", "Test Wire",
        "--source-url", "https://example.org/news/rules?a=1&b=2",
        "--source-archived-url", "https://web.archive.org/web/2021/https://example.org/news/rules",
        "--source-author", "A. Reporter", "--source-author", "B. Writer", "--source-date", "2021-03-02",
        "--source-quote", "We will remove impersonation & fraud", "--source-quote-by", "Test Platform",
    )
    archive.ok("correct", rules["slug"], "--title", "Test Platform publishes its moderation rules",
               "--reason", "headline named the wrong subject")

    arabic = archive.json(
        "add", "--title", "Egyptian media regulator blocks a news site", "--kind", "takedown",
        "--date", "2021-04-10", "--summary", "The regulator blocked the site. It cited false news.",
        "--actor", "Supreme Council for Media Regulation:issuer", "--jurisdiction", "Egypt",
        "--source-title", ARABIC_TITLE, "--source-publisher", "الأهرام", "--source-language", "ar",
        "--source-url", "https://example.org/ar/news", "--source-date", "2021-04-10",
        "--source-quote", ARABIC_QUOTE, "--source-quote-by", "المجلس الأعلى لتنظيم الإعلام",
        "--link", "related", rules["slug"], "--identifier", "docket:Cairo Econ. Ct. No. 12/2021 <&>",
    )
    # Cited by two entries, the Arabic source has its own page.
    archive.ok("source", "add", rules["slug"], "--title", ARABIC_TITLE, "--publisher", "الأهرام", "--language", "ar",
               "--url", "https://example.org/ar/news", "--date", "2021-04-10", "--reason", "reported in Arabic too")

    retracted = archive.add("Test Platform bans all political speech", "2021-03-05", "suspension",
                            "--platform", "Test Platform")
    archive.ok("retract", retracted["slug"], "--reason", "the reported ban never happened")

    duplicate = archive.add("Moderation rules published by Test Platform", "2021-03-01", "policy-change",
                            "--platform", "Test Platform")
    archive.ok("merge", duplicate["slug"], rules["slug"], "--reason", "same rules recorded twice")

    archive.ok("bundle", "create", "withdrawn-brief", rules["slug"], retracted["slug"], "--title", "A brief")
    archive.ok("bundle", "delete", "withdrawn-brief", "--reason", "the brief was withdrawn")

    # Threads: one merged into the rules' (its page leads there), one ended (its page stays, saying so).
    answer = archive.add("Test Regulator answers the rules", "2021-03-08", "statement",
                         "--link", "responds-to", rules["slug"])
    inquiry = archive.add("Test Regulator opens an inquiry", "2021-04-20", "investigation")
    archive.add("Test Platform replies to the inquiry", "2021-04-22", "statement",
                "--link", "responds-to", inquiry["slug"])
    archive.ok("link", inquiry["slug"], "follows", answer["slug"], "--reason", "one dispute")
    claim = archive.add("Test Platform claims a record year", "2021-06-01", "statement")
    doubt = archive.add("Test Regulator doubts the claim", "2021-06-02", "statement",
                        "--link", "responds-to", claim["slug"])
    archive.ok("unlink", doubt["slug"], "responds-to", claim["slug"], "--reason", "about another claim")
    # fmt: on
    archive.ok("build")
    out = root / "_site"

    def page(url: str) -> Path:
        return out / url / "index.html" if url else out / "index.html"

    sources_of_arabic = [
        p for p in (out / "sources").glob("*/index.html") if ARABIC_TITLE in p.read_text(encoding="utf-8")
    ]
    assert len(sources_of_arabic) == 1, sources_of_arabic
    pages = {
        "home": page(""),
        "year": page("timeline/2021"),
        "entry": page(f"events/{rules['slug']}"),
        "entry with an Arabic source": page(f"events/{arabic['slug']}"),
        "retracted entry": page(f"events/{retracted['slug']}"),
        "revision": page(f"events/{rules['slug']}/v2"),
        "revision of a retracted entry": page(f"events/{retracted['slug']}/v2"),
        "short link redirect": page(f"e/{rules['short_id']}"),
        "merged entry redirect": page(f"events/{duplicate['slug']}"),
        "merged entry's short link redirect": page(f"e/{duplicate['short_id']}"),
        "actors index": page("actors"),
        "actor": page("actors/test-platform"),
        "platforms index": page("platforms"),
        "platform": page("platforms/test-platform"),
        "platform oldest first": page("platforms/test-platform/oldest"),
        "topics index": page("topics"),
        "topic": page("topics/content-moderation"),
        "kinds index": page("kinds"),
        "kind": page("kinds/policy-change"),
        "jurisdictions index": page("jurisdictions"),
        "jurisdiction": page("jurisdictions/european-union"),
        "sources index": page("sources"),
        "source": sources_of_arabic[0],
        "bundles index": page("bundles"),
        "withdrawn bundle": page("bundles/withdrawn-brief"),
        "changes": page("changes"),
        "changes page": page("changes/page/1"),
        "changes pages' folder": page("changes/page"),
        "not found": out / "404.html",
        "timeline index": page("timeline"),
        "entries index": page("events"),
        "short links index": page("e"),
        "feeds index": page("feeds"),
        "actors' feeds index": page("feeds/actors"),
        "data of a year": page("data/2021"),
        "assets index": page("assets"),
        "manifest index": page("manifest"),
        "about page": page("about"),
        "methodology page": page("methodology"),
        "threads index": page("threads"),
        "thread": page(f"threads/{rules['slug']}"),
        "merged thread redirect": page(f"threads/{inquiry['slug']}"),
        "ended thread": page(f"threads/{claim['slug']}"),
    }
    return BuiltSite(out=out, base_url="https://example.org/timeline/", pages=pages)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_site(tmp_path_factory.mktemp("site-archive"))


def text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_every_page_type_is_built_as_intended(site: BuiltSite) -> None:
    """The pages handed to the checker are the page types they stand for (so a pass means something)."""
    missing = [kind for kind, path in site.pages.items() if not path.is_file()]
    assert not missing, f"page types not built: {missing}"
    p = {kind: text_of(path) for kind, path in site.pages.items()}

    assert "read &lt;script&gt;alert('x')&lt;/script&gt; and" in p["entry"]
    # The only scripts are the site's own: the JSON-LD block and cite.js.
    assert re.findall(r"<script[^>]*>", p["entry"]) == [
        '<script type="application/ld+json">',
        '<script src="../../assets/cite.js" defer>',
    ]
    assert '<a href="https://example.org/policy">the published policy</a>' in p["entry"]
    assert '<a href="mailto:press@example.org">the press office</a>' in p["entry"]
    assert "<ul>\n<li>impersonation;</li>" in p["entry"] and "<ol>\n<li>a form;</li>" in p["entry"]
    assert "We will remove impersonation &amp; fraud" in p["entry"]
    assert 'href="https://example.org/news/rules?a=1&amp;b=2"' in p["entry"]
    assert re.search(r'<li id="source-[a-z0-9-]+" lang="ar">', p["entry with an Arabic source"])
    assert ARABIC_TITLE in p["entry with an Arabic source"] and ARABIC_QUOTE in p["entry with an Arabic source"]
    assert "<strong>Retracted</strong>" in p["retracted entry"]
    assert "the reported ban never happened" in p["retracted entry"]
    assert "This is revision 2 of this entry" in p["revision"]
    assert "<strong>Retracted</strong>" in p["revision of a retracted entry"]
    for kind in ("short link redirect", "merged entry redirect", "merged entry's short link redirect"):
        assert '<meta http-equiv="refresh" content="0; url=' in p[kind], kind
        assert "Test Platform publishes its moderation rules" in p[kind], kind
    assert 'class="source-document" lang="ar"' in p["source"]
    assert "<h1>Page not found</h1>" in p["not found"]
    assert '<ol class="entries timeline">' in p["thread"] and "Test Regulator opens an inquiry" in p["thread"]
    assert "This thread is now at" in p["merged thread redirect"]
    assert "no longer linked" in p["ended thread"] and "Test Regulator doubts the claim" in p["ended thread"]
    assert 'Test Regulator answers the rules</a> <span class="count">(4 entries,' in p["threads index"]
    assert "<strong>Withdrawn</strong>" in p["withdrawn bundle"] and "the brief was withdrawn" in p["withdrawn bundle"]
    assert "<h1>Citation bundles</h1>" in p["bundles index"] and "withdrawn-brief" not in p["bundles index"]
    assert 'aria-current="true">Oldest first</a>' in p["platform oldest first"]
    assert 'class="page-numbers"' in p["changes page"] and 'aria-current="page">1</a>' in p["changes page"]
    assert "<h1>About this archive</h1>" in p["about page"] and "<h1>Methodology</h1>" in p["methodology page"]


def run_checker(jar: Path, files: list[Path]) -> list[dict]:
    """All the checker's messages on FILES, from one run of the JVM."""
    java = shutil.which("java")
    assert java is not None
    completed = subprocess.run(
        [java, "-Dfile.encoding=UTF-8", "-jar", str(jar), "--errors-only", "--format", "json", "--stdout",
         *map(str, files)],
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=300,
    )  # fmt: skip
    # Exit status 1 means "errors found"; anything else is the checker itself failing.
    assert completed.returncode in (0, 1), f"vnu exited {completed.returncode}: {completed.stderr}"
    return json.loads(completed.stdout)["messages"]


def test_the_html_checker_reports_no_errors_on_any_page(vnu_jar: Path, site: BuiltSite) -> None:
    files = sorted(site.out.rglob("*.html"))
    assert set(site.pages.values()) <= set(files)
    messages = run_checker(vnu_jar, files)
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    report = "\n".join(
        f"{urlsplit(m.get('url', '')).path.removeprefix(str(site.out) + '/')}:{m.get('lastLine', '?')}: "
        f"{m.get('message')}  [{m.get('extract', '').strip()!r}]"
        for m in errors
    )
    if errors:
        pytest.fail(f"the HTML checker found {len(errors)} errors in {len(files)} files:\n{report}", pytrace=False)


def test_the_feeds_are_well_formed_atom(site: BuiltSite) -> None:
    feeds = sorted((site.out / "feeds").rglob("*.xml"))
    names = {f.relative_to(site.out).as_posix() for f in feeds}
    assert {"feeds/entries.xml", "feeds/changes.xml", "feeds/platforms/test-platform.xml"} <= names
    for feed in feeds:
        root = etree.parse(str(feed)).getroot()  # raises XMLSyntaxError if not well-formed
        assert root.tag == f"{ATOM}feed", feed
        assert root.findtext(f"{ATOM}id", "").startswith(site.base_url), feed
        for entry in root.findall(f"{ATOM}entry"):
            assert entry.findtext(f"{ATOM}title"), feed
            assert entry.findtext(f"{ATOM}id", "").startswith(site.base_url), feed
            assert entry.findtext(f"{ATOM}updated"), feed
    entries = etree.parse(str(site.out / "feeds" / "entries.xml")).getroot()
    summaries = [e.findtext(f"{ATOM}summary", "") for e in entries.findall(f"{ATOM}entry")]
    # The summary is HTML carried as text: once parsed, the <script> is still escaped text.
    assert any("&lt;script&gt;alert" in s for s in summaries), "the Markdown entry is missing from the feed"
    assert not any("<script" in s for s in summaries), "a summary carries a live <script> element"


def test_the_sitemap_lists_absolute_addresses_of_built_pages(site: BuiltSite) -> None:
    """sitemap.xml is an index of the sitemap's parts, each a sitemap of at most 50,000 addresses."""
    index = etree.parse(str(site.out / "sitemap.xml")).getroot()
    assert index.tag == f"{SITEMAP}sitemapindex"
    parts = [part.findtext(f"{SITEMAP}loc") for part in index]
    assert [part.tag for part in index] == [f"{SITEMAP}sitemap"] * len(parts) and parts
    assert parts[0] == f"{site.base_url}sitemap-pages.xml"
    assert all(part.startswith(f"{site.base_url}sitemap-entries-") for part in parts[1:]), parts
    locations = []
    for part in parts:
        root = etree.parse(str(site.out / part.removeprefix(site.base_url))).getroot()
        assert root.tag == f"{SITEMAP}urlset"
        assert 0 < len(root) <= 50_000
        for url in root:
            assert url.tag == f"{SITEMAP}url"
            assert [child.tag for child in url] == [f"{SITEMAP}loc"]
            locations.append(url.findtext(f"{SITEMAP}loc"))
    assert len(locations) == len(set(locations)), "duplicate locations"
    for location in locations:
        parts = urlsplit(location)
        assert parts.scheme == "https" and parts.netloc == "example.org", location
        assert location.startswith(site.base_url), location
        path = location.removeprefix(site.base_url)
        assert (site.out / path / "index.html").is_file(), f"{location} names no built page"
    assert site.base_url in locations
    assert f"{site.base_url}events/{site.pages['entry'].parent.name}/" in locations
    assert f"{site.base_url}events/{site.pages['retracted entry'].parent.name}/" not in locations
    assert f"{site.base_url}events/{site.pages['merged entry redirect'].parent.name}/" not in locations
