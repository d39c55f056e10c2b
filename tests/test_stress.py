"""Four writers at once on one archive: adds, corrections, sources, links, unlinks and retractions.

tests/test_two_writers.py proves that two writers racing for slugs, short ids and one entry's next
revision both succeed. This extends it to a realistic mix, on SQLite and on PostgreSQL: four real
processes, released at the same instant, each run a seeded random sequence of `timeline` commands
(the command line's own code, in the process, so each command costs milliseconds rather than a
process start), against entries any of them recorded. Half of the adds race for the same slugs.
Each writer logs every command's outcome: exit 0 is a change the store acknowledged, exit 2 one it
refused (a correction of an entry another writer retracted, a link that exists already...).

Afterwards:
- every acknowledged change is in the store exactly once (each command has its own reason), and no
  refused one is there;
- no slug and no short id names two entries, and each entry holds its reservations;
- every events/ file is the entry as the store holds it (concurrent commands rewrite the same
  files), so `timeline build`'s sync refuses nothing;
- the built site passes a link check: every relative href and src of every page resolves to a file,
  and every page is whole.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import ArchiveUnderTest
from sitecheck import broken_links, whole_html
from writers import run_at_barrier

from timeline.app.history import changes
from timeline.app.service import ArchiveService

pytestmark = pytest.mark.slow

WRITERS = ("alpha", "beta", "gamma", "delta")
COMMANDS_PER_WRITER = 40
PROCESS_TIMEOUT = 180
BASE_URL = "https://example.org/"

# One writer: waits at the barrier, then runs its commands and logs each outcome.
WRITER = r'''
import json
import random
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from timeline.cli import main

job = json.loads(sys.argv[1])
name, workdir = job["name"], Path(job["workdir"])
rng = random.Random(job["seed"])
runner = CliRunner()
own_slugs = workdir / f"slugs-{name}.txt"
SHARED_TITLES = ["Platform suspends accounts for coordinated behaviour", "Court rules on a takedown order"]
ACTORS = ["Twitter:author", "Meta:author", "European Commission:regulator", "A court:judge"]
PLATFORMS = ["Twitter", "Facebook", "YouTube"]
TOPICS = ["elections", "harassment", "terrorism", "copyright"]
RELATIONS = ["related", "responds-to", "follows"]
HOT = 3
own_links = []


def known_slugs():
    """Every slug any writer was told about (complete lines only: a writer may be mid-line)."""
    slugs = []
    for path in sorted(workdir.glob("slugs-*.txt")):
        text = path.read_text(encoding="utf-8")
        slugs += text[: text.rfind("\n") + 1].split()
    return slugs


def command(number):
    """A random command: what it is, and its arguments."""
    slugs = known_slugs()
    reason = f"{name} command {number}"
    common = ["--editor", name, "--reason", reason]
    kind = rng.choices(["add", "correct", "source", "link", "unlink", "retract"], [36, 28, 10, 16, 6, 4])[0]
    if kind == "add" or len(slugs) < 2:
        if rng.random() < 0.5:
            title, date = rng.choice(SHARED_TITLES), "2021-03-04"  # every writer races for these slugs
        else:
            title = f"{name.title()} records event {number}"
            date = f"20{rng.randint(18, 22)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        args = ["add", "--title", title, "--kind", rng.choice(["statement", "takedown", "lawsuit"]), "--date", date,
                "--actor", rng.choice(ACTORS), "--platform", rng.choice(PLATFORMS), "--topic", rng.choice(TOPICS),
                "--source-title", f"Report on {title.lower()}", "--source-url", f"https://news.example/{name}/{number}",
                "--allow-duplicate", "--json", *common]
        if slugs and rng.random() < 0.3:
            args += ["--link", rng.choice(RELATIONS), rng.choice(slugs)]
        return "add", args
    entry, other = rng.sample(slugs, 2)
    if kind != "retract" and rng.random() < 0.5:
        entry = rng.choice(slugs[:HOT])  # a few entries every writer changes: their next revision is raced for
    elif kind == "retract" and entry in slugs[:HOT]:
        kind = "correct"
    if kind == "correct":
        field = rng.choice([["--title", f"Retitled by {name} in command {number}"],
                            ["--summary", f"Summary by {name}, command {number}."],
                            ["--topic", rng.choice(TOPICS), "--topic", rng.choice(TOPICS)]])
        return "correct", ["correct", entry, *field, *common]
    if kind == "source":
        return "source", ["source", "add", entry, "--title", f"Another account, command {number}",
                          "--publisher", name.title(), *common]
    if kind == "unlink" and own_links:
        return kind, ["unlink", *own_links.pop(rng.randrange(len(own_links))), *common]
    if kind in ("link", "unlink"):
        return kind, [kind, entry, rng.choice(RELATIONS), other, *common]
    return "retract", ["retract", entry, *common]


(workdir / f"ready-{name}").touch()
deadline = time.monotonic() + 60
while not (workdir / "go").exists():
    if time.monotonic() > deadline:
        sys.exit("never told to go")
    time.sleep(0.001)

log = []
for number in range(job["commands"]):
    kind, args = command(number)
    result = runner.invoke(main, args)
    outcome = {"kind": kind, "args": args, "exit": result.exit_code, "reason": f"{name} command {number}"}
    if result.exit_code == 0 and kind == "add":
        entry = json.loads(result.stdout)
        outcome.update(slug=entry["slug"], short_id=entry["short_id"], id=entry["id"])
        with own_slugs.open("a", encoding="utf-8") as stream:
            stream.write(entry["slug"] + "\n")
    elif result.exit_code == 0 and kind == "link":
        own_links.append(args[1:4])
    elif result.exit_code != 0:
        outcome["error"] = (result.stderr or result.output).strip()[-300:]
    log.append(outcome)
(workdir / f"log-{name}.json").write_text(json.dumps(log), encoding="utf-8")
'''


def run_writers(store: ArchiveUnderTest, workdir: Path) -> dict[str, list[dict[str, Any]]]:
    """Start the writers, release them together, wait; each writer's log."""
    jobs = [
        {"name": name, "workdir": str(workdir), "seed": seed, "commands": COMMANDS_PER_WRITER}
        for seed, name in enumerate(WRITERS)
    ]
    run_at_barrier(store, WRITER, workdir, jobs, timeout=PROCESS_TIMEOUT)
    return {name: json.loads((workdir / f"log-{name}.json").read_text()) for name in WRITERS}


def test_four_writers_adding_correcting_and_linking_at_once(store: ArchiveUnderTest, tmp_path: Path) -> None:
    started = time.monotonic()
    logs = run_writers(store, tmp_path / "writers")
    seconds = time.monotonic() - started
    outcomes = [outcome for log in logs.values() for outcome in log]

    # Every command either succeeded or was refused with one line naming why; none failed.
    failed = [o for o in outcomes if o["exit"] not in (0, 2)]
    assert failed == [], failed[:3]
    acknowledged = [o for o in outcomes if o["exit"] == 0]
    refused = [o for o in outcomes if o["exit"] == 2]
    kinds = Counter(o["kind"] for o in acknowledged)
    print(f"{store.kind}: {len(outcomes)} commands by {len(WRITERS)} writers in {seconds:.1f} s; acknowledged "
          f"{dict(kinds)}; refused {dict(Counter(o['kind'] for o in refused))}, e.g. "
          f"{[o['error'] for o in refused[:2]]}")  # fmt: skip
    # The mix really happened: each kind of change was acknowledged, across writers' entries.
    assert all(kinds[k] > 0 for k in ("add", "correct", "source", "link")), kinds
    # A writer that loses a race for the same entry eight times in a row gives up with "try again" and
    # saves nothing: a refusal like the others, rare enough here.
    gave_up = [o for o in refused if "kept changing" in o["error"]]
    assert len(gave_up) <= len(refused) // 2, gave_up

    service = ArchiveService.open(store.root, store=store.store_url)
    try:
        app = service.app
        # Each acknowledged command is one stored change, under its writer's name and reason; no refused
        # command left anything.
        stored = Counter((change.editor, change.reason) for _, change in changes(app))
        assert stored == Counter((o["args"][o["args"].index("--editor") + 1], o["reason"]) for o in acknowledged)
        assert not {o["reason"] for o in refused} & {reason for _, reason in stored}
        entries = list(app.entries())
        added = {o["id"]: o for o in acknowledged if o["kind"] == "add"}
        assert {str(e.id) for e in entries} == set(added)
        for entry in entries:
            assert (entry.slug, entry.short_id) == (added[str(entry.id)]["slug"], added[str(entry.id)]["short_id"])
            assert app.reservation("slug", entry.slug).entry_id == entry.id  # type: ignore[union-attr]
            assert app.reservation("short", entry.short_id).entry_id == entry.id  # type: ignore[union-attr]
    finally:
        service.close()
    assert len({e.slug for e in entries}) == len(entries)
    assert len({e.short_id for e in entries}) == len(entries)
    racing = [e.slug for e in entries if e.slug.startswith("2021-03-04-")]
    assert len(racing) > len(WRITERS), "the writers never raced for a slug"

    # The events/ files are the store's entries, though four processes rewrote them at once.
    exported = tmp_path / "exported"
    store.ok("export", str(exported))
    events = store.root / "events"
    assert sorted(p.name for p in events.iterdir()) == sorted(p.name for p in exported.iterdir())
    stale = [p.name for p in exported.iterdir() if p.read_bytes() != (events / p.name).read_bytes()]
    assert stale == [], f"{len(stale)} events/ files are not the store's entries, e.g. {stale[:3]}"

    out = tmp_path / "site"
    result = store.ok("build", "--out", str(out))  # exit 0: its sync refused no file
    assert result.stderr == ""
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 3 * len(entries)
    assert [p for p in pages if not whole_html(p.read_bytes())] == []
    assert broken_links(out, BASE_URL) == []
