"""Commands that read: show, list, history, log."""

from __future__ import annotations

import click

from timeline.app.history import archive_log, entry_history
from timeline.cli.display import SHORT_ID_WIDTH, entry_text, list_line, revisions_text
from timeline.cli.session import Session, entry_argument, json_option, pass_session, print_json
from timeline.domain.dayorder import in_date_order
from timeline.domain.model import PolicyEvent
from timeline.wording import numbered, plural


@click.command()
@entry_argument("entry")
@click.option("--revision", type=click.IntRange(min=1), help="Show the entry as it stood at this revision.")
@json_option
@pass_session
def show(session: Session, entry: str, revision: int | None, as_json: bool) -> None:
    """Show one entry, named by its slug or short id (or the start of either, if no other entry's
    starts so).

    \b
    Example:
      timeline show 2020-05-28-trump-signs-executive-order
      timeline show k3j9x2qa --revision 1 --json
    """
    app = session.app
    found = app.get(entry)
    if revision is not None:
        if revision > found.revision:
            raise click.BadParameter(
                f"{found.slug} has {numbered(found.revision, 'revision')}", param_hint="--revision"
            )
        found = app.entry(found.id, version=revision)
    if as_json:
        print_json(session.service.entry_data(found))
    else:
        click.echo(entry_text(found, app.slug_of))


def _matches(
    entry: PolicyEvent,
    kind: str | None,
    actor: str | None,
    platform: str | None,
    topic: str | None,
    jurisdiction: str | None,
    year: int | None,
    text: str | None,
) -> bool:
    def has(values: tuple[str, ...], wanted: str | None) -> bool:
        return wanted is None or wanted.casefold() in (v.casefold() for v in values)

    if kind is not None and entry.kind != kind:
        return False
    if year is not None and not entry.date.start.year <= year <= entry.date.end.year:
        return False
    if text is not None:
        haystack = " ".join((entry.title, entry.summary, *(a.name for a in entry.actors))).casefold()
        if text.casefold() not in haystack:
            return False
    return (
        has(tuple(a.name for a in entry.actors), actor)
        and has(entry.platforms, platform)
        and has(entry.topics, topic)
        and has(entry.jurisdictions, jurisdiction)
    )


@click.command("list")
@click.option("--kind", help="Only this kind.")
@click.option("--actor", help="Only entries with this actor.")
@click.option("--platform", help="Only entries about this platform.")
@click.option("--topic", help="Only entries with this topic.")
@click.option("--jurisdiction", help="Only entries in this jurisdiction.")
@click.option("--year", type=int, help="Only entries whose date falls in this year.")
@click.option("--text", help="Only entries whose title, summary or actors contain this text.")
@click.option("--all", "include_all", is_flag=True, help="Include retracted and merged entries.")
@json_option
@pass_session
def list_entries(session: Session, include_all: bool, as_json: bool, **filters: str | int | None) -> None:
    """List entries in date order, with filters that combine.

    \b
    Example:
      timeline list --year 2020 --topic "Section 230"
      timeline list --platform Twitter --kind label --json
    """
    found = in_date_order(
        entry
        for entry in session.app.entries()
        if (include_all or entry.is_live) and _matches(entry, **filters)  # type: ignore[arg-type]
    )
    if as_json:
        print_json([session.service.entry_data(e) for e in found])
        return
    width = max((len(entry.short_id) for entry in found), default=SHORT_ID_WIDTH)
    for entry in found:
        click.echo(list_line(entry, width))
    click.echo(plural(len(found), "entry"), err=True)


@click.command()
@entry_argument("entry")
@json_option
@pass_session
def history(session: Session, entry: str, as_json: bool) -> None:
    """Every revision of an entry: time, editor, reason, what changed.

    \b
    Example:
      timeline history 2020-05-28-trump-signs-executive-order
    """
    revisions = entry_history(session.app, entry)
    if as_json:
        print_json([r.to_dict() for r in revisions])
    else:
        click.echo(revisions_text(revisions))


@click.command()
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="How many changes.")
@json_option
@pass_session
def log(session: Session, limit: int, as_json: bool) -> None:
    """The archive's change log, newest first.

    \b
    Example:
      timeline log --limit 50
    """
    revisions = archive_log(session.app, limit)
    if as_json:
        print_json([r.to_dict() for r in revisions])
    else:
        click.echo(revisions_text(revisions, with_slug=True))


COMMANDS = [show, list_entries, history, log]
