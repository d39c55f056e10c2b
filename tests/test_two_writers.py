"""Two writers at once on one archive, with real OS processes.

Requirement "Two writers": two processes recording into one store at the same
moment both succeed, because a writer that loses a race (for a slug, a short id
or an entry's next revision) rebuilds and retries; nothing is lost or
half-written, and no slug names two entries.

What these tests prove, on SQLite and on PostgreSQL:

- two processes that start at the same instant and record 200 entries each,
  half of them racing for the same slugs on purpose (both add "Platform
  statement number 17" on the same day, 100 times each), leave exactly 400 entries
  with 400 distinct slugs and short ids, every acknowledged entry present, and
  exactly the 1,200 stored events those entries need (entry + slug and short-id
  reservations) -- no orphan reservation, no entry without its reservations;
- 2 x 15 real ``timeline add`` command-line processes racing in pairs for one
  slug all exit 0, and each pair gets the slug and its ``-2`` variant;
- two processes correcting the same entry 30 times each keep all 60
  corrections: the entry ends at revision 61 and its history lists every reason.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from conftest import ArchiveUnderTest
from writers import process_env, run_at_barrier

from timeline.domain.model import Reservation

pytestmark = pytest.mark.slow

ENTRIES_PER_WRITER = 200
CORRECTIONS_PER_WRITER = 30
CLI_PAIRS = 15
# The first half of each writer's entries are "shared": both writers add
# SHARED_TITLE on SHARED_DATE, at the same time, so every one of these adds
# races for the same base slug or its next free -2, -3, ... The second half are
# titles only one writer uses, each on its own day.
SHARED_TITLE = "Platform statement number 17"
SHARED_DATE = "2020-05-28"
# Seconds each writer pauses between building its aggregates and saving them,
# as on a slow disk, so that the race window is wider than the start jitter.
SAVE_DELAY = 0.003
PROCESS_TIMEOUT = 120  # seconds; a writer that hangs fails the test instead of blocking CI

# One writer process. It opens the archive exactly as the command line does
# (ArchiveService.open: find_archive + parse_store_url + TimelineArchive), waits at a
# barrier so both writers start at the same instant, then records or corrects
# through the application's public API and writes what it was acknowledged.
WORKER = """
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

from eventsourcing.persistence import IntegrityError

from timeline.app.application import Draft, WriteOptions
from timeline.app.service import ArchiveService
from timeline.domain.dates import PartialDate
from timeline.domain.model import Source
from timeline.errors import ConcurrentWriteConflict

job = json.loads(sys.argv[1])
name = job["name"]
workdir = Path(job["workdir"])
service = ArchiveService.open(job["archive"], store=os.environ.get("TIMELINE_STORE"))
app = service.app

# Count the races this writer lost (TimelineArchive.save_retrying retries each one).
lost_races = 0
plain_save = app.save


def counting_save(*aggregates, **kwargs):
    global lost_races
    # A pause between reading and writing, as on a slow disk, so the writers really race.
    time.sleep(job["save_delay"])
    try:
        return plain_save(*aggregates, **kwargs)
    except IntegrityError:
        lost_races += 1
        raise


app.save = counting_save

(workdir / f"ready-{name}").touch()
deadline = time.monotonic() + 60
while not (workdir / "go").exists():
    if time.monotonic() > deadline:
        sys.exit("never told to go")
    time.sleep(0.001)

started = time.monotonic()
acknowledged, gave_up = [], []
if job["mode"] == "add":
    own_dates_from = dt.date.fromisoformat(job["own_dates_from"])
    for i in range(job["count"]):
        if i < job["count"] // 2:
            # Both writers add this title on the same date, at the same time: the same base slug.
            title, date, allow_duplicate = job["shared_title"], job["shared_date"], True
        else:
            # A title only this writer uses, each on its own day.
            title = f"Writer {name} records distinct event {i}"
            date, allow_duplicate = (own_dates_from + dt.timedelta(days=i)).isoformat(), False
        draft = Draft(
            title=title,
            kind="statement",
            date=PartialDate(date),
            sources=(Source(title=f"Report: {title}", publisher="Test Wire"),),
        )
        options = WriteOptions(editor=f"Writer {name}", allow_duplicate=allow_duplicate)
        try:
            entry = app.add(draft, options)
        except ConcurrentWriteConflict as error:
            gave_up.append(f"{title}: {error}")
            continue
        acknowledged.append(
            {"id": str(entry.id), "short_id": entry.short_id, "slug": entry.slug, "title": title}
        )
else:
    for i in range(job["count"]):
        options = WriteOptions(editor=f"Writer {name}", reason=f"writer {name} correction {i}")
        changes = {"summary": f"Summary written by writer {name}, correction {i}."}
        try:
            entry = app.correct(job["entry"], changes, options)
        except ConcurrentWriteConflict as error:
            gave_up.append(f"correction {i}: {error}")
            continue
        acknowledged.append({"reason": options.reason, "revision": entry.revision})

report = {
    "name": name,
    "seconds": round(time.monotonic() - started, 2),
    "acknowledged": acknowledged,
    "gave_up": gave_up,
    "lost_races": lost_races,
}
(workdir / f"report-{name}.json").write_text(json.dumps(report), encoding="utf-8")
app.close()
"""


def run_two_writers(store: ArchiveUnderTest, tmp_path: Path, jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Start one process per job, release them together, wait; their reports, in job order.

    Each writer opens the store in turn (opening at the same instant is
    test_two_cli_processes_at_once's business), then waits at the barrier."""
    workdir = tmp_path / "writers"
    jobs = [{**job, "archive": str(store.root), "workdir": str(workdir)} for job in jobs]
    run_at_barrier(store, WORKER, workdir, jobs, timeout=PROCESS_TIMEOUT, one_by_one=True)
    return [json.loads((workdir / f"report-{job['name']}.json").read_text()) for job in jobs]


def base_slug(title: str, date: str = SHARED_DATE) -> str:
    return f"{date}-{title.lower().replace(' ', '-')}"


def test_two_processes_add_200_entries_each(store: ArchiveUnderTest, tmp_path: Path) -> None:
    common = {
        "mode": "add",
        "count": ENTRIES_PER_WRITER,
        "shared_title": SHARED_TITLE,
        "shared_date": SHARED_DATE,
        "save_delay": SAVE_DELAY,
    }
    started = time.monotonic()
    reports = run_two_writers(
        store,
        tmp_path,
        [
            {**common, "name": "alpha", "own_dates_from": "2019-01-01"},
            {**common, "name": "beta", "own_dates_from": "2018-01-01"},
        ],
    )
    seconds = time.monotonic() - started
    print(
        f"{store.kind}: 2 x {ENTRIES_PER_WRITER} entries in {seconds:.1f} s; "
        + ", ".join(f"{r['name']} {r['seconds']} s, {r['lost_races']} lost races" for r in reports)
    )

    # Every add was acknowledged: the retry loop absorbed every race.
    for report in reports:
        assert report["gave_up"] == [], (
            f"writer {report['name']} gave up {len(report['gave_up'])} times, e.g. {report['gave_up'][:2]}"
        )
        assert len(report["acknowledged"]) == ENTRIES_PER_WRITER
    # The races really happened: some save lost to the other writer and was retried.
    assert sum(r["lost_races"] for r in reports) > 0, "the writers never raced; the test proves nothing"

    acknowledged = [a for r in reports for a in r["acknowledged"]]
    entries = store.json("list", "--all")
    assert len(entries) == 2 * ENTRIES_PER_WRITER
    slugs = [e["slug"] for e in entries]
    assert len(set(slugs)) == 2 * ENTRIES_PER_WRITER, Counter(slugs).most_common(3)
    assert len({e["short_id"] for e in entries}) == 2 * ENTRIES_PER_WRITER
    assert len({e["id"] for e in entries}) == 2 * ENTRIES_PER_WRITER
    assert all(e["revision"] == 1 for e in entries)
    assert all(len(e["sources"]) == 1 for e in entries)

    # What each writer was told is what the archive holds, id for id.
    stored = {e["id"]: e for e in entries}
    assert {a["id"] for a in acknowledged} == set(stored)
    for ack in acknowledged:
        entry = stored[ack["id"]]
        assert (entry["slug"], entry["short_id"], entry["title"]) == (ack["slug"], ack["short_id"], ack["title"])
        assert entry["sources"][0]["title"] == f"Report: {ack['title']}"

    # Half of each writer's entries have the shared title: together they hold
    # the base slug and -2, -3, ... with no gap and no repeat.
    per_writer = ENTRIES_PER_WRITER // 2
    for report in reports:
        assert sum(a["title"] == SHARED_TITLE for a in report["acknowledged"]) == per_writer
    base = base_slug(SHARED_TITLE)
    assert sorted(e["slug"] for e in entries if e["title"] == SHARED_TITLE) == sorted(
        [base] + [f"{base}-{n}" for n in range(2, 2 * per_writer + 1)]
    )

    # The stored events are exactly each entry's Recorded event and its two
    # reservations: nothing half-written, nothing left over from a lost race.
    notifications = store.notifications()
    assert len(notifications) == 3 * 2 * ENTRIES_PER_WRITER
    topics = Counter(topic for _, _, topic in notifications)
    assert topics == {
        "timeline:PolicyEvent.Recorded": 2 * ENTRIES_PER_WRITER,
        "timeline:Reservation.Reserved": 4 * ENTRIES_PER_WRITER,
    }
    reserved = {UUID(originator) for _, originator, topic in notifications if topic == "timeline:Reservation.Reserved"}
    assert reserved == {Reservation.create_id("slug", e["slug"]) for e in entries} | {
        Reservation.create_id("short", e["short_id"]) for e in entries
    }

    # One racing pair, read back with `timeline show`: two entries, two slugs.
    first, second = store.json("show", base), store.json("show", f"{base}-2")
    assert first["slug"] == base
    assert second["slug"] == f"{base}-2"
    assert first["title"] == second["title"] == SHARED_TITLE
    assert first["id"] != second["id"]
    assert first["short_id"] != second["short_id"]


def test_two_cli_processes_at_once(store: ArchiveUnderTest) -> None:
    """Pairs of real `timeline add` processes race for one slug; both are recorded."""
    started = time.monotonic()

    def timeline_add(title: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "timeline",
                "add",
                "--title",
                title,
                "--kind",
                "statement",
                "--date",
                "2020-06-01",
                "--source-title",
                f"Report: {title}",
                "--source-publisher",
                "Test Wire",
                "--allow-duplicate",
                "--json",
            ],
            env=process_env(store),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    recorded = []
    for pair in range(CLI_PAIRS):
        title = f"Joint statement by platforms {pair}"
        processes = [timeline_add(title), timeline_add(title)]
        slugs = []
        for process in processes:
            stdout, stderr = process.communicate(timeout=PROCESS_TIMEOUT)
            assert process.returncode == 0, f"timeline add exited {process.returncode}: {stderr}"
            assert stderr == ""
            slugs.append(json.loads(stdout)["slug"])
        base = base_slug(title, "2020-06-01")
        assert sorted(slugs) == [base, f"{base}-2"]
        recorded += slugs
    print(f"{store.kind}: {2 * CLI_PAIRS} timeline add processes in {time.monotonic() - started:.1f} s")

    entries = store.json("list", "--all")
    assert len(entries) == 2 * CLI_PAIRS
    assert sorted(e["slug"] for e in entries) == sorted(recorded)
    assert len(set(recorded)) == 2 * CLI_PAIRS
    assert len(store.notifications()) == 3 * 2 * CLI_PAIRS


def test_concurrent_corrections_of_one_entry_are_all_kept(store: ArchiveUnderTest, tmp_path: Path) -> None:
    entry = store.add("Platform updates its civic integrity policy", "2020-09-10", "policy-change")
    common = {
        "mode": "correct",
        "count": CORRECTIONS_PER_WRITER,
        "entry": entry["slug"],
        "save_delay": SAVE_DELAY,
    }
    started = time.monotonic()
    reports = run_two_writers(store, tmp_path, [{**common, "name": "alpha"}, {**common, "name": "beta"}])
    print(
        f"{store.kind}: 2 x {CORRECTIONS_PER_WRITER} corrections in {time.monotonic() - started:.1f} s; "
        + ", ".join(f"{r['name']} {r['lost_races']} lost races" for r in reports)
    )

    for report in reports:
        assert report["gave_up"] == [], (
            f"writer {report['name']} gave up {len(report['gave_up'])} times, e.g. {report['gave_up'][:2]}"
        )
        assert len(report["acknowledged"]) == CORRECTIONS_PER_WRITER
    # No two acknowledged corrections claim the same revision: none overwrote another.
    acknowledged_revisions = sorted(a["revision"] for r in reports for a in r["acknowledged"])
    assert acknowledged_revisions == list(range(2, 2 * CORRECTIONS_PER_WRITER + 2))

    total = 1 + 2 * CORRECTIONS_PER_WRITER
    shown = store.json("show", entry["slug"])
    assert shown["revision"] == total
    history = store.json("history", entry["slug"])
    assert [r["revision"] for r in history] == list(range(1, total + 1))
    assert [r["change"] for r in history] == ["recorded"] + ["corrected"] * (total - 1)
    reasons = Counter(r["reason"] for r in history[1:])
    expected = {f"writer {n} correction {i}" for n in ("alpha", "beta") for i in range(CORRECTIONS_PER_WRITER)}
    assert set(reasons) == expected
    assert max(reasons.values()) == 1
    # Each writer's corrections appear in the order it made them.
    for name in ("alpha", "beta"):
        own = [r["reason"] for r in history if r["reason"].startswith(f"writer {name} ")]
        assert own == [f"writer {name} correction {i}" for i in range(CORRECTIONS_PER_WRITER)]
    # The entry reads as its last revision says.
    last = history[-1]["reason"].split()
    assert shown["summary"] == f"Summary written by writer {last[1]}, correction {last[3]}."
