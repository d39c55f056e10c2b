"""The archive service on its own, with no command line: ArchiveService over a real SQLite file in a
temporary folder. Every write must save through the application, then rewrite the changed entries'
events/ files and record them in the sync state; a refused write must leave the store and the files
exactly as they were. (The names, duplicate check and cycle walk it shares with import: test_names.py.)"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from timeline.app.backup import dump_archive
from timeline.app.importing import ImportRejected, read_import
from timeline.app.service import ArchiveService
from timeline.domain.bundle import Bundle, Pin
from timeline.domain.dates import PartialDate
from timeline.domain.drafts import WriteOptions
from timeline.domain.model import PolicyEvent, Source
from timeline.errors import (
    ArchiveNotFound,
    ConfigError,
    DuplicateEntry,
    EntryNotFound,
    InvalidChange,
    InvalidField,
    StoreError,
)
from timeline.files.archive import CONFIG_NAME, GITIGNORE_LINES, Archive
from timeline.files.mirror import entry_path
from timeline.files.syncstate import SyncState
from timeline.formats.entrydata import source_to_dict
from timeline.formats.entryfile import parse_entry_text
from unit.drafting import EDITOR, draft, options


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "archive"


@pytest.fixture
def service(root: Path) -> Iterator[ArchiveService]:
    with ArchiveService.create(Archive(root=root, title="Test archive")) as opened:
        yield opened


@pytest.fixture
def entries(service: ArchiveService) -> dict[str, PolicyEvent]:
    """An order with every field, labels with two sources, a ruling, and a retracted takedown."""
    order = service.add(
        draft(
            "Order on preventing online censorship",
            kind="executive-order",
            actors=["Donald Trump:issuer", "Twitter:target"],
            platforms=["Twitter", "Facebook"],
            topics=["Section 230"],
            jurisdictions=["United States"],
            summary="The order asks agencies to *review* the shield.\n\nA second paragraph: „Löschpflicht“ 🙂",
            sources=[
                {"title": "Trump signs order", "publisher": "Test Wire", "url": "https://example.com/order"},
            ],
        ),
        options("first report"),
    )
    labels = service.add(
        draft(
            "Twitter labels two tweets on mail-in ballots",
            "2020-05-26",
            "label",
            sources=[
                {"title": "Labels explained", "publisher": "Test Wire", "url": "https://example.com/labels"},
                {"title": "The labels in print", "publisher": "Daily Paper", "date": "2020-05-27"},
            ],
        ),
        options("first report"),
    )
    ruling = service.add(draft("Landgericht Köln rules on deletion", "2021-03", "court-ruling"), options("seen"))
    wrong = service.add(draft("A takedown that never happened", "2019-08-19", "takedown"), options("rumour"))
    wrong = service.retract(wrong.slug, options("it never happened"))
    return {"order": order, "labels": labels, "ruling": ruling, "wrong": wrong}


# What every write must leave behind ---------------------------------------------------------------------------


def file_shape(data: dict[str, Any]) -> dict[str, Any]:
    """``entry_data`` as an events/ file holds it: empty fields are left out, the summary is always there."""
    return {k: v for k, v in data.items() if k == "summary" or v not in (None, [], "", False)}


def assert_mirrored(service: ArchiveService, ref: str) -> dict[str, Any]:
    """The entry's events/ file exists, parses to its entry_data (revision included), and the sync state
    records the file as it is on disk now; returns the parsed fields."""
    entry = service.get(ref)
    path = entry_path(service.archive.events_dir, entry.slug)
    assert path.is_file(), f"no events/ file for {entry.slug} after the write: {sorted(files(service))}"
    parsed = parse_entry_text(path.read_text(encoding="utf-8"), path).data
    expected = file_shape(service.entry_data(entry))
    assert parsed == expected, f"{path.name} does not hold the store's entry (revision {entry.revision})"
    assert parsed["revision"] == entry.revision
    state = SyncState(service.archive.events_dir, service.app.location.display)
    try:
        known, _ = state.known(service.app.position())
    finally:
        state.close()
    stat = os.stat(path)
    assert known.get(path.name) == (stat.st_mtime_ns, stat.st_size, str(entry.id)), "the sync state missed the file"
    return parsed


def last_change(root: Path, ref: str) -> tuple[str, int, str, str]:
    """The entry's newest change as a second service, opened afresh on the store, reads it:
    (event class, revision, editor, reason)."""
    with ArchiveService.open(root) as fresh:
        event = fresh.app.domain_events(fresh.get(ref).id)[-1]
    return type(event).__name__, event.originator_version, event.editor, event.reason


def files(service: ArchiveService) -> dict[str, bytes]:
    """Every file of events/ (temporary ones too), byte for byte."""
    return {p.name: p.read_bytes() for p in sorted(service.archive.events_dir.iterdir())}


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# Creating and opening -----------------------------------------------------------------------------------------


def test_create_makes_the_settings_the_events_folder_the_gitignore_lines_and_an_empty_store(root: Path) -> None:
    root.mkdir()
    (root / ".gitignore").write_text("*.pyc", encoding="utf-8")  # kept, and ended before the new lines
    with ArchiveService.create(Archive(root=root, title="Policy archive", extra_kinds=("press-release",))) as made:
        assert made.archive.root == root
        assert made.archive.title == "Policy archive"
        assert made.archive.kinds[-1] == "press-release"
        assert made.app.position() == 0
        assert list(made.entries()) == []
    assert 'title = "Policy archive"' in (root / CONFIG_NAME).read_text(encoding="utf-8")
    assert (root / "events").is_dir() and list((root / "events").iterdir()) == []
    assert (root / ".gitignore").read_text(encoding="utf-8").splitlines() == ["*.pyc", *GITIGNORE_LINES]
    assert (root / "timeline.sqlite").is_file()
    with ArchiveService.open(root) as reopened:
        assert reopened.archive.kinds == made.archive.kinds
        assert reopened.app.position() == 0


def test_create_on_an_existing_archive_is_refused_and_writes_nothing(service: ArchiveService, root: Path) -> None:
    service.add(draft("An entry already here"), options("first report"))
    before = tree(root)
    with pytest.raises(ConfigError, match="already an archive"):
        ArchiveService.create(Archive(root=root, title="Another title"))
    assert tree(root) == before


BAD_STORES = [
    pytest.param("mysql://user@host/db", "is not supported", id="unsupported scheme"),
    pytest.param("sqlite:///", "names no file", id="sqlite without a file"),
    pytest.param("postgresql://user@host", "needs a host and a database name", id="postgresql without a database"),
    pytest.param("postgresql://nobody@127.0.0.1:1/timeline", "cannot reach the store", id="unreachable server"),
    pytest.param(
        "sqlite:///no/such/folder/timeline.sqlite",
        "folder .* does not exist",
        id="sqlite in a missing folder",
    ),
]


@pytest.mark.parametrize(("url", "message"), BAD_STORES)
def test_a_bad_store_is_refused_before_any_file_is_written(tmp_path: Path, url: str, message: str) -> None:
    root = tmp_path / "archive"
    with pytest.raises(StoreError, match=message):
        ArchiveService.create(Archive(root=root, store=url))
    assert not root.exists(), f"files were left behind: {sorted(tree(root))}"


def test_open_finds_the_archive_from_its_folder_and_refuses_a_folder_that_is_none(
    service: ArchiveService, root: Path, tmp_path: Path
) -> None:
    entry = service.add(draft("An entry to find"), options("first report"))
    with ArchiveService.open(str(root)) as opened:
        assert opened.archive.root == root
        assert opened.get(entry.short_id).id == entry.id
    with pytest.raises(ArchiveNotFound, match=r"no timeline\.toml in"):
        ArchiveService.open(tmp_path)


def test_open_on_a_folder_inside_the_archive_finds_the_archive(service: ArchiveService, root: Path) -> None:
    entry = service.add(draft("An entry to find"), options("first report"))
    with ArchiveService.open(root / "events") as opened:
        assert opened.archive.root == root
        assert opened.get(entry.slug).id == entry.id


def test_a_store_named_with_store_must_exist(service: ArchiveService, tmp_path: Path) -> None:
    missing = tmp_path / "elsewhere.sqlite"
    with pytest.raises(StoreError, match="no store at"):
        ArchiveService.open(service.archive.root, store=f"sqlite:///{missing}")
    assert not missing.exists()
    with ArchiveService.open(service.archive.root, store=f"sqlite:///{missing}", create=True) as made:
        assert made.app.position() == 0  # as a restore may ask
    assert missing.is_file()


def test_the_archives_own_store_is_made_on_first_use(service: ArchiveService, root: Path) -> None:
    """A fresh clone has timeline.toml and events/ but no store (it is git-ignored)."""
    service.close()
    for path in root.glob("timeline.sqlite*"):
        path.unlink()
    with ArchiveService.open(root) as opened:
        assert opened.app.position() == 0
        opened.add(draft("The first entry of the clone"), options("first report"))
    assert (root / "timeline.sqlite").is_file()


# Each write: saved with its editor and reason, then mirrored to events/ ----------------------------------------

# name: (the write, given the service and the entries; its domain event; its reason; the fields it sets,
# given the entries, as entry_data shows them)
Write = Callable[[ArchiveService, dict[str, PolicyEvent]], PolicyEvent]
Fields = Callable[[dict[str, PolicyEvent]], dict[str, Any]]
# The source add_source adds, as entry_data shows it.
ANNOTATED = {"title": "The order, annotated", "url": "https://example.com/annotated", "accessed": "2024-03-01"}
WRITES: dict[str, tuple[Write, str, str, Fields]] = {
    "add": (
        lambda s, e: s.add(
            draft("Facebook removes a network", "2020-06-02", "takedown", platforms=["Facebook"]),
            options("a new report"),
            relations=[("responds-to", e["order"].slug)],
        ),
        "Recorded",
        "a new report",
        lambda e: {"revision": 1, "relations": [{"type": "responds-to", "target": e["order"].slug}]},
    ),
    "correct": (
        lambda s, e: s.correct(
            e["order"].slug,
            {"title": "Executive order on preventing online censorship", "date": PartialDate("2020-05-28~")},
            options("the official title"),
        ),
        "Corrected",
        "the official title",
        lambda e: {"revision": 2, "title": "Executive order on preventing online censorship", "date": "2020-05-28~"},
    ),
    "add_source": (
        lambda s, e: s.add_source(
            e["order"].short_id,
            Source(title="The order, annotated", url="https://example.com/annotated", accessed=dt.date(2024, 3, 1)),
            options("a second account"),
        ),
        "SourceAdded",
        "a second account",
        lambda e: {"revision": 2, "sources": [*source_dicts(e["order"]), ANNOTATED]},
    ),
    "withdraw_source": (
        lambda s, e: s.withdraw_source(e["labels"].slug, "1", options("the first report was wrong")),
        "SourceWithdrawn",
        "the first report was wrong",
        lambda e: {"revision": 2, "sources": source_dicts(e["labels"])[1:]},
    ),
    "link": (
        lambda s, e: s.link(e["order"].slug, "responds-to", e["labels"].slug, options("it answers the labels")),
        "Linked",
        "it answers the labels",
        lambda e: {"revision": 2, "relations": [{"type": "responds-to", "target": e["labels"].slug}]},
    ),
    "unlink": (
        lambda s, e: s.unlink(
            s.link(e["ruling"].slug, "related", e["order"].slug, options("the same question")).slug,
            "related",
            e["order"].slug,
            options("a different question after all"),
        ),
        "Unlinked",
        "a different question after all",
        lambda e: {"revision": 3, "relations": []},
    ),
    "retract": (
        lambda s, e: s.retract(e["ruling"].slug, options("the ruling was misreported")),
        "Retracted",
        "the ruling was misreported",
        lambda e: {"revision": 2, "retracted": True, "retraction_reason": "the ruling was misreported"},
    ),
}


def source_dicts(entry: PolicyEvent) -> list[dict[str, Any]]:
    return [source_to_dict(s) for s in entry.sources]


@pytest.mark.parametrize("name", list(WRITES))
def test_each_write_is_saved_with_its_editor_and_reason_and_mirrored_to_its_file(
    service: ArchiveService, entries: dict[str, PolicyEvent], root: Path, name: str
) -> None:
    write, event, reason, fields = WRITES[name]
    changed = write(service, entries)
    assert last_change(root, changed.slug) == (event, changed.revision, EDITOR, reason)
    data = service.entry_data(service.get(changed.slug))
    assert {k: data[k] for k in fields(entries)} == fields(entries)
    assert_mirrored(service, changed.slug)
    for other in entries.values():  # every other file still holds its entry
        assert_mirrored(service, other.slug)


def test_merge_rewrites_the_files_of_both_entries(
    service: ArchiveService, entries: dict[str, PolicyEvent], root: Path
) -> None:
    order = entries["order"]
    duplicate = service.add(
        draft(
            "White House order on online censorship",
            kind="executive-order",
            sources=[
                {"title": "Trump signs order", "publisher": "Test Wire", "url": "https://example.com/order"},
                {"title": "The order, explained", "publisher": "Other Wire", "url": "https://example.com/explained"},
            ],
        ),
        WriteOptions(editor=EDITOR, reason="first report", allow_duplicate=True),
    )
    merged = service.merge(duplicate.slug, order.short_id, options("the same order twice"))
    assert merged.id == duplicate.id
    assert last_change(root, duplicate.slug) == ("Merged", 2, EDITOR, "the same order twice")
    # Only the source the order did not cite moves across, with a reason naming where it came from.
    reason = f"merged from {duplicate.slug}: the same order twice"
    assert last_change(root, order.slug) == ("SourceAdded", 2, EDITOR, reason)
    assert assert_mirrored(service, duplicate.slug)["merged_into"] == order.slug
    target = assert_mirrored(service, order.slug)
    assert [s["url"] for s in target["sources"]] == ["https://example.com/order", "https://example.com/explained"]


IMPORT_CSV = """title,kind,date,platforms,relations,source_title,source_url
Twitter suspends 936 accounts,suspension,2019-08-19,Twitter,,Suspensions,https://example.com/936
Twitter suspends 200 accounts,suspension,2019-08-19,Twitter,follows:2019-08-19-twitter-suspends-936-accounts,More,
A ruling on the order,court-ruling,2021-03,,responds-to:{order},Ruling,https://example.com/ruling
"""


def test_import_writes_one_file_per_row_and_a_second_run_records_nothing(
    service: ArchiveService, entries: dict[str, PolicyEvent], root: Path, tmp_path: Path
) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(IMPORT_CSV.format(order=entries["order"].slug), encoding="utf-8")
    rows, problems = read_import(path)
    assert problems == []
    recorded, already = service.import_rows(rows, options("imported from rows.csv"))
    assert already == 0
    assert [e.slug for e in recorded] == [
        "2019-08-19-twitter-suspends-936-accounts",
        "2019-08-19-twitter-suspends-200-accounts",
        "2021-03-a-ruling-on-the-order",
    ]
    for entry in recorded:
        assert last_change(root, entry.slug) == ("Recorded", 1, EDITOR, "imported from rows.csv")
        assert assert_mirrored(service, entry.slug)["id"] == str(entry.id)
    assert len(files(service)) == len(entries) + 3
    position, before = service.app.position(), files(service)

    rows, _ = read_import(path)  # the same file gives the same ids
    again, already = service.import_rows(rows, options("imported again"))
    assert (again, already) == ([], 3)
    assert service.app.position() == position
    assert files(service) == before


def test_an_import_with_a_bad_row_records_nothing_and_writes_no_file(
    service: ArchiveService, entries: dict[str, PolicyEvent], tmp_path: Path
) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(IMPORT_CSV.format(order=entries["wrong"].slug), encoding="utf-8")  # a retracted target
    rows, problems = read_import(path)
    position, before = service.app.position(), files(service)
    with pytest.raises(ImportRejected, match=r"nothing recorded: 1 problem: row 4: entry .* is retracted"):
        service.import_rows(rows, options("imported from rows.csv"), problems)
    assert service.app.position() == position
    assert files(service) == before


# Refused writes change nothing ---------------------------------------------------------------------------------

# (the write; the error it raises; what its message says)
REFUSED: dict[str, tuple[Write, type[Exception], str]] = {
    "correct with an unknown kind": (
        lambda s, e: s.correct(e["order"].slug, {"kind": "press-release"}, options("wrong kind")),
        InvalidField,
        "kind: 'press-release' is not a known kind",
    ),
    "correct to the same values": (
        lambda s, e: s.correct(e["order"].slug, {"title": e["order"].title}, options("no change")),
        InvalidChange,
        "nothing to correct",
    ),
    "correct a retracted entry": (
        lambda s, e: s.correct(e["wrong"].slug, {"title": "It did happen"}, options("second thoughts")),
        InvalidChange,
        "is retracted; it can no longer be changed",
    ),
    "link to a retracted entry": (
        lambda s, e: s.link(e["order"].slug, "related", e["wrong"].slug, options("related")),
        InvalidChange,
        "is retracted; relations to it are not allowed",
    ),
    "link to itself": (
        lambda s, e: s.link(e["order"].slug, "related", e["order"].short_id, options("related")),
        InvalidChange,
        "cannot be linked to itself",
    ),
    "unlink what is not linked": (
        lambda s, e: s.unlink(e["order"].slug, "related", e["labels"].slug, options("unrelated")),
        InvalidChange,
        "has no such link",
    ),
    "withdraw the last source": (
        lambda s, e: s.withdraw_source(e["order"].slug, "1", options("wrong report")),
        InvalidChange,
        "must keep at least one source",
    ),
    "withdraw a source that is not there": (
        lambda s, e: s.withdraw_source(e["labels"].slug, "3", options("wrong report")),
        InvalidField,
        "has sources 1 to 2, not 3",
    ),
    "add a source already cited": (
        lambda s, e: s.add_source(e["order"].slug, Source(title="Again", url="https://example.com/order"), options("")),
        InvalidChange,
        "already cites this source",
    ),
    "add a likely duplicate": (
        lambda s, e: s.add(draft("Order on preventing online censorship!", kind="executive-order"), options("again")),
        DuplicateEntry,
        "likely duplicate of 2020-05-28-order-on-preventing-online-censorship",
    ),
    "add with a slug taken": (
        lambda s, e: s.add(draft("Something else", slug=e["labels"].slug), options("new")),
        InvalidChange,
        "is already taken by another entry",
    ),
    "link that makes a supersedes cycle": (
        lambda s, e: s.link(e["labels"].slug, "supersedes", e["order"].slug, options("second")),
        InvalidChange,
        "would make a cycle",
    ),
    "retract twice": (
        lambda s, e: s.retract(e["wrong"].slug, options("again")),
        InvalidChange,
        "is retracted",
    ),
    "merge into a retracted entry": (
        lambda s, e: s.merge(e["ruling"].slug, e["wrong"].slug, options("same")),
        InvalidChange,
        "merge into a live entry",
    ),
    "merge into itself": (
        lambda s, e: s.merge(e["ruling"].slug, e["ruling"].short_id, options("same")),
        InvalidChange,
        "cannot be merged into itself",
    ),
    "change an entry that is not there": (
        lambda s, e: s.retract("2020-01-01-no-such-entry", options("gone")),
        EntryNotFound,
        "no entry '2020-01-01-no-such-entry'",
    ),
}


# What must be so before the refused write (taken before the snapshot).
BEFORE_REFUSED: dict[str, Write] = {
    "link that makes a supersedes cycle": lambda s, e: s.link(
        e["order"].slug, "supersedes", e["labels"].slug, options("first")
    ),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_a_refused_write_leaves_the_store_and_every_file_as_they_were(
    service: ArchiveService, entries: dict[str, PolicyEvent], name: str
) -> None:
    write, error, message = REFUSED[name]
    if name in BEFORE_REFUSED:
        BEFORE_REFUSED[name](service, entries)
    position, before = service.app.position(), files(service)
    with pytest.raises(error, match=message):
        write(service, entries)
    assert service.app.position() == position
    assert files(service) == before


# Sync and restore ----------------------------------------------------------------------------------------------


def test_sync_applies_a_hand_edited_file_as_a_correction_naming_the_file(
    service: ArchiveService, entries: dict[str, PolicyEvent], root: Path
) -> None:
    order = entries["order"]
    path = entry_path(service.archive.events_dir, order.slug)
    text = path.read_text(encoding="utf-8")
    assert f"title: {order.title}\n" in text and "revision: 1\n" in text
    path.write_text(text.replace(f"title: {order.title}\n", "title: Executive order on online censorship\n"))
    others = {name: data for name, data in files(service).items() if name != path.name}

    report = service.sync("Hand Editor")
    assert (report.revised, report.recorded, report.problems) == ([order.slug], [], [])
    assert last_change(root, order.slug) == ("Corrected", 2, "Hand Editor", f"edited in events/{path.name}")
    assert service.get(order.slug).title == "Executive order on online censorship"
    assert assert_mirrored(service, order.slug)["revision"] == 2  # the file was rewritten from the store
    assert {name: data for name, data in files(service).items() if name != path.name} == others

    position = service.app.position()
    assert service.sync("Hand Editor").revised == []  # nothing left to apply
    assert service.app.position() == position


def test_restore_into_an_empty_store_gives_back_every_entry_and_rewrites_events(
    service: ArchiveService, entries: dict[str, PolicyEvent], tmp_path: Path
) -> None:
    service.link(entries["order"].slug, "responds-to", entries["labels"].slug, options("it answers the labels"))
    service.withdraw_source(entries["labels"].slug, "2", options("not about the labels"))
    service.create_bundle("smith-2026", "Smith (2026)", [entries["order"].slug], options("cited"))
    dump = tmp_path / "dump.jsonl"
    dump_archive(service.app, dump)

    with ArchiveService.create(Archive(root=tmp_path / "restored")) as restored:
        report = restored.restore(dump)
        assert (report.entries, report.bundles, report.files_written) == (len(entries), 1, len(entries))
        assert restored.app.position() == service.app.position()
        assert [restored.entry_data(e) for e in restored.entries()] == [
            service.entry_data(e) for e in service.entries()
        ]
        assert restored.bundle("smith-2026").pins == service.bundle("smith-2026").pins
        assert files(restored) == files(service)  # the same store writes the same files, byte for byte
        for entry in entries.values():
            path = entry_path(restored.archive.events_dir, entry.slug)
            assert parse_entry_text(path.read_text(encoding="utf-8"), path).data == file_shape(
                restored.entry_data(restored.get(entry.slug))
            )


# Citation bundles ----------------------------------------------------------------------------------------------


def test_bundles_pin_each_entry_at_the_revision_it_had_when_pinned(
    service: ArchiveService, entries: dict[str, PolicyEvent], root: Path
) -> None:
    order, labels, ruling = entries["order"], entries["labels"], entries["ruling"]
    before = files(service)
    made = service.create_bundle("smith-2026", "Smith (2026)", [order.slug, labels.short_id, order.slug], options("a"))
    assert (made.name, made.title) == ("smith-2026", "Smith (2026)")
    assert made.pins == (Pin(order.id, 1), Pin(labels.id, 1))  # each entry once

    service.correct(order.slug, {"summary": "Corrected after it was pinned."}, options("clarity"))
    grown = service.add_to_bundle("smith-2026", [ruling.slug, order.slug], options("also cited"))
    assert grown.pins == (Pin(order.id, 1), Pin(labels.id, 1), Pin(ruling.id, 1))  # the order keeps revision 1

    shrunk = service.remove_from_bundle("smith-2026", [labels.slug], options("not cited after all"))
    assert shrunk.pins == (Pin(order.id, 1), Pin(ruling.id, 1))
    with ArchiveService.open(root) as fresh:
        stored = fresh.bundle("smith-2026")
        changes = [
            (type(e).__name__, e.editor, e.reason) for e in fresh.app.domain_events(Bundle.create_id("smith-2026"))
        ]
    assert (stored.title, stored.pins) == ("Smith (2026)", shrunk.pins)
    assert changes == [
        ("Started", EDITOR, "a"),
        ("EntriesAdded", EDITOR, "also cited"),
        ("EntriesRemoved", EDITOR, "not cited after all"),
    ]
    # Bundles are not entries: no events/ file changed but the corrected order's.
    assert {k: v for k, v in files(service).items() if k != f"{order.slug}.md"} == {
        k: v for k, v in before.items() if k != f"{order.slug}.md"
    }


BundleWrite = Callable[[ArchiveService, dict[str, PolicyEvent]], Bundle]
BUNDLE_REFUSALS: dict[str, tuple[BundleWrite, type[Exception], str]] = {
    "create a name taken": (
        lambda s, e: s.create_bundle("smith-2026", "Again", [e["ruling"].slug], options("")),
        InvalidChange,
        "bundle smith-2026 already exists",
    ),
    "create with no entry": (
        lambda s, e: s.create_bundle("jones-2026", "Jones", [], options("")),
        InvalidField,
        "a bundle needs at least one entry",
    ),
    "create with a bad name": (
        lambda s, e: s.create_bundle("Jones 2026", "Jones", [e["ruling"].slug], options("")),
        InvalidField,
        "bundle name: 'Jones 2026' is not accepted",
    ),
    "add only what it holds": (
        lambda s, e: s.add_to_bundle("smith-2026", [e["order"].slug], options("")),
        InvalidChange,
        "already holds these entries",
    ),
    "add to a bundle that is not there": (
        lambda s, e: s.add_to_bundle("jones-2026", [e["order"].slug], options("")),
        EntryNotFound,
        "no bundle 'jones-2026'",
    ),
    "remove what it does not hold": (
        lambda s, e: s.remove_from_bundle("smith-2026", [e["ruling"].slug], options("")),
        InvalidChange,
        "does not hold 1 of these entries",
    ),
    "remove every entry": (
        lambda s, e: s.remove_from_bundle("smith-2026", [e["order"].slug, e["labels"].slug], options("")),
        InvalidChange,
        "would be empty",
    ),
}


@pytest.mark.parametrize("name", list(BUNDLE_REFUSALS))
def test_a_refused_bundle_change_leaves_the_bundle_as_it_was(
    service: ArchiveService, entries: dict[str, PolicyEvent], name: str
) -> None:
    service.create_bundle("smith-2026", "Smith (2026)", [entries["order"].slug, entries["labels"].slug], options(""))
    write, error, message = BUNDLE_REFUSALS[name]
    position = service.app.position()
    with pytest.raises(error, match=message):
        write(service, entries)
    assert service.app.position() == position
    assert service.bundle("smith-2026").pins == (Pin(entries["order"].id, 1), Pin(entries["labels"].id, 1))


def test_a_merged_entry_cannot_be_pinned(service: ArchiveService, entries: dict[str, PolicyEvent]) -> None:
    service.merge(entries["ruling"].slug, entries["order"].slug, options("the same"))
    with pytest.raises(InvalidChange, match=f"entry {entries['ruling'].slug} was merged into another entry"):
        service.create_bundle("smith-2026", "Smith", [entries["ruling"].slug], options(""))
