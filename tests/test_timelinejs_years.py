"""Each year's TimelineJS file (``data/YYYY/timelinejs.json``) and the whole archive's joined from them.

A newsroom embedding the archive wants a slideshow TimelineJS can show (a few hundred slides,
not thousands), and a correction should rewrite one year's slides, not re-encode the archive.
So the build writes one file per year of the entries' dates (a range's first year), in the
documented format, and the whole archive's file is their slides joined under its title slide.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from click.testing import CliRunner
from conftest import ArchiveUnderTest

from timeline.site import slides, urls

SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "timelinejs" / "timelinejs.schema.json").read_bytes())
BASE_URL = "https://example.org/tl/"


def read(out: Path, path: str) -> dict[str, Any]:
    return json.loads((out / path).read_bytes())


def test_each_year_has_its_file_and_the_whole_file_joins_them(tmp_path: Path) -> None:
    sqlite_archive = ArchiveUnderTest(root=tmp_path / "archive", store_url=None, runner=CliRunner())
    sqlite_archive.ok("init", str(sqlite_archive.root), "--title", "Speech & platforms", "--base-url", BASE_URL)
    labels = sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    order = sqlite_archive.add("Trump signs an order", "2020-05-28", "executive-order")
    range_ = sqlite_archive.add("A review runs into the next year", "2019-11/2020-02", "investigation")
    early = sqlite_archive.add("A ban announced", "2018", "policy-change")
    retracted = sqlite_archive.add("A ban that never happened", "2018-03-01", "suspension")
    sqlite_archive.ok("retract", retracted["slug"], "--reason", "never happened")
    out = tmp_path / "site"
    sqlite_archive.ok("build", "--out", str(out))

    validator = jsonschema.Draft202012Validator(SCHEMA)
    years = {year: read(out, urls.data_timelinejs_year(year)) for year in (2018, 2019, 2020)}
    for year, file in years.items():
        assert [e.message for e in validator.iter_errors(file)] == [], year
        assert file["title"]["text"]["headline"] == f"Speech &amp; platforms: {year}"
        assert f'<a href="{BASE_URL}timeline/{year}/">Browse {year}</a>' in file["title"]["text"]["text"]
    # A year holds the live entries whose date starts in it, in date order; a range is in its first year's.
    assert {year: [s["unique_id"] for s in file["events"]] for year, file in years.items()} == {
        2018: [early["slug"]],
        2019: [range_["slug"]],
        2020: [labels["slug"], order["slug"]],
    }
    assert not (out / urls.data_timelinejs_year(2021)).exists()

    whole = read(out, urls.data_timelinejs())
    assert [e.message for e in validator.iter_errors(whole)] == []
    assert whole["title"]["text"]["headline"] == "Speech &amp; platforms"
    assert whole["events"] == [slide for year in (2018, 2019, 2020) for slide in years[year]["events"]]
    assert [s["unique_id"] for s in whole["events"]] == [e["slug"] for e in sqlite_archive.json("list")]
    # Programs find the years' files in data/index.json, beside the data files.
    listing = {item["year"]: item["timelinejs"] for item in read(out, urls.data_listing())}
    assert listing == {year: f"{BASE_URL}data/{year}/timelinejs.json" for year in (2018, 2019, 2020)}


def test_a_correction_rewrites_its_years_file_and_the_whole_one_only(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    entry = sqlite_archive.add("Twitter labels tweets", "2020-05-26", "label")
    other = sqlite_archive.add("Facebook removes accounts", "2019-08", "takedown")
    out = tmp_path / "site"
    sqlite_archive.ok("build", "--out", str(out))
    before = {p: (out / p).read_bytes() for p in (urls.data_timelinejs_year(2019), urls.data_timelinejs_year(2020))}
    sqlite_archive.ok("correct", entry["slug"], "--title", "Twitter labels two tweets", "--reason", "two of them")
    sqlite_archive.ok("build", "--out", str(out))

    assert (out / urls.data_timelinejs_year(2019)).read_bytes() == before[urls.data_timelinejs_year(2019)]
    corrected = read(out, urls.data_timelinejs_year(2020))["events"]
    assert [(s["unique_id"], s["text"]["headline"]) for s in corrected] == [
        (entry["slug"], "Twitter labels two tweets")
    ]
    whole = read(out, urls.data_timelinejs())["events"]
    assert [s["unique_id"] for s in whole] == [other["slug"], entry["slug"]]
    assert whole[1] == corrected[0]
    # An entry moved to another year leaves its old year's file (which goes when it holds none).
    sqlite_archive.ok("correct", entry["slug"], "--date", "2019-09", "--reason", "it was the year before")
    sqlite_archive.ok("build", "--out", str(out))
    moved = read(out, urls.data_timelinejs_year(2019))["events"]
    assert [s["unique_id"] for s in moved] == [other["slug"], entry["slug"]]
    assert not (out / urls.data_timelinejs_year(2020)).exists()
    assert read(out, urls.data_timelinejs())["events"] == moved


def test_the_join_keeps_the_slides_byte_for_byte() -> None:
    """Joining the years' files gives the file made from all their slides at once, whatever the
    titles hold (a title with the text that marks where the slides begin included)."""
    links = urls.SiteUrls(BASE_URL)
    title = 'A "title",\\"events\\":[ with ,"events":[ in it'
    docs = [
        {"slug": f"20{y}-0{m}-01-s", "date": f"20{y}-0{m}-01", "date_display": "", "summary_html": "<p>x</p>",
         "title": f"{title} {y}{m}", "kind": "label", "sources": []}
        for y in (19, 20) for m in (1, 2)
    ]  # fmt: skip
    made = [slides.slide_json(doc) for doc in docs]
    years = [slides.timelinejs_json(made[:2], title, links, 2019), slides.timelinejs_json(made[2:], title, links, 2020)]
    empty_year = slides.timelinejs_json([], title, links, 2021)
    joined = slides.joined_timelinejs([*years, empty_year], title, links)
    assert joined == slides.timelinejs_json(made, title, links)
    assert (
        json.loads(joined)["events"][0]["text"]["headline"]
        == "A &quot;title&quot;,\\&quot;events\\&quot;:[ with ,&quot;events&quot;:[ in it 191"
    )
