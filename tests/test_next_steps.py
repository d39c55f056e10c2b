"""What `timeline build` and `timeline init` say at the end: where the site is and how to preview
it; what to do with a new archive. --quiet keeps them quiet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ArchiveUnderTest
from sitebuild import SUMMARY

from timeline.cli import main


def test_build_ends_by_saying_where_the_site_is_and_how_to_preview_it(
    store: ArchiveUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add("Twitter labels two tweets", "2020-05-26", "label")
    monkeypatch.chdir(store.root)

    first = store.ok("build").stdout.splitlines()
    summary = SUMMARY.match(first[-2])
    assert summary, first
    changed = int(summary.group(2)) + int(summary.group(3))
    assert changed > 0
    assert first[-1] == (
        f"site in _site/ ({changed:,} files changed); preview with 'timeline serve', publish the folder as is"
    )

    again = store.ok("build").stdout.splitlines()
    assert again[-1] == "site in _site/ (nothing changed); preview with 'timeline serve', publish the folder as is"


def test_build_elsewhere_names_that_folder_in_the_preview_command(store: ArchiveUnderTest, tmp_path: Path) -> None:
    store.add("Twitter labels two tweets", "2020-05-26", "label")
    out = tmp_path / "public site"
    last = store.ok("build", "--out", str(out)).stdout.splitlines()[-1]
    assert re.fullmatch(
        rf"site in {re.escape(out.as_posix())}/ \([\d,]+ files changed\); "
        rf"preview with \"timeline serve --out '{re.escape(str(out))}'\", publish the folder as is",
        last,
    ), last


def test_build_quiet_says_nothing(store: ArchiveUnderTest, tmp_path: Path) -> None:
    store.add("Twitter labels two tweets", "2020-05-26", "label")
    result = store.ok("build", "--quiet", "--out", str(tmp_path / "site"))
    assert result.stdout == "" and result.stderr == ""
    assert (tmp_path / "site" / "index.html").is_file()


NEXT_STEPS = [
    "next steps:",
    "  cd new-archive",
    '  timeline add --title "Twitter labels two tweets" --kind label --date 2020-05-26 \\',
    '      --source-title "Twitter labels Trump tweets" --source-publisher "BBC News"',
    "  timeline build            # the site, in _site/",
    "  timeline serve --open     # preview it in the browser",
    '  git init && git add timeline.toml .gitignore events history && git commit -m "A new archive"',
    "commit events/ and history/ after each change: together they are the archive",
]


def test_init_prints_the_next_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    env = {"TIMELINE_STORE": None, "TIMELINE_ARCHIVE": None}
    result = CliRunner().invoke(main, ["init", "new-archive"], env=env)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"created archive 'Platform policy timeline' in {tmp_path / 'new-archive'}")
    assert lines[1:] == NEXT_STEPS

    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    in_place = CliRunner().invoke(main, ["init"], env=env)
    assert in_place.exit_code == 0, in_place.output
    assert in_place.stdout.splitlines()[1:] == [NEXT_STEPS[0], *NEXT_STEPS[2:]], "no cd into the folder one is in"

    quiet = CliRunner().invoke(main, ["init", str(tmp_path / "quiet"), "--quiet"], env=env)
    assert quiet.exit_code == 0 and quiet.stdout == ""


def test_the_next_steps_work_as_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The add command the steps suggest records an entry in the new archive."""
    import shlex

    monkeypatch.chdir(tmp_path)
    env = {"TIMELINE_STORE": None, "TIMELINE_ARCHIVE": None, "TIMELINE_EDITOR": "Test Editor"}
    CliRunner().invoke(main, ["init", "new-archive"], env=env)
    monkeypatch.chdir(tmp_path / "new-archive")
    add = shlex.split((NEXT_STEPS[2] + "\n" + NEXT_STEPS[3]).replace("\\\n", " "))
    assert add[0] == "timeline"
    added = CliRunner().invoke(main, add[1:], env=env)
    assert added.exit_code == 0, added.output
    assert added.stdout.startswith("recorded 2020-05-26-twitter-labels-two-tweets")
