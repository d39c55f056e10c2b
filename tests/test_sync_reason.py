"""An editor who edits an events/ file by hand and runs `timeline sync` at a terminal is asked why,
file by file; the answer is the reason recorded in the entry's history (and committed with it)."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time

from conftest import ArchiveUnderTest


def run_at_a_terminal(archive: ArchiveUnderTest, args: list[str], answers: dict[str, str]) -> tuple[int, str]:
    """Run `timeline ARGS` with a terminal as its input and output; answer each prompt that contains
    a key of ``answers`` with its value. Returns (exit status, everything it printed)."""
    leader, follower = pty.openpty()
    env = {**os.environ, **archive.env(), "TERM": "dumb"}
    process = subprocess.Popen(
        [sys.executable, "-m", "timeline", *args], stdin=follower, stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    seen, pending = b"", dict(answers)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the process has closed the terminal
                break
            if not chunk:
                break
            seen += chunk
            for prompt, answer in list(pending.items()):
                if prompt.encode() in seen.split(b"\n")[-1]:
                    os.write(leader, answer.encode() + b"\n")
                    del pending[prompt]
        elif process.poll() is not None:
            break
    status = process.wait(timeout=10)
    os.close(leader)
    return status, seen.decode("utf-8", "replace")


def last_line(archive: ArchiveUnderTest, slug: str) -> dict[str, object]:
    lines = (archive.root / "history" / f"{slug}.jsonl").read_text(encoding="utf-8").splitlines()
    return dict(json.loads(lines[-1]))


def test_sync_at_a_terminal_asks_why_each_file_was_edited(sqlite_archive: ArchiveUnderTest) -> None:
    archive = sqlite_archive
    first = archive.add("Twitter labels two tweets", "2020-05-26", "label")["slug"]
    second = archive.add("Facebook removes pages", "2019-08-19", "takedown")["slug"]
    for slug, old, new in ((first, "two tweets", "two Trump tweets"), (second, "removes pages", "removes 89 pages")):
        path = archive.root / "events" / f"{slug}.md"
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")

    status, printed = run_at_a_terminal(
        archive,
        ["sync"],
        {
            f"Reason for the change in events/{first}.md": "the labels were on Trump's tweets",
            f"Reason for the change in events/{second}.md": "",  # Enter: the default, naming the file
        },
    )
    assert status == 0, printed
    assert f"[edited in events/{first}.md]" in printed  # the default is shown
    assert "2 revised" in printed
    assert last_line(archive, first)["reason"] == "the labels were on Trump's tweets"
    assert last_line(archive, second)["reason"] == f"edited in events/{second}.md"
    assert last_line(archive, first)["by"] == "Test Editor"
    assert archive.ok("verify").stdout.startswith("verified: ")


def test_given_a_reason_sync_asks_nothing_even_at_a_terminal(sqlite_archive: ArchiveUnderTest) -> None:
    archive = sqlite_archive
    slug = archive.add("Twitter labels two tweets", "2020-05-26", "label")["slug"]
    path = archive.root / "events" / f"{slug}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("two tweets", "two Trump tweets"), encoding="utf-8")

    status, printed = run_at_a_terminal(archive, ["sync", "--reason", "named whose tweets"], {})
    assert status == 0, printed
    assert "Reason for" not in printed
    assert last_line(archive, slug)["reason"] == "named whose tweets"


def test_an_empty_reason_is_refused_and_nothing_is_recorded(sqlite_archive: ArchiveUnderTest) -> None:
    archive = sqlite_archive
    slug = archive.add("Twitter labels two tweets", "2020-05-26", "label")["slug"]
    path = archive.root / "events" / f"{slug}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("two tweets", "two Trump tweets"), encoding="utf-8")
    before = (archive.root / "history" / f"{slug}.jsonl").read_bytes()

    result = archive.run("sync", "--reason", "  ")
    assert result.exit_code == 2
    assert "--reason" in result.stderr and "give a reason in words" in result.stderr
    assert (archive.root / "history" / f"{slug}.jsonl").read_bytes() == before
