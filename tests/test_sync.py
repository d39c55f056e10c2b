"""events/ files and the store stay in step: commands write files, sync applies files.

A reviewer edits a file by hand and syncs: the edit becomes a correction whose
reason names the file. A collaborator's stale file is refused. A broken file is
named with its line while the others still sync.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ArchiveUnderTest

from timeline.formats.entryfile import parse_entry_text


def _file(archive: ArchiveUnderTest, slug: str) -> Path:
    return archive.root / "events" / f"{slug}.md"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_change_rewrites_the_entry_file(store: ArchiveUnderTest) -> None:
    entry = store.add("Twitter labels two tweets", "2020-05-26", "label")
    path = _file(store, entry["slug"])
    written = parse_entry_text(path.read_text(encoding="utf-8"), path).data
    assert written["revision"] == 1 and written["id"] == entry["id"] and written["title"] == entry["title"]

    store.ok("correct", entry["slug"], "--title", "Twitter labels two Trump tweets", "--reason", "precision")
    written = parse_entry_text(path.read_text(encoding="utf-8"), path).data
    assert (written["revision"], written["title"]) == (2, "Twitter labels two Trump tweets")


def test_a_hand_edit_becomes_a_correction_naming_the_file(store: ArchiveUnderTest) -> None:
    entry = store.add("Trump signs order", "2020-05-28", "executive-order")
    path = _file(store, entry["slug"])
    _edit(path, "title: Trump signs order", "title: Trump signs executive order on Section 230")
    _edit(path, "- title: 'Report: Trump signs order'", "- title: 'Report: Trump signs order'\n  language: en")

    result = store.ok("sync")
    assert "1 revised" in result.stdout

    shown = store.json("show", entry["slug"])
    assert shown["title"] == "Trump signs executive order on Section 230"
    assert shown["sources"][0]["language"] == "en"
    history = store.json("history", entry["slug"])
    # The source edited in place is corrected, not withdrawn and added again.
    assert [r["change"] for r in history] == ["recorded", "corrected", "source corrected"]
    assert history[2]["details"] == ["source 1: language added ('en')"]
    assert {r["reason"] for r in history[1:]} == {f"edited in events/{path.name}"}
    # The file now says which revision it reflects, and a second sync appends nothing.
    assert parse_entry_text(path.read_text(encoding="utf-8"), path).data["revision"] == 3
    before = store.notifications()
    assert "0 revised, 1 unchanged" in store.ok("sync").stdout
    assert store.notifications() == before


def test_a_stale_conflicting_file_is_refused_and_changes_nothing(store: ArchiveUnderTest) -> None:
    entry = store.add("Twitter labels tweets", "2020-05-26", "label")
    path = _file(store, entry["slug"])
    stale = path.read_text(encoding="utf-8")  # a collaborator's copy at revision 1
    store.ok("correct", entry["slug"], "--title", "Twitter labels two tweets", "--reason", "precision")

    path.write_text(stale.replace("kind: label", "kind: statement"), encoding="utf-8")
    before = store.notifications()
    result = store.run("sync")
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert f"events/{path.name}" in message
    assert "revision 1" in message and "revision 2" in message
    assert "title" in message and "kind" in message, "the message names the fields that differ"
    assert "timeline export" in message, "the message says how to resolve it"
    assert store.notifications() == before
    assert store.json("show", entry["slug"])["kind"] == "label"


def test_a_stale_but_identical_file_is_just_refreshed(store: ArchiveUnderTest) -> None:
    entry = store.add("Twitter labels tweets", "2020-05-26", "label")
    path = _file(store, entry["slug"])
    stale = path.read_text(encoding="utf-8")
    store.ok("correct", entry["slug"], "--title", "Twitter labels two tweets", "--reason", "precision")
    current = path.read_text(encoding="utf-8")
    path.write_text(stale.replace("title: Twitter labels tweets", "title: Twitter labels two tweets"), encoding="utf-8")
    before = store.notifications()
    store.ok("sync")
    assert store.notifications() == before
    assert path.read_text(encoding="utf-8") == current


def test_a_malformed_file_is_named_with_its_line_and_the_others_still_sync(sqlite_archive: ArchiveUnderTest) -> None:
    events = sqlite_archive.root / "events"
    (events / "broken.md").write_text(
        "---\ntitle: Broken entry\nkind: label\ndate: 2020-13\nsources:\n  - title: A report\n---\nText.\n",
        encoding="utf-8",
    )
    (events / "bad-yaml.md").write_text("---\ntitle: [unclosed\nkind: label\n---\n", encoding="utf-8")
    (events / "fine.md").write_text(
        "---\ntitle: Facebook removes pages\nkind: takedown\ndate: 2019-08-19\n"
        "sources:\n  - title: Facebook removes pages tied to China\n    publisher: Example Wire\n---\n"
        "Facebook removed seven pages.\n",
        encoding="utf-8",
    )
    result = sqlite_archive.run("sync")
    assert result.exit_code == 2
    problems = result.stderr.strip().splitlines()
    assert len(problems) == 2
    assert any(p.startswith("error: ") and "events/broken.md:4: date:" in p and "2020-13" in p for p in problems)
    assert any("events/bad-yaml.md:3:" in p and "invalid YAML" in p for p in problems)
    assert "1 recorded" in result.stdout
    listed = sqlite_archive.json("list")
    assert [e["title"] for e in listed] == ["Facebook removes pages"]
    # The new file was renamed to its slug and carries its id.
    assert not (events / "fine.md").exists()
    assert (events / f"{listed[0]['slug']}.md").exists()


def test_export_and_a_fresh_sync_reproduce_the_folder(store: ArchiveUnderTest, tmp_path: Path) -> None:
    labels = store.add("Twitter labels tweets", "2020-05-26", "label")
    store.add("Trump signs order", "2020-05-28", "executive-order", "--link", "responds-to", labels["slug"])
    gone = store.add("A mistaken entry", "2020-05-29", "statement")
    store.ok("retract", gone["slug"], "--reason", "never happened")

    exported = tmp_path / "exported"
    store.ok("export", str(exported))
    events = store.root / "events"
    assert sorted(p.name for p in exported.iterdir()) == sorted(p.name for p in events.iterdir())
    for path in events.iterdir():
        assert (exported / path.name).read_bytes() == path.read_bytes()


def test_sync_reads_only_files_that_changed_but_a_new_store_reads_them_all(
    sqlite_archive: ArchiveUnderTest,
) -> None:
    """Unchanged files are not read again (their stat is remembered per store); a store that lost
    its changes, like a fresh clone's, gets the committed history replayed: the same entries, at
    the same revisions."""
    first = sqlite_archive.add("Twitter labels tweets", "2020-05-26", "label")
    second = sqlite_archive.add("Facebook removes pages", "2019-08-19", "takedown")
    assert "2 unchanged" in sqlite_archive.ok("sync").stdout
    path = _file(sqlite_archive, second["slug"])
    _edit(path, "title: Facebook removes pages", "title: Facebook removes seven pages")
    assert "1 revised, 1 unchanged" in sqlite_archive.ok("sync").stdout

    for stale in sqlite_archive.root.glob("timeline.sqlite*"):
        stale.unlink()
    result = sqlite_archive.ok("sync")
    assert "history/: 7 changes replayed into the store" in result.stdout
    assert "0 recorded, 0 revised, 2 unchanged" in result.stdout
    assert {(e["id"], e["revision"]) for e in sqlite_archive.json("list")} == {(first["id"], 1), (second["id"], 2)}


def test_files_written_by_commands_are_not_read_again_and_an_entry_saved_without_its_file_gets_one(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every command that writes a file remembers it, so the sync after an import reads nothing; an
    entry whose writer died between saving and writing its file gets the file at the next sync,
    even when other commands have written theirs since."""
    import timeline.app.sync
    from timeline.app.service import ArchiveService
    from timeline.domain.drafts import WriteOptions
    from timeline.formats.entrydata import draft_from

    rows = tmp_path / "rows.jsonl"
    lines = [
        {"title": f"Platform {n} labels a post", "kind": "label", "date": f"2020-05-{n:02d}",
         "sources": [{"title": f"Report {n}", "publisher": "Wire"}]}
        for n in range(1, 6)
    ]  # fmt: skip
    rows.write_text("".join(json.dumps(line) + "\n" for line in lines))
    sqlite_archive.ok("import", str(rows))

    reads: list[Path] = []
    original = timeline.app.sync.read_entry_file
    monkeypatch.setattr(timeline.app.sync, "read_entry_file", lambda path: reads.append(path) or original(path))
    assert "5 unchanged" in sqlite_archive.ok("sync").stdout
    assert reads == []

    # A writer saves an entry and dies before writing its file...
    service = ArchiveService.open(sqlite_archive.root)
    draft = draft_from({"title": "Court hears the case", "kind": "court-ruling", "date": "2020-06-02",
                        "sources": [{"title": "Court report", "publisher": "Wire"}]})  # fmt: skip
    # (the application, not the service: the service would write the file)
    orphan = service.app.add(draft, WriteOptions(editor="Test Editor", reason="a writer that died"))
    service.close()
    assert not _file(sqlite_archive, orphan.slug).exists()
    # ...another command writes its own file meanwhile...
    sqlite_archive.add("Another platform labels a post", "2020-06-03", "label")
    # ...and the next sync gives the orphan its file, without reading any of the others.
    result = sqlite_archive.ok("sync")
    assert "1 files restored" in result.stdout
    assert _file(sqlite_archive, orphan.slug).is_file()
    assert reads == []
