"""Commands find the history files changed since the last check with one `find` instead of a stat per
file (timeline.files.recent): what it reports, and that the history folder still notices every kind
of change: an edit in place, a new file, a removed or renamed one, and a file that could not be read."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import ArchiveUnderTest

from timeline.files import recent
from timeline.files.history import HistoryFolder
from timeline.files.syncstate import SyncState


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # No margin, so that a test need not wait two seconds between writing a file and changing it.
    monkeypatch.setattr(recent, "MARGIN_NS", 0)
    (tmp_path / ".timeline").mkdir()
    (tmp_path / "history" / "bundles").mkdir(parents=True)
    for number in range(5):
        (tmp_path / "history" / f"e{number}.jsonl").write_text("", encoding="utf-8")
    return tmp_path


def test_only_what_changed_since_the_moment_is_reported(root: Path) -> None:
    time.sleep(0.05)
    moment = recent.now()  # the last check began after every file was written
    time.sleep(0.05)
    assert recent.changed_since(root, ["history"], moment) == set()

    (root / "history" / "e1.jsonl").write_text("edited in place\n", encoding="utf-8")
    assert recent.changed_since(root, ["history"], moment) == {"history/e1.jsonl"}

    (root / "history" / "e2.jsonl").unlink()
    assert recent.changed_since(root, ["history"], moment) == {"history/e1.jsonl", "history"}


def test_a_file_given_back_its_old_modification_time_is_still_reported(root: Path) -> None:
    path = root / "history" / "e3.jsonl"
    before = path.stat()
    time.sleep(0.05)
    moment = recent.now()
    time.sleep(0.05)
    path.write_text("x\n", encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # what `touch -d` or `cp -p` leave
    assert recent.changed_since(root, ["history"], moment) == {"history/e3.jsonl"}


@pytest.mark.parametrize(
    "why",
    ["no moment yet", "the clock went back", "no find on PATH"],
)
def test_when_it_cannot_tell_every_file_is_checked(root: Path, why: str, monkeypatch: pytest.MonkeyPatch) -> None:
    moment: int | None = recent.now()
    if why == "no moment yet":
        moment = None
    elif why == "the clock went back":
        moment = recent.now() + 3_600 * 10**9
    else:
        monkeypatch.setenv("PATH", str(root / "nowhere"))
    assert recent.changed_since(root, ["history"], moment) is None


def test_a_missing_folder_has_nothing_changed(root: Path) -> None:
    assert recent.changed_since(root, ["events"], recent.now()) == set()


@pytest.mark.parametrize("find", ["find", "no find: every file stated"])
def test_the_history_folder_notices_every_kind_of_change(
    root: Path, find: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers: list[set[str] | None] = []
    asked = recent.changed_since
    monkeypatch.setattr(recent, "changed_since", lambda *args: answers.append(asked(*args)) or answers[-1])
    if find != "find":
        monkeypatch.setenv("PATH", str(root / "nowhere"))
    folder = HistoryFolder(root)
    read, gone = folder.changed()
    assert sorted(read) == [f"e{number}.jsonl" for number in range(5)] and gone == set()
    assert folder.state.checked_at() is not None

    assert folder.changed() == ({}, set())  # nothing moved: nothing read
    time.sleep(0.05)

    (root / "history" / "e1.jsonl").write_text("not a history line\n", encoding="utf-8")
    (root / "history" / "e2.jsonl").rename(root / "history" / "e9.jsonl")
    (root / "history" / "bundles" / "b.jsonl").write_text("", encoding="utf-8")
    read, gone = folder.changed()
    assert sorted(read) == ["bundles/b.jsonl", "e1.jsonl", "e9.jsonl"] and gone == {"e2.jsonl"}
    assert isinstance(read["e1.jsonl"], Exception)

    # A file that could not be read is read again by the next check, and the one after.
    for _ in range(2):
        read, gone = folder.changed()
        assert list(read) == ["e1.jsonl"] and isinstance(read["e1.jsonl"], Exception)
    (root / "history" / "e1.jsonl").write_text("", encoding="utf-8")
    assert list(folder.changed()[0]) == ["e1.jsonl"]
    assert folder.changed() == ({}, set())
    folder.close()
    if find == "find":  # only the first check, which knows no moment, stated every file
        assert answers[0] is None and None not in answers[1:]


def test_a_forgotten_file_is_read_again(root: Path) -> None:
    folder = HistoryFolder(root)
    folder.changed()
    folder.state.read_again(["e4.jsonl"])  # what a command does with a file it refused
    assert list(folder.changed()[0]) == ["e4.jsonl"]
    folder.close()


# events/: a sync reads only the files that may have changed, and still notices each change -----


def _sync(archive: ArchiveUnderTest) -> str:
    time.sleep(0.05)  # (the margin is off: a change must come after the moment the last sync began)
    output = archive.run("sync").output
    time.sleep(0.05)
    return output


def test_a_sync_notices_each_change_to_events_files(
    sqlite_archive: ArchiveUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recent, "MARGIN_NS", 0)
    answers: list[set[str] | None] = []  # what each sync was told of events/

    def asked(root: Path, folders: list[str], moment: int | None) -> set[str] | None:
        answer = changed_since(root, folders, moment)
        if folders == ["events"]:
            answers.append(answer)
        return answer

    changed_since = recent.changed_since
    monkeypatch.setattr(recent, "changed_since", asked)
    archive = sqlite_archive
    first = archive.add("Twitter labels two tweets", "2020-05-26", "label")
    second = archive.add("Facebook declines to label", "2020-05-29", "statement")
    events = archive.root / "events"
    assert "0 revised, 2 unchanged" in _sync(archive)

    path = events / f"{first['slug']}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("two tweets", "two Trump tweets"), encoding="utf-8")
    assert "1 revised" in _sync(archive)
    assert archive.json("show", first["slug"])["title"] == "Twitter labels two Trump tweets"
    assert answers[-1] == {f"events/{first['slug']}.md"}  # only the edited file was looked at

    (events / f"{second['slug']}.md").unlink()
    assert "restored" in _sync(archive) and (events / f"{second['slug']}.md").exists()

    (events / "broken.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    for _ in range(2):  # refused, and refused again though nothing changed since
        assert "events/broken.md" in _sync(archive)
    (events / "broken.md").unlink()
    assert "events/broken.md" not in _sync(archive)
    loaded: list[int] = []
    known = SyncState.known
    monkeypatch.setattr(SyncState, "known", lambda self, position: loaded.append(position) or known(self, position))
    assert "0 revised, 2 unchanged" in _sync(archive)
    assert answers[-1] == set() and loaded == []  # nothing changed: no file stated, the state's rows not read
    (events / f"{first['slug']}.md").touch()
    assert "0 revised, 2 unchanged" in _sync(archive) and len(loaded) == 1  # a touched file is looked at
    assert answers[0] is None and None not in answers[1:4]  # the first sync, and those after a refusal, read all


def test_a_prefetched_answer_is_used_within_its_block_and_dropped_after(root: Path) -> None:
    time.sleep(0.05)
    moment = recent.now()
    time.sleep(0.05)
    (root / "history" / "e1.jsonl").write_text("edited\n", encoding="utf-8")
    with recent.prefetched(root, ["history"], moment):
        assert recent._started  # running beside the block's work
        (root / "history" / "e2.jsonl").write_text("edited after it started\n", encoding="utf-8")
        time.sleep(0.2)
        answer = recent.changed_since(root, ["history"], moment)
    assert answer is not None and "history/e1.jsonl" in answer
    assert not recent._started
    with recent.prefetched(root, ["history"], moment):
        pass  # not asked: dropped, so the next question is answered anew
    assert not recent._started
    assert recent.changed_since(root, ["history"], moment) == {"history/e1.jsonl", "history/e2.jsonl"}
