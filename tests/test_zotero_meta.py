"""What Zotero saves from an entry page: a web page of this archive, not a journal article.

Zotero's "Embedded Metadata" translator (zotero/translators, `Embedded Metadata.js` and the `RDF.js`
it loads, read at commit dcd14d6f47d3f3db90943d79abdfde17240cc38c) decides the item type so:

- `Embedded Metadata.js` lines 296-322: a `citation_journal_title` tag sets the type to
  `journalArticle` outright (likewise `citation_conference_title`, `citation_book_title`,
  `citation_inbook_title`, `citation_technical_report_institution`,
  `citation_dissertation_institution`); `citation_title` alone is only a guess, used when nothing
  else decides (lines 351-354, 361-363);
- lines 335-363: with Open Graph tags present the RDF translator detects the type, and
  `RDF.js` lines 697-717 map `og:type` `website` to `webpage`;
- `RDF.js` lines 977-979: `og:site_name` becomes the web page's website title;
- `Embedded Metadata.js` line 44: `citation_publication_date` is the item's date; lines 711-714:
  `<meta name="description">` becomes its abstract (so a description cut mid-word is saved so).

So every entry page and revision page must carry no tag that forces another type, `og:type`
`website`, `og:site_name` the archive's title, the entry's title and its revision's date, and a
description that is the summary whole or shortened at a word boundary with an ellipsis.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from conftest import ArchiveUnderTest, copy_flagship_files

from timeline.site.citemeta import DESCRIPTION_LENGTH, description

FORCING_TYPE = (
    "citation_journal_title",
    "citation_conference_title",
    "citation_conference",
    "citation_book_title",
    "citation_inbook_title",
    "citation_technical_report_institution",
    "citation_dissertation_institution",
)


@pytest.fixture(scope="module")
def flagship(tmp_path_factory: pytest.TempPathFactory) -> tuple[ArchiveUnderTest, Path]:
    root = tmp_path_factory.mktemp("flagship")
    copy_flagship_files(root)
    archive = ArchiveUnderTest(root=root, store_url=None, runner=CliRunner())
    archive.ok("build", "--out", str(root / "out"))
    return archive, root / "out"


def meta(page: BeautifulSoup, key: str) -> list[str]:
    return [
        str(tag["content"])
        for tag in page.find_all("meta", attrs={"name": key}) + page.find_all("meta", attrs={"property": key})
    ]


def entry_pages(archive: ArchiveUnderTest, out: Path) -> list[tuple[dict[str, object], int, Path]]:
    """(entry, revision shown, page) for every entry page and every revision page."""
    pages = []
    for entry in archive.json("list", "--all"):
        slug = str(entry["slug"])
        pages.append((entry, int(entry["revision"]), out / "events" / slug / "index.html"))
        for number in range(1, int(entry["revision"]) + 1):
            pages.append((entry, number, out / "events" / slug / f"v{number}" / "index.html"))
    return pages


def test_every_entry_and_revision_page_is_a_web_page_of_this_archive_to_zotero(
    flagship: tuple[ArchiveUnderTest, Path],
) -> None:
    archive, out = flagship
    title = re.search(r'(?m)^title = "(.*)"$', (archive.root / "timeline.toml").read_text())
    assert title is not None
    pages = entry_pages(archive, out)
    assert len(pages) >= 50  # 25 entries, each with its page and at least one revision page
    for entry, number, path in pages:
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in FORCING_TYPE:
            assert meta(page, tag) == [], f"{path}: {tag} makes Zotero save another item type"
        assert meta(page, "og:type") == ["website"], path
        assert meta(page, "og:site_name") == [title[1]], path
        # A revision's page is the entry as it stood then: the flagship's titles were put right since.
        stood = archive.json("show", str(entry["slug"]), "--revision", str(number))
        assert meta(page, "citation_title") == [stood["title"]], path
        shown = archive.json("history", str(entry["slug"]))[number - 1]
        assert meta(page, "citation_publication_date") == [str(shown["time"])[:10].replace("-", "/")], path


def test_descriptions_are_the_summary_whole_or_cut_at_a_word_with_an_ellipsis(
    flagship: tuple[ArchiveUnderTest, Path],
) -> None:
    archive, out = flagship
    shortened = 0
    for entry, number, path in entry_pages(archive, out):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        (text,) = meta(page, "description")
        assert meta(page, "og:description") == [text], path
        stood = archive.json("show", str(entry["slug"]), "--revision", str(number))
        whole = " ".join(str(stood["summary"]).split())
        if text.endswith("…"):
            shortened += 1
            kept = text.removesuffix("…")
            assert len(text) <= DESCRIPTION_LENGTH, path
            assert whole.startswith(kept), path
            assert whole[len(kept)] in " ,;:", f"{path}: cut mid-word after {kept[-20:]!r}"
        else:
            assert text == whole, path
    assert shortened > 0, "the flagship has summaries longer than a description: some must be shortened"


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        ("A short summary.", "A short summary."),
        (
            "Links keep [their text](https://example.org/x) and *emphasis* goes.",
            "Links keep their text and emphasis goes.",
        ),
        ("word " * 100, ("word " * 60).strip() + "…"),
        ("A Chinese-language " * 30, None),
        ("Clause one, " + "clause, " * 60, None),
    ],
)
def test_a_description_never_ends_mid_word_or_on_a_comma(summary: str, expected: str | None) -> None:
    text = description(summary)
    if expected is not None:
        assert text == expected
    assert len(text) <= DESCRIPTION_LENGTH
    assert not re.search(r"[,;:]…$", text)
    assert not re.search(r"\w-…$|-\w*…$", text), "a hyphenated word is kept whole or left out"
