"""Naming an entry on the command line: a unique prefix of its slug or short id is enough, an
ambiguous one is refused naming the candidates, a typo is answered with the closest slug; the name
is resolved before anything else the command checks; `timeline list` shows the short ids; a long
title's slug keeps its first words whole. On SQLite and on PostgreSQL (the ``store`` fixture).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ArchiveUnderTest
from test_bad_input import assert_refused

ORDER = "Trump signs executive order targeting Section 230 protections"
ORDER_SLUG = "2020-05-28-trump-signs-executive-order-targeting-section-230-protections"
EMAIL = "Trump campaign sends fundraising email about dispute with Twitter"
EMAIL_SLUG = "2020-05-28-trump-campaign-sends-fundraising-email-about-dispute-with-twitter"
LABELS = "Twitter adds fact-check labels to Trump tweets on mail-in ballots"
LABELS_SLUG = "2020-05-26-twitter-adds-fact-check-labels-to-trump-tweets-on-mail-in-ballots"
MURTHY = (
    "Supreme Court of the United States rules in Murthy v. Missouri that the states and users lacked "
    "standing to challenge the administration's contacts with platforms"
)
# The title's first words, whole, as many as fit in 80 characters; "and users lacked standing"
# (which python-slugify would skip, keeping the shorter "to" after it) is dropped with the rest.
MURTHY_SLUG = "2024-06-26-supreme-court-of-the-united-states-rules-in-murthy-v-missouri-that-the-states"
TYPO = "2020-05-28-trump-sings-executive-order-targeting-section-230-protections"


@pytest.fixture
def seeded(store: ArchiveUnderTest) -> dict[str, dict[str, Any]]:
    """Three entries, two of them on the same day with titles starting alike."""
    return {
        "order": store.add(ORDER, "2020-05-28", "executive-order"),
        "email": store.add(EMAIL, "2020-05-28", "statement"),
        "labels": store.add(LABELS, "2020-05-26", "label"),
    }


def test_a_unique_prefix_of_a_short_id_names_its_entry(
    store: ArchiveUnderTest, seeded: dict[str, dict[str, Any]]
) -> None:
    short_id = seeded["order"]["short_id"]
    assert store.json("show", short_id[:7]) == seeded["order"]
    assert store.json("history", short_id[:5]) == store.json("history", ORDER_SLUG)
    # Typed in capitals, as a short id read aloud or copied from a printout may be.
    assert store.json("show", short_id[:6].upper())["slug"] == ORDER_SLUG


def test_a_unique_prefix_of_a_slug_names_its_entry(store: ArchiveUnderTest, seeded: dict[str, dict[str, Any]]) -> None:
    assert store.json("show", "2020-05-28-trump-signs") == seeded["order"]
    assert store.json("show", "2020-05-26") == seeded["labels"]  # the only entry of that day
    history = store.json("history", "2020-05-28-trump-camp")
    assert [(revision["slug"], revision["revision"]) for revision in history] == [(EMAIL_SLUG, 1)]
    assert store.ok("show", "2020-05-28-trump-signs").stdout == store.ok("show", ORDER_SLUG).stdout


def test_an_ambiguous_prefix_is_refused_naming_the_candidates(
    store: ArchiveUnderTest, seeded: dict[str, dict[str, Any]]
) -> None:
    line = assert_refused(
        store,
        ["bundle", "create", "smith-2026", "2020-05-28-trump"],
        "'2020-05-28-trump' could be any of 2 entries: ",
        f"{EMAIL_SLUG}, {ORDER_SLUG};",
        "give more of the slug or short id",
    )
    assert "more;" not in line
    assert not (store.root / "history" / "bundles").exists()
    assert_refused(store, ["show", "2020"], "'2020' could be any of 3 entries: ")
    # Fewer than 4 characters are never taken as the start of a name, even of one entry's.
    assert_refused(store, ["show", "2020-05-26"[:3]], "'202' is too short", "give at least 4 characters")
    assert_refused(store, ["show", seeded["labels"]["short_id"][:3]], "is too short")


def test_a_prefix_of_many_entries_names_five_and_counts_the_rest(store: ArchiveUnderTest) -> None:
    slugs = sorted(store.add(f"Platform publishes transparency report {n}", "2021-03-01")["slug"] for n in range(7))
    line = assert_refused(store, ["cite", "2021-03-01-platform"], "could be any of 7 entries: ")
    assert f"{', '.join(slugs[:5])} and 2 more;" in line
    for slug in slugs[5:]:
        assert slug not in line


def test_a_typo_is_answered_with_the_closest_slug(store: ArchiveUnderTest, seeded: dict[str, dict[str, Any]]) -> None:
    assert_refused(store, ["show", TYPO], f"no entry {TYPO!r}; did you mean {ORDER_SLUG}?", "(see 'timeline list')")
    # A typo in the first words of a long slug, and in a short id, find it too.
    assert_refused(store, ["history", "2020-05-28-trump-sings-exec"], f"did you mean {ORDER_SLUG}?")
    short_id = seeded["labels"]["short_id"]
    wrong = short_id[:-1] + ("a" if short_id[-1] != "a" else "b")
    assert_refused(store, ["cite", wrong], f"no entry {wrong!r}; did you mean {LABELS_SLUG}?")
    # A name close to nothing gets no guess, only the pointer to the list.
    line = assert_refused(
        store, ["show", "hong-kong-accounts"], "no entry 'hong-kong-accounts'; name an entry by its slug or short id"
    )
    assert "did you mean" not in line


def test_a_mistyped_entry_is_reported_before_anything_else(
    store: ArchiveUnderTest, seeded: dict[str, dict[str, Any]]
) -> None:
    expected = f"no entry {TYPO!r}; did you mean {ORDER_SLUG}?"
    # cite refuses --latest with --revision, and bundle remove a bundle that does not exist: the
    # typo comes first.
    assert_refused(store, ["cite", TYPO, "--latest", "--revision", "2"], expected)
    assert_refused(store, ["bundle", "remove", "no-such-bundle", TYPO], expected)
    # add, without a terminal, refuses a missing title; a mistyped --link target comes first.
    assert_refused(store, ["add", "--link", "responds-to", TYPO, "--kind", "statement"], expected)


def test_a_resolved_name_reaches_the_command_as_the_slug(
    store: ArchiveUnderTest, seeded: dict[str, dict[str, Any]]
) -> None:
    retracted = store.add("A statement that was never made", "2020-05-27")
    store.ok("retract", retracted["slug"], "--reason", "never made")
    result = store.ok("bundle", "create", "smith-2026", seeded["order"]["short_id"][:6], retracted["short_id"][:6])
    assert f"warning: {retracted['slug']} is retracted" in result.stderr
    bundle_history = (store.root / "history" / "bundles" / "smith-2026.jsonl").read_text(encoding="utf-8")
    assert seeded["order"]["id"].replace("-", "") in bundle_history.replace("-", "")
    recorded = store.add(
        "Twitter calls the order politicized", "2020-05-29", "statement", "--link", "responds-to", "2020-05-28-trump-si"
    )
    assert recorded["relations"] == [{"type": "responds-to", "target": ORDER_SLUG}]


def test_list_shows_each_entrys_short_id(store: ArchiveUnderTest, seeded: dict[str, dict[str, Any]]) -> None:
    result = store.ok("list")
    assert result.stderr == "3 entries\n"
    columns = [line.split() for line in result.stdout.splitlines()]
    assert [(c[0], c[1], c[2], c[3]) for c in columns] == [
        (entry["date"], entry["short_id"], entry["kind"], entry["slug"])
        # Entries of one day unlinked to each other are listed in the order they were recorded.
        for entry in (seeded["labels"], seeded["order"], seeded["email"])
    ]
    assert [e["short_id"] for e in store.json("list")] == [columns[0][1], columns[1][1], columns[2][1]]


def test_a_long_title_makes_a_slug_cut_after_a_whole_word(store: ArchiveUnderTest) -> None:
    assert store.add(MURTHY, "2024-06-26", "court-ruling")["slug"] == MURTHY_SLUG


def test_a_change_finds_an_entry_the_store_has_yet_to_replay(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    """In a fresh clone the store lacks what history/ holds until a change replays it: a change
    naming an entry by a prefix still finds it, as it did by its slug before names were resolved first."""
    order = sqlite_archive.add(ORDER, "2020-05-28", "executive-order")
    clone = ArchiveUnderTest(root=tmp_path / "clone", store_url=None, runner=CliRunner())
    clone.root.mkdir()
    for name in ("timeline.toml", "events", "history"):
        source = sqlite_archive.root / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, clone.root / name)
    result = clone.ok("bundle", "create", "smith-2026", order["short_id"][:6])
    assert result.stdout.startswith("created bundle smith-2026")
    assert clone.json("show", order["slug"]) == order


def test_a_slug_given_before_the_rule_never_changes(store: ArchiveUnderTest, tmp_path: Path) -> None:
    """An entry whose slug python-slugify cut the old way (a middle run of words skipped) keeps it:
    slugs are stored and cited, never made again."""
    old_slug = MURTHY_SLUG + "-to"
    entry_file = tmp_path / "murthy.md"
    entry_file.write_text(
        f"---\nslug: {old_slug}\ntitle: \"{MURTHY}\"\nkind: court-ruling\ndate: '2024-06-26'\n"
        "sources:\n- title: Murthy v. Missouri, opinion of the Court\n  publisher: Supreme Court\n---\n",
        encoding="utf-8",
    )
    recorded = store.json("add", "--from-file", str(entry_file))
    assert recorded["slug"] == old_slug
    store.ok("correct", old_slug, "--title", MURTHY.replace("rules", "holds"), "--reason", "the Court's word")
    assert store.json("show", old_slug)["slug"] == old_slug
    assert store.json("show", MURTHY_SLUG)["slug"] == old_slug  # and the new rule's slug is a prefix of it
