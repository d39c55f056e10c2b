"""`timeline correct`, `link` and `unlink`: changes to an entry's fields and relations, each a
domain event with editor and reason."""

from __future__ import annotations

import dataclasses
from typing import Any

import click

from timeline.cli.session import (
    Session,
    allow_future_option,
    editor_option,
    entry_argument,
    json_option,
    output_options,
    pass_session,
    print_json,
    reason_option,
    write_options,
)
from timeline.domain.listedits import EDITABLE_LISTS, ListEdits
from timeline.domain.model import PolicyEvent, RelationType
from timeline.formats.entrydata import field_value

RELATIONS = click.Choice([t.value for t in RelationType])


def done(session: Session, entry: PolicyEvent, as_json: bool, what: str, to: str = "") -> None:
    """Say what was done, naming the entry by its slug (or print the entry's JSON)."""
    if as_json:
        print_json(session.service.entry_data(entry))
    else:
        session.say(f"{what} {entry.slug}{to}: now revision {entry.revision}")


def list_edit_options(command: Any) -> Any:
    """--add-actor/--remove-actor and the same for platforms, topics and jurisdictions, and --replace."""
    for name in reversed(EDITABLE_LISTS):
        one = name.removesuffix("s")
        metavar = "NAME[:ROLE]" if name == "actors" else "NAME"
        command = click.option(
            f"--remove-{one}", f"remove_{name}", multiple=True, metavar="NAME", help=f"Remove one of the {name}."
        )(command)
        command = click.option(
            f"--add-{one}",
            f"add_{name}",
            multiple=True,
            metavar=metavar,
            help=f"Add one to the {name}" + (" (an actor already named gets the new role)." if one == "actor" else "."),
        )(command)
    return click.option(
        "--replace", is_flag=True, help="Let --actor, --platform, --topic or --jurisdiction replace a whole list."
    )(command)


@click.command()
@entry_argument("entry", writes=True)
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
@click.option(
    "--actor", "actors", multiple=True, metavar="NAME[:ROLE]", help="The whole list of actors (with --replace)."
)
@click.option("--platform", "platforms", multiple=True, metavar="NAME", help="The whole list of platforms; '' clears.")
@click.option("--topic", "topics", multiple=True, metavar="NAME", help="The whole list of topics; '' clears.")
@click.option("--jurisdiction", "jurisdictions", multiple=True, metavar="NAME", help="The whole list of jurisdictions.")
@list_edit_options
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
    replace: bool,
    **fields: Any,
) -> None:
    """Correct any of an entry's fields; the slug and address never change.

    ENTRY is a slug or a short id (or the start of one). Lists change one item at a time
    with --add-actor/--remove-actor (and the same for platforms, topics, jurisdictions);
    a list given whole (--actor ...) that would drop items needs --replace.

    \b
    Example:
      timeline correct 2020-05-28-trump-signs-executive-order --date 2020-05-28 \\
          --title "Trump signs executive order on Section 230" --reason "headline was vague"
      timeline correct 32vgo7q2 --add-actor "Elon Musk:buyer" --reason "named in the filing"
      timeline correct 32vgo7q2 --identifier executive-order:13925 \\
          --identifier "federal-register:85 FR 34079" --reason "the order's official numbers"
    """
    add = {name: field_value(name, fields.pop(f"add_{name}")) for name in EDITABLE_LISTS}
    remove = {name: tuple(fields.pop(f"remove_{name}")) for name in EDITABLE_LISTS}
    edits = ListEdits(
        add={name: values for name, values in add.items() if values},
        remove={name: values for name, values in remove.items() if values},
        replace=replace,
    )
    changes = {name: field_value(name, value) for name, value in fields.items() if value not in (None, ())}
    write = write_options(editor, reason, allow_future=allow_future)
    if not changes and not edits.add and not edits.remove:
        raise click.UsageError("give at least one field to correct (--title, --date, --summary, --add-actor, ...)")
    done(session, session.service.correct(entry, changes, write, edits), as_json, "corrected")


@click.command()
@entry_argument("entry", writes=True)
@click.argument("relation", type=RELATIONS)
@entry_argument("target", writes=True)
@click.option(
    "--allow-out-of-order",
    is_flag=True,
    help="Link to a later entry with responds-to, follows, ends or supersedes (refused by default as a likely slip).",
)
@reason_option
@editor_option
@json_option
@output_options
@pass_session
def link(
    session: Session,
    entry: str,
    relation: str,
    target: str,
    allow_out_of_order: bool,
    reason: str | None,
    editor: str | None,
    as_json: bool,
) -> None:
    """Link ENTRY to TARGET: ENTRY responds-to / part-of / follows / supersedes / challenges / ends TARGET.

    The link is shown on both entries, with the inverse wording on TARGET. A response, a
    sequel, an end or a replacement dated before its TARGET is refused (dates compared by
    their bounds) unless --allow-out-of-order, as is a link already made the other way.

    \b
    Example:
      timeline link 2020-05-28-trump-signs-executive-order responds-to \\
          2020-05-26-twitter-labels-two-trump-tweets --reason "the order cites the labels"
    """
    write = dataclasses.replace(write_options(editor, reason), allow_out_of_order=allow_out_of_order)
    linked = session.service.link(entry, relation, target, write)
    done(session, linked, as_json, "linked", f" {relation} {session.service.app.slug_of(linked.relations[-1].target)}")


@click.command()
@entry_argument("entry", writes=True)
@click.argument("relation", type=RELATIONS)
@entry_argument("target", writes=True)
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
    unlinked = session.service.unlink(entry, relation, target, write)
    done(session, unlinked, as_json, "unlinked", f" ({relation} {session.service.get(target).slug})")


COMMANDS = [correct, link, unlink]
