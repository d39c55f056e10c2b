"""Commands between the store and the events/ files: sync and export."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from timeline.app.importing import FORMATS, ImportRow, import_report, read_import
from timeline.app.importproblems import ImportRejected, Problem, problems_csv
from timeline.app.sync import Reason, SyncReport
from timeline.cli.progressbar import VERBOSE
from timeline.cli.session import (
    Session,
    allow_future_option,
    editor_option,
    json_option,
    output_options,
    pass_session,
    print_json,
)
from timeline.domain.drafts import WriteOptions
from timeline.domain.model import PolicyEvent
from timeline.errors import TimelineError
from timeline.files.archive import resolve_editor
from timeline.files.atomic import write_atomically
from timeline.files.mirror import export_all, export_jsonl
from timeline.formats.timelinejs_reader import GROUP_AS, TimelineJSOptions
from timeline.wording import plural


def report_sync(session: Session, report: SyncReport) -> None:
    """Print a sync's refusals (always) and, with --verbose, what happened to each file."""
    for problem in report.problems:
        click.echo(f"error: {problem}", err=True)
    for fate, slugs in (("recorded", report.recorded), ("revised", report.revised), ("restored", report.restored)):
        for slug in slugs:
            session.detail(f"{fate} events/{slug}.md")
    session.detail(f"events/: {plural(report.unchanged, 'file')} unchanged")


def _reasons(given: str | None) -> Reason | None:
    """The reason of each file's change: --reason, else asked at a terminal, else the default
    (which names the file)."""
    if given is not None:
        text = given.strip()
        if not text:
            raise click.BadParameter("give a reason in words", param_hint="--reason")
        return lambda name, default: text
    if not sys.stdin.isatty():
        return None
    return lambda name, default: click.prompt(f"Reason for the change in {name}", default=default).strip() or default


@click.command()
@editor_option
@click.option("--reason", help="Why the files were edited (default: asked at a terminal, else names the file).")
@click.option("--replay", is_flag=True, help="Replay history/ into a shared PostgreSQL store that lacks it.")
@click.option(
    "--from-git", is_flag=True, help="Record new files as of the commit that first added them, by its author."
)
@allow_future_option
@output_options
@pass_session
def sync(
    session: Session, editor: str | None, reason: str | None, replay: bool, from_git: bool, allow_future: bool
) -> None:
    """Bring the store up to the committed history, then apply new and hand-edited events/ files.

    Changes in history/ that the store lacks (a fresh clone, a git pull) are replayed
    with their original times, editors and reasons; changes the store holds that
    history/ lacks are written to it. Then new events/ files are recorded and edits
    become corrections with a reason (--reason, else asked at a terminal, else one
    naming the file); unchanged files append nothing. A file edited from an older
    revision than the store's is refused as a conflict; a malformed file is named with
    its line. Both make the exit status 2, after the other files have synced. An entry
    changed on two branches stops the sync: see 'timeline resolve'. An archive whose
    entries predate its history is best recorded once with --from-git (and history/
    committed), so every clone shows when and by whom each entry was first committed.

    \b
    Example:
      git pull && timeline sync
      timeline sync --reason "date was the signing, not the announcement"
    """
    reasons = _reasons(reason)
    with session.progress() as progress:
        report = session.service.sync(
            resolve_editor(editor),
            allow_future=allow_future,
            progress=progress,
            reason=reasons,
            replay=replay,
            from_git=from_git,
        )
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
        session.say(f"exported {plural(total, 'entry')} to {directory}")
        return
    total, changed = export_all(session.app.slug_of, session.app.entries(), directory)
    session.say(f"exported {plural(total, 'entry')} to {directory} ({plural(changed, 'file')} written)")


class RowNumbers(click.ParamType):
    """Row numbers as a refusal names them: ``17``, ``17,18`` or ``40-45``."""

    name = "ROWS"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> frozenset[int]:
        if isinstance(value, frozenset):
            return value
        numbers: set[int] = set()
        for part in str(value).split(","):
            first, _, last = part.strip().partition("-")
            if not (first.isdigit() and (not last or last.isdigit())) or not 1 <= int(first) <= int(last or first):
                self.fail(f"{value!r} is not row numbers; give them as 17, 17,18 or 40-45", param, ctx)
            numbers.update(range(int(first), int(last or first) + 1))
        return frozenset(numbers)


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
@click.option("--allow-duplicate", is_flag=True, help="Import every row, even those that look like recorded entries.")
@click.option(
    "--allow-duplicate-row",
    "allow_rows",
    type=RowNumbers(),
    multiple=True,
    help="Import these rows even if they look like recorded entries (the numbers the refusal names; repeatable).",
)
@click.option(
    "--errors",
    "errors_file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    metavar="FILE",
    help="Write every problem to FILE as CSV (row, field, problem); just its header when there is none.",
)
@json_option
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
    allow_rows: tuple[frozenset[int], ...],
    errors_file: Path | None,
    as_json: bool,
    allow_future: bool,
    editor: str | None,
) -> None:
    """Import entries, all or nothing, from a CSV spreadsheet, JSON Lines (what export writes),
    or TimelineJS: its JSON file, or its Google spreadsheet template saved as CSV.

    The format is told by the file's content (or --format). Any bad row rejects the
    whole file: one line counts the problems by kind with their row numbers, -v lists
    every problem, --errors FILE writes them all as CSV and --json prints them. A row
    that looks like an entry already recorded (the same day and source address, or a
    near-identical title with nothing to tell them apart) is refused, naming that entry;
    --allow-duplicate-row N lets row N in. Importing the same file again, grown or
    reordered, records only the rows not yet recorded. CSV columns are listed in the
    README ("Bulk import"); how TimelineJS slides become entries, in "Coming from TimelineJS".

    \b
    Example:
      timeline import entries.csv
      timeline import entries.csv --errors problems.csv
      timeline import entries.csv --allow-duplicate-row 17 --allow-duplicate-row 40-42
      timeline import other-archive.jsonl
      timeline import timeline.json --kind statement
      timeline import "My timeline - Sheet1.csv" --group-as kind
    """
    started = time.perf_counter()
    session.app.check_kind(kind)
    _write_errors(errors_file, [])  # first, so a file that cannot be written stops the import before it starts
    rows, problems = read_import(file, fmt, TimelineJSOptions(kind=kind, group_as=group_as))
    options = WriteOptions(
        editor=resolve_editor(editor),
        reason=f"imported from {file.name}",
        allow_future=allow_future,
        allow_duplicate=allow_duplicate,
    )
    try:
        with session.progress() as progress:
            recorded, skipped = session.service.import_rows(
                rows, options, problems, progress=progress, allow_duplicate_rows=frozenset().union(*allow_rows)
            )
    except ImportRejected as rejected:
        _report_problems(session, file, rejected.problems, errors_file, as_json)
        raise ImportRejected(rejected.problems, file, _where_every_problem(session, errors_file)) from None
    _report_result(session, file, rows, recorded, skipped, as_json, time.perf_counter() - started)


def _report_result(
    session: Session,
    file: Path,
    rows: list[ImportRow],
    recorded: list[PolicyEvent],
    skipped: int,
    as_json: bool,
    seconds: float,
) -> None:
    """What an import did: its closing line, or with --json its data (as every command's --json)."""
    if as_json:
        numbered = {row.draft.id: row for row in rows}
        print_json(import_report(file.name, [(numbered[e.id], e) for e in recorded], skipped))
        return
    session.say(
        f"imported {plural(len(recorded), 'entry')} from {file.name} ({skipped:,} already imported) in {seconds:.1f} s"
    )


def _report_problems(
    session: Session, file: Path, problems: list[Problem], errors_file: Path | None, as_json: bool
) -> None:
    """Every problem of a refused import, where the user asked for them (the one-line summary follows)."""
    _write_errors(errors_file, problems)
    if as_json:
        print_json(import_report(file.name, problems=problems))
    if session.verbosity >= VERBOSE:
        for problem in problems:
            click.echo(f"error: {file.name}: {problem.line}", err=True)


def _write_errors(path: Path | None, problems: list[Problem]) -> None:
    """The --errors file, when asked for: every problem as CSV (just the header when there is none,
    so a script finds the file whatever happened, and never a stale one)."""
    if path is None:
        return
    try:
        write_atomically(path, problems_csv(problems))
    except OSError as error:
        raise TimelineError(f"--errors: {path} cannot be written ({error.strerror})") from None


def _where_every_problem(session: Session, errors_file: Path | None) -> str:
    """The end of the refusal's line: where every problem can be read."""
    if errors_file is not None:
        return f"every problem is in {errors_file} (row, field, problem)"
    if session.verbosity >= VERBOSE:
        return "every problem is listed above"
    return "every problem: --errors FILE or -v"


@click.command()
@click.argument("entry")
@output_options
@pass_session
def resolve(session: Session, entry: str) -> None:
    """Settle an entry changed on two branches: keep this side, make the other's changes again.

    After a git merge in which both branches changed ENTRY (a slug), its history file
    holds both sides between git's conflict markers and 'timeline sync' stops, naming
    them. This keeps the side the local store holds (this branch's) and makes each of
    the other side's changes again on top, as new revisions with their original
    editors and reasons; a change the kept side already made is skipped and named.
    The entry's events/ file is rewritten from the result.

    \b
    Example:
      git merge bobs-corrections      # CONFLICT in history/SLUG.jsonl and events/SLUG.md
      timeline resolve SLUG
      git add history events && git commit
    """
    plan = session.service.resolve(entry.strip().strip("/").split("/")[-1])
    session.say(plan.summary())


COMMANDS = [sync, export, import_file, resolve]
