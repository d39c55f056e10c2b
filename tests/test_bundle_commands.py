"""Citation bundles listed, shown and deleted from the command line, on SQLite and PostgreSQL.

A researcher makes a bundle for a paper, lists and shows it, then withdraws the paper and deletes
the bundle: its page stays at its address (it may have been cited), marked withdrawn with the date
and reason of the deletion, it leaves the list of bundles, and its name stays taken. A mistyped
name is answered with the name meant.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ArchiveUnderTest
from sitebuild import html

BASE_URL = "https://example.org/"  # what `timeline init` writes
REASON = "the paper was withdrawn"


def history_of(archive: ArchiveUnderTest, name: str) -> list[dict[str, Any]]:
    """The lines of the bundle's committed history file."""
    path = archive.root / "history" / "bundles" / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def minute(moment: str) -> str:
    """A recorded time as the plain listings show it."""
    return f"{dt.datetime.fromisoformat(moment):%Y-%m-%d %H:%M} UTC"


def written(archive: ArchiveUnderTest) -> dict[str, bytes]:
    """Every file of the archive's events/ and history/ folders, by path."""
    return {
        path.relative_to(archive.root).as_posix(): path.read_bytes()
        for folder in ("events", "history")
        for path in sorted((archive.root / folder).rglob("*"))
        if path.is_file()
    }


def assert_refused(archive: ArchiveUnderTest, args: tuple[str, ...], message: str) -> None:
    """`timeline ARGS` exits 2 with the one line MESSAGE, and writes nothing to the store or the files."""
    store, files = archive.notifications(), written(archive)
    result = archive.run(*args)
    assert (result.exit_code, result.stderr, result.stdout) == (2, f"error: {message}\n", ""), args
    assert archive.notifications() == store, f"{args}: the store changed"
    assert written(archive) == files, f"{args}: a file changed"


@pytest.fixture
def paper(store: ArchiveUnderTest) -> dict[str, Any]:
    """Bundle smith-2026 pins an order (at revision 1, corrected since) and a label (retracted since);
    bundle brief-2026 pins the order only."""
    order = store.add("Trump signs an order on platforms", "2020-05-28", "executive-order")
    label = store.add("Twitter labels two tweets", "2020-05-26", "label")
    store.ok("bundle", "create", "smith-2026", order["slug"], "--title", "Smith (2026), Platform law")
    store.ok("bundle", "add", "smith-2026", label["slug"], "--reason", "cited in section 2")
    store.ok("correct", order["slug"], "--title", "Trump signs an order on social media", "--reason", "exact")
    store.ok("retract", label["slug"], "--reason", "the labels were never applied")
    store.ok("bundle", "create", "brief-2026", order["slug"])
    return {"archive": store, "order": order, "label": label}


# Listing and showing --------------------------------------------------------------------------------------


def test_bundle_list_gives_each_bundle_with_its_recorded_times(paper: dict[str, Any]) -> None:
    archive: ArchiveUnderTest = paper["archive"]
    smith, brief = history_of(archive, "smith-2026"), history_of(archive, "brief-2026")
    assert archive.json("bundle", "list") == [
        {
            "name": "brief-2026",
            "title": "brief-2026",
            "entries": 1,
            "made": brief[0]["at"],
            "changed": brief[0]["at"],
            "deleted": False,
            "deleted_on": None,
            "deletion_reason": None,
        },
        {
            "name": "smith-2026",
            "title": "Smith (2026), Platform law",
            "entries": 2,
            "made": smith[0]["at"],
            "changed": smith[1]["at"],
            "deleted": False,
            "deleted_on": None,
            "deletion_reason": None,
        },
    ]
    listed = archive.ok("bundle", "list")
    assert listed.stdout.splitlines() == [
        f"brief-2026  brief-2026  (1 entry; made {minute(brief[0]['at'])}, last changed {minute(brief[0]['at'])})",
        f"smith-2026  Smith (2026), Platform law  (2 entries; made {minute(smith[0]['at'])}, "
        f"last changed {minute(smith[1]['at'])})",
    ]
    assert listed.stderr == "2 bundles\n"


def test_an_archive_without_bundles_lists_none(store: ArchiveUnderTest) -> None:
    listed = store.ok("bundle", "list")
    assert (listed.stdout, listed.stderr) == ("", "0 bundles\n")
    assert store.json("bundle", "list") == []


def test_bundle_show_gives_the_pinned_revisions_the_retractions_and_the_page(paper: dict[str, Any]) -> None:
    archive: ArchiveUnderTest = paper["archive"]
    order, label = paper["order"], paper["label"]
    smith = history_of(archive, "smith-2026")
    shown = archive.json("bundle", "show", "smith-2026")
    assert shown == {
        "name": "smith-2026",
        "title": "Smith (2026), Platform law",
        "entries": 2,
        "made": smith[0]["at"],
        "changed": smith[1]["at"],
        "deleted": False,
        "deleted_on": None,
        "deletion_reason": None,
        "url": f"{BASE_URL}bundles/smith-2026/",
        "pins": [
            # The order as it was pinned: its title before the correction.
            {"slug": order["slug"], "revision": 1, "title": order["title"], "retracted": False},
            {
                "slug": label["slug"],
                "revision": 1,
                "title": label["title"],
                "retracted": True,
                "retraction_reason": "the labels were never applied",
            },
        ],
    }
    assert archive.ok("bundle", "show", "smith-2026").stdout.splitlines() == [
        "Smith (2026), Platform law (bundle smith-2026)",
        f"made {minute(smith[0]['at'])}, last changed {minute(smith[1]['at'])}",
        f"page: {BASE_URL}bundles/smith-2026/",
        "2 pinned entries:",
        f"  1. {order['title']}",
        f"     {order['slug']}, revision 1",
        f"  2. [Retracted] {label['title']}",
        f"     {label['slug']}, revision 1",
        "     retracted: the labels were never applied",
    ]


# Deleting ---------------------------------------------------------------------------------------------------


def test_a_deleted_bundle_is_marked_kept_and_can_no_longer_change(paper: dict[str, Any]) -> None:
    archive: ArchiveUnderTest = paper["archive"]
    order, label = paper["order"], paper["label"]
    before = len(archive.notifications())
    deleted = archive.ok("bundle", "delete", "smith-2026", "--reason", REASON, "--editor", "Ann Editor")
    assert (
        deleted.stdout
        == "deleted bundle smith-2026: its page stays, marked withdrawn, and leaves the list of bundles\n"
    )
    assert len(archive.notifications()) == before + 1

    # One line more in its committed history, with the editor and reason.
    line = history_of(archive, "smith-2026")[-1]
    assert (line["event"], line["v"], line["by"], line["reason"], line["data"]) == (
        "timeline:Bundle.Deleted",
        3,
        "Ann Editor",
        REASON,
        {},
    )
    deleted_on = line["at"]

    listed = {b["name"]: b for b in archive.json("bundle", "list")}
    assert listed["smith-2026"] | {"made": None} == {
        "name": "smith-2026",
        "title": "Smith (2026), Platform law",
        "entries": 2,
        "made": None,
        "changed": deleted_on,
        "deleted": True,
        "deleted_on": deleted_on,
        "deletion_reason": REASON,
    }
    assert listed["brief-2026"]["deleted"] is False
    plain = archive.ok("bundle", "list").stdout.splitlines()
    assert plain[1].endswith(f") [deleted {minute(deleted_on)}: {REASON}]")
    assert "[deleted" not in plain[0]

    shown = archive.ok("bundle", "show", "smith-2026").stdout.splitlines()
    assert shown[1:3] == [
        f"made {minute(history_of(archive, 'smith-2026')[0]['at'])}",
        f"DELETED on {minute(deleted_on)}: {REASON} (its page stays at its address, marked withdrawn, "
        "and is no longer listed)",
    ]
    assert archive.json("bundle", "show", "smith-2026")["entries"] == 2  # its pins stay as they were

    taken = f"bundle smith-2026 was deleted on {deleted_on[:10]}"
    unchangeable = f"{taken} ({REASON}); a deleted bundle cannot be changed"
    assert_refused(archive, ("bundle", "add", "smith-2026", paper["order"]["slug"]), unchangeable)
    assert_refused(archive, ("bundle", "remove", "smith-2026", label["slug"]), unchangeable)
    assert_refused(archive, ("bundle", "delete", "smith-2026", "--reason", "again"), unchangeable)
    assert_refused(
        archive,
        ("bundle", "create", "smith-2026", order["slug"]),
        f"{taken} and its name stays taken (its page keeps its address, marked withdrawn); choose another name",
    )


def test_deleting_needs_a_reason(paper: dict[str, Any]) -> None:
    assert_refused(
        paper["archive"], ("bundle", "delete", "smith-2026"), "reason: is required; say why with --reason TEXT"
    )


def test_a_deleted_bundle_s_page_stays_withdrawn_and_leaves_the_list(paper: dict[str, Any], tmp_path: Path) -> None:
    archive: ArchiveUnderTest = paper["archive"]
    site = tmp_path / "site"
    archive.ok("build", "--out", str(site))
    index = html(site / "bundles" / "index.html")
    assert [a["href"] for a in index.select("main ul.facet-list a")] == [
        "brief-2026/index.html",
        "smith-2026/index.html",
    ]
    assert html(site / "bundles" / "smith-2026" / "index.html").select(".notice.withdrawn") == []

    # A reason is shown as written, never as markup.
    reason = 'the paper was withdrawn <script>alert("x")</script> & "re-filed"'
    archive.ok("bundle", "delete", "smith-2026", "--reason", reason)
    deleted_on = history_of(archive, "smith-2026")[-1]["at"]
    archive.ok("build", "--out", str(site))
    index = html(site / "bundles" / "index.html")
    assert [a["href"] for a in index.select("main ul.facet-list a")] == ["brief-2026/index.html"]
    page = html(site / "bundles" / "smith-2026" / "index.html")
    [notice] = page.select(".notice.withdrawn")
    day = dt.date.fromisoformat(deleted_on[:10])
    shown = f"{day.day} {day:%B} {day.year}"  # the site's one date style
    assert notice.select_one("p").get_text(" ", strip=True) == f"Withdrawn on {shown} : {reason}"
    assert page.select("main script") == []
    assert notice.select_one("time")["datetime"] == dt.datetime.fromisoformat(deleted_on).isoformat(
        timespec="milliseconds"
    )
    # What was cited stays: the pinned revisions and the reference files.
    assert [li.select_one("a").get_text() for li in page.select("ol.pinned > li")] == [
        paper["order"]["title"],
        paper["label"]["title"],
    ]
    for name in ("bundle.bib", "bundle.ris", "bundle.json"):
        assert (site / "bundles" / "smith-2026" / name).is_file()
    # A full rebuild gives the same page.
    full = tmp_path / "full"
    archive.ok("build", "--full", "--out", str(full))
    page_path = Path("bundles", "smith-2026", "index.html")
    assert (full / page_path).read_bytes() == (site / page_path).read_bytes()


def test_a_fresh_store_replays_the_deletion_from_the_committed_history(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    archive = sqlite_archive
    entry = archive.add("Regulator opens an inquiry", "2020-05-26", "investigation")
    archive.ok("bundle", "create", "doe-2026", entry["slug"])
    archive.ok("bundle", "delete", "doe-2026", "--reason", REASON)
    shown = archive.json("bundle", "show", "doe-2026")

    # A clone: the files, no store.
    clone = ArchiveUnderTest(root=tmp_path / "clone", store_url=None, runner=CliRunner())
    clone.root.mkdir()
    for name in ("events", "history"):
        shutil.copytree(archive.root / name, clone.root / name)
    shutil.copy(archive.root / "timeline.toml", clone.root / "timeline.toml")
    clone.ok("sync")
    assert clone.json("bundle", "show", "doe-2026") == shown
    assert shown["deleted"] is True and shown["deletion_reason"] == REASON
    assert clone.ok("verify").stdout.startswith("verified: ")
    assert_refused(
        clone,
        ("bundle", "add", "doe-2026", entry["slug"]),
        f"bundle doe-2026 was deleted on {shown['deleted_on'][:10]} ({REASON}); a deleted bundle cannot be changed",
    )


# Names ----------------------------------------------------------------------------------------------------


def test_a_name_that_cannot_be_a_bundle_s_is_answered_with_one_that_can(paper: dict[str, Any]) -> None:
    archive: ArchiveUnderTest = paper["archive"]
    slug = paper["order"]["slug"]
    assert_refused(
        archive,
        ("bundle", "create", "My Paper 2026", slug),
        "bundle name: 'My Paper 2026' is not accepted; use lowercase letters, digits and hyphens; "
        "did you mean my-paper-2026?",
    )
    assert_refused(
        archive,
        ("bundle", "create", "Zoë's brief (draft)", slug),
        'bundle name: "Zoë\'s brief (draft)" is not accepted; use lowercase letters, digits and hyphens; '
        "did you mean zoe-s-brief-draft?",
    )
    # Nothing a name could be made of: no suggestion.
    assert_refused(
        archive,
        ("bundle", "create", "!!!", slug),
        "bundle name: '!!!' is not accepted; use lowercase letters, digits and hyphens",
    )
    archive.ok("bundle", "create", "my-paper-2026", slug)


def test_an_unknown_bundle_is_answered_with_the_name_meant_or_the_list(paper: dict[str, Any]) -> None:
    archive: ArchiveUnderTest = paper["archive"]
    slug = paper["order"]["slug"]
    for args in (
        ("bundle", "show", "smith2026"),
        ("bundle", "add", "smith2026", slug),
        ("bundle", "remove", "smith2026", slug),
        ("bundle", "delete", "smith2026", "--reason", "r"),
    ):
        assert_refused(archive, args, "no bundle 'smith2026'; did you mean smith-2026?")
    assert_refused(archive, ("bundle", "show", "Brief 2026"), "no bundle 'Brief 2026'; did you mean brief-2026?")
    assert_refused(
        archive, ("bundle", "show", "jones-2030"), "no bundle 'jones-2030'; 'timeline bundle list' lists the bundles"
    )


def test_an_archive_without_bundles_says_how_to_make_one(store: ArchiveUnderTest) -> None:
    assert_refused(
        store,
        ("bundle", "show", "smith-2026"),
        "no bundle 'smith-2026': there are no bundles yet; make one with 'timeline bundle create'",
    )
