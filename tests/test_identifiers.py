"""Official identifiers, as an editor meets them through the command line.

An executive order is recorded with its number and its Federal Register citation, corrected when
the case against it gets a docket number, refused when a value is not one its scheme accepts, and
given a bill by hand in its events/ file. Its page shows the identifiers under the date, its JSON-LD
names them (and the order by them), and its citations keep them where no style prints them as the
cited page's own. A fresh copy of the archive (settings, events/ and history/) builds the same. An
entry recorded before identifiers existed has none.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import bibtexparser
import extruct
import pytest
from click.testing import CliRunner
from conftest import REPOSITORY, ArchiveUnderTest
from lxml import html as lxml_html

from timeline.cli import main

BASE_URL = "https://example.org/ids/"
ORDER = "2020-05-28-trump-signs-order-on-preventing-online-censorship"
NUMBERS = ["executive-order:13925", "federal-register:85 FR 34079"]


def new_archive(root: Path) -> ArchiveUnderTest:
    archive = ArchiveUnderTest(root=root, store_url=None, runner=CliRunner())
    archive.ok("init", str(root), "--title", "Identifier archive", "--base-url", BASE_URL)
    return archive


@pytest.fixture
def archive(tmp_path: Path) -> ArchiveUnderTest:
    """An archive holding the order, recorded with its number and its Federal Register citation."""
    archive = new_archive(tmp_path / "archive")
    order = archive.add(
        "Trump signs order on preventing online censorship", "2020-05-28", "executive-order",
        "--actor", "Donald Trump:issuer", "--identifier", NUMBERS[0], "--identifier", NUMBERS[1],
    )  # fmt: skip
    assert order["slug"] == ORDER
    return archive


def pairs(*texts: str) -> list[dict[str, str]]:
    return [dict(zip(("scheme", "value"), text.split(":", 1), strict=True)) for text in texts]


def refused(archive: ArchiveUnderTest, *args: str) -> str:
    """The command exits 2 with one 'error:' line and writes nothing; returns the line."""
    before = archive.notifications()
    files = {p: p.read_bytes() for p in (archive.root / "events").iterdir()}
    result = archive.runner.invoke(main, list(args), env=archive.env(), catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("error: ")
    assert archive.notifications() == before
    assert {p: p.read_bytes() for p in (archive.root / "events").iterdir()} == files
    return line


def test_an_entry_is_recorded_with_its_identifiers_and_they_are_corrected_as_a_whole(
    archive: ArchiveUnderTest,
) -> None:
    shown = archive.json("show", ORDER)
    assert shown["identifiers"] == pairs(*NUMBERS)
    assert list(shown)[list(shown).index("date") + 1] == "identifiers", "right after the date, as in the file"
    assert "Executive Order 13925 · 85 FR 34079" in archive.ok("show", ORDER).stdout
    # The events/ file lists them as mappings, right after the date.
    text = (archive.root / "events" / f"{ORDER}.md").read_text(encoding="utf-8")
    assert (
        "date: '2020-05-28'\nidentifiers:\n- scheme: executive-order\n  value: '13925'\n"
        "- scheme: federal-register\n  value: 85 FR 34079\nactors:" in text
    )

    # A list option replaces the whole list: the docket number joins, the citation goes.
    docket = "docket:N.D. Cal. No. 3:20-cv-03608"  # split at the first colon: the value keeps its own
    archive.ok("correct", ORDER, "--identifier", NUMBERS[0], "--identifier", docket, "--reason", "the case")
    assert archive.json("show", ORDER)["identifiers"] == pairs(NUMBERS[0], docket)
    [corrected] = [r for r in archive.json("history", ORDER) if r["change"] == "corrected"]
    assert corrected["details"] == [
        "identifiers: Executive Order 13925, 85 FR 34079 -> Executive Order 13925, N.D. Cal. No. 3:20-cv-03608"
    ]
    # Schemes are read in any case; the same identifier twice is kept once.
    archive.ok("correct", ORDER, "--identifier", "EXECUTIVE-ORDER:13925", "--identifier", NUMBERS[0], "--reason", "x")
    assert archive.json("show", ORDER)["identifiers"] == pairs(NUMBERS[0])
    # An empty value clears them; the file then has no identifiers key, as with other empty lists.
    archive.ok("correct", ORDER, "--identifier", "", "--reason", "numbers belong to another order")
    assert archive.json("show", ORDER)["identifiers"] == []
    assert "identifiers" not in (archive.root / "events" / f"{ORDER}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("given", "fragments"),
    [
        (
            "eo:13925",
            (
                "identifier: unknown scheme 'eo'",
                "accepted: executive-order, federal-register, federal-register-document, bill",
            ),
        ),
        ("13925", ("identifier: '13925' has no scheme", "SCHEME:VALUE", "executive-order")),
        ("executive-order:EO 13925", ("identifier executive-order: 'EO 13925'", "digits, e.g. 13925")),
        ("federal-register:85FR34079", ("identifier federal-register", "volume FR page, e.g. 85 FR 34079")),
        ("public-law:115", ("identifier public-law: '115'", "congress-number, e.g. 115-164")),
        ("doi:https://doi.org/10.1000/1", ("identifier doi", "the DOI itself, e.g. 10.1000/xyz123")),
        ("docket:", ("identifier docket: has no value", "court and docket number")),
        (
            "federal-register-document:85 FR 34079",
            ("identifier federal-register-document", "year-number, e.g. 2020-12030"),
        ),
        ("bill:H.R. 1; H.R. 2", ("identifier bill", "';', which separates identifiers", "each on its own")),
        ("bill:H.R.\x1b[2J 1", ("identifier bill", "control characters", "U+001B")),
        ("bill:" + "1" * 201, ("identifier bill", "201 characters", "at most 200")),
    ],
)
def test_a_bad_identifier_is_refused_with_one_line_and_nothing_written(
    archive: ArchiveUnderTest, given: str, fragments: tuple[str, ...]
) -> None:
    for args in (
        ["add", "--title", "Another order", "--kind", "executive-order", "--date", "2020-06-01",
         "--source-title", "Wire", "--identifier", given],
        ["correct", ORDER, "--identifier", given, "--reason", "a bad number"],
    ):  # fmt: skip
        line = refused(archive, *args)
        assert all(fragment in line for fragment in fragments), line
    assert archive.json("show", ORDER)["identifiers"] == pairs(*NUMBERS)


def test_an_identifier_added_by_hand_in_the_events_file_syncs_as_a_correction(archive: ArchiveUnderTest) -> None:
    path = archive.root / "events" / f"{ORDER}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("actors:", "- scheme: bill\n  value: H.R. 8922\nactors:", 1), encoding="utf-8")
    archive.ok("sync")
    assert archive.json("show", ORDER)["identifiers"] == pairs(*NUMBERS, "bill:H.R. 8922")
    last = archive.json("history", ORDER)[-1]
    assert (last["change"], last["reason"]) == ("corrected", f"edited in events/{path.name}")
    # A bad one is refused with the file's line, and the entry keeps what it had.
    text = path.read_text(encoding="utf-8")
    line = text.splitlines().index("identifiers:") + 1
    path.write_text(text.replace("value: H.R. 8922", "value: ''"), encoding="utf-8")
    result = archive.run("sync")
    assert result.exit_code == 2
    assert f"events/{path.name}:{line}: identifier bill: has no value" in result.stderr
    assert archive.json("show", ORDER)["identifiers"] == pairs(*NUMBERS, "bill:H.R. 8922")


def about_node(page: Path) -> dict[str, Any]:
    [web_page] = extruct.extract(page.read_text(encoding="utf-8"), syntaxes=["json-ld"])["json-ld"]
    about: dict[str, Any] = web_page["about"]
    return about


def shown_identifiers(page: Path) -> str:
    return " ".join(lxml_html.fromstring(page.read_bytes()).xpath('string(//p[@class="meta identifiers"])').split())


def check_site(out: Path) -> None:
    """The order's page, JSON-LD and citation files, as the archive fixture left it."""
    page = out / "events" / ORDER / "index.html"
    assert shown_identifiers(page) == "Executive Order 13925 · 85 FR 34079"
    assert shown_identifiers(out / "events" / ORDER / "v1" / "index.html") == "Executive Order 13925 · 85 FR 34079"
    about = about_node(page)
    assert about["@type"] == ["Event", "Legislation"]
    assert about["name"] == "Trump signs order on preventing online censorship", "named by its title"
    assert about["alternateName"] == ["Executive Order 13925"]
    assert about["legislationIdentifier"] == ["Executive Order 13925", "85 FR 34079"]
    assert about["legislationDate"] == "2020-05-28"
    assert about["identifier"] == [
        {"@type": "PropertyValue", "propertyID": "executive-order", "name": "Executive Order", "value": "13925"},
        {"@type": "PropertyValue", "propertyID": "federal-register", "name": "Federal Register citation",
         "value": "85 FR 34079"},
    ]  # fmt: skip
    # Citations: kept where no style prints them (the page is cited, not the order).
    folder = out / "events" / ORDER
    [item] = json.loads((folder / "cite.json").read_text(encoding="utf-8"))
    assert item["custom"]["identifiers"] == pairs(*NUMBERS)
    assert "number" not in item and "note" not in item
    [entry] = bibtexparser.parse_string((folder / "cite.bib").read_text(encoding="utf-8")).entries
    assert entry.fields_dict["identifiers"].value == "executive-order:13925; federal-register:85 FR 34079"
    assert "note" not in entry.fields_dict and "number" not in entry.fields_dict
    ris = (folder / "cite.ris").read_text(encoding="utf-8").splitlines()
    assert [line for line in ris if line.startswith("N1  - ") and "Event date" not in line] == [
        "N1  - Executive Order: 13925",
        "N1  - Federal Register citation: 85 FR 34079",
    ]
    # The styled citations in the box name the page, not the order's number.
    box = " ".join(lxml_html.fromstring(page.read_bytes()).xpath('string(//section[@class="cite"])').split())
    assert "Identifier archive" in box and "13925" not in box


def test_the_page_json_ld_and_citations_carry_them_and_a_fresh_copy_builds_the_same(
    archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    archive.ok("build")
    check_site(archive.root / "_site")
    [item] = json.loads(archive.ok("cite", ORDER, "--format", "csl").stdout)
    assert item["custom"]["identifiers"] == pairs(*NUMBERS)
    assert "N1  - Executive Order: 13925" in archive.ok("cite", ORDER, "--format", "ris").stdout
    assert "identifiers = {executive-order:13925;" in archive.ok("cite", ORDER, "--format", "bibtex").stdout

    copy = ArchiveUnderTest(root=tmp_path / "copy", store_url=None, runner=CliRunner())
    copy.root.mkdir()
    shutil.copy(archive.root / "timeline.toml", copy.root)
    for folder in ("events", "history"):
        shutil.copytree(archive.root / folder, copy.root / folder)
    copy.ok("build")
    check_site(copy.root / "_site")
    assert copy.json("show", ORDER) == archive.json("show", ORDER)
    for name in ("cite.json", "cite.bib", "cite.ris", "index.html"):
        folder = Path("_site") / "events" / ORDER
        assert (copy.root / folder / name).read_bytes() == (archive.root / folder / name).read_bytes(), name


def test_an_entry_recorded_before_identifiers_existed_has_none(tmp_path: Path) -> None:
    """A flagship entry's committed history, written before the field, replays with an empty list."""
    slug = "2017-dhs-summons-twitter-to-unmask-anonymous-critic-of-immigration-policy"
    copy = ArchiveUnderTest(root=tmp_path / "copy", store_url=None, runner=CliRunner())
    (copy.root / "events").mkdir(parents=True)
    (copy.root / "history").mkdir()
    shutil.copy(REPOSITORY / "timeline.toml", copy.root)
    shutil.copy(REPOSITORY / "events" / f"{slug}.md", copy.root / "events")
    history = (REPOSITORY / "history" / f"{slug}.jsonl").read_text(encoding="utf-8")
    assert '"identifiers"' not in history
    (copy.root / "history" / f"{slug}.jsonl").write_text(history, encoding="utf-8")
    copy.ok("build")
    assert copy.json("show", slug)["identifiers"] == []
    assert "identifiers" not in (copy.root / "events" / f"{slug}.md").read_text(encoding="utf-8")
    assert "identifier" not in about_node(copy.root / "_site" / "events" / slug / "index.html")
