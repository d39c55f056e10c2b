"""What the site's readers read: kinds by their label."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import feedparser
import pytest
from conftest import ArchiveUnderTest
from sitebuild import build, html, record_small_archive

from timeline.domain.kinds import MEANINGS, kind_label

HOSTILE = "<script>alert(1)</script>"


def test_a_kind_has_one_label_beside_its_meaning_and_an_archives_own_kind_gets_one_from_its_name() -> None:
    assert kind_label("executive-order") == "Executive order"
    assert kind_label("legal-demand") == "Legal demand"
    assert kind_label("press-release") == "Press release"
    assert kind_label("FOIA_request") == "FOIA request"
    assert all(kind_label(kind)[0].isupper() and "-" not in kind_label(kind) for kind in MEANINGS)


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
