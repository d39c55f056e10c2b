"""Citing entries: the metadata in each page's head, the citation downloads, `timeline cite`,
revision-pinned citations, citation bundles and `timeline build --as-of`.

What these tests prove, each through the real command line and independent parsers:

1. Every entry page and every revision page of the flagship site carries, by lxml and extruct,
   Highwire `citation_*` tags (title, the revision's date as YYYY/MM/DD, publisher, language,
   an absolute public URL; never the archive's name as an author), Open Graph (`og:type`
   website, site name, title, URL), a canonical link, a description, and one schema.org JSON-LD
   `WebPage` about an `Event` (also a `Legislation` for an executive order). There is no COinS.
2. Every `cite.json`, `cite.bib`, `cite.ris` of the flagship site (per entry and per revision)
   and every bundle download: the CSL-JSON validates against the CSL data schema (Draft 7), the
   biblatex parses with bibtexparser with no failed block (`@online`, ISO `date`, no month
   macro), the RIS has `TY  - ELEC` ... `ER  - `; each names the site once, as the website (no
   author), keeps the event's date and kind where no style prints them, and has no access date
   (a static file cannot know when it is read: no `accessed`, `urldate`, `Y2`). `timeline cite`
   in every format and style cites the permanent address, or with `--revision` the revision's,
   with today as the access date and plain text without HTML.
3. A citation pinned to revision N still resolves to the same text after two corrections: the
   vN page and its downloads are byte-identical, and the entry page then offers revision N+2
   (on SQLite and on PostgreSQL).
4. A bundle's page and its downloads are byte-identical after its entries are corrected; its
   links resolve to the pinned revisions; `bundle add` pins at the current revision, `bundle
   remove` takes entries out, and bad bundle commands are refused with one line (exit 2).
5. `timeline build --as-of` a position (or the moment) before a correction reproduces the
   earlier site byte for byte; `--as-of` today gives the current site; bad values and a missing
   `--out` are refused with one line.
6. The "Cite this entry" box and the JSON-LD are safe with a title made of markup.

The flagship site is built once for this module (tests 1-2); the other tests make their own
archives in pytest's tmp_path.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import bibtexparser
import extruct
import jsonschema
import pytest
from click.testing import CliRunner, Result
from conftest import ArchiveUnderTest, copy_flagship_files
from lxml import html as lxml_html

from timeline.site.manifest import read as read_manifest

ROOT = Path(__file__).resolve().parent.parent
# Carried with the tests (MIT licence beside it): a clone checks its citations with nothing else.
CSL_SCHEMA = Path(__file__).resolve().parent / "schemas" / "csl-data.json"
LEGISLATION_KINDS = {"executive-order", "legislation", "regulation"}
STYLES = {"APA": "apa", "Chicago": "chicago", "MLA": "mla", "Bluebook": "bluebook"}
CITE_FILES = ("cite.json", "cite.bib", "cite.ris")
BUNDLE_FILES = ("index.html", "bundle.bib", "bundle.ris", "bundle.json")
FLAGSHIP_BUNDLE = "smith-2026-platform-law"
MONTH_MACRO = re.compile(r"=\s*(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\s*[,}\n]", re.IGNORECASE)
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
URL = re.compile(r"https?://[^\s<>\"]+")


# Archives and sites ---------------------------------------------------------------


def copy_flagship(root: Path) -> ArchiveUnderTest:
    """A copy of the repository's archive (settings and events/) with a brand-new store."""
    copy_flagship_files(root)
    archive = ArchiveUnderTest(root=root, store_url=None, runner=CliRunner())
    result = archive.ok("sync")
    assert "0 refused" in result.stdout
    return archive


def settings(archive: ArchiveUnderTest) -> dict[str, Any]:
    return tomllib.loads((archive.root / "timeline.toml").read_text(encoding="utf-8"))


SEARCH_INDEX = "pagefind/"


def tree(out: Path) -> dict[str, bytes]:
    """Every file of a built site by its path, but the search index and the manifest (which lists
    the index's files): Pagefind's index is not byte-stable even between two builds of the same
    pages, and it is not what these tests are about."""
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    return {
        path: content
        for path, content in files.items()
        if not path.startswith(SEARCH_INDEX) and path != "manifest.json" and not path.startswith("manifest/")
    }


def manifest(out: Path) -> dict[str, Any]:
    """The manifest, its parts merged, without the search index's files."""
    data = read_manifest(out)
    assert data is not None
    data["files"] = {path: entry for path, entry in data["files"].items() if not path.startswith(SEARCH_INDEX)}
    return data


def day_of(timestamp: str) -> dt.date:
    return dt.date.fromisoformat(timestamp[:10])


def date_parts(day: dt.date) -> dict[str, Any]:
    return {"date-parts": [[day.year, day.month, day.day]]}


def expected_event_date(edtf: str) -> dict[str, Any]:
    """The CSL date of an entry's EDTF date: precision kept, a range as two parts, ~ as circa."""
    parts = [[int(n) for n in part.rstrip("~").split("-")] for part in edtf.split("/")]
    return {"date-parts": parts, **({"circa": True} if "~" in edtf else {})}


@dataclass
class FlagshipSite:
    archive: ArchiveUnderTest
    out: Path
    base_url: str
    title: str
    language: str
    entries: list[dict[str, Any]]  # `list --all --json`
    history: dict[str, list[dict[str, Any]]]  # slug -> `history --json`
    pinned: dict[str, int]  # the flagship bundle: slug -> pinned revision

    def live(self) -> list[dict[str, Any]]:
        return [e for e in self.entries if "merged_into" not in e]

    def revision_date(self, slug: str, number: int) -> dt.date:
        return day_of(self.history[slug][number - 1]["time"])

    def entry_url(self, slug: str) -> str:
        return f"{self.base_url}events/{slug}/"

    def revision_url(self, slug: str, number: int) -> str:
        return f"{self.base_url}events/{slug}/v{number}/"


def slug_of_kind(entries: list[dict[str, Any]], kind: str) -> str:
    """The first entry of ``kind`` (the flagship's executive orders: Trump's, then its revocation)."""
    return min((e for e in entries if e["kind"] == kind), key=lambda e: e["date"])["slug"]


@pytest.fixture(scope="module")
def flagship(tmp_path_factory: pytest.TempPathFactory) -> FlagshipSite:
    """The flagship archive, with a bundle pinning the executive order and the labels at their current
    revisions, then a second source on the executive order (a revision after the pinned one), built once."""
    archive = copy_flagship(tmp_path_factory.mktemp("citing") / "archive")
    entries = archive.json("list", "--all")
    order, labels = slug_of_kind(entries, "executive-order"), slug_of_kind(entries, "label")
    pinned = {slug: next(e["revision"] for e in entries if e["slug"] == slug) for slug in (order, labels)}
    archive.ok("bundle", "create", FLAGSHIP_BUNDLE, order, labels, "--title", "Smith (2026), Platform law")
    archive.ok(
        "source",
        "add",
        order,
        "--title",
        "Text of the executive order",
        "--publisher",
        "Federal Register",
        "--url",
        "https://example.org/federal-register/2020-12030",
        "--reason",
        "the order's own text",
    )
    out = archive.root.parent / "site"
    archive.ok("build", "--out", str(out))
    entries = archive.json("list", "--all")
    config = settings(archive)
    return FlagshipSite(
        archive=archive,
        out=out,
        base_url=config["base_url"],
        title=config["title"],
        language=config["language"],
        entries=entries,
        history={e["slug"]: archive.json("history", e["slug"]) for e in entries},
        pinned=pinned,
    )


@pytest.fixture(scope="module")
def csl_schema() -> jsonschema.Draft7Validator:
    """The CSL data schema (tests/schemas/csl-data.json)."""
    schema = json.loads(CSL_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


# Reading pages and files ----------------------------------------------------------


def parse(page: bytes) -> Any:
    return lxml_html.document_fromstring(page, parser=lxml_html.HTMLParser(encoding="utf-8"))


def metas(document: Any) -> dict[str, list[str]]:
    """The head's <meta name=...> tags: name -> every content given."""
    found: dict[str, list[str]] = {}
    for meta in document.xpath("/html/head/meta[@name]"):
        found.setdefault(meta.get("name"), []).append(meta.get("content"))
    return found


def open_graph(page: str, url: str) -> dict[str, list[str]]:
    data = extruct.extract(page, base_url=url, syntaxes=["opengraph"])
    found: dict[str, list[str]] = {}
    for block in data["opengraph"]:
        for name, value in block["properties"]:
            found.setdefault(name, []).append(value)
    return found


def json_ld(page: str, url: str) -> list[dict[str, Any]]:
    return extruct.extract(page, base_url=url, syntaxes=["json-ld"])["json-ld"]


def types_of(node: dict[str, Any]) -> list[str]:
    kinds = node.get("@type", [])
    return [kinds] if isinstance(kinds, str) else list(kinds)


def cite_box(page: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """The "Cite this entry" box's citations as plain text: (for the revision, for the permanent address)."""
    (section,) = parse(page).xpath('//section[@aria-labelledby="cite-heading"]')
    lists = section.xpath('.//ul[@class="citations"]')

    def read(citations: Any) -> dict[str, str]:
        return {
            li.xpath('./span[@class="style-name"]')[0].text_content().rstrip(":"): li.xpath(
                './span[@class="citation"]'
            )[0].text_content()
            for li in citations.xpath("./li")
        }

    return read(lists[0]), (read(lists[1]) if len(lists) > 1 else {})


QUOTATION_MARKS = re.compile("[\"'“”‘’]")


def shows_title(title: str, citation: str) -> bool:
    """Whether a citation shows the title: its words in any case, and its quotation marks and
    apostrophes as a style prints them (user's as user’s, "a" as “a” or ‘a’, with a
    period or comma that follows a quotation moved inside it)."""

    def marks(text: str) -> str:
        return re.sub(r"[.,]+(?=')", "", QUOTATION_MARKS.sub("'", text)).casefold()

    return marks(title) in marks(citation)


def urls_in(text: str) -> list[str]:
    return [u.rstrip(".,;)") for u in URL.findall(text)]


def ris_records(text: str) -> list[list[str]]:
    """RIS lines grouped by record: from each `TY  - ` to its `ER  - `."""
    records: list[list[str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("TY  - "):
            records.append([])
        assert records, f"a line outside any record: {line!r}"
        records[-1].append(line)
    return records


def ris_field(record: list[str], tag: str) -> list[str]:
    return [line[6:] for line in record if line.startswith(f"{tag}  - ")]


def unbraced(value: str) -> str:
    return value[1:-1] if value.startswith("{") and value.endswith("}") else value


def assert_one_line_error(result: Result, *fragments: str) -> str:
    """Exit 2, nothing on stdout, one 'error: ...' line on stderr holding every fragment."""
    assert result.exit_code == 2, f"exit {result.exit_code}; stdout={result.stdout!r} stderr={result.stderr!r}"
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, f"stderr should be one line: {result.stderr!r}"
    assert lines[0].startswith("error: ") and "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    return lines[0]


# 1. Metadata in the head of every entry page and revision page ---------------------


def check_head(
    page: bytes, *, url: str, title: str, published: dt.date, summary: str, kind: str, site: FlagshipSite
) -> None:
    """The citation metadata of one page about an entry, read by lxml and extruct."""
    text = page.decode("utf-8")
    document = parse(page)
    meta = metas(document)
    one = {name: values[0] for name, values in meta.items() if len(values) == 1}

    assert document.xpath('/html/head/link[@rel="canonical"]/@href') == [url]
    # Highwire Press tags, as Google Scholar and Zotero read them.
    assert meta["citation_title"] == [title]
    assert meta["citation_publication_date"] == [published.strftime("%Y/%m/%d")]
    assert meta["citation_publisher"] == [site.title]
    assert meta["citation_language"] == [site.language]
    assert meta["citation_public_url"] == [url]
    assert site.title not in meta.get("citation_author", []), "the archive's name given as an author"
    # A description: the summary on one line, whole or shortened at a word with an ellipsis
    # (tests/test_zotero_meta.py checks where it is cut).
    description = one["description"]
    assert description and len(description) <= 300
    assert " ".join(summary.split()).startswith(description.removesuffix("…"))
    assert "citation_journal_title" not in meta, "Zotero would save the page as a journal article"
    # Open Graph.
    graph = open_graph(text, url)
    assert graph["og:type"] == ["website"]
    assert graph["og:site_name"] == [site.title]
    assert graph["og:title"] == [title]
    assert graph["og:url"] == [url]
    # schema.org: one WebPage about an Event (and a Legislation for an order, a statute, a regulation).
    (webpage,) = json_ld(text, url)
    assert webpage["@context"] == "https://schema.org"
    assert types_of(webpage) == ["WebPage"]
    assert webpage["url"] == url and webpage["name"] == title
    assert webpage["datePublished"] == published.isoformat()
    about = types_of(webpage["about"])
    assert "Event" in about
    assert ("Legislation" in about) == (kind in LEGISLATION_KINDS), f"{kind}: about is {about}"
    assert webpage["about"]["name"] == title
    # No COinS.
    assert not document.xpath('//*[contains(concat(" ", normalize-space(@class), " "), " Z3988 ")]')
    assert "ctx_ver" not in text and "Z39.88" not in text


def test_every_entry_page_carries_highwire_open_graph_and_json_ld_and_no_coins(flagship: FlagshipSite) -> None:
    pages = sorted(p.parent.name for p in (flagship.out / "events").glob("*/index.html"))
    assert pages == sorted(e["slug"] for e in flagship.entries)
    for entry in flagship.live():
        slug = entry["slug"]
        check_head(
            (flagship.out / "events" / slug / "index.html").read_bytes(),
            url=flagship.entry_url(slug),
            title=entry["title"],
            published=flagship.revision_date(slug, entry["revision"]),
            summary=entry["summary"],
            kind=entry["kind"],
            site=flagship,
        )


def test_every_revision_page_carries_highwire_open_graph_and_json_ld_and_no_coins(flagship: FlagshipSite) -> None:
    expected = sorted(f"{e['slug']}/v{n}" for e in flagship.entries for n in range(1, e["revision"] + 1))
    pages = sorted(
        p.parent.relative_to(flagship.out / "events").as_posix()
        for p in (flagship.out / "events").glob("*/v*/index.html")
    )
    assert pages == expected
    assert len(pages) > len(flagship.entries), "the flagship fixture should give one entry two revisions"
    for entry in flagship.live():
        slug = entry["slug"]
        for number in range(1, entry["revision"] + 1):
            then = flagship.archive.json("show", slug, "--revision", str(number))
            check_head(
                (flagship.out / "events" / slug / f"v{number}" / "index.html").read_bytes(),
                url=flagship.revision_url(slug, number),
                title=then["title"],
                published=flagship.revision_date(slug, number),
                summary=then["summary"],
                kind=then["kind"],
                site=flagship,
            )


def test_the_cite_box_offers_four_styles_for_the_revision_and_the_permanent_address(flagship: FlagshipSite) -> None:
    for entry in flagship.live():
        slug, latest = entry["slug"], entry["revision"]
        pinned, permanent = cite_box((flagship.out / "events" / slug / "index.html").read_bytes())
        assert list(pinned) == list(STYLES) and list(permanent) == list(STYLES)
        for style in STYLES:
            assert urls_in(pinned[style]) == [flagship.revision_url(slug, latest)], (slug, style, pinned[style])
            assert urls_in(permanent[style]) == [flagship.entry_url(slug)], (slug, style, permanent[style])
            assert shows_title(entry["title"], pinned[style]), (style, pinned[style])
        for number in range(1, latest + 1):
            pinned, permanent = cite_box((flagship.out / "events" / slug / f"v{number}" / "index.html").read_bytes())
            assert permanent == {}, "a revision page cites only itself"
            assert all(urls_in(text) == [flagship.revision_url(slug, number)] for text in pinned.values())


# 2. The citation downloads ---------------------------------------------------------


def check_downloads(
    folder: Path,
    names: tuple[str, str, str],
    expected: list[dict[str, Any]],
    schema: jsonschema.Draft7Validator,
    site: FlagshipSite,
) -> None:
    """CSL-JSON, biblatex and RIS files holding one record per ``expected`` item, in that order.

    Each expected item gives the record's URL, title, revision, event date (EDTF), kind and the
    revision's date, which is the issued date; the site's files have no access date.
    """
    csl_name, bib_name, ris_name = names
    # CSL-JSON: valid against the CSL data schema.
    items = json.loads((folder / csl_name).read_text(encoding="utf-8"))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in schema.iter_errors(items)]
    assert not errors, f"{folder / csl_name} is not valid CSL-JSON: {errors}"
    assert len(items) == len(expected)
    for item, want in zip(items, expected, strict=True):
        assert item["type"] == "webpage"
        assert item["container-title"] == site.title
        assert "author" not in item and "publisher" not in item, "the site is named once, as the website"
        assert item["URL"] == want["url"]
        assert item["title"] == want["title"]
        assert item["version"] == str(want["revision"])
        assert item["issued"] == date_parts(want["day"])
        assert "accessed" not in item, "a static file cannot know the day it is read"
        # What the page is about, where no style prints it: not the page's genre or a second date.
        assert "event-date" not in item and "genre" not in item
        about = {key: value for key, value in item["custom"].items() if key != "identifiers"}
        assert about == {"event-date": expected_event_date(want["date"]), "kind": want["kind"]}
        assert {"literal": site.title} not in item.get("editor", [])
    # biblatex: parses with no failed block; @online with ISO dates and no month macro.
    bib_text = (folder / bib_name).read_text(encoding="utf-8")
    library = bibtexparser.parse_string(bib_text)
    assert library.failed_blocks == [], f"{folder / bib_name}: {library.failed_blocks}"
    assert len(library.entries) == len(expected)
    assert len({e.key for e in library.entries}) == len(expected), "duplicate citation keys"
    assert not MONTH_MACRO.search(bib_text), f"{folder / bib_name} uses a month macro"
    for entry, want in zip(library.entries, expected, strict=True):
        assert entry.entry_type == "online"
        fields = entry.fields_dict
        assert "month" not in fields
        assert fields["date"].value == want["day"].isoformat()
        assert "urldate" not in fields and "author" not in fields
        assert fields["organization"].value == site.title
        assert fields["url"].value == want["url"]
        assert unbraced(fields["title"].value) == want["title"]
    # RIS: TY  - ELEC ... ER  - per record, with Y2 the access date.
    records = ris_records((folder / ris_name).read_text(encoding="utf-8"))
    assert len(records) == len(expected)
    for record, want in zip(records, expected, strict=True):
        assert record[0] == "TY  - ELEC"
        assert record[-1] == "ER  - "
        assert ris_field(record, "Y2") == [] and ris_field(record, "AU") == []
        assert ris_field(record, "T2") == [site.title]
        assert ris_field(record, "DA") == [want["day"].strftime("%Y/%m/%d/")]
        assert ris_field(record, "KW") == [want["kind"]]
        assert ris_field(record, "UR") == [want["url"]]
        assert ris_field(record, "TI") == [want["title"]]


def test_every_entrys_and_revisions_downloads_are_valid_csl_biblatex_and_ris(
    flagship: FlagshipSite, csl_schema: jsonschema.Draft7Validator
) -> None:
    for entry in flagship.live():
        slug, latest = entry["slug"], entry["revision"]
        folder = flagship.out / "events" / slug
        # A retracted entry is cited as retracted; a revision from before the retraction as it stood.
        marked = "[Retracted] " if entry["retracted"] else ""
        permanent = {
            "url": flagship.entry_url(slug),
            "title": marked + entry["title"],
            "revision": latest,
            "date": entry["date"],
            "kind": entry["kind"],
            "day": flagship.revision_date(slug, latest),
        }
        check_downloads(folder, CITE_FILES, [permanent], csl_schema, flagship)
        for number in range(1, latest + 1):
            then = flagship.archive.json("show", slug, "--revision", str(number))
            pinned = {
                "url": flagship.revision_url(slug, number),
                "title": ("[Retracted] " if then["retracted"] else "") + then["title"],
                "revision": number,
                "date": then["date"],
                "kind": then["kind"],
                "day": flagship.revision_date(slug, number),
            }
            check_downloads(folder / f"v{number}", CITE_FILES, [pinned], csl_schema, flagship)


def test_the_bundles_downloads_are_valid_csl_biblatex_and_ris(
    flagship: FlagshipSite, csl_schema: jsonschema.Draft7Validator
) -> None:
    expected = []
    for slug, number in flagship.pinned.items():
        then = flagship.archive.json("show", slug, "--revision", str(number))
        expected.append(
            {
                "url": flagship.revision_url(slug, number),
                "title": then["title"],
                "revision": number,
                "date": then["date"],
                "kind": then["kind"],
                "day": flagship.revision_date(slug, number),
            }
        )
    folder = flagship.out / "bundles" / FLAGSHIP_BUNDLE
    check_downloads(folder, ("bundle.json", "bundle.bib", "bundle.ris"), expected, csl_schema, flagship)
    order = slug_of_kind(flagship.entries, "executive-order")
    assert flagship.pinned[order] < flagship.history[order][-1]["revision"], "the order was pinned before its source"


def today_candidates() -> set[dt.date]:
    """Today in UTC (and tomorrow, should the test run across midnight)."""
    today = dt.datetime.now(dt.UTC).date()
    return {today, today + dt.timedelta(days=1)}


@pytest.mark.parametrize("revision", [None, 1, "latest"])
def test_timeline_cite_gives_every_format_of_the_revision_or_the_changing_address(
    flagship: FlagshipSite, csl_schema: jsonschema.Draft7Validator, revision: int | str | None
) -> None:
    """By default, what the page recommends: the current revision's immutable address; --revision N
    another revision's; --latest the entry's changing address."""
    archive = flagship.archive
    slug = slug_of_kind(flagship.entries, "executive-order")
    latest = flagship.history[slug][-1]["revision"]
    assert latest >= 2
    number = revision if isinstance(revision, int) else latest
    url = flagship.entry_url(slug) if revision == "latest" else flagship.revision_url(slug, number)
    pinned = ("--latest",) if revision == "latest" else ("--revision", str(revision)) if revision else ()
    then = archive.json("show", slug, "--revision", str(number))
    issued = date_parts(flagship.revision_date(slug, number))

    (item,) = items = json.loads(archive.ok("cite", slug, *pinned, "--format", "csl").stdout)
    assert not list(csl_schema.iter_errors(items))
    assert item["type"] == "webpage" and item["URL"] == url and item["title"] == then["title"]
    assert item["container-title"] == flagship.title and "author" not in item
    assert item["issued"] == issued
    assert item["version"] == str(number)
    assert {k: v for k, v in item["custom"].items() if k != "identifiers"} == {
        "event-date": expected_event_date(then["date"]),
        "kind": then["kind"],
    }
    assert {dt.date(*item["accessed"]["date-parts"][0])} <= today_candidates(), "the CLI's access date is today"

    bib = archive.ok("cite", slug, *pinned, "--format", "bibtex").stdout
    library = bibtexparser.parse_string(bib)
    assert library.failed_blocks == [] and len(library.entries) == 1
    (entry,) = library.entries
    assert entry.entry_type == "online" and "month" not in entry.fields_dict
    assert entry["url"] == url
    assert entry["date"] == flagship.revision_date(slug, number).isoformat()
    assert dt.date.fromisoformat(entry["urldate"]) in today_candidates()

    (record,) = ris_records(archive.ok("cite", slug, *pinned, "--format", "ris").stdout)
    assert record[0] == "TY  - ELEC" and record[-1] == "ER  - "
    assert ris_field(record, "UR") == [url]
    (accessed,) = ris_field(record, "Y2")
    assert dt.datetime.strptime(accessed, "%Y/%m/%d/").date() in today_candidates()

    for style in STYLES.values():
        text = archive.ok("cite", slug, *pinned, "--format", "text", "--style", style).stdout
        assert not HTML_TAG.search(text), f"{style}: {text!r}"
        assert "&amp;" not in text and "&#" not in text
        assert urls_in(text) == [url], f"{style}: {text!r}"
        assert shows_title(then["title"], text), (style, text)
    assert (
        archive.ok("cite", slug, *pinned).stdout
        == archive.ok("cite", slug, *pinned, "--format", "text", "--style", "apa").stdout
    ), "the default is APA text"


def test_timeline_cite_refuses_a_revision_the_entry_does_not_have(flagship: FlagshipSite) -> None:
    slug = slug_of_kind(flagship.entries, "executive-order")
    latest = flagship.history[slug][-1]["revision"]
    assert_one_line_error(
        flagship.archive.run("cite", slug, "--revision", str(latest + 1)), "--revision", f"1 to {latest}"
    )
    assert_one_line_error(flagship.archive.run("cite", slug, "--revision", "1", "--latest"), "--latest", "not both")


# 3. A revision-pinned citation after two corrections --------------------------------


def test_a_pinned_citation_resolves_to_the_same_text_after_two_corrections(
    store: ArchiveUnderTest, tmp_path: Path
) -> None:
    base_url = settings(store)["base_url"]
    title = "Platform X labels a post about ballots"
    slug = store.add(title, "2020-05-28", "label")["slug"]
    store.ok(
        "source", "add", slug, "--title", "A second report", "--publisher", "Other Wire", "--reason", "another account"
    )
    site = tmp_path / "site"
    store.ok("build", "--out", str(site))
    entry_page = site / "events" / slug / "index.html"
    pinned, _ = cite_box(entry_page.read_bytes())
    pinned_folder = site / "events" / slug / "v2"
    before = {name: (pinned_folder / name).read_bytes() for name in ("index.html", *CITE_FILES)}

    store.ok("correct", slug, "--title", "Platform X labels two posts about ballots", "--reason", "there were two")
    store.ok("correct", slug, "--date", "2020-05-27", "--reason", "it happened a day earlier")
    assert store.json("show", slug)["revision"] == 4
    store.ok("build", "--out", str(site))

    after = {name: (pinned_folder / name).read_bytes() for name in before}
    assert after == before, f"changed: {[n for n in before if before[n] != after[n]]}"
    (item,) = json.loads(after["cite.json"])
    assert item["title"] == title and item["custom"]["event-date"] == {"date-parts": [[2020, 5, 28]]}
    # Every style's pinned citation names the v2 address, which still shows what was cited.
    assert list(pinned) == list(STYLES)
    for style, text in pinned.items():
        (url,) = urls_in(text)
        assert url == f"{base_url}events/{slug}/v2/", (style, text)
        target = site / unquote(url.removeprefix(base_url)) / "index.html"
        assert target.is_file(), f"{style}'s citation does not resolve: {url}"
        shown = parse(target.read_bytes())
        assert shown.xpath("string(//h1)") == title
        assert shown.xpath('string(//p[@class="date"]/time/@datetime)') == "2020-05-28"
        assert shows_title(title, text), (style, text)
    # The entry page now offers revision 4, with the new title and date.
    now, permanent = cite_box(entry_page.read_bytes())
    for style in STYLES:
        assert urls_in(now[style]) == [f"{base_url}events/{slug}/v4/"]
        assert urls_in(permanent[style]) == [f"{base_url}events/{slug}/"]
        assert "two posts" in now[style].casefold()
    assert (site / "events" / slug / "v4" / "index.html").is_file()
    # A full rebuild elsewhere gives the same pinned files too.
    store.ok("build", "--full", "--out", str(tmp_path / "full"))
    assert {name: (tmp_path / "full" / "events" / slug / "v2" / name).read_bytes() for name in before} == before


# 4. Citation bundles ---------------------------------------------------------------


def bundle_files(site: Path, name: str) -> dict[str, bytes]:
    return {file: (site / "bundles" / name / file).read_bytes() for file in BUNDLE_FILES}


def pinned_links(site: Path, name: str) -> list[Path]:
    """The files the bundle page's links to pinned revisions lead to."""
    page = site / "bundles" / name / "index.html"
    hrefs = parse(page.read_bytes()).xpath('//ol[@class="pinned"]/li/p[1]/a/@href')
    return [(page.parent / unquote(href)).resolve() for href in hrefs]


def bundle_urls(site: Path, name: str) -> list[str]:
    return [item["URL"] for item in json.loads((site / "bundles" / name / "bundle.json").read_text(encoding="utf-8"))]


def test_a_bundle_is_unchanged_byte_for_byte_after_its_entries_are_corrected(
    store: ArchiveUnderTest, tmp_path: Path
) -> None:
    base_url = settings(store)["base_url"]
    first = store.add("Government orders removal of posts", "2020-05-26", "legal-demand")
    second = store.add("Platform removes accounts in a network", "2020-05-27", "takedown")
    store.ok("bundle", "create", "smith-2026", first["slug"], second["slug"], "--title", "Smith (2026), Platform law")
    site = tmp_path / "site"
    store.ok("build", "--out", str(site))
    before = bundle_files(site, "smith-2026")

    store.ok("correct", first["slug"], "--title", "Government orders removal of 12 posts", "--reason", "the count")
    store.ok("correct", second["slug"], "--title", "Platform removes 900 accounts", "--reason", "the count")
    store.ok(
        "source",
        "add",
        second["slug"],
        "--title",
        "Another report",
        "--publisher",
        "Other Wire",
        "--reason",
        "a second account",
    )
    store.ok("build", "--out", str(site))

    after = bundle_files(site, "smith-2026")
    assert after == before, f"changed: {[n for n in before if before[n] != after[n]]}"
    expected = [
        site / "events" / first["slug"] / "v1" / "index.html",
        site / "events" / second["slug"] / "v1" / "index.html",
    ]
    assert pinned_links(site, "smith-2026") == [p.resolve() for p in expected]
    for target, old in zip(expected, (first, second), strict=True):
        assert target.is_file()
        assert parse(target.read_bytes()).xpath("string(//h1)") == old["title"]
    assert bundle_urls(site, "smith-2026") == [f"{base_url}events/{e['slug']}/v1/" for e in (first, second)]
    library = bibtexparser.parse_string(after["bundle.bib"].decode("utf-8"))
    assert library.failed_blocks == []
    assert [unbraced(e["title"]) for e in library.entries] == [first["title"], second["title"]]
    assert [(r[0], r[-1]) for r in ris_records(after["bundle.ris"].decode("utf-8"))] == [("TY  - ELEC", "ER  - ")] * 2


def test_bundle_add_pins_at_the_current_revision_and_remove_takes_entries_out(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    archive, site = sqlite_archive, tmp_path / "site"
    base_url = settings(archive)["base_url"]
    first = archive.add("Regulator opens an inquiry", "2020-05-26", "investigation")
    second = archive.add("Platform changes its policy", "2020-05-27", "policy-change")
    archive.ok("bundle", "create", "brief-2026", first["slug"])
    archive.ok("correct", first["slug"], "--summary", "The regulator asked questions.", "--reason", "summary")
    archive.ok("correct", second["slug"], "--summary", "The policy now covers ads.", "--reason", "summary")
    archive.ok("build", "--out", str(site))
    page_before = (site / "bundles" / "brief-2026" / "index.html").read_bytes()
    assert bundle_urls(site, "brief-2026") == [f"{base_url}events/{first['slug']}/v1/"]

    # The first entry is already pinned: it keeps revision 1; the second is pinned at its revision 2.
    result = archive.ok("bundle", "add", "brief-2026", first["slug"], second["slug"])
    assert result.stdout == "bundle brief-2026 now pins 2 entries\n"
    archive.ok("build", "--out", str(site))
    assert (site / "bundles" / "brief-2026" / "index.html").read_bytes() != page_before
    assert bundle_urls(site, "brief-2026") == [
        f"{base_url}events/{first['slug']}/v1/",
        f"{base_url}events/{second['slug']}/v2/",
    ]
    assert pinned_links(site, "brief-2026") == [
        (site / "events" / first["slug"] / "v1" / "index.html").resolve(),
        (site / "events" / second["slug"] / "v2" / "index.html").resolve(),
    ]

    result = archive.ok("bundle", "remove", "brief-2026", first["slug"])
    assert result.stdout.startswith("bundle brief-2026 now pins 1 entr")
    archive.ok("build", "--out", str(site))
    assert bundle_urls(site, "brief-2026") == [f"{base_url}events/{second['slug']}/v2/"]
    assert first["slug"] not in (site / "bundles" / "brief-2026" / "index.html").read_text(encoding="utf-8")
    assert "brief-2026" in (site / "bundles" / "index.html").read_text(encoding="utf-8")


def test_bad_bundle_commands_are_refused_with_one_line(sqlite_archive: ArchiveUnderTest) -> None:
    archive = sqlite_archive
    one = archive.add("Court hears the case", "2020-05-26", "hearing")["slug"]
    two = archive.add("Court rules on the case", "2020-05-27", "court-ruling")["slug"]
    archive.ok("bundle", "create", "doe-2026", one, two)
    before = archive.notifications()
    assert_one_line_error(archive.run("bundle", "create", "doe-2026", one), "doe-2026", "already exists")
    assert_one_line_error(archive.run("bundle", "create", "Bad Name!", one), "bundle name", "'Bad Name!'")
    assert_one_line_error(archive.run("bundle", "remove", "doe-2026", one, two), "empty")
    assert_one_line_error(archive.run("bundle", "add", "no-such-bundle", one), "no-such-bundle")
    assert archive.notifications() == before, "a refused bundle command wrote to the store"


# 5. Building the site as it stood -------------------------------------------------


def test_as_of_a_position_or_moment_before_a_correction_reproduces_the_earlier_site(tmp_path: Path) -> None:
    archive = copy_flagship(tmp_path / "archive")
    earlier = tmp_path / "earlier"
    archive.ok("build", "--out", str(earlier))
    # The store's newest change (an entry's, a name's or an actor's), by position and by time.
    position = archive.notifications()[-1][0]
    newest = max(json.loads(line)["at"] for path in (archive.root / "history").rglob("*.jsonl") for line in path.open())
    order = slug_of_kind(archive.json("list"), "executive-order")
    page = f"events/{order}/index.html"
    archive.ok("correct", order, "--title", "Trump signs an order on Section 230", "--reason", "shorter headline")
    archive.ok("build", "--out", str(tmp_path / "now"))
    assert (tmp_path / "now" / page).read_bytes() != (earlier / page).read_bytes()

    for form, as_of in (("position", str(position)), ("moment", newest)):
        out = tmp_path / f"as-of-{form}"
        archive.ok("build", "--as-of", as_of, "--out", str(out))
        assert (out / page).read_bytes() == (earlier / page).read_bytes(), f"--as-of {as_of}"
        # Not only the entry: the entries that respond to it name it by its old title, and so on.
        earlier_files, files = tree(earlier), tree(out)
        assert sorted(files) == sorted(earlier_files)
        assert [f for f in files if files[f] != earlier_files[f]] == [], f"--as-of {as_of}"
        assert manifest(out)["files"] == manifest(earlier)["files"]
        # It names the history as it stood: every change up to that one.
        assert manifest(out)["history"]["events"] == position


def test_as_of_today_gives_the_current_site(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    archive = sqlite_archive
    slug = archive.add("Platform suspends an account", "2020-05-26", "suspension")["slug"]
    archive.ok("correct", slug, "--title", "Platform suspends an account for a week", "--reason", "duration")
    archive.ok("build", "--out", str(tmp_path / "now"))
    today = dt.datetime.now(dt.UTC).date().isoformat()
    archive.ok("build", "--as-of", today, "--out", str(tmp_path / "today"))
    assert tree(tmp_path / "today") == tree(tmp_path / "now")
    assert manifest(tmp_path / "today") == manifest(tmp_path / "now")
    assert manifest(tmp_path / "now")["history"]["events"] == len(archive.notifications())


def test_as_of_a_day_before_any_change_gives_a_site_without_entries(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    archive = sqlite_archive
    archive.add("Platform suspends an account", "2020-05-26", "suspension")
    archive.ok("build", "--as-of", "2000-01-01", "--out", str(tmp_path / "before"))
    assert manifest(tmp_path / "before")["history"]["events"] == 0
    # events/ holds only its index (the years, none yet): no entry's page
    assert [p.name for p in (tmp_path / "before" / "events").iterdir()] == ["index.html"]


@pytest.mark.parametrize("value", ["yesterday", "2026-02-30", "-3", "2026-11-21T25:00"])
def test_as_of_refuses_a_bad_value_with_one_line(sqlite_archive: ArchiveUnderTest, tmp_path: Path, value: str) -> None:
    sqlite_archive.add("Platform suspends an account", "2020-05-26", "suspension")
    out = tmp_path / "out"
    assert_one_line_error(sqlite_archive.run("build", "--as-of", value, "--out", str(out)), "--as-of", repr(value))
    assert not out.exists()


def test_as_of_without_out_is_refused_so_the_current_site_is_kept(sqlite_archive: ArchiveUnderTest) -> None:
    sqlite_archive.add("Platform suspends an account", "2020-05-26", "suspension")
    assert_one_line_error(sqlite_archive.run("build", "--as-of", "1"), "--as-of", "--out")
    assert not (sqlite_archive.root / "_site").exists()


# 6. Markup in a title -------------------------------------------------------------


HOSTILE_TITLE = '<script>alert(1)</script> & "quotes"'


def test_markup_in_a_title_is_shown_as_text_in_the_cite_box_and_the_json_ld(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    archive, site = sqlite_archive, tmp_path / "site"
    slug = archive.add(
        HOSTILE_TITLE, "2020-05-28", "executive-order", "--summary", "It said </script><script>alert(2)</script> too."
    )["slug"]
    archive.ok("build", "--out", str(site))
    for page in (site / "events" / slug / "index.html", site / "events" / slug / "v1" / "index.html"):
        source = page.read_text(encoding="utf-8")
        assert "<script>alert" not in source
        document = parse(page.read_bytes())
        # The only scripts are the site's own: the JSON-LD block and cite.js.
        scripts = [(s.get("type"), (s.get("src") or "").rsplit("/", 2)[-2:]) for s in document.xpath("//script")]
        assert scripts == [("application/ld+json", [""]), (None, ["assets", "cite.js"])]
        # The citations show the title as text: escaped in the source, intact once parsed.
        pinned, permanent = cite_box(page.read_bytes())
        for text in (*pinned.values(), *permanent.values()):
            assert shows_title(HOSTILE_TITLE, text), text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in source
        # The JSON-LD block is valid JSON, holds the title as it is, and cannot close its script element.
        (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', source, re.DOTALL)
        assert "</script" not in block.lower() and "<!--" not in block
        data = json.loads(block)
        assert data["name"] == HOSTILE_TITLE and data["about"]["name"] == HOSTILE_TITLE
        assert metas(document)["citation_title"] == [HOSTILE_TITLE]


def test_a_plain_text_citation_keeps_the_title_verbatim(sqlite_archive: ArchiveUnderTest) -> None:
    """Text that looks like an HTML entity is the title's own text, not markup to decode."""
    title = "Site shows &lt;b&gt; and AT&amp;T literally"
    slug = sqlite_archive.add(title, "2020-05-28", "statement")["slug"]
    for style in STYLES.values():
        text = sqlite_archive.ok("cite", slug, "--format", "text", "--style", style).stdout
        assert shows_title(title, text), f"{style}: {text!r}"


_STYLED_IN_A_FRESH_PROCESS = """
import datetime as dt, json, sys, warnings
warnings.simplefilter("ignore")
import timeline.formats.citeprocspeed, timeline.formats.csl as citation
if sys.argv[1] == "stock":
    timeline.formats.citeprocspeed.speed_up = lambda: None  # citeproc-py without the memoised look-ups
site = {"title": "Archive & Co", "base_url": "https://example.org/", "language": "en"}
texts = []
for number, (date, kind) in enumerate([("2020-05-03", "statement"), ("2020", "executive-order"),
        ("2020-05", "lawsuit"), ("2019-01-02/2020-03-04", "legislation"), ("2020~", "takedown")]):
    entry = {"slug": f"2020-05-03-e{number}", "title": f"Entry {number} <b>about</b> “labels”", "kind": kind,
             "date": date, "summary": "A summary. " * number}
    item = citation.csl_item(entry, site, f"https://example.org/events/e{number}/v2/", dt.date(2020, 1, 1),
                             revision=2, pinned=bool(number % 2))
    if number % 2:
        item = citation.accessed_on(item, dt.date(2021, 2, 3))
    for style in citation.STYLES:
        for output in ("html", "text"):
            texts.append(citation._styled(json.dumps(item), style, output))
print(json.dumps(texts))
"""


def test_the_memoised_style_lookups_render_exactly_what_stock_citeproc_renders() -> None:
    """The build memoises facts citeproc-py works out from the style tree for every reference
    (twice as fast); the citations must be the unmemoised processor's, character for character."""

    def texts(mode: str) -> list[str]:
        run = subprocess.run(
            [sys.executable, "-c", _STYLED_IN_A_FRESH_PROCESS, mode], capture_output=True, text=True, check=True
        )
        return list(json.loads(run.stdout))

    stock, memoised = texts("stock"), texts("memoised")
    assert len(stock) == 5 * 4 * 2 and all(stock)
    assert memoised == stock
