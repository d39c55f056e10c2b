"""What commands print: progress at a terminal, plain lines in logs, --quiet, --verbose,
a closing line that says what was done, shell completion and --version.

The story: an editor imports a spreadsheet and builds the site at a terminal, and sees a
progress bar with counts and a time left; the same build in CI writes only plain lines; a
cron job with --quiet prints nothing when all goes well; --verbose says what happened to each
file and kind of page.
"""

from __future__ import annotations

import csv
import importlib.metadata
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner
from conftest import ArchiveUnderTest

from timeline.cli import main

SUMMARY = re.compile(r"built ([\d,]+) files, ([\d,]+) written, ([\d,]+) removed, from ([\d,]+) new changes")
COUNTS = re.compile(rb"rendering pages\s+\[[#-]*\]\s+([\d,]+)/([\d,]+)")
ETA = re.compile(rb"\d+/\d+\s+\d+%\s+\d\d:\d\d:\d\d")


def write_rows(path: Path, count: int) -> Path:
    """A spreadsheet of COUNT distinct entries, spread over years, actors and platforms."""
    with path.open("w", newline="", encoding="utf-8") as stream:
        rows = csv.writer(stream)
        rows.writerow(["title", "kind", "date", "source_title", "actors", "platforms", "topics"])
        for n in range(count):
            rows.writerow(
                [
                    f"Platform {n % 5} changes rule {n} on {['ads', 'bots', 'votes', 'news'][n % 4]}",
                    "policy-change",
                    f"{2015 + n % 6}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                    f"Report {n}",
                    f"Regulator {n % 7}:issuer",
                    f"Platform {n % 5}",
                    f"Topic {n % 9}",
                ]
            )
    return path


def timeline_command() -> list[str]:
    return [sys.executable, "-m", "timeline"]


def run_at_terminal(args: list[str], archive: ArchiveUnderTest, timeout: float = 600) -> tuple[int, bytes]:
    """Run `timeline ARGS` with stdout and stderr on a real pseudo-terminal; its exit status and output."""
    fd, terminal = pty.openpty()
    child = subprocess.Popen(
        [*timeline_command(), *args],
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
        env={**os.environ, **archive.env(), "COLUMNS": "120"},
        close_fds=True,
    )
    os.close(terminal)
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            if child.poll() is not None:
                break
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(fd)
    return child.wait(timeout=30), seen


def run_through_pipes(args: list[str], archive: ArchiveUnderTest) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*timeline_command(), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ, **archive.env()},
        timeout=600,
        check=False,
    )


def test_a_build_at_a_terminal_shows_a_progress_bar_with_counts_and_time_left(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    # Enough entries for the build to last a few seconds: click shows the time left once a second has passed.
    sqlite_archive.ok("import", str(write_rows(tmp_path / "rows.csv", 600)))

    status, seen = run_at_terminal(["build", "--out", str(tmp_path / "site")], sqlite_archive)

    assert status == 0, seen.decode(errors="replace")
    assert b"\r" in seen, "a bar is redrawn in place"
    counts = [(int(a.replace(b",", b"")), int(b.replace(b",", b""))) for a, b in COUNTS.findall(seen)]
    assert len(counts) > 2, f"the bar should move: {seen[-2000:]!r}"
    totals = {total for _, total in counts}
    assert len(totals) == 1 and counts[-1][0] == counts[-1][1], f"it counts up to one total: {counts}"
    assert [done for done, _ in counts] == sorted(done for done, _ in counts)
    assert ETA.search(seen), f"no time left (HH:MM:SS) shown: {seen[-2000:]!r}"
    text = seen.decode()
    match = SUMMARY.search(text)
    assert match, text[-500:]
    assert match.group(1) != "0"


def test_the_same_build_through_pipes_prints_plain_lines(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    sqlite_archive.ok("import", str(write_rows(tmp_path / "rows.csv", 12)))

    plain = run_through_pipes(["build", "--out", str(tmp_path / "site")], sqlite_archive)

    assert plain.returncode == 0, plain.stderr
    assert "\r" not in plain.stdout + plain.stderr
    assert plain.stderr == ""
    assert len(plain.stdout.splitlines()) == 1 and SUMMARY.match(plain.stdout), plain.stdout

    detailed = run_through_pipes(["build", "--out", str(tmp_path / "site"), "--full", "--verbose"], sqlite_archive)

    assert detailed.returncode == 0, detailed.stderr
    assert "\r" not in detailed.stdout + detailed.stderr
    assert re.search(r"^rendering pages: ([\d,]+) of \1 in [\d.]+ s$", detailed.stderr, re.M), detailed.stderr
    assert re.search(r"^reading store changes: ([\d,]+) of \1 in [\d.]+ s$", detailed.stderr, re.M), detailed.stderr
    assert SUMMARY.match(detailed.stdout.splitlines()[-1]), "the closing line is still the summary"


def test_quiet_prints_nothing_when_all_goes_well(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    rows = write_rows(tmp_path / "rows.csv", 3)
    out = str(tmp_path / "site")
    entry = sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    for args in (
        ["import", str(rows), "--quiet"],
        [
            "add",
            "--title",
            "Facebook removes a page",
            "--kind",
            "takedown",
            "--date",
            "2020-06-01",
            "--source-title",
            "A page down",
            "-q",
        ],
        ["correct", entry["slug"], "--title", "Twitter labels two Trump tweets", "--reason", "names", "-q"],
        ["sync", "--quiet"],
        ["export", str(tmp_path / "copy.jsonl"), "--quiet"],
        ["bundle", "create", "reading", entry["slug"], "--quiet"],
        ["build", "--out", out, "--quiet"],
        ["init", str(tmp_path / "another"), "--quiet"],
    ):
        result = sqlite_archive.ok(*args)
        assert (result.stdout, result.stderr) == ("", ""), f"timeline {' '.join(args)} printed something"
    assert (tmp_path / "site" / "index.html").is_file() and (tmp_path / "copy.jsonl").is_file()
    assert (tmp_path / "another" / "timeline.toml").is_file()
    assert "Trump" in sqlite_archive.json("show", entry["slug"])["title"]


def test_quiet_still_prints_errors(sqlite_archive: ArchiveUnderTest) -> None:
    result = sqlite_archive.run("correct", "no-such-entry", "--title", "x", "--reason", "y", "--quiet")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("error: ")


def test_quiet_and_verbose_together_are_refused(sqlite_archive: ArchiveUnderTest) -> None:
    result = sqlite_archive.run("sync", "--quiet", "--verbose")
    assert result.exit_code == 2
    assert "--quiet and --verbose cannot be used together" in result.stderr


def test_verbose_says_what_happened_to_each_batch_and_file(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    imported = sqlite_archive.ok("import", str(write_rows(tmp_path / "rows.csv", 450)), "--verbose")
    assert "saving entries: 200 of 450\nsaving entries: 400 of 450\n" in imported.stderr
    assert re.search(r"^saving entries: 450 of 450 in [\d.]+ s$", imported.stderr, re.M)
    assert imported.stdout.startswith("imported 450 entries")

    (sqlite_archive.root / "events" / "new.md").write_text(
        "---\ntitle: YouTube removes a channel\nkind: takedown\ndate: '2021-01-12'\n"
        "sources:\n- title: YouTube takes a channel down\n---\n",
        encoding="utf-8",
    )
    plain = sqlite_archive.ok("sync")
    assert plain.stdout.count("\n") == 1, "without --verbose, one line"
    slug = sqlite_archive.json("list", "--text", "YouTube")[0]["slug"]
    (sqlite_archive.root / "events" / f"{slug}.md").unlink()
    synced = sqlite_archive.ok("sync", "--verbose")
    assert f"restored events/{slug}.md" in synced.stdout
    assert "events/: 450 files unchanged" in synced.stdout
    assert synced.stdout.splitlines()[-1].startswith("synced events/: 0 recorded, 0 revised, 450 unchanged, 1 files")


def test_verbose_build_names_the_kinds_of_page_written(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    order = sqlite_archive.add("Trump signs an order", "2020-05-28", "executive-order")
    labels = sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    out = str(tmp_path / "site")
    sqlite_archive.ok("build", "--out", out)

    sqlite_archive.ok("correct", order["slug"], "--title", "Trump signs an executive order", "--reason", "precision")
    plain = sqlite_archive.ok("build", "--out", out)
    sqlite_archive.ok("correct", labels["slug"], "--title", "Twitter labels two Trump tweets", "--reason", "names")
    detailed = sqlite_archive.ok("build", "--out", out, "--verbose")

    assert plain.stdout.count("\n") == 1 and plain.stderr == ""
    lines = detailed.stdout.splitlines()
    written = {kind: count for count, kind in re.findall(r"^written ([\d,]+) (\S+)$", detailed.stdout, re.M)}
    assert {"events/", "timeline/", "feeds/", "index.html"} <= written.keys(), lines
    total = SUMMARY.match(lines[-1])
    assert total, lines
    assert sum(int(n.replace(",", "")) for n in written.values()) == int(total.group(2).replace(",", ""))
    assert re.search(r"^site: [\d,]+ pages rendered, [\d,]+ files unchanged$", detailed.stdout, re.M)
    assert re.search(r"^rendering pages: ([\d,]+) of \1 in [\d.]+ s$", detailed.stderr, re.M)


def test_every_change_ends_with_a_line_saying_what_it_did(sqlite_archive: ArchiveUnderTest) -> None:
    labels = sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    order = sqlite_archive.add("Trump signs an order", "2020-05-28", "executive-order")
    twice = sqlite_archive.add("The order on social media", "2020-05-28", "executive-order", "--allow-duplicate")
    a, b = order["slug"], labels["slug"]
    expected = {
        ("correct", a, "--summary", "It names Section 230.", "--reason", "r"): rf"^corrected {a}: now revision 2$",
        ("source", "add", a, "--title", "Order text", "--reason", "r"): rf"^source added to {a}: now revision 3$",
        ("source", "withdraw", a, "2", "--reason", "r"): rf"^source withdrawn from {a}: now revision 4$",
        ("link", a, "responds-to", b, "--reason", "r"): rf"^linked {a} responds-to {b}: now revision 5$",
        ("unlink", a, "responds-to", b, "--reason", "r"): rf"^unlinked {a} \(responds-to {b}\): now revision 6$",
        ("merge", twice["slug"], a, "--reason", "r"): rf"^merged {twice['slug']} into {a}: now revision 2$",
        ("retract", b, "--reason", "r"): rf"^retracted {b}: now revision 2$",
        ("bundle", "create", "paper", a): r"^created bundle paper with 1 pinned entry$",
        ("sync",): r"^synced events/: 0 recorded, 0 revised, 3 unchanged, 0 files restored, 0 refused$",
    }
    for args, last_line in expected.items():
        result = sqlite_archive.ok(*args)
        assert re.match(last_line, result.stdout.splitlines()[-1]), (args, result.stdout)


def test_shell_completion_script_and_completing_a_command_name() -> None:
    runner = CliRunner()
    for shell, marker in (("bash", "_timeline_completion"), ("zsh", "#compdef timeline"), ("fish", "complete")):
        script = runner.invoke(main, [], prog_name="timeline", env={"_TIMELINE_COMPLETE": f"{shell}_source"})
        assert script.exit_code == 0 and marker in script.stdout, (shell, script.stdout)

    completed = runner.invoke(
        main,
        [],
        prog_name="timeline",
        env={"_TIMELINE_COMPLETE": "bash_complete", "COMP_WORDS": "timeline bu", "COMP_CWORD": "1"},
    )
    assert completed.exit_code == 0
    assert completed.stdout.split() == ["plain,build", "plain,bundle"]

    options = runner.invoke(
        main,
        [],
        prog_name="timeline",
        env={"_TIMELINE_COMPLETE": "bash_complete", "COMP_WORDS": "timeline build --q", "COMP_CWORD": "2"},
    )
    assert options.stdout.split() == ["plain,--quiet"]


def test_version_prints_the_package_version() -> None:
    result = CliRunner().invoke(main, ["--version"], prog_name="timeline")
    assert result.exit_code == 0
    assert result.stdout == f"timeline, version {importlib.metadata.version('timeline-archive')}\n"
