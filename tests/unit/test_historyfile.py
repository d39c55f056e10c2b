"""The committed history's lines (timeline/formats/historyfile.py), with no store: each event is one
canonical line, chained to the one before it, and a file edited, cut or reordered by hand is named
with its first bad line."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from timeline.formats.historyfile import (
    ConflictedHistory,
    HistoryLine,
    MalformedHistory,
    chain,
    from_stored,
    history_text,
    read_history,
)

ENTRY = uuid.UUID("60216ce0-e2ca-489c-8562-fef8627c0569")
AT = "2026-12-03T13:29:31.971230+00:00"


def line(version: int, reason: str = "first", *, at: str = AT, **data: object) -> HistoryLine:
    state = {"editor": "Alice", "reason": reason, "title": "Twitter labels tweets — “two”", **data}
    return HistoryLine(ENTRY, version, "timeline:PolicyEvent.Corrected", at, state)


def write(path: Path, lines: list[HistoryLine]) -> Path:
    path.write_text(history_text(chain(lines)), encoding="utf-8")
    return path


def test_a_line_is_canonical_text_with_the_time_editor_and_reason_first() -> None:
    (first,) = chain([line(1)])
    assert first.text.startswith(f'{{"at": "{AT}", "by": "Alice", "reason": "first", "event": ')
    assert "“two”" in first.text  # non-ASCII kept as written, not escaped
    assert json.loads(first.text)["prev"] == ""
    assert chain([line(1)])[0].text == first.text  # the same event gives the same bytes


def test_a_stored_event_round_trips_through_its_line(tmp_path: Path) -> None:
    stored = line(1).stored_event()
    again = from_stored(stored)
    assert again.same_event(line(1))
    history = read_history(write(tmp_path / "e.jsonl", [again, line(2, "second")]))
    assert [(x.version, x.reason) for x in history.lines] == [(1, "first"), (2, "second")]
    assert history.versions == {ENTRY: 2}
    assert json.loads(history.lines[0].stored_event().state) == json.loads(stored.state)


def test_a_line_read_from_a_file_keeps_its_text_and_gives_the_same_state(tmp_path: Path) -> None:
    """A clone reads every history file at once: a read line holds its text, not its state as
    objects (several times the text's size), and reads the state from it when asked."""
    written = chain([line(1), line(2, "second", sources=[{"title": "A report", "tags": ["x"]}])])
    history = read_history(write(tmp_path / "e.jsonl", written))
    assert [read.given_state for read in history.lines] == [None, None]
    assert [read.state for read in history.lines] == [w.state for w in written]
    assert history.lines == written  # the same lines, whether held as text or as objects
    assert history.lines[1] != written[0] and history.lines[1].state is not history.lines[1].state


def test_an_edited_line_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "e.jsonl", [line(1), line(2, "second"), line(3, "third")])
    path.write_text(
        path.read_text().replace('"by": "Alice", "reason": "second"', '"by": "Mallory", "reason": "second"')
    )
    with pytest.raises(MalformedHistory) as caught:
        read_history(path)
    assert (caught.value.line, caught.value.problem) == (
        2,
        "the line was changed after it was written (its sha does not match)",
    )


def test_a_removed_or_moved_line_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "e.jsonl", [line(1), line(2, "second"), line(3, "third")])
    first, second, third = path.read_text().splitlines()
    path.write_text(f"{first}\n{third}\n")
    with pytest.raises(MalformedHistory) as caught:
        read_history(path)
    assert caught.value.line == 2 and caught.value.problem.startswith("out of order")
    path.write_text(f"{second}\n{first}\n{third}\n")
    with pytest.raises(MalformedHistory) as caught:
        read_history(path)
    assert caught.value.line == 1 and "the first line" in caught.value.problem


def test_a_file_cut_mid_line_is_named_but_a_whole_last_line_without_its_line_end_is_kept(tmp_path: Path) -> None:
    path = write(tmp_path / "e.jsonl", [line(1), line(2, "second")])
    whole = path.read_text()
    path.write_text(whole[:-40])
    with pytest.raises(MalformedHistory) as caught:
        read_history(path)
    assert caught.value.line == 2 and "truncated" in caught.value.problem
    path.write_text(whole.removesuffix("\n"))  # as some editors save a file
    assert [x.version for x in read_history(path).lines] == [1, 2]


def test_versions_must_follow_one_another(tmp_path: Path) -> None:
    path = write(tmp_path / "e.jsonl", [line(1), line(3, "skipped one")])
    with pytest.raises(MalformedHistory) as caught:
        read_history(path)
    assert caught.value.line == 2 and "version 3" in caught.value.problem and "2 was expected" in caught.value.problem


def test_git_conflict_markers_give_both_sides(tmp_path: Path) -> None:
    base, ours, theirs = (
        chain([line(1)]),
        line(2, "summary", summary="x"),
        line(2, "two of them", at=AT[:-9] + "9+00:00"),
    )
    (mine,), (other,) = chain([ours], base[0].sha), chain([theirs], base[0].sha)
    path = tmp_path / "e.jsonl"
    path.write_text(
        f"{base[0].text}\n<<<<<<< HEAD\n{mine.text}\n=======\n{other.text}\n>>>>>>> {'7e26f1f3' * 5}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConflictedHistory) as caught:
        read_history(path)
    conflict = caught.value
    assert [x.reason for x in conflict.base] == ["first"]
    assert [x.reason for x in conflict.ours] == ["summary"]
    assert [x.reason for x in conflict.theirs] == ["two of them"]
    assert (conflict.ours_name, conflict.theirs_name) == ("this branch (HEAD)", "the merged branch (7e26f1f3)")
