"""`timeline edit ENTRY`: the entry opens in the editor ($VISUAL or $EDITOR) in the events/ format;
what is saved is checked, and refused text comes back with the problem on top; exactly the fields
changed are recorded, as one change. Editors here are small shell scripts."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import Result
from conftest import ArchiveUnderTest

import timeline.cli.editing
from timeline.cli import main


def editor_script(folder: Path, name: str, body: str) -> Path:
    """An executable shell script that edits the file named by its first argument."""
    script = folder / name
    script.write_text("#!/bin/sh\nset -e\n" + body + "\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def run_edit(archive: ArchiveUnderTest, editor: Path | str, *args: str, answers: str | None = None) -> Result:
    env = archive.env() | {"EDITOR": str(editor), "VISUAL": None}
    return archive.runner.invoke(main, ["edit", *args], env=env, input=answers)  # type: ignore[arg-type]


def topics(archive: ArchiveUnderTest) -> list[str]:
    return [topic for _, _, topic in archive.notifications()]


def test_a_changed_field_is_recorded_as_one_correction(store: ArchiveUnderTest, tmp_path: Path) -> None:
    slug = store.add("Trump signs order", "2020-05-28", "executive-order")["slug"]
    editor = editor_script(
        tmp_path, "retitle.sh", "sed -i 's/^title: .*/title: Trump signs order on Section 230/' \"$1\""
    )
    before = topics(store)
    result = run_edit(store, editor, slug, "--reason", "the order's subject")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"edited {slug}: now revision 2\n"
    assert topics(store) == [*before, "timeline:PolicyEvent.Corrected"]
    history = store.json("history", slug)
    assert history[-1]["details"] == ["title: 'Trump signs order' -> 'Trump signs order on Section 230'"]
    assert history[-1]["reason"] == "the order's subject"
    assert "title: Trump signs order on Section 230" in (store.root / "events" / f"{slug}.md").read_text("utf-8")


def test_invalid_yaml_reopens_the_editor_with_the_problem_on_top(store: ArchiveUnderTest, tmp_path: Path) -> None:
    slug = store.add("Trump signs order", "2020-05-28", "executive-order")["slug"]
    seen = tmp_path / "seen"
    # First save breaks the YAML; the second (reading the problem the archive put on top) fixes it.
    editor = editor_script(
        tmp_path,
        "fumble.sh",
        f'if [ ! -f "{seen}" ]; then cp "$1" "{seen}"; sed -i "s/^kind: .*/kind: [unclosed/" "$1"; '
        f'else cp "$1" "{seen}.2"; sed -i "s/^kind: .*/kind: statement/" "$1"; fi',
    )
    before = topics(store)
    result = run_edit(store, editor, slug, "--reason", "it was a statement")
    assert result.exit_code == 0, result.output
    reopened = Path(f"{seen}.2").read_text(encoding="utf-8").splitlines()
    assert reopened[0] == "---"
    assert reopened[1].startswith(f"# error: {slug}.md:") and "invalid YAML" in reopened[1]
    assert reopened[2].startswith("# (fix it and save")
    assert topics(store) == [*before, "timeline:PolicyEvent.Corrected"]
    assert store.json("show", slug)["kind"] == "statement"
    # The problem lines never reach the entry's file.
    assert "# error" not in (store.root / "events" / f"{slug}.md").read_text("utf-8")


def test_an_edit_that_changes_nothing_records_nothing(store: ArchiveUnderTest, tmp_path: Path) -> None:
    slug = store.add("Trump signs order", "2020-05-28", "executive-order")["slug"]
    before = store.notifications()
    result = run_edit(store, "true", slug, "--reason", "looking")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"nothing changed in {slug}; no change recorded\n"
    # Saved, but the same entry (a blank line added to the summary's end).
    result = run_edit(store, editor_script(tmp_path, "blank.sh", 'printf "\\n" >> "$1"'), slug, "--reason", "looking")
    assert result.exit_code == 0 and "no change recorded" in result.stdout
    assert store.notifications() == before


def test_an_edit_refused_again_and_again_is_given_up_with_nothing_recorded(
    store: ArchiveUnderTest, tmp_path: Path
) -> None:
    slug = store.add("Trump signs order", "2020-05-28", "executive-order")["slug"]
    editor = editor_script(tmp_path, "stubborn.sh", "sed -i 's/^kind: .*/kind: pamphlet/' \"$1\"")
    before = store.notifications()
    files = (store.root / "events" / f"{slug}.md").read_text("utf-8")
    result = run_edit(store, editor, slug, "--reason", "r")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: edit of {slug} given up; nothing was recorded (")
    assert "'pamphlet' is not a known kind" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert store.notifications() == before
    assert (store.root / "events" / f"{slug}.md").read_text("utf-8") == files


def test_a_source_edited_in_the_editor_is_corrected_in_place(store: ArchiveUnderTest, tmp_path: Path) -> None:
    slug = store.add("Court rules", "2020-05-28", "statement", "--source-url", "https://example.org/r")["slug"]
    copy = "https://web.archive.org/web/2020/https://example.org/r"
    editor = editor_script(
        tmp_path,
        "archive.sh",
        f"sed -i 's|^  url: https://example.org/r$|  url: https://example.org/r\\n  archived_url: {copy}|' \"$1\"",
    )
    result = run_edit(store, editor, slug, "--reason", "archived copy")
    assert result.exit_code == 0, result.output
    assert store.notifications()[-1][2] == "timeline:PolicyEvent.SourceCorrected"
    assert store.json("show", slug)["sources"][0]["archived_url"] == copy


def test_the_reason_is_asked_after_saving_at_a_terminal_and_required_elsewhere(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = sqlite_archive
    slug = archive.add("Trump signs order", "2020-05-28", "executive-order")["slug"]
    opened = tmp_path / "opened"
    editor = editor_script(tmp_path, "retitle.sh", f"touch {opened}; sed -i 's/^title: .*/title: Order signed/' \"$1\"")
    before = archive.notifications()
    result = run_edit(archive, editor, slug)
    assert result.exit_code == 2
    assert result.stderr == "error: reason: is required; say why with --reason TEXT (no terminal to ask at)\n"
    assert not opened.exists() and archive.notifications() == before
    monkeypatch.setattr(timeline.cli.editing, "at_terminal", lambda: True)
    result = run_edit(archive, editor, slug, answers="shorter title\n")
    assert result.exit_code == 0, result.output
    assert "Reason for the change:" in result.output
    assert archive.json("history", slug)[-1]["reason"] == "shorter title"
