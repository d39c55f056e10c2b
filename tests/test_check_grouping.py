"""`timeline check` on a large archive: findings alike told in one line (each with --verbose or
--json), checks an archive does not want skipped from timeline.toml, and the findings for an entry
without a summary and a source without a date."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from conftest import ArchiveUnderTest

ENTRIES = 30


def import_unarchived(archive: ArchiveUnderTest, tmp_path: Path) -> list[str]:
    """ENTRIES entries, each with a summary and one dated source online with no archived copy;
    returns their slugs in date order."""
    rows = tmp_path / "rows.csv"
    with rows.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["title", "kind", "date", "summary", "source_title", "source_url", "source_date"])
        for n in range(ENTRIES):
            day = f"2020-05-{n + 1:02d}"
            writer.writerow([f"Platform takes down network {n + 1}", "takedown", day,
                             f"The platform removed network {n + 1}.", f"Network {n + 1} removed",
                             f"https://example.org/network-{n + 1}", day])  # fmt: skip
    archive.ok("import", str(rows))
    return [entry["slug"] for entry in archive.json("list")]


def set_check_settings(archive: ArchiveUnderTest, text: str) -> None:
    settings = archive.root / "timeline.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_the_same_warning_on_every_entry_is_one_line(store: ArchiveUnderTest, tmp_path: Path) -> None:
    slugs = import_unarchived(store, tmp_path)
    assert len(slugs) == ENTRIES

    result = store.ok("check")

    lines = result.stdout.splitlines()
    warnings = lines[lines.index(f"warnings ({ENTRIES}):") + 1 : lines.index(f"notices ({ENTRIES}):")]
    first_three = ", ".join(slugs[:3])
    assert warnings == [
        f"  [no-archived-copy] {ENTRIES} sources have no archived copy: {first_three} and {ENTRIES - 3} more; "
        "save each in a web archive and add its archived_url in the entry's events/ file, then run 'timeline sync'"
    ]
    # The entries no relation reaches are told in one line too; the whole report is four lines.
    assert len(lines) == 4, lines
    assert result.stderr == f"0 errors, {ENTRIES} warnings, {ENTRIES} notices\n"

    every = store.ok("check", "--verbose").stdout.splitlines()
    assert len([line for line in every if "[no-archived-copy]" in line]) == ENTRIES
    last = f"  {slugs[-1]}: [no-archived-copy] source 1 (https://example.org/network-{ENTRIES}) has no archived copy"
    assert any(line.startswith(last) for line in every)
    findings = store.json("check")
    assert [f["entries"] for f in findings if f["check"] == "no-archived-copy"] == [[slug] for slug in slugs]
    assert store.ok("check", "--quiet").output == ""


def test_a_group_names_its_entries_once_when_some_have_several_findings(store: ArchiveUnderTest) -> None:
    first = store.add("Twitter labels two tweets", "2020-05-26", "label", "--summary", "Labels.")
    second = store.add("Trump signs an order", "2020-05-28", "executive-order", "--summary", "An order.")
    for n, entry in enumerate((first, first, second)):
        store.ok("source", "add", entry["slug"], "--title", f"Account {n}", "--reason", "another account")
    output = store.ok("check", "--check", "no-source-date").stdout
    advice = "add each one's publication date in the entry's events/ file and run 'timeline sync', if it has one"
    assert output.splitlines()[1] == (
        f"  [no-source-date] 5 sources have no date, in 2 entries: {first['slug']}, {second['slug']}; {advice}"
    )
    store.ok("retract", second["slug"], "--reason", "recorded by mistake")
    output = store.ok("check", "--check", "no-source-date").stdout
    assert output.splitlines()[1] == f"  [no-source-date] 3 sources have no date, in 1 entry: {first['slug']}; {advice}"


def test_timeline_toml_silences_a_check_and_strict_then_passes(store: ArchiveUnderTest, tmp_path: Path) -> None:
    import_unarchived(store, tmp_path)
    assert store.run("check", "--strict").exit_code == 1

    set_check_settings(store, '\n[check]\nignore = ["no-archived-copy"]\n')

    silenced = store.run("check", "--strict")
    assert silenced.exit_code == 0, silenced.output
    assert "no-archived-copy" not in silenced.stdout
    skipped = "(no-archived-copy skipped, as timeline.toml says)"
    assert silenced.stderr == f"0 errors, 0 warnings, {ENTRIES} notices {skipped}\n"
    assert not [f for f in store.json("check") if f["check"] == "no-archived-copy"]
    # Named on the command line, an ignored check runs.
    asked = store.run("check", "--strict", "--check", "no-archived-copy")
    assert asked.exit_code == 1
    assert f"warnings ({ENTRIES}):" in asked.stdout


def test_sources_silences_the_three_source_checks(sqlite_archive: ArchiveUnderTest) -> None:
    sqlite_archive.add("DHS comments on the order", "2020-06-02", "statement", "--summary", "It comments.")
    assert {f["check"] for f in sqlite_archive.json("check")} == {"no-source-url", "no-source-date", "unrelated"}
    set_check_settings(sqlite_archive, '\n[check]\nignore = ["sources", "unrelated"]\n')
    assert sqlite_archive.json("check") == []
    asked = sqlite_archive.json("check", "--check", "sources")
    assert {f["check"] for f in asked} == {"no-source-url", "no-source-date"}


def test_an_unknown_check_in_timeline_toml_is_refused_with_the_known_ones(store: ArchiveUnderTest) -> None:
    store.add("Twitter labels two tweets", "2020-05-26", "label")
    before = store.notifications()
    set_check_settings(store, '\n[check]\nignore = ["archived-copies"]\n')

    result = store.run("check")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"error: {store.root / 'timeline.toml'}: [check] ignore: no check named 'archived-copies'; the checks are "
        "no-summary, no-archived-copy, no-source-url, no-source-date, short-links, weekdays, actor-spellings, "
        "unrelated, single-topics, relation-order, relation-inverse, sources\n"
    )
    assert store.notifications() == before


def test_a_check_table_of_another_shape_is_refused(sqlite_archive: ArchiveUnderTest) -> None:
    sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    before = sqlite_archive.notifications()
    set_check_settings(sqlite_archive, '\n[check]\nignore = "no-archived-copy"\n')
    result = sqlite_archive.run("check")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert sqlite_archive.notifications() == before
    expected = (
        f"error: {sqlite_archive.root / 'timeline.toml'}: [check] takes one setting, ignore: a list of the checks "
        'to skip, e.g. ignore = ["no-archived-copy"]\n'
    )
    assert result.stderr == expected


def test_an_entry_without_a_summary_and_a_source_without_a_date_are_found(store: ArchiveUnderTest) -> None:
    bare = store.add("DHS comments on the order", "2020-06-02", "statement", "--source-url", "https://example.org/dhs",
                     "--source-archived-url", "https://web.archive.org/web/2020/https://example.org/dhs")  # fmt: skip
    told = store.add("Trump signs an order", "2020-05-28", "executive-order", "--summary", "It orders a review.",
                     "--source-date", "2020-05-28", "--link", "related", bare["slug"],
                     "--source-url", "https://example.org/order",
                     "--source-archived-url", "https://web.archive.org/web/2020/https://example.org/order")  # fmt: skip

    findings = {(f["severity"], f["check"], tuple(f["entries"])): f["message"] for f in store.json("check")}

    assert set(findings) == {
        ("warning", "no-summary", (bare["slug"],)),
        ("notice", "no-source-date", (bare["slug"],)),
    }, "the entry with a summary and a dated source has no such finding"
    assert findings["warning", "no-summary", (bare["slug"],)] == (
        "the entry has no summary; say in a few sentences what happened with "
        f"'timeline correct {bare['slug']} --summary TEXT --reason TEXT'"
    )
    assert re.fullmatch(
        r"source 1 \('Report: DHS comments on the order'\) has no date; if it was published on a known day, "
        rf"add its date in events/{bare['slug']}\.md and run 'timeline sync'",
        findings["notice", "no-source-date", (bare["slug"],)],
    )
    assert told["slug"] not in json.dumps(sorted(findings))
    assert store.run("check", "--strict").exit_code == 1, "an entry without a summary fails a strict check"
