"""Two editors, two branches: the archive's history travels with git (README: "The history in the repository").

Alice keeps the archive in git; Bob works in a clone of it, whose first `timeline sync` replays the
committed history into his own new store. Each runs the command line in their own folder, under their
own name, and commits with git as they would.

1. They change different entries: git merges without a conflict, Alice's sync replays Bob's change with
   his name, his reason and his time, `timeline verify` passes and the site shows his change. A fresh
   clone of the merge builds the same site as Alice's, byte for byte.
2. They change the same entry: git leaves a conflict in its history file, and `timeline sync` (and
   `timeline build`) refuses with one line naming the entry, both changes (what, who, when, why) and the
   side each was made on, as git named it (`git pull` names Bob's commit, `git merge` his branch). Nothing
   is written.
3. `timeline resolve` keeps Alice's change and makes Bob's again on top, under his name, its reason
   saying when and where it was first made; the files lose git's markers, verify passes, the merge
   commits, and a fresh clone of it builds the same site as Alice's.
4. A hand edit of an events/ file goes into history/ with the reason given (`timeline sync --reason`),
   else one naming the file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ArchiveUnderTest
from sitebuild import tree

CONFLICT_MARKERS = ("<<<<<<<", "=======", ">>>>>>>")
SUMMARY = "Labels on two tweets about mail-in ballots."


@dataclass
class Editor(ArchiveUnderTest):
    """Someone's own clone of the archive: the command line and git, run in it under their name."""

    name: str = ""

    def env(self) -> dict[str, str]:
        return {**super().env(), "TIMELINE_EDITOR": self.name}

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return git(self.root, *args, who=self.name, check=check)

    def history_file(self, slug: str) -> Path:
        return self.root / "history" / f"{slug}.jsonl"

    def events_file(self, slug: str) -> Path:
        return self.root / "events" / f"{slug}.md"

    def site(self) -> dict[str, bytes]:
        return tree(self.root / "_site")


def git(folder: Path, *args: str, who: str = "Alice", check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run git in FOLDER as WHO, untouched by the machine's own git settings."""
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": who,
        "GIT_AUTHOR_EMAIL": f"{who.lower()}@example.org",
        "GIT_COMMITTER_NAME": who,
        "GIT_COMMITTER_EMAIL": f"{who.lower()}@example.org",
        "GIT_EDITOR": "true",
    }
    done = subprocess.run(["git", *args], cwd=folder, env=env, capture_output=True, text=True)
    if check:
        assert done.returncode == 0, f"git {' '.join(args)} failed: {done.stdout}{done.stderr}"
    return done


def clone(source: Editor, name: str) -> Editor:
    """NAME's fresh clone of SOURCE's repository as it stands (its HEAD), and their first sync."""
    git(source.root.parent, "clone", "-q", source.root.name, name.lower(), who=name)
    someone = Editor(root=source.root.parent / name.lower(), store_url=None, runner=CliRunner(), name=name)
    synced = someone.ok("sync")
    assert f"history/: {len(source.notifications())} changes replayed into the store" in synced.stdout
    return someone


def moment(time: str) -> str:
    """A time from `timeline log --json` as the messages print it."""
    return f"{dt.datetime.fromisoformat(time):%Y-%m-%d %H:%M:%S}"


def unnumbered(change: dict[str, Any]) -> dict[str, Any]:
    """A change from `timeline log --json` without its position, which is each store's own."""
    return {key: value for key, value in change.items() if key != "position"}


@pytest.fixture
def alice_and_bob(tmp_path: Path) -> tuple[Editor, Editor, dict[str, str]]:
    """Alice's archive with two entries, committed; Bob's clone of it, synced. Returns the slugs too."""
    alice = Editor(root=tmp_path / "alice", store_url=None, runner=CliRunner(), name="Alice")
    alice.ok("init", str(alice.root), "--title", "Platform policy timeline")
    labels = alice.add("Twitter labels two tweets", "2020-05-26", "label")["slug"]
    order = alice.add("Trump signs order", "2020-05-28", "executive-order")["slug"]
    alice.git("init", "-q", "-b", "main")
    alice.git("add", "-A")
    alice.git("commit", "-q", "-m", "Two entries")
    assert alice.git("status", "--porcelain").stdout == "", "the store and caches stay out of git"
    bob = clone(alice, "Bob")
    assert [unnumbered(c) for c in bob.json("log")] == [unnumbered(c) for c in alice.json("log")]
    return alice, bob, {"labels": labels, "order": order}


# 1. Different entries ---------------------------------------------------------------------------


def test_changes_to_different_entries_merge_cleanly_and_replay_under_their_editors(
    alice_and_bob: tuple[Editor, Editor, dict[str, str]],
) -> None:
    alice, bob, slugs = alice_and_bob
    alice.ok("correct", slugs["labels"], "--summary", SUMMARY, "--reason", "a summary")
    alice.git("commit", "-q", "-a", "-m", "A summary for the labels")
    alice.ok("build")  # the site as it was before the merge: the build after it brings it up to date
    new_title = "Trump signs executive order on preventing online censorship"
    bob.ok("correct", slugs["order"], "--title", new_title, "--reason", "the order's official name")
    bob.git("commit", "-q", "-a", "-m", "The order's official name")
    [bobs_change, *_] = bob.json("log")

    pulled = alice.git("pull", "--no-rebase", "--no-edit", "../bob", "main")
    assert "CONFLICT" not in pulled.stdout + pulled.stderr

    synced = alice.ok("sync")
    assert "history/: 1 change replayed into the store, 0 written to 0 files" in synced.stdout
    [newest, mine, *_] = alice.json("log")
    assert unnumbered(newest) == unnumbered(bobs_change), "Bob's change as he made it: his name, reason and time"
    assert (newest["slug"], newest["editor"], newest["reason"]) == (slugs["order"], "Bob", "the order's official name")
    assert (mine["slug"], mine["editor"], mine["reason"]) == (slugs["labels"], "Alice", "a summary")
    verified = alice.ok("verify")
    assert verified.stdout.startswith("verified: ")
    assert "2 history/ files hold the store's 8 changes, intact" in verified.stdout

    alice.ok("build")
    page = (alice.root / "_site" / "events" / slugs["order"] / "index.html").read_text(encoding="utf-8")
    assert new_title in page
    carol = clone(alice, "Carol")
    carol.ok("build")
    assert carol.site() == alice.site(), "a fresh clone of the merge builds Alice's site"


# 2. The same entry: a conflict ------------------------------------------------------------------


def diverge(alice: Editor, bob: Editor, slug: str, how: str) -> str:
    """Alice corrects the entry's summary, Bob its title; Alice merges Bob's work, by `git pull` of his
    folder or by `git merge` of his branch, and git stops with a conflict. Returns the name git gave
    Bob's side (after `>>>>>>>` in the history file)."""
    alice.ok("correct", slug, "--summary", SUMMARY, "--reason", "summary")
    alice.git("commit", "-q", "-a", "-m", "A summary")
    bob.ok("correct", slug, "--title", "Twitter labels two Trump tweets", "--reason", "two of them")
    bob.git("commit", "-q", "-a", "-m", "Whose tweets")
    if how == "pull":
        merged = alice.git("pull", "--no-rebase", "--no-edit", "../bob", "main", check=False)
    else:
        alice.git("remote", "add", "bob", "../bob")
        alice.git("fetch", "-q", "bob")
        merged = alice.git("merge", "--no-edit", "bob/main", check=False)
    assert merged.returncode == 1
    assert f"CONFLICT (content): Merge conflict in history/{slug}.jsonl" in merged.stdout
    assert f"CONFLICT (content): Merge conflict in events/{slug}.md" in merged.stdout
    lines = alice.history_file(slug).read_text(encoding="utf-8").splitlines()
    [theirs] = [line.removeprefix(">>>>>>> ") for line in lines if line.startswith(">>>>>>> ")]
    assert theirs == (bob.git("rev-parse", "HEAD").stdout.strip() if how == "pull" else "bob/main")
    return theirs


@pytest.mark.parametrize("how", ["pull", "merge"])
def test_the_same_entry_changed_on_two_branches_stops_sync_with_one_line_naming_both_changes(
    alice_and_bob: tuple[Editor, Editor, dict[str, str]], how: str
) -> None:
    alice, bob, slugs = alice_and_bob
    slug = slugs["labels"]
    theirs = diverge(alice, bob, slug, how)
    side = f"the merged branch ({theirs[:8] if how == 'pull' else 'bob/main'})"
    alices, bobs = alice.json("log")[0], bob.json("log")[0]
    before = (alice.notifications(), alice.json("log"), alice.history_file(slug).read_bytes())

    expected = (
        f"error: history/{slug}.jsonl: entry {slug} has diverged: "
        f'this branch (HEAD) recorded v2 Corrected summary by Alice at {moment(alices["time"])} UTC ("summary"), '
        f'{side} recorded v2 Corrected title by Bob at {moment(bobs["time"])} UTC ("two of them"); '
        f"nothing was synced. Run 'timeline resolve {slug}' to keep the side the store holds and make the other's "
        "changes again on top (README: 'The history in the repository')"
    )
    for command in ("sync", "build"):
        refused = alice.run(command)
        assert refused.exit_code == 2, refused.output
        assert refused.stderr.splitlines() == [expected], f"timeline {command}"
        assert (alice.notifications(), alice.json("log"), alice.history_file(slug).read_bytes()) == before
    assert not (alice.root / "_site").exists()


# 3. Resolving it --------------------------------------------------------------------------------


def test_resolve_keeps_this_side_and_makes_the_other_sides_change_again_under_its_editor(
    alice_and_bob: tuple[Editor, Editor, dict[str, str]],
) -> None:
    alice, bob, slugs = alice_and_bob
    slug = slugs["labels"]
    side = f"the merged branch ({diverge(alice, bob, slug, 'pull')[:8]})"
    bobs = bob.json("log")[0]

    resolved = alice.ok("resolve", slug)
    assert resolved.stdout.splitlines() == [
        f"resolved {slug}: kept this branch (HEAD); 1 of {side}'s changes made again on top",
        f'  made again: v2 Corrected title by Bob at {moment(bobs["time"])} UTC ("two of them")',
        "now run 'timeline sync' (it replays what merged cleanly), then commit history/ and events/",
    ]
    alice.ok("sync")

    first_made = f"{dt.datetime.fromisoformat(bobs['time']):%Y-%m-%d %H:%M}"
    assert [(r["revision"], r["change"], r["editor"], r["reason"]) for r in alice.json("history", slug)] == [
        (1, "recorded", "Alice", "recorded"),
        (2, "corrected", "Alice", "summary"),
        (3, "corrected", "Bob", f"two of them (first recorded {first_made} UTC on {side})"),
    ]
    shown = alice.json("show", slug)
    assert (shown["revision"], shown["title"]) == (3, "Twitter labels two Trump tweets")
    assert shown["summary"].strip() == SUMMARY
    for path in (alice.history_file(slug), alice.events_file(slug)):
        lines = path.read_text(encoding="utf-8").splitlines()
        assert not [line for line in lines if line.startswith(CONFLICT_MARKERS)], f"{path.name} is resolved"
    assert alice.ok("verify").stdout.startswith("verified: ")

    alice.git("add", "history", "events")
    alice.git("commit", "-q", "-m", "Both corrections of the labels")
    assert alice.git("status", "--porcelain").stdout == ""
    alice.ok("build")
    carol = clone(alice, "Carol")
    assert carol.json("history", slug) == alice.json("history", slug)
    carol.ok("build")
    assert carol.site() == alice.site(), "a fresh clone of the resolved merge builds Alice's site"

    # Bob pulls the resolved merge: his store holds his own v2, the committed history Alice's v2 and
    # his change made again as v3. Sync refuses (every time), and resolve makes his store follow the
    # history; his change, already in it, is skipped, and his checkout ends as the commit has it.
    bob.git("pull", "-q", "--no-rebase", str(alice.root), "main")
    for _ in range(2):
        refused = bob.run("sync")
        assert refused.exit_code == 2
        assert "make the store follow the committed history" in refused.stderr
    followed = bob.ok("resolve", slug)
    assert "kept the committed history; 0 of the local store's changes made again on top" in followed.stdout
    assert "  skipped: v2 Corrected title by Bob" in followed.stdout
    assert "set aside in" in followed.stdout
    bob.ok("sync")
    assert bob.json("history", slug) == alice.json("history", slug)
    assert bob.git("status", "--porcelain").stdout == ""
    assert bob.ok("verify").stdout.startswith("verified: ")


# 4. Hand edits ----------------------------------------------------------------------------------


def test_a_hand_edit_goes_into_history_with_its_reason_and_editor(sqlite_archive: ArchiveUnderTest) -> None:
    slug = sqlite_archive.add("Facebook labels two tweets", "2020-05-26", "label")["slug"]
    events_file = sqlite_archive.root / "events" / f"{slug}.md"
    history_file = sqlite_archive.root / "history" / f"{slug}.jsonl"

    def edit(old: str, new: str) -> None:
        text = events_file.read_text(encoding="utf-8")
        assert old in text
        events_file.write_text(text.replace(old, new, 1), encoding="utf-8")

    def last_line() -> dict[str, Any]:
        return dict(json.loads(history_file.read_text(encoding="utf-8").splitlines()[-1]))

    edit("title: Facebook labels two tweets", "title: Twitter labels two tweets")
    sqlite_archive.ok("sync", "--reason", "headline named the wrong platform")
    last = last_line()
    assert (last["event"], last["v"], last["by"], last["reason"]) == (
        "timeline:PolicyEvent.Corrected",
        2,
        "Test Editor",
        "headline named the wrong platform",
    )
    assert last["data"]["changes"] == {"title": "Twitter labels two tweets"}

    edit("kind: label", "kind: statement")
    sqlite_archive.ok("sync")
    last = last_line()
    assert (last["v"], last["by"], last["reason"]) == (3, "Test Editor", f"edited in events/{slug}.md")
    assert last["data"]["changes"] == {"kind": "statement"}
    assert sqlite_archive.ok("verify").stdout.startswith("verified: ")
