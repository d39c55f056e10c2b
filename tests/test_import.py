"""Bulk import: a spreadsheet comes over whole or not at all, and a second run adds nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from conftest import ArchiveUnderTest

COLUMNS = [
    "title",
    "kind",
    "date",
    "actors",
    "platforms",
    "relations",
    "source_title",
    "source_url",
    "source2_title",
    "source2_publisher",
]


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


def _row(title: str, date: str = "2020-05-26", kind: str = "label", url: str = "", relations: str = "") -> list[str]:
    return [
        title,
        kind,
        date,
        "Twitter:author; Donald Trump:subject",
        "Twitter",
        relations,
        f"Report: {title}",
        url,
        "",
        "",
    ]


def test_a_csv_with_three_bad_rows_is_rejected_whole(store: ArchiveUnderTest, tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "entries.csv",
        [
            _row("Twitter labels two tweets"),
            _row("An impossible day", date="2020-02-30"),  # line 3
            _row("Fine again", date="2019-08-19"),
            _row("An unknown kind", kind="press-release"),  # line 5
            _row("A script link", url="javascript:alert(1)"),  # line 6
        ],
    )
    before = store.notifications()
    result = store.run("import", str(path))
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert message.startswith("error: entries.csv: import refused, nothing recorded: 3 problems: row 3: ")
    assert "row 3: date: 2020-02-30 does not exist" in message
    assert "row 5: kind: 'press-release' is not a known kind" in message
    assert "row 6: source url: 'javascript:alert(1)'" in message
    assert store.notifications() == before
    assert not list((store.root / "events").iterdir())


def test_import_records_rows_with_their_sources_and_relations(store: ArchiveUnderTest, tmp_path: Path) -> None:
    tweets = "2020-05-26-trump-tweets-about-mail-in-ballots"
    path = _csv(
        tmp_path / "entries.csv",
        [
            # The labels come first in the file but respond to a row further down.
            _row("Twitter labels two tweets", relations=f"responds-to:{tweets}"),
            [
                "Trump tweets about mail-in ballots",
                "statement",
                "2020-05-26",
                "Donald Trump:author",
                "Twitter",
                "",
                "Trump tweets",
                "https://example.org/tweets",
                "Second report",
                "Example Wire",
            ],
        ],
    )
    result = store.ok("import", str(path))
    assert "imported 2 entries" in result.stdout

    entries = {e["title"]: e for e in store.json("list")}
    labels = entries["Twitter labels two tweets"]
    assert labels["relations"] == [{"type": "responds-to", "target": tweets}]
    assert labels["actors"] == [{"name": "Twitter", "role": "author"}, {"name": "Donald Trump", "role": "subject"}]
    assert [s["title"] for s in entries["Trump tweets about mail-in ballots"]["sources"]] == [
        "Trump tweets",
        "Second report",
    ]
    assert store.json("history", labels["slug"])[0]["reason"] == "imported from entries.csv"
    assert (store.root / "events" / f"{labels['slug']}.md").exists()

    # Running the same import again (say, after an interruption) records nothing twice.
    before = store.notifications()
    assert "imported 0 entries from entries.csv (2 already imported)" in store.ok("import", str(path)).stdout
    assert store.notifications() == before


def test_json_lines_export_imports_into_another_archive(store: ArchiveUnderTest, tmp_path: Path) -> None:
    labels = store.add("Twitter labels tweets", "2020-05-26", "label")
    store.add("Trump signs order", "2020-05-28", "executive-order", "--link", "responds-to", labels["slug"])
    exported = tmp_path / "entries.jsonl"
    store.ok("export", str(exported))
    lines = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert [line["title"] for line in lines] == ["Twitter labels tweets", "Trump signs order"]

    other = ArchiveUnderTest(root=tmp_path / "other", store_url=None, runner=store.runner)
    other.ok("init", str(other.root))
    other.ok("import", str(exported))
    original = {e["id"]: e for e in store.json("list")}
    imported = {e["id"]: e for e in other.json("list")}
    assert imported.keys() == original.keys()
    for entry_id, entry in original.items():
        assert {**imported[entry_id], "revision": 0} == {**entry, "revision": 0}


def test_a_duplicate_within_the_file_is_named(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    """A row repeating another (its title differing only in punctuation, the rest alike) is the
    same entry twice; a near-identical title with nothing to tell the rows apart is a likely
    duplicate. Both name the row they repeat, and --allow-duplicate keeps them all."""
    path = _csv(
        tmp_path / "entries.csv",
        [
            _row("Twitter labels two tweets"),
            _row("Twitter labels two tweets!"),
            ["Twitter labels two tweet", "label", "2020-05-26", "", "Twitter", "", "Wire report", "", "", ""],
        ],
    )
    result = sqlite_archive.run("import", str(path))
    assert result.exit_code == 2
    assert "row 3: the same entry as row 2 (the same date, title, platforms and sources); remove one" in result.stderr
    assert (
        "row 4: likely duplicate of 2020-05-26-twitter-labels-two-tweets (2020-05-26, 'Twitter labels two tweets'): "
        "the same day, a near-identical title, the same platform and no source address to tell them apart; "
        "pass --allow-duplicate-row 4 to import it anyway"
    ) in result.stderr
    assert sqlite_archive.notifications() == []
    assert "imported 3 entries" in sqlite_archive.ok("import", str(path), "--allow-duplicate").stdout
    # The rows kept despite repeating one keep their identity: the same file again records nothing.
    assert "imported 0 entries from entries.csv (3 already imported)" in sqlite_archive.ok("import", str(path)).stdout


def test_rows_keep_their_identity_by_their_own_id_or_their_content(store: ArchiveUnderTest, tmp_path: Path) -> None:
    """An id that is no UUID names the row in its own source: the entry it made is found again by
    it, whatever else changed. JSON Lines without ids are known by their content, as CSV rows are."""
    path = tmp_path / "own-ids.csv"
    path.write_text(
        "id,title,kind,date,source_title\n"
        "tosdr:1,Twitch updates its terms,policy-change,2021-01-05,Twitch terms\n"
        "tosdr:2,TikTok updates its terms,policy-change,2021-01-05,TikTok terms\n",
        encoding="utf-8",
    )
    store.ok("import", str(path))
    # The source retitled row 1 since, and added a row: row 1 is still the entry recorded from it.
    path.write_text(
        "id,title,kind,date,source_title\n"
        "tosdr:1,Twitch revises its terms of service,policy-change,2021-01-05,Twitch terms\n"
        "tosdr:2,TikTok updates its terms,policy-change,2021-01-05,TikTok terms\n"
        "tosdr:3,Quora updates its terms,policy-change,2021-01-06,Quora terms\n",
        encoding="utf-8",
    )
    assert "imported 1 entry from own-ids.csv (2 already imported)" in store.ok("import", str(path)).stdout
    assert sorted(e["title"] for e in store.json("list")) == [
        "Quora updates its terms",
        "TikTok updates its terms",
        "Twitch updates its terms",
    ]

    before = store.notifications()
    path.write_text(
        "id,title,kind,date,source_title\n"
        "tosdr:7,LINE updates its terms,policy-change,2021-01-07,LINE terms\n"
        "tosdr:7,LinkedIn updates its terms,policy-change,2021-01-07,LinkedIn terms\n",
        encoding="utf-8",
    )
    result = store.run("import", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        "error: own-ids.csv: import refused, nothing recorded: 1 problem: "
        "row 3: id: the same entry as row 2 (the same id); give each entry its own\n"
    )
    assert store.notifications() == before

    lines = tmp_path / "lines.jsonl"
    entry = {"title": "X updates its terms", "kind": "policy-change", "date": "2021-02-01"}
    rows = [{**entry, "sources": [{"title": "X terms", "url": "https://x.example/terms/1"}]}]
    lines.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    store.ok("import", str(lines))
    rows.insert(0, {**entry, "sources": [{"title": "X terms", "url": "https://x.example/terms/2"}]})
    lines.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    assert "imported 1 entry from lines.jsonl (1 already imported)" in store.ok("import", str(lines)).stdout


def test_a_kind_written_another_way_is_imported_as_the_archive_writes_it(
    store: ArchiveUnderTest, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path / "kinds.csv",
        [
            _row("Trump signs an order", "2020-05-28", "Executive Order"),
            _row("Twitter labels two tweets", kind="LABEL"),
        ],
    )
    store.ok("import", str(path))
    assert sorted(e["kind"] for e in store.json("list")) == ["executive-order", "label"]
    refused = store.run("import", str(_csv(tmp_path / "bad.csv", [_row("A pamphlet", kind="Pamphlett")])))
    assert refused.exit_code == 2
    assert "'Pamphlett' is not a known kind" in refused.stderr
