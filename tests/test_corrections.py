"""Correcting an entry as an editor would: sources put right in place (never shown as withdrawn),
lists changed one item at a time, a retraction undone, confirmations before an entry's end, and
relations that make sense in time. Each refusal leaves the store and the files as they were."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from bs4 import BeautifulSoup
from conftest import ArchiveUnderTest

import timeline.cli.endings

EARLY = "2020-05-26"
LATE = "2020-05-28"


def snapshot(archive: ArchiveUnderTest) -> tuple[object, dict[str, str]]:
    """The store's log and every file of events/ and history/: what a refusal must not change."""
    files = {
        str(path.relative_to(archive.root)): path.read_text(encoding="utf-8")
        for folder in ("events", "history")
        if (archive.root / folder).exists()
        for path in sorted((archive.root / folder).rglob("*"))
        if path.is_file()
    }
    return archive.notifications(), files


def refused(archive: ArchiveUnderTest, *args: str) -> str:
    """Run a command that must be refused: exit status 2, one line on stderr, nothing changed."""
    before = snapshot(archive)
    result = archive.run(*args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    assert snapshot(archive) == before
    return lines[0]


def history_text(archive: ArchiveUnderTest, slug: str) -> str:
    return archive.ok("history", slug).stdout


# Sources corrected in place ------------------------------------------------------------------


def test_an_archived_copy_is_added_to_a_source_without_withdrawing_it(store: ArchiveUnderTest) -> None:
    entry = store.add("Court rules on the order", LATE, "statement", "--source-url", "https://example.org/ruling")
    slug = entry["slug"]
    copy = "https://web.archive.org/web/2020/https://example.org/ruling"
    data = store.json("source", "correct", slug, "1", "--archived-url", copy, "--reason", "archived copy")
    assert data["revision"] == 2
    assert data["sources"][0]["archived_url"] == copy
    assert data["sources"][0]["url"] == "https://example.org/ruling"
    assert data["sources"][0]["title"] == entry["sources"][0]["title"]
    shown = history_text(store, slug)
    assert "source 1: archived copy added (" in shown
    assert "withdrawn" not in shown
    assert store.notifications()[-1][2] == "timeline:PolicyEvent.SourceCorrected"
    # Named by URL too; a title put right is said so.
    store.ok(
        "source", "correct", slug, "https://example.org/ruling", "--title", "The ruling", "--reason", "exact title"
    )
    assert "source 1: title " in history_text(store, slug) and "-> 'The ruling'" in history_text(store, slug)


def test_a_source_correction_that_changes_nothing_or_names_no_source_is_refused(store: ArchiveUnderTest) -> None:
    slug = store.add("Platform suspends accounts", LATE)["slug"]
    title = "Report: Platform suspends accounts"
    line = refused(store, "source", "correct", slug, "1", "--title", title, "--reason", "same")
    assert line == f"error: nothing to correct: source 1 of {slug} already reads so"
    line = refused(store, "source", "correct", slug, "3", "--date", "2020-05-28", "--reason", "which")
    assert line == f"error: source: entry {slug} has only source 1, not 3"
    line = refused(store, "source", "correct", slug, "1", "--title", "", "--reason", "empty")
    assert line == "error: source title: a source keeps its title; give the corrected one"
    line = refused(store, "source", "correct", slug, "1", "--reason", "nothing given")
    assert "give at least one field to correct" in line


def test_a_hand_edited_source_in_events_becomes_a_source_correction(store: ArchiveUnderTest) -> None:
    slug = store.add("Court rules on the order", LATE, "statement", "--source-url", "https://example.org/r")["slug"]
    path = store.root / "events" / f"{slug}.md"
    text = path.read_text(encoding="utf-8")
    copy = "https://web.archive.org/web/2020/https://example.org/r"
    path.write_text(
        text.replace("  url: https://example.org/r\n", f"  url: https://example.org/r\n  archived_url: {copy}\n")
    )
    assert copy in path.read_text(encoding="utf-8")
    store.ok("sync", "--reason", "archived copy of the ruling")
    shown = history_text(store, slug)
    assert "source corrected by Test Editor" in shown
    assert "source 1: archived copy added" in shown
    assert "withdrawn" not in shown and "source added" not in shown
    assert store.json("show", slug)["revision"] == 2


# Lists changed one item at a time -----------------------------------------------------------


def test_actors_and_platforms_are_added_and_removed_one_at_a_time(store: ArchiveUnderTest) -> None:
    slug = store.add(
        "Buyer takes over platform", LATE, "statement", "--actor", "Twitter:target", "--actor", "Jack Dorsey:seller"
    )["slug"]
    data = store.json("correct", slug, "--add-actor", "Elon Musk:buyer", "--add-platform", "Twitter", "--reason", "r")
    assert data["actors"] == [
        {"name": "Twitter", "role": "target"},
        {"name": "Jack Dorsey", "role": "seller"},
        {"name": "Elon Musk", "role": "buyer"},
    ]
    assert data["platforms"] == ["Twitter"]
    data = store.json(
        "correct", slug, "--remove-actor", "jack dorsey", "--add-actor", "Twitter:acquired", "--reason", "r"
    )
    assert data["actors"] == [{"name": "Twitter", "role": "acquired"}, {"name": "Elon Musk", "role": "buyer"}]
    assert (
        "actors: Twitter (target), Jack Dorsey (seller), Elon Musk (buyer) -> Twitter (acquired), Elon Musk (buyer)"
        in (history_text(store, slug))
    )


def test_a_whole_list_that_would_drop_items_needs_replace(store: ArchiveUnderTest) -> None:
    slug = store.add("Buyer takes over platform", LATE, "statement", "--actor", "Twitter:target")["slug"]
    line = refused(store, "correct", slug, "--actor", "Elon Musk:buyer", "--reason", "r")
    assert line == (
        "error: --actor replaces the whole list of actors and would drop Twitter (target); "
        "use --add-actor or --remove-actor to change one, or pass --replace to replace the list"
    )
    line = refused(store, "correct", slug, "--remove-actor", "Jack Dorsey", "--reason", "r")
    assert line == "error: actors: the entry does not list 'Jack Dorsey' (it lists: Twitter)"
    line = refused(store, "correct", slug, "--add-actor", "Twitter:target", "--reason", "r")
    assert line == "error: the entry already lists Twitter (target) among its actors"
    data = store.json("correct", slug, "--actor", "Elon Musk:buyer", "--replace", "--reason", "r")
    assert data["actors"] == [{"name": "Elon Musk", "role": "buyer"}]
    # A whole list keeping every name (a role changed) needs no --replace.
    assert store.json("correct", slug, "--actor", "Elon Musk:owner", "--reason", "r")["actors"][0]["role"] == "owner"


# A retraction undone, and confirmed first ---------------------------------------------------


def test_a_retraction_is_undone_and_the_log_keeps_both(store: ArchiveUnderTest) -> None:
    slug = store.add("Test entry made at the prompt", LATE)["slug"]
    store.ok("retract", slug, "--reason", "wrong entry")
    assert slug not in store.ok("list").stdout
    refused(store, "correct", slug, "--title", "Changed", "--reason", "r")
    data = store.json("unretract", slug, "--reason", "retracted the wrong entry by mistake")
    assert data["retracted"] is False and data["revision"] == 3
    assert slug in store.ok("list").stdout
    shown = history_text(store, slug)
    assert "retracted by Test Editor" in shown and "unretracted by Test Editor" in shown
    assert "retracted the wrong entry by mistake" in shown
    line = refused(store, "unretract", slug, "--reason", "again")
    assert line == f"error: entry {slug} is not retracted"


def test_a_retraction_names_the_entry_replacing_it_and_its_page_links_there(
    store: ArchiveUnderTest, tmp_path: Path
) -> None:
    wrong = store.add("Order signed on the wrong day", "2020-05-29")["slug"]
    right = store.add("Trump signs executive order", LATE, "executive-order")["slug"]
    data = store.json("retract", wrong, "--replaced-by", right, "--reason", "recorded with the wrong date")
    assert data["replaced_by"] == right
    assert f"replaced by {right}" in history_text(store, wrong)
    line = refused(store, "retract", right, "--replaced-by", right, "--reason", "self")
    assert line == f"error: entry {right} cannot be replaced by itself"
    store.ok("build", "--out", str(tmp_path / "site"))
    page = BeautifulSoup((tmp_path / f"site/events/{wrong}/index.html").read_text(encoding="utf-8"), "html.parser")
    notice = page.select_one(".notice.retracted")
    assert notice is not None
    link = notice.find("a")
    assert link is not None and link.get_text() == "Trump signs executive order"
    assert str(link["href"]) == f"../{right}/index.html"
    # The replacement retitled: the notice follows.
    store.ok("correct", right, "--title", "Trump signs order on social media", "--reason", "r")
    store.ok("build", "--out", str(tmp_path / "site"))
    page = BeautifulSoup((tmp_path / f"site/events/{wrong}/index.html").read_text(encoding="utf-8"), "html.parser")
    notice = page.select_one(".notice.retracted")
    assert notice is not None and "Trump signs order on social media" in notice.get_text()


@pytest.mark.parametrize("answer, retracted", [("n\n", False), ("y\n", True)])
def test_retract_asks_first_at_a_terminal(
    sqlite_archive: ArchiveUnderTest, monkeypatch: pytest.MonkeyPatch, answer: str, retracted: bool
) -> None:
    archive = sqlite_archive
    slug = archive.add("Platform suspends accounts", LATE)["slug"]
    monkeypatch.setattr(timeline.cli.endings, "at_terminal", lambda: True)
    before = archive.notifications()
    result = archive.runner.invoke(
        timeline.cli.main, ["retract", slug, "--reason", "r"], input=answer, env=archive.env()
    )
    assert f"Retract {slug} (Platform suspends accounts)? [y/N]" in result.output
    assert archive.json("show", slug)["retracted"] is retracted
    if not retracted:
        assert result.exit_code == 1
        assert "error: aborted; nothing was saved" in result.stderr
        assert archive.notifications() == before
    # --yes never asks: the merger is made at once.
    other = archive.add("Second report of the same suspensions", LATE)["slug"]
    result = archive.runner.invoke(
        timeline.cli.main, ["merge", other, slug, "--yes", "--reason", "same event"], env=archive.env()
    )
    assert "[y/N]" not in result.output
    if retracted:
        assert result.exit_code == 2 and "is retracted or merged; merge into a live entry" in result.stderr
    else:
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"merged {other} into {slug}:")


# Relations that make sense ------------------------------------------------------------------


def test_a_response_dated_before_what_it_responds_to_is_refused(store: ArchiveUnderTest) -> None:
    early = store.add("Platform labels two posts", EARLY)["slug"]
    late = store.add("Order responds to the labels", LATE, "executive-order")["slug"]
    line = refused(store, "link", early, "responds-to", late, "--reason", "r")
    assert line.startswith(f"error: {early} (26 May 2020) cannot respond to {late}, which comes later (28 May 2020)")
    assert "--allow-out-of-order" in line
    for relation in ("follows", "ends", "supersedes"):
        refused(store, "link", early, relation, late, "--reason", "r")
    # The right way round, and a relation with no order, are accepted; so is an approximate date that may be later.
    assert store.ok("link", late, "responds-to", early, "--reason", "r").stdout.startswith(
        f"linked {late} responds-to {early}:"
    )
    store.ok("link", early, "challenges", late, "--reason", "r")
    vague = store.add("Platform answers, some time that year", "2020~")["slug"]
    store.ok("link", vague, "responds-to", late, "--reason", "r")
    # --allow-out-of-order lets a real out-of-order link in.
    store.ok("link", early, "follows", late, "--allow-out-of-order", "--reason", "dates are right")


def test_a_link_already_made_the_other_way_is_refused(store: ArchiveUnderTest) -> None:
    early = store.add("Platform labels two posts", EARLY)["slug"]
    late = store.add("Order responds to the labels", LATE, "executive-order")["slug"]
    store.ok("link", late, "responds-to", early, "--reason", "r")
    line = refused(store, "link", early, "responds-to", late, "--allow-out-of-order", "--reason", "r")
    assert line == (
        f"error: the link already exists the other way ({late} responds to {early}), so {early} cannot also "
        f"respond to {late}; to reverse it, unlink it first (timeline unlink {late} responds-to {early})"
    )
    store.ok("link", early, "related", late, "--reason", "r")
    refused(store, "link", late, "related", early, "--reason", "r")


def test_add_checks_its_links_for_sense_too(store: ArchiveUnderTest) -> None:
    late = store.add("Order responds to the labels", LATE, "executive-order")["slug"]
    before = snapshot(store)
    result = store.run(
        "add",
        "--title",
        "Labels",
        "--kind",
        "label",
        "--date",
        EARLY,
        "--source-title",
        "A report",
        "--link",
        "responds-to",
        late,
    )
    assert result.exit_code == 2 and "cannot respond to" in result.stderr
    assert snapshot(store) == before


def test_check_reports_links_that_read_backwards_or_both_ways(store: ArchiveUnderTest) -> None:
    early = store.add("Platform labels two posts", EARLY)["slug"]
    late = store.add("Order responds to the labels", LATE, "executive-order")["slug"]
    store.ok("link", early, "follows", late, "--allow-out-of-order", "--reason", "dates as reported")
    found = [f for f in store.json("check", "--check", "relation-order") if f["check"] == "relation-order"]
    assert [f["entries"] for f in found] == [[early, late]]
    assert found[0]["severity"] == "notice"
    assert f"{early} (26 May 2020) follows {late}, which comes later (28 May 2020)" in found[0]["message"]
    assert store.json("check", "--check", "relation-inverse") == []


def test_check_finds_two_entries_linked_to_each_other_the_same_way() -> None:
    from timeline.domain.dates import PartialDate
    from timeline.domain.drafts import Draft, WriteOptions, record_draft
    from timeline.domain.model import Relation, RelationType
    from timeline.lint.check import run_checks

    def entry(number: int, title: str) -> Any:
        draft = Draft(title=title, kind="statement", date=PartialDate(LATE))
        return record_draft(
            draft,
            entry_id=UUID(int=number),
            short_id=f"short{number}",
            slug=f"2020-05-28-{number}",
            relations=(),
            options=WriteOptions(editor="Ann"),
            today=dt.date(2026, 1, 1),
        )

    # (as an archive recorded before the link checks, or an import linking rows to each other, holds them)
    one, two = entry(1, "A statement"), entry(2, "Another statement")
    one.link(Relation(RelationType.RESPONDS_TO, two.id), editor="Ann", reason="r")
    two.link(Relation(RelationType.RESPONDS_TO, one.id), editor="Ann", reason="r")
    found = run_checks([one, two], ["relation-inverse"])
    assert [(f.check, f.severity.value, f.entries) for f in found] == [
        ("relation-inverse", "warning", ("2020-05-28-1", "2020-05-28-2"))
    ]
    assert "each page lists the other as both 'responds to' and 'responded to by'" in found[0].message


def test_a_mistyped_replacement_is_answered_before_the_missing_reason(store: ArchiveUnderTest) -> None:
    wrong = store.add("Order signed on the wrong day", "2020-05-29")["slug"]
    right = store.add("Trump signs executive order", LATE, "executive-order")["slug"]
    line = refused(store, "retract", wrong, "--replaced-by", right.replace("signs", "sings"))
    assert line.startswith(f"error: no entry '{right.replace('signs', 'sings')}'; did you mean {right}?")
