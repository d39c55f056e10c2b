"""`timeline verify`: the store, the site and events/ checked against one another, nothing written.

What these tests prove, each on an archive with every kind of change, built:

1. A clean archive verifies with exit status 0 and a short "verified: ..." line, on SQLite and
   on PostgreSQL; one never built verifies too, saying the site's checks were skipped.
2. A page edited by hand in the built site is reported with its path; a removed file too
   (in a folder named with --out).
3. A read model changed behind the build's back (an UPDATE in the live site-*.sqlite) is
   reported with the row and the field that differ.
4. An events/ file edited by hand is reported with the field it changed; a removed file, and a
   new file no entry has, are reported too.
5. A stored change that no longer replays is reported with its aggregate.
6. Verify writes nothing: every file of the archive (store, events/, site, read models) has
   the same bytes and modification time after it as before, even when it finds differences.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from conftest import ArchiveUnderTest, record_every_kind_of_change

from timeline.files.archive import load_archive
from timeline.site.build import view_path

DIFFERENCES_FOUND = 1


@pytest.fixture
def built(sqlite_archive: ArchiveUnderTest) -> tuple[ArchiveUnderTest, dict[str, str]]:
    """An archive with every kind of change, its site built in _site/."""
    slugs = record_every_kind_of_change(sqlite_archive)
    sqlite_archive.ok("build")
    return sqlite_archive, slugs


def differences(archive: ArchiveUnderTest, *options: str) -> list[str]:
    """Run `timeline verify`, which must find differences; the lines it lists."""
    result = archive.run("verify", *options)
    assert result.exit_code == DIFFERENCES_FOUND, result.output
    lines = result.stdout.strip().splitlines()
    assert result.stderr.strip().splitlines() == [
        f"error: verify found {len(lines)} difference{'s' if len(lines) != 1 else ''} (listed above)"
    ]
    return lines


# 1. All is well ---------------------------------------------------------------------------------


def test_a_clean_archive_verifies(store: ArchiveUnderTest) -> None:
    record_every_kind_of_change(store)
    store.ok("build")
    result = store.run("verify")
    assert result.exit_code == 0, result.output
    [line] = result.stdout.strip().splitlines()
    assert line.startswith("verified: ")
    changes = len(store.notifications())
    assert f"{changes} changes replay into 5 entries, 10 reservations, 2 bundles and 2 actor profiles" in line
    assert "5 events/ files match the store" in line
    assert "the read model matches a rebuild" in line
    assert "site files match manifest.json" in line


def test_an_archive_never_built_verifies_without_its_site(sqlite_archive: ArchiveUnderTest) -> None:
    sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    result = sqlite_archive.ok("verify")
    assert "has not been built: its checks were skipped" in result.stdout
    unbuilt = sqlite_archive.root / "never-built"
    named = sqlite_archive.run("verify", "--out", str(unbuilt))
    assert named.exit_code == DIFFERENCES_FOUND
    assert named.stdout.strip() == f"site: {unbuilt} has not been built (no manifest.json, no read model)"


# 2. The site's files -----------------------------------------------------------------------------


def test_a_page_edited_by_hand_is_reported_with_its_path(built: tuple[ArchiveUnderTest, dict[str, str]]) -> None:
    archive, slugs = built
    page = archive.root / "_site" / "events" / slugs["order"] / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Executive order", "Edited order"), encoding="utf-8")
    [line] = differences(archive)
    assert line.startswith(f"site: events/{slugs['order']}/index.html changed since the build")


def test_a_removed_file_is_reported(built: tuple[ArchiveUnderTest, dict[str, str]], tmp_path: Path) -> None:
    archive, slugs = built
    out = tmp_path / "published"
    archive.ok("build", "--out", str(out))
    (out / "events" / slugs["labels"] / "cite.bib").unlink()
    assert differences(archive, "--out", str(out)) == [
        f"site: events/{slugs['labels']}/cite.bib is missing (manifest.json lists it)"
    ]
    assert archive.ok("verify").stdout.startswith("verified: ")  # _site/ is untouched


# 3. The read model ------------------------------------------------------------------------------


def test_a_tampered_read_model_is_reported(built: tuple[ArchiveUnderTest, dict[str, str]]) -> None:
    archive, slugs = built
    live = view_path(load_archive(archive.root), archive.root / "_site")
    with closing(sqlite3.connect(live)) as connection:
        connection.execute(
            "UPDATE entries SET title = 'Tampered', data = json_set(data, '$.title', 'Tampered') WHERE slug = ?",
            (slugs["ruling"],),
        )
        entry_id = connection.execute("SELECT id FROM entries WHERE slug = ?", (slugs["ruling"],)).fetchone()[0]
        connection.commit()
    [line] = differences(archive)
    assert line.startswith(f"read model: entries id='{entry_id}' differs from a rebuild from the store: ")
    assert "title 'Tampered' (rebuilt: 'Landgericht Köln: „Löschpflicht“ für Beiträge')" in line
    assert "data differs in title 'Tampered'" in line


# 4. events/ -------------------------------------------------------------------------------------


def test_an_events_file_edited_by_hand_is_reported(built: tuple[ArchiveUnderTest, dict[str, str]]) -> None:
    archive, slugs = built
    path = archive.root / "events" / f"{slugs['labels']}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: label", "kind: statement"), encoding="utf-8")
    (archive.root / "events" / "a-new-file.md").write_text("---\ntitle: New\n---\n", encoding="utf-8")
    (archive.root / "events" / f"{slugs['ruling']}.md").unlink()
    assert differences(archive) == [
        f"events: events/{slugs['labels']}.md differs from the store in kind (edited by hand?); "
        "'timeline sync' applies the file, 'timeline export events' puts back the store's version",
        f"events: events/{slugs['ruling']}.md is missing; 'timeline export events' writes it back",
        "events: events/a-new-file.md is no entry of the store; 'timeline sync' records it",
    ]


# 5. The store -----------------------------------------------------------------------------------


def test_a_change_that_no_longer_replays_is_reported(built: tuple[ArchiveUnderTest, dict[str, str]]) -> None:
    archive, slugs = built
    entry_id = archive.json("show", slugs["wrong"])["id"]
    with closing(sqlite3.connect(archive.root / "timeline.sqlite")) as connection:
        connection.execute(
            "UPDATE stored_events SET state = ? WHERE originator_id = ? AND originator_version = 2",
            (b"{not JSON", entry_id.replace("-", "")),
        )
        connection.commit()
    lines = differences(archive)
    assert lines[0].startswith(f"store: PolicyEvent {entry_id} does not replay: ")
    # Nothing else can be compared with it; the rest of the archive still checks out.
    assert len(lines) == 3
    assert lines[1].startswith("read model: cannot be rebuilt from the store to compare it (")
    assert f"'{entry_id}' and originator_version 2" in lines[1]
    assert lines[2] == f"events: events/{slugs['wrong']}.md cannot be compared: its entry does not replay"


# 6. Nothing written ---------------------------------------------------------------------------------


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()
    }


def test_verify_writes_nothing(built: tuple[ArchiveUnderTest, dict[str, str]]) -> None:
    archive, _ = built
    page = archive.root / "_site" / "index.html"
    page.write_bytes(page.read_bytes() + b"<!-- edited -->")
    before = snapshot(archive.root)
    assert any(name.startswith(".timeline/site-") for name in before)
    differences(archive)
    assert snapshot(archive.root) == before
