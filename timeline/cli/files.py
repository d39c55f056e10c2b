"""Commands between the store and the events/ files: sync and export."""

from __future__ import annotations

import time
from pathlib import Path

import click

from timeline.app.importing import FORMATS, ImportRejected, read_import
from timeline.app.sync import SyncReport
from timeline.cli.session import Session, allow_future_option, editor_option, output_options, pass_session
from timeline.domain.drafts import WriteOptions
from timeline.files.archive import resolve_editor
from timeline.files.mirror import export_all, export_jsonl
from timeline.formats.timelinejs_reader import GROUP_AS, TimelineJSOptions


def report_sync(session: Session, report: SyncReport) -> None:
    """Print a sync's refusals (always) and, with --verbose, what happened to each file."""
    for problem in report.problems:
        click.echo(f"error: {problem}", err=True)
    for fate, slugs in (("recorded", report.recorded), ("revised", report.revised), ("restored", report.restored)):
        for slug in slugs:
            session.detail(f"{fate} events/{slug}.md")
    session.detail(f"events/: {report.unchanged:,} files unchanged")


@click.command()
@editor_option
@allow_future_option
@output_options
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
    with session.progress() as progress:
        report = session.service.sync(resolve_editor(editor), allow_future=allow_future, progress=progress)
    report_sync(session, report)
    session.say(report.summary())
    if not report.ok:
        raise SystemExit(2)


@click.command()
@click.argument("directory", metavar="DIRECTORY|FILE.jsonl", type=click.Path(path_type=Path))
@output_options
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
        total = export_jsonl(session.app.slug_of, session.app.entries(), directory)
        session.say(f"exported {total} entries to {directory}")
        return
    total, changed = export_all(session.app.slug_of, session.app.entries(), directory)
    session.say(f"exported {total} entries to {directory} ({changed} files written)")


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="The file's format; auto tells it by the content.",
)
@click.option(
    "--kind",
    default="policy-change",
    show_default=True,
    metavar="KIND",
    help="TimelineJS: the kind of every entry (unless --group-as kind gives one).",
)
@click.option(
    "--group-as",
    type=click.Choice(GROUP_AS),
    default="topic",
    show_default=True,
    help="TimelineJS: a slide's group becomes a topic, or the kind.",
)
@click.option("--allow-duplicate", is_flag=True, help="Import rows that look like entries already recorded.")
@allow_future_option
@editor_option
@output_options
@pass_session
def import_file(
    session: Session,
    file: Path,
    fmt: str,
    kind: str,
    group_as: str,
    allow_duplicate: bool,
    allow_future: bool,
    editor: str | None,
) -> None:
    """Import entries, all or nothing, from a CSV spreadsheet, JSON Lines (what export writes),
    or TimelineJS: its JSON file, or its Google spreadsheet template saved as CSV.

    The format is told by the file's content (or --format). Any bad row rejects the
    whole file, listing every bad row with its number. Running the same import again
    skips the rows already imported. CSV columns are listed in the README ("Bulk
    import"); how TimelineJS slides become entries, in "Coming from TimelineJS".

    \b
    Example:
      timeline import entries.csv
      timeline import other-archive.jsonl
      timeline import timeline.json --kind statement
      timeline import "My timeline - Sheet1.csv" --group-as kind
    """
    started = time.perf_counter()
    session.app.check_kind(kind)
    rows, problems = read_import(file, fmt, TimelineJSOptions(kind=kind, group_as=group_as))
    options = WriteOptions(
        editor=resolve_editor(editor),
        reason=f"imported from {file.name}",
        allow_future=allow_future,
        allow_duplicate=allow_duplicate,
    )
    try:
        with session.progress() as progress:
            recorded, skipped = session.service.import_rows(rows, options, problems, progress=progress)
    except ImportRejected as rejected:
        raise ImportRejected(rejected.problems, file) from None
    session.say(
        f"imported {len(recorded)} entries from {file.name} ({skipped} already imported) "
        f"in {time.perf_counter() - started:.1f} s"
    )


COMMANDS = [sync, export, import_file]
