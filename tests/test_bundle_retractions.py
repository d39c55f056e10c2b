"""A retracted entry in a citation bundle: pinning one warns, and the bundle's page and every one of
its downloads mark it, whether it was retracted before it was pinned or after; the entry's own
citations say [Retracted] too."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
from bs4 import BeautifulSoup
from conftest import ArchiveUnderTest

REASON = "the reported ban never happened"


def ris_titles(text: str) -> list[str]:
    return [line[6:] for line in text.splitlines() if line.startswith("TI  - ")]


def ris_notes(text: str) -> list[str]:
    """The notes of RIS records, but the event date every record has."""
    notes = [line[6:] for line in text.splitlines() if line.startswith("N1  - ")]
    return [note for note in notes if not note.startswith("Event date (EDTF): ")]


def test_a_retracted_entry_is_marked_in_its_bundle_and_its_citations(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    archive, site = sqlite_archive, tmp_path / "site"
    kept = archive.add("Regulator opens an inquiry", "2020-05-26", "investigation")
    banned = archive.add("Platform bans all political speech", "2020-05-27", "policy-change")
    later = archive.add("Platform suspends a minister's account", "2020-05-28", "suspension")

    # Pinned, then retracted: the bundle learns of it at the next build.
    archive.ok("bundle", "create", "brief-2026", kept["slug"], later["slug"])
    archive.ok("retract", later["slug"], "--reason", "the account was never suspended")
    # Retracted, then pinned: allowed (a paper may discuss it), with a warning.
    archive.ok("retract", banned["slug"], "--reason", REASON)
    added = archive.run("bundle", "add", "brief-2026", banned["slug"])
    assert added.exit_code == 0
    assert added.stderr == (
        f"warning: {banned['slug']} is retracted ({REASON}); the bundle's page and files mark it [Retracted]\n"
    )
    archive.ok("build", "--out", str(site))
    folder = site / "bundles" / "brief-2026"

    page = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    items = page.select("ol.pinned > li")
    assert [li.select_one("p").get_text(" ", strip=True).split(" (")[0] for li in items] == [
        kept["title"],
        f"[Retracted] {later['title']}",
        f"[Retracted] {banned['title']}",
    ]
    notices = [li.select_one("p.notice.retracted") for li in items]
    assert notices[0] is None
    assert notices[1] is not None and "the account was never suspended" in notices[1].get_text()
    assert notices[2] is not None and REASON in notices[2].get_text()

    csl = json.loads((folder / "bundle.json").read_text(encoding="utf-8"))
    assert [item["title"] for item in csl] == [
        kept["title"],
        f"[Retracted] {later['title']}",
        f"[Retracted] {banned['title']}",
    ]
    assert [item.get("note") for item in csl] == [
        None,
        "Retracted: the account was never suspended",
        f"Retracted: {REASON}",
    ]
    library = bibtexparser.parse_string((folder / "bundle.bib").read_text(encoding="utf-8"))
    assert library.failed_blocks == []
    assert [entry["title"].strip("{}") for entry in library.entries] == [item["title"] for item in csl]
    assert [entry.fields_dict["note"].value if "note" in entry.fields_dict else None for entry in library.entries] == [
        None,
        "Retracted: the account was never suspended",
        f"Retracted: {REASON}",
    ]
    ris = (folder / "bundle.ris").read_text(encoding="utf-8")
    assert ris_titles(ris) == [item["title"] for item in csl]
    assert ris_notes(ris) == ["Retracted: the account was never suspended", f"Retracted: {REASON}"]

    # The entry's own page cites it as retracted, in every format.
    entry_folder = site / "events" / banned["slug"]
    (item,) = json.loads((entry_folder / "cite.json").read_text(encoding="utf-8"))
    assert item["title"] == f"[Retracted] {banned['title']}" and item["note"] == f"Retracted: {REASON}"
    assert f"[Retracted] {banned['title']}" in (entry_folder / "cite.bib").read_text(encoding="utf-8")
    assert ris_titles((entry_folder / "cite.ris").read_text(encoding="utf-8")) == [f"[Retracted] {banned['title']}"]
    for style in ("apa", "chicago", "mla", "bluebook"):
        assert "[Retracted]" in archive.ok("cite", banned["slug"], "--format", "text", "--style", style).stdout
    # An entry never retracted is cited as before.
    (plain,) = json.loads((site / "events" / kept["slug"] / "cite.json").read_text(encoding="utf-8"))
    assert plain["title"] == kept["title"] and "note" not in plain
