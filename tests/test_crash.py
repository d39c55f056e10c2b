"""Crashes: `timeline build`, `timeline import` and `timeline sync` killed (SIGKILL) at many moments.

Each command runs as a real process, in its own process group, and the whole group is killed at a
moment picked by a seeded random generator, as a power cut or the OOM killer would. Then:

1. `timeline build`, killed at 30 moments spread uniformly over an unkilled build's duration, after
   corrections, a new entry (in a new year, with new facets and a link), a retraction (which removes
   a year page) and a new link:
   - every file of the site is whole and is either the old or the new version of that file (no
     truncated or mixed file, no page that vanished mid-build);
   - every link of every page a reader can reach (from the home page, or from any address published
     before) leads to a file; new pages are written before any page links to them, and pages the
     site no longer has are removed only after no page links to them;
   - temporary files a write left behind are in no page's links, and the next build removes them;
   - the next `timeline build` completes, and its site equals a clean `timeline build --full` into
     a fresh folder, file by file (the search index is compared by the pages each part holds:
     Pagefind never writes the same bytes twice), manifest.json included; so does a `--full` build
     after a killed one.
   Only the search index's own files are left out of the byte comparison, for the reason above; its
   list of parts is compared byte for byte.
2. `timeline import`, killed after each transaction but the last (it saves 200 entries a
   transaction) and at moments spread over its run, leaves a store where every aggregate loads and
   no slug or short id is shared; running the same import again finishes it: every row once, three
   stored events per entry, and an events/ file for each.
3. `timeline sync`, killed right after chosen saves (an edit, a new file's entry, its retraction) and
   at moments spread over its run, while it applies hand edits to many events/ files and records new
   files, leaves a consistent store; running it again applies every edit exactly once and records
   every new file exactly once.

The crashes found defects, fixed with these tests: links to pages not yet written and to pages
already removed, a manifest and search index left stale for good, a build that failed forever after
a kill between removing a file and its folder, leftover temporary files, import not writing the
files of entries an interrupted run saved, and sync recording a new file twice (refused as a likely
duplicate) when killed between recording it and rewriting it.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from conftest import ArchiveUnderTest
from sitecheck import SEARCH_INDEX, broken_links, site_files, targets_of, temporary_files, whole_html

from timeline.app.service import ArchiveService
from timeline.domain.model import PolicyEvent, Reservation

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import entries, write_jsonl

pytestmark = pytest.mark.slow

SEED = 20261121
BASE_URL = "https://example.org/"  # what `timeline init` writes
BUILD_ENTRIES = 30  # a full build takes ~1.5 s; an incremental one of the changes below ~1 s
KILL_POINTS = 30
IMPORT_ENTRIES = 400  # two transactions of 200
IMPORT_KILLS = 3
SYNC_EDITS = 40
SYNC_NEW_FILES = 5
SYNC_KILLS = 2
PROCESS_TIMEOUT = 120


# Processes -------------------------------------------------------------------------------------


# `timeline` in a process that kills itself (SIGKILL) right after the N-th call of one
# TimelineArchive method (or of a function of timeline.app.sync, named "sync.NAME") returned: a
# crash at an exact point, e.g. between a save and the file written after it.
KILLED_AFTER_CALL = """
import os, signal, sys
import timeline.app.sync
from timeline.app.application import TimelineArchive
from timeline.cli import main

method, after = sys.argv[1], int(sys.argv[2])
owner = timeline.app.sync if method.startswith("sync.") else TimelineArchive
name = method.removeprefix("sync.")
original, calls = getattr(owner, name), []

def returns_then_dies(*args, **kwargs):
    result = original(*args, **kwargs)
    calls.append(1)
    if len(calls) == after:
        os.kill(os.getpid(), signal.SIGKILL)
    return result

setattr(owner, name, returns_then_dies)
sys.argv = ["timeline", *sys.argv[3:]]
main()
"""


def start(root: Path, *args: str, dying_after: tuple[str, int] | None = None) -> subprocess.Popen[bytes]:
    """`timeline ARGS` on the archive at ROOT, as its own process group (so a kill takes its
    children); with DYING_AFTER (method, n), one that kills itself after the n-th call of method."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIMELINE_")}
    env |= {"TIMELINE_ARCHIVE": str(root), "TIMELINE_EDITOR": "Crash Test"}
    command = [sys.executable, "-m", "timeline", *args]
    if dying_after is not None:
        command = [sys.executable, "-c", KILLED_AFTER_CALL, dying_after[0], str(dying_after[1]), *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def finish(process: subprocess.Popen[bytes]) -> str:
    """Wait for a process that must succeed; its standard output."""
    stdout, stderr = process.communicate(timeout=PROCESS_TIMEOUT)
    assert process.returncode == 0, f"{process.args} exited {process.returncode}: {stderr.decode()}"
    return stdout.decode()


def run(root: Path, *args: str) -> str:
    return finish(start(root, *args))


def kill_after(process: subprocess.Popen[bytes], seconds: float) -> bool:
    """SIGKILL the process and its children after SECONDS; whether it was still running then.

    The process is not reaped before the kill, so its id (and its group's) cannot have been reused.
    """
    time.sleep(seconds)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=PROCESS_TIMEOUT)
    return process.returncode == -signal.SIGKILL


def dies(process: subprocess.Popen[bytes]) -> bool:
    """Wait for a process started with DYING_AFTER; whether it got to its point of death."""
    process.communicate(timeout=PROCESS_TIMEOUT)
    return process.returncode == -signal.SIGKILL


def timed(root: Path, *args: str) -> float:
    started = time.monotonic()
    run(root, *args)
    return time.monotonic() - started


def kill_moments(duration: float, count: int, rng: random.Random) -> list[float]:
    """COUNT moments spread uniformly over DURATION: one at a random point of each COUNT-th of it."""
    moments = [duration * (i + rng.random()) / count for i in range(count)]
    rng.shuffle(moments)
    return moments


# Archive folders -------------------------------------------------------------------------------


def _link_site_files(source: str, target: str) -> None:
    """Built pages are only ever replaced by a rename, never changed in place, so a restored copy
    may share them with the snapshot; databases and the rest are copied."""
    if f"{os.sep}_site{os.sep}" in source:
        os.link(source, target)
    else:
        shutil.copy2(source, target)


def restore(snapshot: Path, root: Path) -> None:
    """Put the archive back as it was at SNAPSHOT, at the same path (the read model of its site
    is named after the site's absolute path). The archive it replaces is moved aside, not deleted:
    pytest removes it later, outside the time the test takes."""
    if root.exists():
        root.rename(root.parent / f"{root.name}-{time.monotonic_ns()}")
    shutil.copytree(snapshot, root, copy_function=_link_site_files)


def store_rows(root: Path) -> list[tuple[str, int, str]]:
    """(originator id, version, topic) of every stored event."""
    with closing(sqlite3.connect(root / "timeline.sqlite")) as connection:
        rows = connection.execute(
            "SELECT originator_id, originator_version, topic FROM stored_events ORDER BY rowid"
        ).fetchall()
    return [(str(r[0]), int(r[1]), str(r[2])) for r in rows]


def check_store(root: Path) -> list[PolicyEvent]:
    """Every aggregate of the store loads, versions have no gap, and slugs and short ids each name
    one entry through their reservations; returns the entries."""
    rows = store_rows(root)
    versions: dict[str, list[int]] = {}
    for originator, version, _ in rows:
        versions.setdefault(originator, []).append(version)
    for originator, numbers in versions.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), originator
    with ArchiveService.open(root) as service:
        loaded = {UUID(originator): service.app.repository.get(UUID(originator)) for originator in versions}
        entries_found = [a for a in loaded.values() if isinstance(a, PolicyEvent)]
        reservations = [a for a in loaded.values() if isinstance(a, Reservation)]
    slugs = Counter(e.slug for e in entries_found)
    assert max(slugs.values(), default=1) == 1, slugs.most_common(3)
    short_ids = Counter(e.short_id for e in entries_found)
    assert max(short_ids.values(), default=1) == 1, short_ids.most_common(3)
    # Each entry holds its two names, and no name is held for an entry the store does not have.
    held = {(r.namespace, r.name): r.entry_id for r in reservations}
    named = {("slug", e.slug): e.id for e in entries_found} | {("short", e.short_id): e.id for e in entries_found}
    assert held == named
    return entries_found


# 1. timeline build -----------------------------------------------------------------------------


def in_few_years(rows: list[dict[str, Any]], first: int = 2017, years: int = 4) -> list[dict[str, Any]]:
    """The generated entries moved into a few years (slugs, dates and relation targets alike): each
    year is a page and a part of the search index, which a new year makes every build rewrite."""

    def moved(text: str) -> str:
        return f"{first + int(text[:4]) % years}{text[4:]}"

    for row in rows:
        row["date"], row["slug"] = moved(row["date"]), moved(row["slug"])
        row["sources"] = [{**source, "date": moved(source["date"])} for source in row["sources"]]
        row["relations"] = [{**relation, "target": moved(relation["target"])} for relation in row["relations"]]
    return rows


@dataclass
class Versions:
    """The site before the changes (old) and a clean full build after them (new), with the links of
    each version of each page, parsed once."""

    old: dict[str, bytes]
    new: dict[str, bytes]
    links: dict[tuple[str, bytes], set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for tree in (self.old, self.new):
            for path, content in tree.items():
                if path.endswith(".html"):
                    assert whole_html(content), path
                    self.links[(path, content)] = targets_of(path, content, BASE_URL)

    def unreachable_links(self, state: dict[str, bytes]) -> list[str]:
        """Links that lead nowhere, from every page a reader can reach in STATE: from the home page
        and from every address the old site published, following links."""
        pending = [p for p in state if p.endswith(".html") and (p in self.old or p == "index.html")]
        seen, broken = set(pending), []
        while pending:
            page = pending.pop()
            for target in sorted(self.links[(page, state[page])]):
                if target not in state:
                    broken.append(f"{page} -> {target}")
                elif target.endswith(".html") and target not in seen:
                    seen.add(target)
                    pending.append(target)
        return broken


def search_parts(site: Path) -> dict[str, set[str]]:
    """Each part of the search index by the pages it holds: Pagefind names a page's fragment by
    its content, though the rest of its files differ from one run to the next."""
    root = site / SEARCH_INDEX
    return {
        part.name: {f.name for f in (part / "fragment").iterdir()} if (part / "fragment").is_dir() else set()
        for part in sorted(root.iterdir())
        if part.is_dir()
    }


def folders(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_dir() and SEARCH_INDEX not in f"{p}/"}


def make_changes(archive: ArchiveUnderTest, rows: list[dict[str, Any]], lone: str) -> None:
    """Corrections, a new entry in a new year with new facets, a retraction that empties a year,
    and links both ways: pages appear, change and disappear. The entries changed share a year, so
    that the search index is rebuilt for two of its parts (that year and the new one) only."""
    linked_to = {r["target"] for row in rows for r in row["relations"]}
    by_year: dict[str, list[str]] = {}
    for row in rows:
        by_year.setdefault(row["slug"][:4], []).append(row["slug"])
    chosen = max(by_year.values(), key=len)
    target = next(slug for slug in chosen if slug not in linked_to)
    moved, sourced, linker = [slug for slug in chosen if slug != target][:3]
    archive.ok("correct", target, "--title", "A retitled entry others respond to", "--reason", "clearer title")
    archive.ok("correct", moved, "--date", "2024-02-29", "--reason", "the right year")
    archive.ok(
        "source", "add", sourced, "--title", "A later account", "--publisher", "Late Wire",
        "--url", "https://late.example/account", "--reason", "a second source",
    )  # fmt: skip
    archive.ok("retract", lone, "--reason", "it never happened")
    new = archive.add(
        "A new entry in a year of its own", "1997-07-07", "hearing",
        "--actor", "A brand new actor:issuer", "--platform", "A new platform", "--topic", "A new topic",
        "--jurisdiction", "A new place", "--source-url", "https://new.example/report",
        "--link", "responds-to", target, "--allow-out-of-order",
    )  # fmt: skip
    archive.ok("link", linker, "related", new["slug"], "--reason", "same hearing")


def test_a_build_killed_at_any_moment_leaves_a_whole_site_and_the_next_build_completes_it(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    started = time.monotonic()
    archive, root, site = sqlite_archive, sqlite_archive.root, sqlite_archive.root / "_site"
    rows = in_few_years(entries(BUILD_ENTRIES, seed=SEED))
    write_jsonl(rows, tmp_path / "entries.jsonl")
    archive.ok("import", str(tmp_path / "entries.jsonl"))
    lone = archive.add("The only entry of 1998", "1998-03-03", "statement")["slug"]
    run(root, "build")
    old = site_files(site)
    assert "timeline/1998/index.html" in old
    make_changes(archive, rows, lone)

    snapshot = tmp_path / "snapshot"
    shutil.copytree(root, snapshot)
    reference = tmp_path / "reference"
    run(root, "build", "--full", "--out", str(reference))
    # The builds below start with the citations this one styled: a cache that changes nothing but
    # time (the CSL processor's ~5 ms a reference would otherwise be a third of every build).
    for cache in (root / ".timeline").glob("citations.sqlite*"):
        shutil.copy2(cache, snapshot / ".timeline" / cache.name)
    versions = Versions(old=old, new=site_files(reference))
    assert broken_links(reference, BASE_URL) == []
    assert "timeline/1998/index.html" not in versions.new and "timeline/1997/index.html" not in old
    reference_parts, reference_folders = search_parts(reference), folders(reference)

    # Unkilled builds, timed (the shorter of two, as a busy machine may slow one); they too must give
    # the reference site.
    durations = []
    for _ in range(2):
        restore(snapshot, root)
        durations.append(timed(root, "build"))
        assert site_files(site) == versions.new
        assert search_parts(site) == reference_parts
    duration = min(durations)
    prepared = time.monotonic() - started

    rng = random.Random(SEED)
    outcomes: Counter[str] = Counter()
    stray, mixed_at = 0, []
    for moment in kill_moments(duration, KILL_POINTS, rng):
        restore(snapshot, root)
        killed = kill_after(start(root, "build"), moment)
        where = f"killed at {moment:.3f} s of {duration:.3f} s"

        temporaries = temporary_files(site)
        stray += len(temporaries)
        state = {p: c for p, c in site_files(site).items() if p not in temporaries}
        neither = sorted(p for p, c in state.items() if c != versions.old.get(p) and c != versions.new.get(p))
        assert neither == [], f"{where}: files that are neither the old nor the new version: {neither[:5]}"
        vanished = sorted(p for p in versions.old.keys() & versions.new.keys() if p not in state)
        assert vanished == [], f"{where}: files missing mid-build: {vanished[:5]}"
        broken = versions.unreachable_links(state)
        assert broken == [], f"{where}: {len(broken)} links lead nowhere, e.g. {broken[:5]}"
        outcomes["old site"] += state == versions.old
        outcomes["new site"] += state == versions.new
        outcomes["a mix"] += state not in (versions.old, versions.new)
        if state not in (versions.old, versions.new):
            mixed_at.append(moment)
        outcomes["finished first"] += not killed

        archive.ok("build")  # in this process: the command as a process was proven above, and it saves time
        assert temporary_files(site) == [], where
        rebuilt = site_files(site)
        differing = sorted(p for p in rebuilt.keys() | versions.new.keys() if rebuilt.get(p) != versions.new.get(p))
        assert differing == [], f"{where}: the next build differs from a full build in {differing[:5]}"
        assert folders(site) == reference_folders, where
        assert search_parts(site) == reference_parts, f"{where}: the search index is not the full build's"

    print(
        f"build of the changes: {duration:.2f} s; {KILL_POINTS} kills: {dict(outcomes)}, "
        f"{stray} temporary files left and removed; prepared in {prepared:.1f} s, "
        f"all in {time.monotonic() - started:.1f} s"
    )
    # The kills landed all over the build: before it wrote anything, in the middle, and after.
    assert outcomes["a mix"] > 0 and outcomes["old site"] > 0, outcomes

    # A full build after a killed one completes it just as well, leftovers included.
    restore(snapshot, root)
    kill_after(start(root, "build"), mixed_at[0])
    archive.ok("build", "--full")
    assert temporary_files(site) == []
    assert site_files(site) == versions.new
    assert search_parts(site) == reference_parts


# 2. timeline import ----------------------------------------------------------------------------


def events_files(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "events").iterdir())


def test_an_import_killed_while_saving_is_finished_by_running_it_again(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    root = sqlite_archive.root
    rows = entries(IMPORT_ENTRIES, seed=SEED)
    source = tmp_path / "entries.jsonl"
    write_jsonl(rows, source)
    snapshot = tmp_path / "snapshot"
    shutil.copytree(root, snapshot)
    duration = timed(root, "import", str(source))
    assert len(store_rows(root)) == 3 * IMPORT_ENTRIES

    # Killed right after each transaction but the last, and at moments spread over the import
    # (reading and checking the rows, saving, writing the events/ files).
    rng = random.Random(SEED)
    kills: list[tuple[str, Callable[[], bool]]] = [
        (f"killed after transaction {n}", lambda n=n: dies(start(root, "import", str(source), dying_after=("save", n))))
        for n in range(1, IMPORT_ENTRIES // 200)
    ]
    kills += [
        (f"killed at {m:.2f} s of {duration:.2f} s", lambda m=m: kill_after(start(root, "import", str(source)), m))
        for m in sorted(kill_moments(duration, IMPORT_KILLS, rng))
    ]
    saved_when_killed = []
    for where, kill in kills:
        restore(snapshot, root)
        killed = kill()
        assert killed or where.startswith("killed at"), f"{where}: the import never got there"
        found = check_store(root)
        # Saved a transaction at a time: whole batches of 200 entries, or nothing.
        assert len(found) % 200 == 0, f"{where}: {len(found)} entries"
        saved_when_killed.append(len(found))

        output = run(root, "import", str(source))
        assert f"({len(found)} already imported)" in output, f"{where}: {output}"
        finished = check_store(root)
        assert sorted(e.slug for e in finished) == sorted(r["slug"] for r in rows), where
        assert len(store_rows(root)) == 3 * IMPORT_ENTRIES, f"{where}: stored events are not one entry's three each"
        assert events_files(root) == sorted(f"{r['slug']}.md" for r in rows), f"{where}: events/ is not complete"
    print(f"import of {IMPORT_ENTRIES} entries: {duration:.2f} s; entries saved when killed: {saved_when_killed}")
    assert saved_when_killed[: IMPORT_ENTRIES // 200 - 1] == list(range(200, IMPORT_ENTRIES, 200))


# 3. timeline sync ------------------------------------------------------------------------------


def new_entry_file(number: int) -> str:
    """A hand-written entry file, with neither id nor slug: sync records it and names it. The first
    is recorded retracted (two saves)."""
    return (
        "---\n"
        f"title: A hand-written entry number {number}\n"
        "kind: statement\n"
        f"date: '2015-03-{number + 1:02d}'\n"
        "sources:\n"
        f"- title: The report of hand-written entry {number}\n"
        + ("retracted: true\nretraction_reason: Recorded in error\n" if number == 0 else "")
        + "---\n"
        f"Written by hand, number {number}.\n"
    )


def hand_edit(root: Path, rows: list[dict[str, Any]]) -> dict[str, str]:
    """Retitle SYNC_EDITS entries in their files and write SYNC_NEW_FILES new files; the new titles by slug."""
    titles = {}
    for row in rows[:SYNC_EDITS]:
        path = root / "events" / f"{row['slug']}.md"
        text = path.read_text(encoding="utf-8")
        titles[row["slug"]] = f"{row['title']} (edited by hand)"
        path.write_text(text.replace(f"title: {row['title']}\n", f"title: {titles[row['slug']]}\n", 1), "utf-8")
        assert path.read_text(encoding="utf-8") != text
    for number in range(SYNC_NEW_FILES):
        (root / "events" / f"new-{number}.md").write_text(new_entry_file(number), encoding="utf-8")
    return titles


def check_synced(root: Path, rows: list[dict[str, Any]], titles: dict[str, str], where: str) -> None:
    """Every edit applied once, every new file recorded once, every file rewritten from the store."""
    found = {e.slug: e for e in check_store(root)}
    assert len(found) == len(rows) + SYNC_NEW_FILES, where
    for slug, title in titles.items():
        assert (found[slug].title, found[slug].revision) == (title, 2), f"{where}: {slug}"
    unedited = [r["slug"] for r in rows[SYNC_EDITS:]]
    assert {found[slug].revision for slug in unedited} == {1}, where
    hand_written = {e.title: e for e in found.values() if e.title.startswith("A hand-written entry")}
    assert sorted(hand_written) == sorted(f"A hand-written entry number {n}" for n in range(SYNC_NEW_FILES)), where
    assert [t for t, e in hand_written.items() if e.retracted] == ["A hand-written entry number 0"], where
    # Each entry's Recorded and two reservations, one Corrected per edit, one Retracted: nothing twice.
    assert len(store_rows(root)) == 3 * len(found) + len(titles) + 1, f"{where}: events recorded twice"
    assert events_files(root) == sorted(f"{slug}.md" for slug in found), where


def test_a_sync_killed_while_applying_hand_edits_is_finished_by_running_it_again(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    root = sqlite_archive.root
    rows = entries(SYNC_EDITS + 10, seed=SEED)
    write_jsonl(rows, tmp_path / "entries.jsonl")
    sqlite_archive.ok("import", str(tmp_path / "entries.jsonl"))
    titles = hand_edit(root, rows)
    snapshot = tmp_path / "snapshot"
    shutil.copytree(root, snapshot)
    duration = timed(root, "sync")
    check_synced(root, rows, titles, "unkilled")

    # Killed right after an edit or a new file is saved, before its file is rewritten (new files are
    # recorded after the edits, the first one retracted), and at moments spread over the sync.
    rng = random.Random(SEED)
    points = [("sync.revise_from_file", SYNC_EDITS // 2), ("add", 1), ("retract", 1), ("add", 3)]
    kills: list[tuple[str, Callable[[], bool]]] = [
        (f"killed right after {m} number {n}", lambda m=m, n=n: dies(start(root, "sync", dying_after=(m, n))))
        for m, n in points
    ]
    kills += [
        (f"killed at {m:.2f} s of {duration:.2f} s", lambda m=m: kill_after(start(root, "sync"), m))
        for m in sorted(kill_moments(duration, SYNC_KILLS, rng))
    ]
    appended_when_killed = []
    for where, kill in kills:
        restore(snapshot, root)
        killed = kill()
        assert killed or where.startswith("killed at"), f"{where}: the sync never got there"
        appended_when_killed.append(len(store_rows(root)) - 3 * len(rows))
        check_store(root)
        output = run(root, "sync")
        assert output.rstrip().endswith(", 0 refused"), f"{where}: {output}"
        check_synced(root, rows, titles, where)
    print(f"sync of {SYNC_EDITS} edits: {duration:.2f} s; events appended when killed: {appended_when_killed}")
    assert any(0 < n < SYNC_EDITS for n in appended_when_killed), appended_when_killed
