"""Importing a real corpus: dated terms-of-service and privacy-policy changes of 25 platforms.

Such an export has what a naive duplicate check refuses: one platform changing one document
several times on one day (near-identical titles, each version at its own address), and platforms
with similar names (Twitch and TikTok, X and Quora, WeChat and Snapchat, LINE and LinkedIn)
changing the same document on the same day. It imports whole without --allow-duplicate; the
export grown (and reordered) imports only its new rows; real duplicates are still refused, naming
the entry they repeat, and every problem of a refused import can be read in full.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

from conftest import ArchiveUnderTest

from timeline.domain.naming import near_identical

PAIRS = [("Twitch", "TikTok"), ("X", "Quora"), ("WeChat", "Snapchat"), ("LINE", "LinkedIn")]
OTHERS = [
    "Facebook", "Instagram", "YouTube", "Reddit", "Pinterest", "Tumblr", "Discord", "Telegram", "WhatsApp",
    "Signal", "Mastodon", "Bluesky", "Threads", "Vimeo", "Dailymotion", "Medium", "Substack",
]  # fmt: skip
PLATFORMS = [name for pair in PAIRS for name in pair] + OTHERS
DOCUMENTS = ["Terms of Service", "Privacy Policy"]
# How one archive words the same change on different days: near-identical titles.
WORDINGS = ["{p} updates its {d}", "{p} updates its {d}.", "{p} updated its {d}"]
COLUMNS = [
    "title", "kind", "date", "actors", "platforms", "topics",
    "source_title", "source_url", "source_publisher", "source_date",
]  # fmt: skip
START = dt.date(2019, 1, 1)


def corpus_row(number: int, platform: str, document: str, day: dt.date, wording: int = 0) -> list[str]:
    """One change of one platform's document, at its own address in the public archive."""
    slug = platform.lower().replace(" ", "-")
    return [
        WORDINGS[wording % len(WORDINGS)].format(p=platform, d=document),
        "policy-change",
        day.isoformat(),
        f"{platform}:author",
        platform,
        document.lower(),
        f"{platform} {document}, version of {day.isoformat()}",
        f"https://terms.example.org/{slug}/{document.lower().replace(' ', '-')}/{day.isoformat()}/{number}",
        "Terms archive",
        day.isoformat(),
    ]


def corpus(count: int = 600) -> list[list[str]]:
    """``count`` rows shaped like the corpus, the same every run."""
    rows: list[list[str]] = []
    for i in range(60):  # one platform changing one document two or three times on one day
        day = START + dt.timedelta(days=3 * i)
        for version in range(3 if i % 3 == 0 else 2):
            rows.append(corpus_row(len(rows), PLATFORMS[i % 25], DOCUMENTS[i % 2], day, version))
    for j in range(30):  # platforms with similar names changing the same document on the same day
        day = START + dt.timedelta(days=1 + 5 * j)
        for platform in PAIRS[j % len(PAIRS)]:
            rows.append(corpus_row(len(rows), platform, DOCUMENTS[j % 2], day, j))
    k = 0
    while len(rows) < count:  # the rest: one change at a time, some on days the others changed too
        day = START + dt.timedelta(days=2 + 2 * k)
        rows.append(corpus_row(len(rows), PLATFORMS[(7 * k) % 25], DOCUMENTS[k % 2], day, k))
        k += 1
    return rows[:count]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


def entry_files(archive: ArchiveUnderTest) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((archive.root / "events").iterdir())}


def recorded_count(archive: ArchiveUnderTest) -> int:
    return sum(topic == "timeline:PolicyEvent.Recorded" for _, _, topic in archive.notifications())


def test_the_corpus_imports_whole_and_its_grown_export_adds_only_the_new_rows(
    store: ArchiveUnderTest, tmp_path: Path
) -> None:
    rows = corpus()
    # The corpus holds what the old check refused: near-identical titles on one day, one platform or two.
    same_day_pairs = [
        (a, b) for i, a in enumerate(rows) for b in rows[i + 1 : i + 4] if a[2] == b[2] and near_identical(a[0], b[0])
    ]
    assert any(a[4] == b[4] for a, b in same_day_pairs), "no platform changes a document twice in a day"
    assert {tuple(sorted((a[4], b[4]))) for a, b in same_day_pairs if a[4] != b[4]} >= {
        tuple(sorted(pair)) for pair in PAIRS
    }

    path = write_csv(tmp_path / "corpus.csv", rows)
    result = store.ok("import", str(path))
    assert result.stdout.startswith("imported 600 entries from corpus.csv (0 already imported) in ")
    assert result.stderr == ""
    assert recorded_count(store) == 600
    assert len(entry_files(store)) == 600

    # The export a month later: ten new changes, and the rows in another order.
    grown = rows + [corpus_row(1000 + n, PLATFORMS[n], DOCUMENTS[n % 2], dt.date(2024, 2, 1 + n)) for n in range(10)]
    random.Random(7).shuffle(grown)
    write_csv(path, grown)
    result = store.ok("import", str(path))
    assert result.stdout.startswith("imported 10 entries from corpus.csv (600 already imported) in ")
    assert recorded_count(store) == 610
    assert len(entry_files(store)) == 610

    # Once more: nothing new, nothing recorded.
    before = store.notifications()
    assert store.ok("import", str(path)).stdout.startswith("imported 0 entries from corpus.csv (610 already imported)")
    assert store.notifications() == before


def test_a_real_duplicate_is_refused_naming_the_entry_and_only_the_rows_named_come_in(
    store: ArchiveUnderTest, tmp_path: Path
) -> None:
    day = dt.date(2020, 3, 2)
    twitch, quora = corpus_row(1, "Twitch", "Terms of Service", day), corpus_row(2, "Quora", "Privacy Policy", day)
    store.ok("import", str(write_csv(tmp_path / "base.csv", [twitch, quora])))

    retitled = ["Twitch revises its user agreement", *twitch[1:]]  # the same document, another title
    unsourced = [quora[0] + ".", *quora[1:6], "Quora privacy policy", "", "", ""]  # nothing tells it apart
    other = corpus_row(3, "Snapchat", "Privacy Policy", day)  # a similar title, but another platform
    path = write_csv(tmp_path / "more.csv", [retitled, unsourced, other])
    before, files = store.notifications(), entry_files(store)

    result = store.run("import", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    twitch_slug, quora_slug = (
        "2020-03-02-twitch-updates-its-terms-of-service",
        "2020-03-02-quora-updates-its-privacy-policy",
    )
    assert result.stderr.splitlines() == [
        "error: more.csv: import refused, nothing recorded: 2 problems: "
        f"row 2: likely duplicate of {twitch_slug} (2020-03-02, 'Twitch updates its Terms of Service'): the same day, "
        "the same source address (terms.example.org/twitch/terms-of-service/2020-03-02/1), the same platform and "
        "the same actor; pass --allow-duplicate-row 2 to import it anyway; "
        f"row 3: likely duplicate of {quora_slug} (2020-03-02, 'Quora updates its Privacy Policy'): the same day, "
        "a near-identical title, the same platform, the same actor and no source address to tell them apart; "
        "pass --allow-duplicate-row 3 to import it anyway"
    ]
    assert (store.notifications(), entry_files(store)) == (before, files)

    # Naming one row lets that row by, and only it: the other still refuses the file.
    result = store.run("import", str(path), "--allow-duplicate-row", "3")
    assert result.exit_code == 2
    assert "nothing recorded: 1 problem: row 2: likely duplicate of" in result.stderr
    assert (store.notifications(), entry_files(store)) == (before, files)

    result = store.run("import", str(path), "--allow-duplicate-row", "9")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --allow-duplicate-row: the file has no row 9; give the numbers the refusal names\n"
    )
    assert (store.notifications(), entry_files(store)) == (before, files)

    for wrong in ("x", "3-2", "0"):
        result = store.run("import", str(path), "--allow-duplicate-row", wrong)
        assert result.exit_code == 2
        assert f"{wrong!r} is not row numbers; give them as 17, 17,18 or 40-45" in result.stderr
    assert (store.notifications(), entry_files(store)) == (before, files)

    result = store.ok("import", str(path), "--allow-duplicate-row", "2,3")
    assert result.stdout.startswith("imported 3 entries from more.csv (0 already imported)")
    assert recorded_count(store) == 5

    # `timeline add` judges alike: the same address on the same day is refused, naming the entry.
    added = store.run(
        "add", "--title", "Twitch rewrites its rules", "--kind", "policy-change", "--date", "2020-03-02",
        "--platform", "Twitch", "--source-title", "Twitch rules", "--source-url", twitch[7],
    )  # fmt: skip
    assert added.exit_code == 2
    assert added.stderr.startswith(f"error: likely duplicate of {twitch_slug} (2020-03-02, ")
    assert added.stderr.rstrip().endswith("pass --allow-duplicate to record it anyway")
    assert recorded_count(store) == 5


def test_every_problem_of_a_refused_corpus_can_be_read(store: ArchiveUnderTest, tmp_path: Path) -> None:
    rows = corpus()
    store.ok("import", str(write_csv(tmp_path / "corpus.csv", rows)))
    slugs = {(e["date"], e["sources"][0]["url"]): e["slug"] for e in store.json("list")}
    before, files = store.notifications(), entry_files(store)

    # The same export retitled by its publisher (each change still at its address), and two bad dates.
    retitled = [[f"{row[0]} (archived)", *row[1:]] for row in rows]
    bad = [corpus_row(700, "Reddit", "Terms of Service", START), corpus_row(701, "Vimeo", "Privacy Policy", START)]
    bad[0][2], bad[1][2] = "2021-02-30", "2021-13-01"
    path = write_csv(tmp_path / "retitled.csv", retitled + bad)
    grouped = (
        "error: retitled.csv: import refused, nothing recorded: 600 likely duplicates (rows 2, 3, 4 ... and 597 more), "
        "2 bad dates (rows 602, 603); "
    )

    result = store.run("import", str(path))
    assert result.exit_code == 2
    assert result.stderr == grouped + "every problem: --errors FILE or -v\n"

    errors = tmp_path / "problems.csv"
    result = store.run("import", str(path), "--errors", str(errors), "--json")
    assert result.exit_code == 2
    assert result.stderr == grouped + f"every problem is in {errors} (row, field, problem)\n"
    with errors.open(newline="", encoding="utf-8") as handle:
        written = list(csv.reader(handle))
    assert written[0] == ["row", "field", "problem"]
    assert [int(line[0]) for line in written[1:]] == list(range(2, 604))
    first = slugs[(rows[0][2], rows[0][7])]
    assert written[1][1] == "" and written[1][2].startswith(f"likely duplicate of {first} ({rows[0][2]}, ")
    assert written[-2] == ["602", "date", "2021-02-30 does not exist (February 2021 has 28 days)"]
    assert written[-1][:2] == ["603", "date"] and "2021-13-01" in written[-1][2]

    report = json.loads(result.stdout)
    assert (report["file"], report["recorded"], report["already_imported"]) == ("retitled.csv", [], 0)
    assert len(report["problems"]) == 602
    assert report["problems"][0]["duplicate_of"] == {"slug": first, "date": rows[0][2], "title": rows[0][0]}
    assert report["problems"][0]["why"].startswith("the same day, the same source address (terms.example.org/")
    assert [p["problem"] for p in report["problems"]] == [line[2] for line in written[1:]]
    assert report["problems"][-1]["row"] == 603 and report["problems"][-1]["field"] == "date"

    result = store.run("import", str(path), "-v")
    assert result.exit_code == 2
    *listed, last = result.stderr.splitlines()
    assert last == grouped + "every problem is listed above"
    assert listed == [f"error: retitled.csv: row {line[0]}: " + (f"{line[1]}: " if line[1] else "") + line[2]
                      for line in written[1:]]  # fmt: skip
    assert (store.notifications(), entry_files(store)) == (before, files)


def test_a_successful_import_reports_its_entries_as_json_and_an_empty_problem_file(
    store: ArchiveUnderTest, tmp_path: Path
) -> None:
    rows = corpus(5)
    path = write_csv(tmp_path / "few.csv", rows)
    nowhere = path / "problems.csv"  # in a "folder" that is a file
    refused = store.run("import", str(path), "--errors", str(nowhere))
    assert refused.exit_code == 2
    assert refused.stderr == f"error: --errors: {nowhere} cannot be written (Not a directory)\n"
    assert store.notifications() == []

    errors = tmp_path / "problems.csv"
    errors.write_text("stale\n", encoding="utf-8")
    result = store.ok("import", str(path), "--json", "--errors", str(errors))
    report = json.loads(result.stdout)
    assert errors.read_text(encoding="utf-8") == "row,field,problem\n"
    listed = {e["slug"]: e for e in store.json("list")}
    assert [r["row"] for r in report["recorded"]] == [2, 3, 4, 5, 6]
    assert [listed[r["slug"]]["id"] for r in report["recorded"]] == [r["id"] for r in report["recorded"]]
    assert [listed[r["slug"]]["title"] for r in report["recorded"]] == [row[0] for row in rows]
    assert (report["already_imported"], report["problems"]) == (0, [])


def test_an_entry_recorded_under_another_identity_is_found_by_its_content(
    store: ArchiveUnderTest, tmp_path: Path
) -> None:
    """An entry with a row's content (recorded by hand, or imported when a row's identity was its
    file's hash and line) is that row's entry: importing the row again records nothing new."""
    rows = corpus(5)
    title, _, date, _, platform, _, source_title, url, _, _ = rows[1]
    existing = store.json(
        "add", "--title", title.upper(), "--kind", "statement", "--date", date, "--platform", platform,
        "--source-title", source_title, "--source-url", url.replace("https://", "http://www."),
    )  # fmt: skip
    result = store.ok("import", str(write_csv(tmp_path / "few.csv", rows)))
    assert result.stdout.startswith("imported 4 entries from few.csv (1 already imported)")
    assert recorded_count(store) == 5
    assert [e["id"] for e in store.json("list") if e["title"] == title.upper()] == [existing["id"]]
