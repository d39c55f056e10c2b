"""Messages that count things agree with the count: "1 entry", "2 entries", never "1 entries"."""

from __future__ import annotations

from pathlib import Path

from conftest import ArchiveUnderTest


def test_list_counts_one_entry_and_two_entries(store: ArchiveUnderTest) -> None:
    store.add("Twitter labels two tweets", "2020-05-26", "label")
    assert store.ok("list").stderr.strip() == "1 entry"
    store.add("Trump signs an order", "2020-05-28", "executive-order")
    assert store.ok("list").stderr.strip() == "2 entries"


def test_build_counts_one_new_change_and_two(store: ArchiveUnderTest) -> None:
    entry = store.add("Twitter labels two tweets", "2020-05-26", "label")
    store.ok("build")
    store.ok("correct", entry["slug"], "--title", "Twitter labels two Trump tweets", "--reason", "names him")
    once = store.ok("build").stdout
    assert "from 1 new change," in once, once
    store.ok("correct", entry["slug"], "--topic", "elections", "--reason", "a topic")
    store.ok("correct", entry["slug"], "--topic", "ballots", "--replace", "--reason", "a better topic")
    twice = store.ok("build").stdout
    assert "from 2 new changes," in twice, twice


def test_dump_counts_one_entry_and_two(store: ArchiveUnderTest, tmp_path: Path) -> None:
    store.add("Twitter labels two tweets", "2020-05-26", "label")
    one = store.ok("dump", str(tmp_path / "one.jsonl")).stdout
    assert "changes (1 entry) to" in one, one
    store.add("Trump signs an order", "2020-05-28", "executive-order")
    two = store.ok("dump", str(tmp_path / "two.jsonl")).stdout
    assert "changes (2 entries) to" in two, two


def test_verify_counts_one_file_and_two(store: ArchiveUnderTest) -> None:
    store.add("Twitter labels two tweets", "2020-05-26", "label")
    one = store.ok("verify").stdout
    assert "1 events/ file matches the store" in one, one
    assert "1 history/ file holds the store's 3 changes, intact" in one, one
    store.add("Trump signs an order", "2020-05-28", "executive-order")
    two = store.ok("verify").stdout
    assert "2 events/ files match the store" in two, two
    assert "2 history/ files hold the store's 6 changes, intact" in two, two


def test_a_revision_past_the_last_names_the_revisions_there_are(store: ArchiveUnderTest) -> None:
    slug = store.add("Twitter labels two tweets", "2020-05-26", "label")["slug"]
    before = store.notifications()
    for command in ("show", "cite"):
        one = store.run(command, slug, "--revision", "2")
        assert one.exit_code == 2 and one.stdout == ""
        assert one.stderr.startswith(f"error: Invalid value for --revision: {slug} has only revision 1"), one.stderr
        assert len(one.stderr.splitlines()) == 1
    store.ok("correct", slug, "--title", "Twitter labels two Trump tweets", "--reason", "names him")
    two = store.run("show", slug, "--revision", "3")
    assert two.exit_code == 2
    assert two.stderr.startswith(f"error: Invalid value for --revision: {slug} has revisions 1 to 2"), two.stderr
    assert len(store.notifications()) == len(before) + 1, "only the correction was recorded"
