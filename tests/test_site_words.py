"""What the site's readers read: kinds by their label, each change in a sentence, one date style
on a page, and a notice at the top of a corrected entry."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import ArchiveUnderTest, record_every_kind_of_change
from sitebuild import build, html, record_small_archive

from timeline.domain.kinds import MEANINGS, kind_label
from timeline.site.sentences import word_diff

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
HOSTILE = "<script>alert(1)</script>"


def test_a_kind_has_one_label_beside_its_meaning_and_an_archives_own_kind_gets_one_from_its_name() -> None:
    assert kind_label("executive-order") == "Executive order"
    assert kind_label("legal-demand") == "Legal demand"
    assert kind_label("press-release") == "Press release"
    assert kind_label("FOIA_request") == "FOIA request"
    assert all(kind_label(kind)[0].isupper() and "-" not in kind_label(kind) for kind in MEANINGS)


def test_a_summary_correction_reads_as_words_deleted_and_inserted() -> None:
    parts = word_diff("The order asks agencies to review the shield.", "The order tells agencies to review it.")
    assert [p for p in parts if p.get("mark") == "del"] == [
        {"text": "asks", "mark": "del"},
        {"text": "the shield.", "mark": "del"},
    ]
    assert [p["text"] for p in parts if p.get("mark") == "ins"] == ["tells", "it."]
    shown = "".join(p["text"] for p in parts if p.get("mark") != "del")
    assert " ".join(shown.split()) == "The order tells agencies to review it."
    assert all(p["text"].strip() == p["text"] for p in parts if "mark" in p)


@pytest.fixture
def corrected_site(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """The small archive, its alpha entry then corrected five ways (one with hostile text)."""
    archive = sqlite_archive
    entries = record_small_archive(archive)
    alpha = entries["alpha"]["slug"]
    corrections = [
        ("--date", "2020-05-27", "--reason", "the order was signed a day earlier"),
        ("--add-actor", "Elon Musk:buyer", "--reason", "named in the filing"),
        ("--summary", f"The order tells agencies to review {HOSTILE} the shield.", "--reason", "wording"),
        ("--title", "Alpha order narrows platform liability", "--reason", "the headline"),
    ]
    for correction in corrections:
        archive.ok("correct", alpha, *correction)
    out = tmp_path / "site"
    build(archive, out)
    return out, entries


def test_kinds_show_by_their_label_on_cards_facet_pages_and_feeds(
    corrected_site: tuple[Path, dict[str, Any]],
) -> None:
    out, _ = corrected_site
    home = html(out / "index.html")
    badges = {span.get_text() for span in home.select(".entry-card .kind")}
    assert "Executive order" in badges and not any("-" in badge for badge in badges), badges
    kind_page = html(out / "kinds/executive-order/index.html")
    assert kind_page.h1 is not None and kind_page.h1.get_text() == "Executive order"
    assert kind_page.title is not None and kind_page.title.get_text().startswith("Executive order · Kinds")
    feed_link = kind_page.find("a", href=re.compile(r"feeds/kinds/executive-order\.xml$"))
    assert feed_link is not None and feed_link.get_text() == "Atom feed for Executive order"
    index = html(out / "kinds/index.html")
    assert {a.get_text() for a in index.select(".facet-list a")} >= {"Executive order", "Label", "Lawsuit"}
    feed = feedparser.parse((out / "feeds/kinds/executive-order.xml").read_bytes())
    assert feed.feed.title == "Kind: Executive order"
    assert feed.entries[0].tags[0]["term"] == "executive-order"
    assert feed.entries[0].tags[0]["label"] == "Executive order"


def history_items(page: BeautifulSoup) -> list[BeautifulSoup]:
    """The history's sentences, newest change first."""
    section = page.find("section", id="history")
    assert section is not None
    return section.select("ul.details > li")


def test_the_history_tells_each_change_in_a_sentence(corrected_site: tuple[Path, dict[str, Any]]) -> None:
    out, entries = corrected_site
    page = html(out / f"events/{entries['alpha']['slug']}/index.html")
    said = [item.get_text(" ", strip=True) for item in history_items(page)]
    assert said[0] == (
        "Title corrected from “Alpha order targets platform liability” to “Alpha order narrows platform liability”"
    )
    assert "Actor added: Elon Musk (buyer)" in said
    assert "Date corrected from 28 May 2020 to 27 May 2020" in said
    assert said[-1] == "Recorded as Executive order of 28 May 2020: “Alpha order targets platform liability”"
    linked = next(item for item in history_items(page) if item.get_text().startswith("Linked:"))
    assert linked.get_text(" ", strip=True) == "Linked: responds to Beta labels two tweets"
    assert linked.a is not None and linked.a["href"] == f"../{entries['beta']['slug']}/index.html"


def test_a_summary_correction_shows_its_words_struck_and_inserted_escaped(
    corrected_site: tuple[Path, dict[str, Any]],
) -> None:
    out, entries = corrected_site
    entry = out / f"events/{entries['alpha']['slug']}"
    revision = html(entry / "v5/index.html")
    for page in (html(entry / "index.html"), revision, html(out / "changes/index.html")):
        summary = next(item for item in page.select("ul.details > li") if item.get_text().startswith("Summary"))
        assert summary.find("script") is None
        assert [d.get_text() for d in summary.find_all("del")] == ["asks", "liability"]
        assert [i.get_text() for i in summary.find_all("ins")] == ["tells", HOSTILE]
    feed = feedparser.parse((out / "feeds/changes.xml").read_bytes())
    assert [e.summary for e in feed.entries[:3]] == [
        "the headline | Title corrected from “Alpha order targets platform liability” to “Alpha order narrows "
        "platform liability”",
        "wording | Summary corrected",
        "named in the filing | Actor added: Elon Musk (buyer)",
    ]
    raw = (entry / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw and HOSTILE not in raw


def test_an_entry_page_writes_every_date_one_way(corrected_site: tuple[Path, dict[str, Any]]) -> None:
    out, entries = corrected_site
    page = html(out / f"events/{entries['alpha']['slug']}/index.html")
    main = page.find("main")
    assert main is not None
    for hidden in main.find_all(["script", "template"]):
        hidden.decompose()
    # (addresses hold the slug's date, and citations write dates as their style does)
    assert ISO_DATE.findall(re.sub(r"https?://\S+", "", main.get_text(" "))) == []
    times = main.find_all("time")
    assert times and all(re.match(r"\d{4}(-\d{2}(-\d{2})?)?", t["datetime"]) for t in times)
    accessed = main.select_one(".source-meta time")
    assert accessed is not None and re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", accessed.get_text())
    first = history_items(page)  # the time of each revision: "2 December 2026, 14:03 UTC"
    assert first
    stamps = [t.get_text() for t in main.select(".history time")]
    assert stamps and all(re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} UTC", s) for s in stamps)


def test_a_corrected_entry_says_so_at_the_top_and_links_to_its_history(
    corrected_site: tuple[Path, dict[str, Any]],
) -> None:
    out, entries = corrected_site
    page = html(out / f"events/{entries['alpha']['slug']}/index.html")
    notice = page.select_one(".notice.corrected")
    assert notice is not None
    header = page.select_one(".entry-header")
    assert header is not None and notice in header.find_all_previous("div")
    text = " ".join(notice.get_text().split())
    assert re.fullmatch(
        r"Corrected \d{1,2} [A-Z][a-z]+ \d{4}: Title corrected from “Alpha order targets platform liability” "
        r"to “Alpha order narrows platform liability”\. See the history\.",
        text,
    ), text
    link = notice.find("a", string="See the history")
    assert link is not None and link["href"] == "#history" and page.find(id="history") is not None
    # An entry recorded and only linked since has nothing corrected to tell.
    beta = html(out / f"events/{entries['beta']['slug']}/index.html")
    assert beta.select_one(".notice.corrected") is None


def test_every_kind_of_change_reads_as_a_sentence_on_the_entry_revision_and_changes_pages(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    archive = sqlite_archive
    slugs = record_every_kind_of_change(archive)
    order, labels, wrong = slugs["order"], slugs["labels"], slugs["wrong"]
    archive.ok(
        "source", "correct", order, "1", "--archived-url", "https://web.archive.org/web/2020/x", "--reason", "kept"
    )
    archive.ok("unretract", wrong, "--reason", "it did happen")
    archive.ok("retract", wrong, "--replaced-by", labels, "--reason", "it was the labels after all")
    out = tmp_path / "site"
    build(archive, out)

    def said(slug: str) -> list[str]:
        return [" ".join(item.get_text().split()) for item in history_items(html(out / f"events/{slug}/index.html"))]

    assert said(order)[0] == "Source 1: archived copy added (https://web.archive.org/web/2020/x)"
    title = "“Order on preventing online censorship” to “Executive order on preventing online censorship”"
    assert f"Title corrected from {title}" in said(order)
    assert "Date corrected from 28 May 2020 to c. 28 May 2020" in said(order)
    assert "Linked: responds to Twitter labels two tweets on mail-in ballots" in said(order)
    assert said(labels)[1:3] == [
        "Source 1 withdrawn: Test Wire, “Report: Twitter labels two tweets on mail-in ballots”",
        "Source 2 added: Other Wire, “Labels explained”, 27 May 2020",
    ]
    assert said(slugs["ruling"])[:2] == [
        "Link removed: related to Executive order on preventing online censorship",
        "Linked: related to Executive order on preventing online censorship",
    ]
    assert said(wrong)[:4] == [
        "Retracted: the entry leaves the listings; its page stays with a notice",
        "Replaced by Twitter labels two tweets on mail-in ballots",
        "Unretracted: the entry is back in the listings",
        "Retracted: the entry leaves the listings; its page stays with a notice",
    ]
    replaced = history_items(html(out / f"events/{wrong}/index.html"))[1]
    assert replaced.a is not None and replaced.a["href"] == f"../{labels}/index.html"
    # A merged entry's page is a redirect: its revision page and the change log tell of the merger.
    merged = html(out / f"events/{slugs['duplicate']}/v2/index.html").select_one(".notice.revision .details")
    assert (
        merged is not None
        and " ".join(merged.get_text().split()) == "Merged into Executive order on preventing online censorship"
    )
    assert merged.a is not None and merged.a["href"] == f"../../{order}/index.html"
    changes = [
        " ".join(li.get_text().split()) for li in html(out / "changes/index.html").select(".changes .details li")
    ]
    assert changes[:4] == [
        "Retracted: the entry leaves the listings; its page stays with a notice",
        "Replaced by Twitter labels two tweets on mail-in ballots",
        "Unretracted: the entry is back in the listings",
        "Source 1: archived copy added (https://web.archive.org/web/2020/x)",
    ]
