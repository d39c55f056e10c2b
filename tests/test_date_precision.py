"""An event's date keeps its precision and its approximation everywhere it is published: a month is
never given an invented first day, a year never becomes 1 January to 31 December, "c." is never
dropped, and a range keeps its end. Each format is read back with the parser its readers use: the
HTML and JSON-LD with extruct, CSL-JSON as JSON (its custom field), biblatex with bibtexparser, RIS with rispy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import bibtexparser
import extruct
import pytest
import rispy
from bs4 import BeautifulSoup
from conftest import ArchiveUnderTest

# (the entry's date, <time datetime>, JSON-LD startDate, endDate, approximate?, CSL date-parts, biblatex EDTF)
CASES = {
    "day": ("2020-05-28", "2020-05-28", "2020-05-28", None, False, [[2020, 5, 28]], "2020-05-28"),
    "month": ("2017-04", "2017-04", "2017-04", None, False, [[2017, 4]], "2017-04"),
    "year": ("2017", "2017", "2017", None, False, [[2017]], "2017"),
    "approximate": ("2017-04~", "2017-04", "2017-04", None, True, [[2017, 4]], "2017-04~"),
    "range": (
        "2020-05-28/2020-06-02",
        "2020-05-28",
        "2020-05-28",
        "2020-06-02",
        False,
        [[2020, 5, 28], [2020, 6, 2]],
        "2020-05-28/2020-06-02",
    ),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[ArchiveUnderTest, Path, dict[str, str]]:
    from click.testing import CliRunner

    root = tmp_path_factory.mktemp("dates")
    archive = ArchiveUnderTest(root=root / "archive", store_url=None, runner=CliRunner())
    archive.ok("init", str(archive.root), "--title", "Test archive")
    slugs = {name: archive.add(f"A {name} event", case[0], "statement")["slug"] for name, case in CASES.items()}
    archive.ok("build", "--out", str(root / "site"))
    return archive, root / "site", slugs


def entry_files(site: Path, slug: str) -> dict[str, str]:
    folder = site / "events" / slug
    return {
        name: (folder / name).read_text(encoding="utf-8")
        for name in ("index.html", "cite.json", "cite.bib", "cite.ris")
    }


def about(page: str, url: str) -> dict[str, Any]:
    (web_page,) = [d for d in extruct.extract(page, base_url=url, syntaxes=["json-ld"])["json-ld"]]
    return dict(web_page["about"])


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_event_date_keeps_its_precision_in_every_format(
    site: tuple[ArchiveUnderTest, Path, dict[str, str]], case: str
) -> None:
    archive, out, slugs = site
    edtf, datetime, start, end, approximate, parts, biblatex = CASES[case]
    files = entry_files(out, slugs[case])

    page = BeautifulSoup(files["index.html"], "html.parser")
    (time,) = page.select("p.date time")
    assert time["datetime"] == datetime
    shown = archive.json("show", slugs[case])
    assert shown["date"] == edtf

    event = about(files["index.html"], "https://example.org/")
    assert event["startDate"] == start
    assert event.get("endDate") == end
    assert ("disambiguatingDescription" in event) == approximate
    if approximate:
        assert f"EDTF {edtf}" in event["disambiguatingDescription"]

    (item,) = json.loads(files["cite.json"])
    # In CSL-JSON's custom field, which styles do not print (the page's date is "issued").
    assert item["custom"]["event-date"]["date-parts"] == parts
    assert item["custom"]["event-date"].get("circa", False) == approximate

    library = bibtexparser.parse_string(files["cite.bib"])
    assert library.failed_blocks == []
    (entry,) = library.entries
    assert entry["eventdate"] == biblatex

    (record,) = rispy.loads(files["cite.ris"])
    assert f"Event date (EDTF): {biblatex}" in record.get("notes", [])
