"""Commands between the store and the events/ files: sync and export."""

from __future__ import annotations

from pathlib import Path

import click

from timeline.cli.session import Session, allow_future_option, editor_option, pass_session
from timeline.config import resolve_editor
from timeline.mirror import export_all
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
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@pass_session
def export(session: Session, directory: Path) -> None:
    """Write every entry, retracted and merged ones too, as events/ files into DIRECTORY.

    \b
    Example:
      timeline export /tmp/events-copy && diff -r events /tmp/events-copy
    """
    total, changed = export_all(session.app, directory)
    click.echo(f"exported {total} entries to {directory} ({changed} files written)")


COMMANDS = [sync, export]
