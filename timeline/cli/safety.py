"""`timeline dump`, `timeline restore` and `timeline verify`: keeping the archive safe."""

from __future__ import annotations

from pathlib import Path

import click

from timeline.cli.session import Session, pass_session

# Exit status of a verify that found differences (2 stays "could not check": bad input, no store).
DIFFERENCES_FOUND = 1


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@pass_session
def dump(session: Session, file: Path, force: bool) -> None:
    """Write the store's whole history to FILE as JSON Lines: every domain event, in order.

    Entries' changes, slug reservations and citation bundles are all there, each with
    its time, so 'timeline restore' rebuilds the same store. The file is written
    whole or not at all.

    \b
    Example:
      timeline dump backup-2026-11-21.jsonl
      timeline --store postgresql://timeline@db.example.org/timeline dump --force nightly.jsonl
    """
    from timeline.app.backup import dump_archive  # here, not at the top: see cli/site.py

    click.echo(dump_archive(session.open_service(create=False).app, file, force=force).summary())


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@pass_session
def restore(session: Session, file: Path) -> None:
    """Load a dump written by 'timeline dump' into an empty store, then rewrite events/ and history/ from it.

    The store is chosen as for every command (--store, TIMELINE_STORE, timeline.toml)
    and must hold no change; it is created if missing. Every line of FILE is checked
    before anything is written, and everything is written in one transaction.

    \b
    Example:
      timeline init restored --title "Platform policy timeline" && cd restored
      timeline restore ../backup-2026-11-21.jsonl && timeline build
      timeline --store postgresql://timeline@db.example.org/timeline restore backup-2026-11-21.jsonl
    """

    report = session.open_service(create=True).restore(file)
    click.echo(report.summary())


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="The built site to check, as given to 'timeline build --out' (default: _site/).",
)
@pass_session
def verify(session: Session, out: Path | None) -> None:
    """Check that the store, the site, events/ and history/ agree; writes nothing.

    Replays every entry, reservation and bundle from the store; rebuilds the site's
    read model in a scratch folder and compares it with the live one; checks every
    site file against manifest.json; checks every events/ file against the store;
    checks every history/ file's hash chain and that it holds the store's changes
    (naming the first bad line of a file edited, cut short or reordered by hand).
    Exit status 0 when all agree, 1 when differences are found (each listed).

    \b
    Example:
      timeline verify
      timeline verify --out /var/www/timeline
    """
    folder = out or session.archive.site_dir
    from timeline.lint.verify import verify_archive

    report = verify_archive(session.open_service(create=False).app, session.archive, folder, out_named=out is not None)
    for problem in report.problems:
        click.echo(problem)
    if not report.ok:
        click.echo(f"error: {report.summary()}", err=True)
        raise SystemExit(DIFFERENCES_FOUND)
    click.echo(report.summary())


COMMANDS = [dump, restore, verify]
