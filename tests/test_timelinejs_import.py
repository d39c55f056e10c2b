"""Coming from TimelineJS: its JSON files and its spreadsheet template (saved as CSV) import whole.

The fixtures in ``tests/fixtures/timelinejs/`` are written in Knight Lab's formats and use every
field the import reads: a title slide, an era, dates given to the year, the month, the day and the
minute, ranges, an end date equal to its start, display dates, HTML headlines and texts (with
scripts, styles, event handlers and javascript:/data: links in them), media URLs with credits,
captions (one too long to be a title), thumbnails and alt texts, a protocol-relative media URL,
media that is a quotation rather than a URL, groups, unique ids and backgrounds.
(``test_timelinejs_export.py`` checks that the real TimelineJS library reads the same files.)
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from conftest import ArchiveUnderTest

from timeline.formats.htmltext import html_to_markdown, html_to_text
from timeline.site.markdown import render_markdown

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "timelinejs"
JSON_FILE = FIXTURES / "platform-policy.json"
CSV_FILE = FIXTURES / "takedowns-2019.csv"


def today_candidates() -> set[str]:
    """Today in UTC (and tomorrow, should the test run across midnight), as ISO days."""
    today = dt.datetime.now(dt.UTC).date()
    return {today.isoformat(), (today + dt.timedelta(days=1)).isoformat()}


def by_title(archive: ArchiveUnderTest) -> dict[str, dict[str, Any]]:
    return {entry["title"]: entry for entry in archive.json("list")}


def test_a_timelinejs_json_file_comes_over_with_its_dates_media_groups_and_provenance(
    store: ArchiveUnderTest,
) -> None:
    result = store.ok("import", str(JSON_FILE))
    assert "imported 7 entries from platform-policy.json (0 already imported)" in result.stdout
    assert result.stderr == ""
    entries = by_title(store)

    # Seven events, seven entries: the title slide and the era are not entries.
    assert sorted(entries) == [
        "A year of civic integrity enforcement",
        "DHS summons Twitter to unmask a critic",
        "Labels on posts disputing the result",
        "Platforms change their moderation rules over the summer",
        "Trump signs an executive order on Section 230",
        "Twitter adds fact-check labels to two tweets",
        "Twitter expands its civic integrity policy until election day",
    ]

    # Dates keep the precision the file gives; hours, minutes and display dates are not kept,
    # but a display date that says "c." makes the date approximate.
    assert {title: e["date"] for title, e in entries.items()} == {
        "Twitter adds fact-check labels to two tweets": "2020-05-26",  # given to the millisecond
        "Trump signs an executive order on Section 230": "2020-05-28",  # its end date is its start date
        "Platforms change their moderation rules over the summer": "2020-06",
        "A year of civic integrity enforcement": "2021",
        "Twitter expands its civic integrity policy until election day": "2020-09-10/2020-11-03",
        "Labels on posts disputing the result": "2020-11/2021-01",
        "DHS summons Twitter to unmask a critic": "2017~",
    }
    assert {e["kind"] for e in entries.values()} == {"policy-change"}

    # The group is a topic; the headline's HTML is gone, its words kept.
    labels = entries["Twitter adds fact-check labels to two tweets"]
    assert labels["topics"] == ["Election misinformation"]
    assert entries["Trump signs an executive order on Section 230"]["topics"] == ["Section 230"]
    assert entries["A year of civic integrity enforcement"]["topics"] == []
    assert (
        entries["DHS summons Twitter to unmask a critic"]["summary"]
        == "The summons was *withdrawn* a day after Twitter sued."
    )

    # The media URL is the source: credit -> publisher, caption -> title; the thumbnail is not kept.
    (source,) = labels["sources"]
    assert source["accessed"] in today_candidates()
    assert {k: v for k, v in source.items() if k != "accessed"} == {
        "title": "Twitter labels Trump tweets for the first time",
        "publisher": "BBC News",
        "url": "https://example.org/news/twitter-labels-trump-tweets",
    }
    # A caption too long for a title is the source's note; a protocol-relative URL is https.
    (survey,) = entries["Platforms change their moderation rules over the summer"]["sources"]
    assert survey["url"] == survey["title"] == "https://example.org/reports/summer-rules"
    assert survey["publisher"] == "Example Policy Institute"
    assert survey["note"].startswith("A long survey of the changes each platform made")

    # The text is safe Markdown: links only to http(s), no script, style, handler or picture.
    assert labels["summary"] == (
        "The labels link to [a page of facts](https://example.org/news/labels) and a hidden trap.\n\n"
        "Reactions:\n\n- the White House objected;\n- critics asked for more.\n\na screenshot of the label"
    )

    # Media that is a quotation joins the summary; with no source of its own, the entry rests on
    # the file: titled by its title slide, accessed on the day of the import.
    order = entries["Trump signs an executive order on Section 230"]
    assert order["summary"] == (
        "The order asks regulators to narrow **Section 230**.\n\n> Unchecked power — Donald Trump"
    )
    for title in (
        "Trump signs an executive order on Section 230",
        "A year of civic integrity enforcement",
        "Twitter expands its civic integrity policy until election day",
        "Labels on posts disputing the result",
        "DHS summons Twitter to unmask a critic",
    ):
        (file_source,) = entries[title]["sources"]
        assert file_source["accessed"] in today_candidates(), title
        assert {k: v for k, v in file_source.items() if k != "accessed"} == {
            "title": "Platforms and the 2020 election",
            "note": "Imported from the TimelineJS file platform-policy.json.",
        }, title
    assert store.json("history", labels["slug"])[0]["reason"] == "imported from platform-policy.json"
    assert (store.root / "events" / f"{labels['slug']}.md").is_file()

    # Nothing of the slides' looks came along: no thumbnail, background or cover picture anywhere.
    everything = json.dumps(list(entries.values()))
    for looks in ("label-thumb.png", "background.jpg", "cover.jpg", "#1d3557", "A labelled tweet"):
        assert looks not in everything

    # The same file again records nothing twice.
    before = store.notifications()
    assert (
        "imported 0 entries from platform-policy.json (7 already imported)" in store.ok("import", str(JSON_FILE)).stdout
    )
    assert store.notifications() == before


def test_the_spreadsheet_template_saved_as_csv_comes_over_at_the_right_precision(
    sqlite_archive: ArchiveUnderTest,
) -> None:
    result = sqlite_archive.ok("import", str(CSV_FILE))
    assert "imported 7 entries" in result.stdout and result.stderr == ""
    entries = by_title(sqlite_archive)

    # The title row and the era row are not entries; Time, End Time and Display Date are not kept.
    assert {title: e["date"] for title, e in entries.items()} == {
        "Twitter suspends 936 accounts tied to a state-backed operation": "2019-08-19",  # Time 10:30 AM
        "Researchers study the takedowns": "2019-08",
        "A year of platform takedowns": "2019",
        "Facebook asks Diba organisers for identity cards": "2019-08-17/2019-08-20",  # with times
        "Platforms publish transparency reports": "2019/2020",  # Year written "2,019"
        "Chinese foreign ministry responds": "2019-08-20",  # End day = day
        "Platforms debate transparency rules": "2018~",  # Display Date "circa 2018"
    }
    suspension = entries["Twitter suspends 936 accounts tied to a state-backed operation"]
    assert suspension["topics"] == ["State-backed operations"]
    assert suspension["summary"] == (
        "Twitter said the accounts [spread disinformation](https://example.org/twitter-blog/hong-kong) "
        "about the protests.\n\nIt also banned state-backed advertising."
    )
    (source,) = suspension["sources"]
    assert (source["title"], source["publisher"], source["url"]) == (
        "Twitter and Facebook act against Chinese accounts",
        "The Guardian",
        "https://example.org/news/twitter-suspends-936-accounts",
    )
    # Without a caption, the URL names the document.
    (diba,) = entries["Facebook asks Diba organisers for identity cards"]["sources"]
    assert (diba["title"], diba["publisher"]) == ("https://example.org/news/diba-accounts", "Example Tech News")
    assert entries["Facebook asks Diba organisers for identity cards"]["summary"] == (
        "> Accounts were locked until the owners sent identity cards."
    )
    reports = entries["Platforms publish transparency reports"]
    assert reports["summary"] == "> We removed more than ever. — A platform spokesperson"
    (file_source,) = reports["sources"]
    assert file_source["title"] == "Content moderation in 2019"
    assert file_source["note"] == "Imported from the TimelineJS spreadsheet takedowns-2019.csv."
    assert "url" not in file_source


def test_groups_can_be_kinds_and_the_kind_of_the_rest_is_chosen(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    data = {
        "events": [
            {"start_date": {"year": "2020", "month": "5", "day": "28"}, "group": "Executive order",
             "text": {"headline": "Trump signs an order on online censorship"}},
            {"start_date": {"year": "2020", "month": "5", "day": "29"}, "group": "Lawsuit",
             "text": {"headline": "A group sues over the order"}},
            {"start_date": {"year": "2020", "month": "5", "day": "30"},
             "text": {"headline": "A senator comments on the order"}},
        ]
    }  # fmt: skip
    path = tmp_path / "orders.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    sqlite_archive.ok("import", str(path), "--group-as", "kind", "--kind", "statement")
    kinds = {title: e["kind"] for title, e in by_title(sqlite_archive).items()}
    assert kinds == {
        "Trump signs an order on online censorship": "executive-order",
        "A group sues over the order": "lawsuit",
        "A senator comments on the order": "statement",
    }
    assert all(e["topics"] == [] for e in by_title(sqlite_archive).values())


def test_a_group_that_is_no_kind_and_an_unknown_kind_are_refused(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    path = tmp_path / "groups.json"
    path.write_text(
        json.dumps({"events": [{"start_date": {"year": "2020"}, "group": "Op-eds", "text": {"headline": "An op-ed"}}]}),
        encoding="utf-8",
    )
    result = sqlite_archive.run("import", str(path), "--group-as", "kind")
    assert result.exit_code == 2
    assert "event 1: kind: 'op-eds' is not a known kind; known kinds:" in result.stderr
    result = sqlite_archive.run("import", str(path), "--kind", "op-ed")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: kind: 'op-ed' is not a known kind")
    assert sqlite_archive.notifications() == []


def test_every_bad_row_of_a_spreadsheet_is_named_by_its_row_and_nothing_is_written(
    sqlite_archive: ArchiveUnderTest,
) -> None:
    result = sqlite_archive.run("import", str(FIXTURES / "bad-rows.csv"))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: bad-rows.csv: import refused, nothing recorded: 2 bad dates (rows 5, 7), 2 bad years (rows 6, 10), "
        "1 bad month (row 4), 1 bad headline (row 8), 1 problem with media (row 9), 1 bad day (row 11); "
        "every problem: --errors FILE or -v"
    ]
    result = sqlite_archive.run("import", str(FIXTURES / "bad-rows.csv"), "-v")
    assert result.exit_code == 2
    *listed, last = result.stderr.splitlines()
    assert last.endswith("every problem is listed above")
    assert len(listed) == 8
    message = "\n".join(listed)
    # Rows are the spreadsheet's: row 3's text spans three lines of the file, and row 4 is still row 4.
    assert listed[0] == "error: bad-rows.csv: row 4: Month: 13 is out of range; give a month from 1 to 12"
    for problem in (
        "row 5: date: 2020-02-30 does not exist (February 2020 has 29 days)",
        "row 6: Year: is empty but Month is given",
        "row 7: date: the range '2020-06/2019' ends before it starts",
        "row 8: headline: is empty",
        "row 9: media: 'javascript:alert(1)' is not an http:// or https:// address",
        "row 10: Year: -500 is out of range; give a year from 1 to 9999",
        "row 11: Day: is given without Month",
    ):
        assert problem in message
    assert "row 3:" not in message and "row 12:" not in message and "row 2:" not in message
    assert sqlite_archive.notifications() == []
    assert not list((sqlite_archive.root / "events").iterdir())


def test_every_bad_event_of_a_json_file_is_named_by_its_place(sqlite_archive: ArchiveUnderTest) -> None:
    result = sqlite_archive.run("import", str(FIXTURES / "bad-events.json"), "--verbose")
    assert result.exit_code == 2
    message = result.stderr
    assert (
        "import refused, nothing recorded: 2 problems with start_date.year (events 2, 3), 1 problem with media "
        "(event 4), 1 other problem (event 5), 1 problem with text (event 6); every problem is listed above"
    ) in message
    assert "event 2: start_date.year: is empty; every entry needs at least a year" in message
    assert "event 3: start_date.year: 'twenty twenty' is not a whole number" in message
    assert "event 4: media: 'data:text/html,<script>alert(1)</script>' is not an http:// or https:// address" in message
    assert "event 5: each event must be a JSON object" in message
    assert "event 6: text: must be an object" in message
    assert "event 1:" not in message
    assert sqlite_archive.notifications() == []


def test_the_format_is_told_by_the_content_not_the_name(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    renamed = tmp_path / "Takedowns - Sheet1.txt"
    shutil.copy(CSV_FILE, renamed)
    assert "imported 7 entries" in sqlite_archive.ok("import", str(renamed), "--format", "timelinejs").stdout
    no_suffix = tmp_path / "timeline-data"
    shutil.copy(JSON_FILE, no_suffix)
    assert "imported 7 entries" in sqlite_archive.ok("import", str(no_suffix)).stdout

    ours = tmp_path / "ours.csv"
    ours.write_text("title,kind,date,source_title\nA,statement,2020,B\n", encoding="utf-8")
    result = sqlite_archive.run("import", str(ours), "--format", "timelinejs")
    assert result.exit_code == 2 and "ours.csv: is not a TimelineJS file" in result.stderr

    unknown = tmp_path / "notes.csv"
    unknown.write_text("Year,Headline,Notes\n2020,Something,a private note\n", encoding="utf-8")
    result = sqlite_archive.run("import", str(unknown))
    assert result.exit_code == 2
    assert "unknown column 'Notes' in a TimelineJS spreadsheet; its columns are Year, Month, Day" in result.stderr

    pretty = tmp_path / "entries.json"
    pretty.write_text(json.dumps({"entries": []}, indent=2), encoding="utf-8")
    result = sqlite_archive.run("import", str(pretty))
    assert result.exit_code == 2 and "entries.json: is one JSON document but not a TimelineJS file" in result.stderr

    neither = tmp_path / "list.txt"
    neither.write_text("just some words\n", encoding="utf-8")
    result = sqlite_archive.run("import", str(neither))
    assert result.exit_code == 2 and "not a file the import reads" in result.stderr


def test_a_later_version_of_the_file_brings_only_the_new_slides(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    """Slides are known by their unique_id (or, as TimelineJS names them, their headline): an
    edited file imported again records only what is new, and a renamed copy is not the same file."""
    data = json.loads(JSON_FILE.read_text(encoding="utf-8"))
    path = tmp_path / "platform-policy.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    sqlite_archive.ok("import", str(path))
    data["title"]["text"]["text"] = "<p>Updated with the spring.</p>"
    data["events"][0]["text"]["text"] += "<p>A paragraph added later.</p>"
    data["events"].insert(
        0,
        {
            "unique_id": "vaccine-labels",
            "start_date": {"year": "2021", "month": "3"},
            "text": {"headline": "Platforms label vaccine claims"},
        },
    )
    path.write_text(json.dumps(data), encoding="utf-8")
    result = sqlite_archive.ok("import", str(path))
    assert "imported 1 entry from platform-policy.json (7 already imported)" in result.stdout
    assert by_title(sqlite_archive)["Platforms label vaccine claims"]["date"] == "2021-03"

    # Under another name it is another file: its slides are new, and refused as likely duplicates.
    copy = tmp_path / "copy.json"
    shutil.copy(path, copy)
    result = sqlite_archive.run("import", str(copy))
    assert result.exit_code == 2
    assert "import refused, nothing recorded: 8 likely duplicates (events 1, 2, 3 ... and 5 more)" in result.stderr
    listed = sqlite_archive.run("import", str(copy), "-v").stderr
    assert "error: copy.json: event 1: likely duplicate of 2021-03-platforms-label-vaccine-claims (2021-03, " in listed


# Safe Markdown from hostile HTML ---------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>Words",
    "<p onclick=alert(1) onmouseover='alert(2)'>Words</p>",
    '<a href="javascript:alert(1)">Words</a>',
    '<a href="JaVaScRiPt:alert(1)">Words</a>',
    '<a href=" javascript:alert(1)">Words</a>',
    '<a href="java&#x09;script:alert(1)">Words</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">Words</a>',
    '<a href="vbscript:msgbox(1)">Words</a>',
    '<a href="mailto:someone@example.org">Words</a>',
    '<img src="x" onerror="alert(1)" alt="Words">',
    "<style>body { background: url(javascript:alert(1)) }</style>Words",
    '<iframe src="https://example.org/embed" onload="alert(1)">Words inside</iframe>Words',
    "<svg><script>alert(1)</script></svg>Words",
    "<object data='x.swf'></object><embed src='x.swf'>Words",
    "&lt;script&gt;alert(1)&lt;/script&gt; Words",
    "&lt;img src=x onerror=alert(1)&gt; Words",
    "[Words](javascript:alert(1))",
    '<a href="https://example.org/a)b(c" title="x" onclick="alert(1)">Words</a>',
    "<form action='https://example.org'><input value='x'><button>Go</button></form>Words",
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>Words",
    "<noscript><p title='</noscript><img src=x onerror=alert(1)>'></noscript>Words",
]
ALLOWED_ELEMENTS = {"p", "a", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "br", "hr"}


@pytest.mark.parametrize("html", HOSTILE)
def test_no_script_style_handler_or_unsafe_link_survives(html: str) -> None:
    markdown = html_to_markdown(html)
    assert "Words" in markdown
    page = BeautifulSoup(render_markdown(markdown), "html.parser")
    for element in page.find_all(True):
        assert element.name in ALLOWED_ELEMENTS, (html, markdown)
        allowed = {"href"} if element.name == "a" else set()
        assert set(element.attrs) <= allowed, (html, markdown)
        if element.name == "a":
            assert element["href"].startswith(("https://", "http://")), (html, markdown)
    assert "<script" not in str(page) and "<style" not in str(page)
    # The Markdown itself holds no tag another renderer could run: a "<" is escaped or opens an autolink.
    assert not re.search(r"(?<!\\)<(?!https?://)", markdown), markdown
    # And every link it makes goes to an http(s) address ("\](" is escaped text, not a link).
    for target in re.findall(r"(?<!\\)\]\(([^)\s]*)", markdown):
        assert target.startswith(("https://", "http://")), markdown


def test_headlines_credits_and_captions_are_plain_words() -> None:
    assert html_to_text("Twitter adds <strong>labels</strong><script>x()</script>\n to  tweets") == (
        "Twitter adds labels to tweets"
    )
    assert html_to_text('<a href="https://example.org/" onclick="x()">BBC News</a>') == "BBC News"
