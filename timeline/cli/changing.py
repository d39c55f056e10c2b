"""Commands that change an existing entry: each one is a domain event with editor and reason."""

from __future__ import annotations

from typing import Any

import click

from timeline.cli.session import (
    Session,
    allow_future_option,
    editor_option,
    json_option,
    output_options,
    pass_session,
    print_json,
    reason_option,
    write_options,
)
from timeline.domain.model import PolicyEvent, RelationType
from timeline.formats.entrydata import field_value, source_from

RELATIONS = click.Choice([t.value for t in RelationType])


def _done(session: Session, entry: PolicyEvent, as_json: bool, what: str, to: str = "") -> None:
    """Say what was done (or print the entry's JSON)."""
    if as_json:
        print_json(session.service.entry_data(entry))
    else:
        session.say(f"{what} {entry.slug}{to}: now revision {entry.revision}")


@click.command()
@click.argument("entry")
@click.option("--title", help="New title.")
@click.option("--kind", help="New kind.")
@click.option("--date", help="New date (2020-05-28, 2020-05, 2020, ~ approximate, A/B range).")
@click.option("--summary", help="New summary (Markdown).")
@click.option(
    "--identifier",
    "identifiers",
    multiple=True,
    metavar="SCHEME:VALUE",
    help="Replaces the official identifiers, e.g. executive-order:13925 (repeatable); --identifier '' clears them.",
)
@click.option("--actor", "actors", multiple=True, metavar="NAME[:ROLE]", help="Replaces the actors (repeatable).")
@click.option(
    "--platform", "platforms", multiple=True, metavar="NAME", help="Replaces the platforms; --platform '' clears them."
)
@click.option("--topic", "topics", multiple=True, metavar="NAME", help="Replaces the topics; --topic '' clears them.")
@click.option("--jurisdiction", "jurisdictions", multiple=True, metavar="NAME", help="Replaces the jurisdictions.")
@reason_option
@editor_option
@allow_future_option
@json_option
@output_options
@pass_session
def correct(
    session: Session,
    entry: str,
    reason: str | None,
    editor: str | None,
    allow_future: bool,
    as_json: bool,
    **fields: Any,
) -> None:
    """Correct any of an entry's fields; the slug and address never change.

    ENTRY is a slug or a short id. List options replace the whole list.

    \b
    Example:
      timeline correct 2020-05-28-trump-signs-executive-order --date 2020-05-28 \\
          --title "Trump signs executive order on Section 230" --reason "headline was vague"
      timeline correct 32vgo7q2 --identifier executive-order:13925 \\
          --identifier "federal-register:85 FR 34079" --reason "the order's official numbers"
    """
    changes = {name: field_value(name, value) for name, value in fields.items() if value not in (None, ())}
    write = write_options(editor, reason, allow_future=allow_future)
    if not changes:
        raise click.UsageError("give at least one field to correct (--title, --date, --summary, ...)")
    _done(session, session.service.correct(entry, changes, write), as_json, "corrected")


@click.group()
def source() -> None:
    """Add or withdraw an entry's sources."""


@source.command("add")
@click.argument("entry")
@click.option("--title", required=True, help="The source's headline as published.")
@click.option("--url", help="Its http(s) URL, only if known for certain.")
@click.option("--publisher", help="Its publisher.")
@click.option("--date", help="Its publication date.")
@click.option("--author", "authors", multiple=True, metavar="NAME", help="An author (repeatable).")
@click.option("--quote", help="A quotation that matters.")
@click.option("--quote-by", help="Who said it.")
@click.option("--language", help="Its language, e.g. en, zh.")
@click.option("--archived-url", help="An archived copy's URL.")
@click.option("--note", help="What this source says that others do not.")
@click.option("--accessed", help="When it was read (YYYY-MM-DD; default today).")
@reason_option
@editor_option
@allow_future_option
@json_option
@output_options
@pass_session
def source_add(
    session: Session,
    entry: str,
    reason: str | None,
    editor: str | None,
    allow_future: bool,
    as_json: bool,
    **fields: Any,
) -> None:
    """Add a source to an entry.

    \b
    Example:
      timeline source add 2020-05-28-trump-signs-executive-order \\
          --title "What does Trump's executive order say?" --publisher "BBC News" \\
          --date 2020-05-29 --reason "second account of the order's text"
    """
    fields["authors"] = list(fields["authors"])
    cited = source_from({k: v for k, v in fields.items() if v not in (None, "", [])})
    write = write_options(editor, reason, allow_future=allow_future)
    _done(session, session.service.add_source(entry, cited, write), as_json, "source added to")


@source.command("withdraw")
@click.argument("entry")
@click.argument("which", metavar="SOURCE")
@reason_option
@editor_option
@json_option
@output_options
@pass_session
def source_withdraw(
    session: Session, entry: str, which: str, reason: str | None, editor: str | None, as_json: bool
) -> None:
    """Withdraw a source, named by its number in 'timeline show' or by its URL.

    \b
    Example:
      timeline source withdraw 2020-05-28-trump-signs-executive-order 2 \\
          --reason "the report was retracted by its publisher"
    """
    write = write_options(editor, reason)
    _done(session, session.service.withdraw_source(entry, which, write), as_json, "source withdrawn from")


@click.command()
@click.argument("entry")
@click.argument("relation", type=RELATIONS)
@click.argument("target")
@reason_option
@editor_option
@json_option
@output_options
@pass_session
def link(
    session: Session, entry: str, relation: str, target: str, reason: str | None, editor: str | None, as_json: bool
) -> None:
    """Link ENTRY to TARGET: ENTRY responds-to / part-of / follows / supersedes / challenges / ends TARGET.

    The link is shown on both entries, with the inverse wording on TARGET.

    \b
    Example:
      timeline link 2020-05-28-trump-signs-executive-order responds-to \\
          2020-05-26-twitter-labels-two-trump-tweets --reason "the order cites the labels"
    """
    write = write_options(editor, reason)
    _done(session, session.service.link(entry, relation, target, write), as_json, "linked", f" {relation} {target}")


@click.command()
@click.argument("entry")
@click.argument("relation", type=RELATIONS)
@click.argument("target")
@reason_option
@editor_option
@json_option
@output_options
@pass_session
def unlink(
    session: Session, entry: str, relation: str, target: str, reason: str | None, editor: str | None, as_json: bool
) -> None:
    """Remove a relation made with 'timeline link'.

    \b
    Example:
      timeline unlink 2020-05-28-a-statement related 2020-05-27-another --reason "not related after all"
    """
    write = write_options(editor, reason)
    _done(
        session, session.service.unlink(entry, relation, target, write), as_json, "unlinked", f" ({relation} {target})"
    )


@click.command()
@click.argument("entry")
@reason_option
@editor_option
@json_option
@output_options
@pass_session
def retract(session: Session, entry: str, reason: str | None, editor: str | None, as_json: bool) -> None:
    """Retract a wrong entry: its page stays with a notice, and it leaves the listings.

    \b
    Example:
      timeline retract 2020-05-30-misreported-ban --reason "the reported ban never happened"
    """
    write = write_options(editor, reason)
    _done(session, session.service.retract(entry, write), as_json, "retracted")


@click.command()
@click.argument("duplicate")
@click.argument("into", metavar="TARGET")
@reason_option
@editor_option
@json_option
@output_options
@pass_session
def merge(session: Session, duplicate: str, into: str, reason: str | None, editor: str | None, as_json: bool) -> None:
    """Merge DUPLICATE into TARGET: its sources move across and its address redirects to TARGET.

    \b
    Example:
      timeline merge 2020-05-28-order-on-social-media 2020-05-28-trump-signs-executive-order \\
          --reason "same order recorded twice"
    """
    write = write_options(editor, reason)
    merged = session.service.merge(duplicate, into, write)
    _done(session, merged, as_json, "merged", f" into {into}")


COMMANDS = [correct, source, link, unlink, retract, merge]
