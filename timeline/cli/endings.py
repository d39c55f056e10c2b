"""`timeline retract`, `unretract` and `merge`: the end of an entry's life in the listings, and
its undoing. Both ends ask first at a terminal, since a mistyped name would end the wrong entry."""

from __future__ import annotations

import sys

import click

from timeline.cli.changing import done
from timeline.cli.session import (
    Session,
    editor_option,
    entry_argument,
    entry_names,
    json_option,
    output_options,
    pass_session,
    reason_option,
    write_options,
)


def at_terminal() -> bool:
    """Whether a person is there to answer (scripts and pipes are never asked)."""
    return sys.stdin.isatty()


def confirm(question: str, yes: bool) -> None:
    """Ask QUESTION at a terminal unless --yes; a 'no' ends the command with nothing saved."""
    if yes or not at_terminal():
        return
    if not click.confirm(question, default=False):
        raise click.exceptions.Abort()


yes_option = click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation (for scripts).")


@click.command()
@entry_argument("entry", writes=True)
@click.option(
    "--replaced-by",
    metavar="ENTRY",
    callback=entry_names(writes=True),
    help="The entry that records the event rightly (linked from the notice).",
)
@yes_option
@reason_option
@editor_option
@json_option
@output_options
@pass_session
def retract(
    session: Session,
    entry: str,
    replaced_by: str | None,
    yes: bool,
    reason: str | None,
    editor: str | None,
    as_json: bool,
) -> None:
    """Retract a wrong entry: its page stays with a notice, and it leaves the listings.

    At a terminal it names the entry and asks first (--yes does not ask). A retraction made
    by mistake is undone with 'timeline unretract'; the history keeps both.

    \b
    Example:
      timeline retract 2020-05-30-misreported-ban --reason "the reported ban never happened"
      timeline retract 2020-05-29-order-draft --replaced-by 2020-05-28-trump-signs-executive-order \\
          --reason "recorded twice; the signed order is the right entry"
    """
    write = write_options(editor, reason)
    found = session.service.get(entry)
    instead = f", replaced by {replaced_by}" if replaced_by else ""
    confirm(f"Retract {found.slug} ({found.title}){instead}?", yes)
    done(session, session.service.retract(found.slug, write, replaced_by), as_json, "retracted")


@click.command()
@entry_argument("entry", writes=True)
@reason_option
@editor_option
@json_option
@output_options
@pass_session
def unretract(session: Session, entry: str, reason: str | None, editor: str | None, as_json: bool) -> None:
    """Undo a retraction: the entry is back in the listings and can be changed again.

    Its history keeps the retraction and this change, each with its reason.

    \b
    Example:
      timeline unretract 2020-05-30-misreported-ban --reason "retracted the wrong entry by mistake"
    """
    write = write_options(editor, reason)
    done(session, session.service.unretract(entry, write), as_json, "unretracted")


@click.command()
@entry_argument("duplicate", writes=True)
@entry_argument("into", writes=True, metavar="TARGET")
@yes_option
@reason_option
@editor_option
@json_option
@output_options
@pass_session
def merge(
    session: Session, duplicate: str, into: str, yes: bool, reason: str | None, editor: str | None, as_json: bool
) -> None:
    """Merge DUPLICATE into TARGET: its sources move across and its address redirects to TARGET.

    A merger cannot be undone; at a terminal it names both entries and asks first (--yes
    does not ask).

    \b
    Example:
      timeline merge 2020-05-28-order-on-social-media 2020-05-28-trump-signs-executive-order \\
          --reason "same order recorded twice"
    """
    write = write_options(editor, reason)
    found, target = session.service.get(duplicate), session.service.get(into)
    confirm(f"Merge {found.slug} ({found.title}) into {target.slug} ({target.title})? This cannot be undone.", yes)
    merged = session.service.merge(found.slug, target.slug, write)
    done(session, merged, as_json, "merged", f" into {target.slug}")


COMMANDS = [retract, unretract, merge]
