"""`timeline verify` catches a committed history tampered with (README: "The history in the repository").

Each line of a history file carries its own sha and the sha of the line before it, so a line edited,
removed or moved by hand is caught, and the file is named with its first bad line:

1. A clean history verifies.
2. A line edited by hand (its editor renamed) is named: its sha no longer matches.
3. A file that lost its last line is named at the line that is missing (the store and the events/
   file's revision are ahead of it); one cut in the middle of its last line is named at that line.
4. Lines swapped, or a line removed from the middle, are named at the first line out of order.

Each test tampers with its own copy of one small archive, never built (verify skips the site).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ArchiveUnderTest

DIFFERENCES_FOUND = 1
ORDER = "2020-05-28-trump-signs-order"
# The order's history file: its recording and the reservations of its slug and short id (lines 1-3),
# then a correction (4), a source added (5) and another correction (6).
LINES = 6


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two entries, one of them changed three times after it was recorded."""
    archive = ArchiveUnderTest(root=tmp_path_factory.mktemp("history") / "archive", store_url=None, runner=CliRunner())
    archive.ok("init", str(archive.root), "--title", "Test archive")
    assert archive.add("Trump signs order", "2020-05-28", "executive-order")["slug"] == ORDER
    archive.add("Twitter labels two tweets", "2020-05-26", "label")
    archive.ok("correct", ORDER, "--title", "Trump signs executive order", "--reason", "what he signed")
    archive.ok("source", "add", ORDER, "--title", "The order", "--publisher", "Federal Register", "--reason", "text")
    archive.ok("correct", ORDER, "--summary", "The order asks agencies to review a shield.", "--reason", "summary")
    assert len(history_lines(archive)) == LINES
    return archive.root


@pytest.fixture
def archive(original: Path, tmp_path: Path) -> ArchiveUnderTest:
    """A copy of the original archive, store and all, to tamper with."""
    shutil.copytree(original, tmp_path / "archive")
    return ArchiveUnderTest(root=tmp_path / "archive", store_url=None, runner=CliRunner())


def history_file(archive: ArchiveUnderTest) -> Path:
    return archive.root / "history" / f"{ORDER}.jsonl"


def history_lines(archive: ArchiveUnderTest) -> list[str]:
    return history_file(archive).read_text(encoding="utf-8").splitlines(keepends=True)


def write_lines(archive: ArchiveUnderTest, lines: list[str]) -> None:
    history_file(archive).write_text("".join(lines), encoding="utf-8")


def differences(archive: ArchiveUnderTest) -> list[str]:
    """Run `timeline verify`, which must find differences; the lines it lists."""
    result = archive.run("verify")
    assert result.exit_code == DIFFERENCES_FOUND, result.output
    lines = result.stdout.strip().splitlines()
    assert result.stderr.strip().splitlines() == [
        f"error: verify found {len(lines)} difference{'s' if len(lines) != 1 else ''} (listed above)"
    ]
    return lines


def test_a_clean_history_verifies(archive: ArchiveUnderTest) -> None:
    result = archive.run("verify")
    assert result.exit_code == 0, result.output
    [line] = result.stdout.strip().splitlines()
    assert line.startswith("verified: ")
    assert f"2 history/ files hold the store's {len(archive.notifications())} changes, intact" in line


def test_a_line_edited_by_hand_is_named(archive: ArchiveUnderTest) -> None:
    lines = history_lines(archive)
    assert '"by": "Test Editor"' in lines[3]
    lines[3] = lines[3].replace('"by": "Test Editor"', '"by": "Someone Else"')
    write_lines(archive, lines)

    assert differences(archive) == [
        f"history/{ORDER}.jsonl:4: the line was changed after it was written (its sha does not match)"
    ]


def test_a_truncated_history_is_named_at_the_first_line_missing(archive: ArchiveUnderTest) -> None:
    lines = history_lines(archive)
    [last_change, *_] = archive.json("log")
    original = history_file(archive).read_bytes()

    # The last line dropped: the store (and the events/ file) hold revision 4; said once, naming the entry.
    write_lines(archive, lines[:-1])
    at = f"{dt.datetime.fromisoformat(last_change['time']):%Y-%m-%d %H:%M:%S}"
    assert differences(archive) == [
        f"history/{ORDER}.jsonl:6: missing: the file ends after v3 of entry {ORDER} but the store holds "
        f'v4 Corrected summary by Test Editor at {at} UTC ("summary"); the file was cut short'
    ]

    # Cut in the middle of the last line.
    history_file(archive).write_bytes(original[: len(original) - len(lines[-1]) // 2])
    assert differences(archive) == [f"history/{ORDER}.jsonl:6: the last line is cut short: the file was truncated"]


def test_lines_moved_or_removed_are_named_at_the_first_out_of_place(archive: ArchiveUnderTest) -> None:
    lines = history_lines(archive)

    # Two changes swapped: the line now fourth does not follow the third.
    write_lines(archive, [*lines[:3], lines[4], lines[3], *lines[5:]])
    assert differences(archive) == [
        f"history/{ORDER}.jsonl:4: out of order: it was not written after line 3; a line was removed, moved or added"
    ]

    # A change removed from the middle: the line after it is out of place.
    write_lines(archive, [*lines[:4], *lines[5:]])
    assert differences(archive) == [
        f"history/{ORDER}.jsonl:5: out of order: it was not written after line 4; a line was removed, moved or added"
    ]

    # And the original file verifies again.
    write_lines(archive, lines)
    assert archive.ok("verify").stdout.startswith("verified: ")
