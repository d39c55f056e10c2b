"""Commands between the store and the events/ files: sync and export."""

from __future__ import annotations

import time
from pathlib import Path

import click

from timeline.cli.session import Session, allow_future_option, editor_option, pass_session
from timeline.config import resolve_editor
from timeline.drafts import WriteOptions
from timeline.importing import ImportRejected, read_import
from timeline.mirror import export_all, export_jsonl, remove_abandoned_temporaries
from timeline.sync import sync_folder


@click.command()
@editor_option
@allow_future_option
@pass_session
def sync(session: Session, editor: str | None, allow_future: bool) -> None:
    """Apply new and hand-edited events/ files to the store.

    New files are recorded; edits become corrections whose reason names the file;
    unchanged files append nothing. A file edited from an older revision than the
    store's is refused as a conflict; a malformed file is named with its line.
    Both make the exit status 2, after the other files have synced.

    \b
    Example:
      git pull && timeline sync
    """
    report = sync_folder(session.app, session.archive.events_dir, resolve_editor(editor), allow_future=allow_future)
    for problem in report.problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(report.summary())
    if not report.ok:
        raise SystemExit(2)


@click.command()
@click.argument("directory", metavar="DIRECTORY|FILE.jsonl", type=click.Path(path_type=Path))
@pass_session
def export(session: Session, directory: Path) -> None:
    """Write every entry, retracted and merged ones too, as events/ files into DIRECTORY,
    or as JSON Lines (the import format) when the path ends in .jsonl.

    \b
    Example:
      timeline export /tmp/events-copy && diff -r events /tmp/events-copy
      timeline export entries.jsonl
    """
    if directory.suffix.lower() == ".jsonl":
        total = export_jsonl(session.app, directory)
        click.echo(f"exported {total} entries to {directory}")
        return
    total, changed = export_all(session.app, directory)
    click.echo(f"exported {total} entries to {directory} ({changed} files written)")


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--allow-duplicate", is_flag=True, help="Import rows that look like entries already recorded.")
@allow_future_option
@editor_option
@pass_session
def import_file(session: Session, file: Path, allow_duplicate: bool, allow_future: bool, editor: str | None) -> None:
    """Import entries from a CSV spreadsheet or a JSON Lines file, all or nothing.

    Any bad row rejects the whole file, listing every bad row with its number.
    Running the same import again skips the rows already imported. CSV columns
    are listed in the README ("Bulk import").

    \b
    Example:
      timeline import entries.csv
      timeline import other-archive.jsonl
    """
    started = time.perf_counter()
    rows, problems = read_import(file)
    options = WriteOptions(
        editor=resolve_editor(editor),
        reason=f"imported from {file.name}",
        allow_future=allow_future,
        allow_duplicate=allow_duplicate,
    )
    try:
        recorded, skipped = session.app.import_entries(rows, options, problems)
    except ImportRejected as rejected:
        raise ImportRejected(rejected.problems, file) from None
    # A run that was interrupted may have saved entries without writing their files: this one writes them.
    remove_abandoned_temporaries(session.archive.events_dir)
    session.mirror(*recorded, *(session.app.entry(entry_id) for entry_id in skipped), durable=False)
    click.echo(
        f"imported {len(recorded)} entries from {file.name} ({len(skipped)} already imported) "
        f"in {time.perf_counter() - started:.1f} s"
    )


COMMANDS = [sync, export, import_file]
