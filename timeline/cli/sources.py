"""`timeline source add`, `correct` and `withdraw`: the documents an entry rests on."""

from __future__ import annotations

from typing import Any

import click

from timeline.cli.changing import done
from timeline.cli.session import (
    Session,
    allow_future_option,
    editor_option,
    entry_argument,
    json_option,
    output_options,
    pass_session,
    reason_option,
    write_options,
)
from timeline.formats.entrydata import source_changes, source_from


def source_fields(command: Any) -> Any:
    """The fields of a source, as options (shared by 'source add' and 'source correct')."""
    for decorator in reversed(
        [
            click.option("--title", help="The source's headline as published."),
            click.option("--url", help="Its http(s) URL, only if known for certain."),
            click.option("--publisher", help="Its publisher."),
            click.option("--date", help="Its publication date."),
            click.option("--author", "authors", multiple=True, metavar="NAME", help="An author (repeatable)."),
            click.option("--quote", help="A quotation that matters."),
            click.option("--quote-by", help="Who said it."),
            click.option("--language", help="Its language, e.g. en, zh."),
            click.option("--archived-url", help="An archived copy's URL."),
            click.option("--note", help="What this source says that others do not."),
            click.option("--accessed", help="When it was read (YYYY-MM-DD; default today when added)."),
        ]
    ):
        command = decorator(command)
    return command


@click.group()
def source() -> None:
    """Add, correct or withdraw an entry's sources."""


@source.command("add")
@entry_argument("entry", writes=True)
@source_fields
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
    """Add a source to an entry (--title is required).

    \b
    Example:
      timeline source add 2020-05-28-trump-signs-executive-order \\
          --title "What does Trump's executive order say?" --publisher "BBC News" \\
          --date 2020-05-29 --reason "second account of the order's text"
    """
    if not fields["title"]:
        raise click.UsageError("give the source's --title")
    fields["authors"] = list(fields["authors"])
    cited = source_from({k: v for k, v in fields.items() if v not in (None, "", [])})
    write = write_options(editor, reason, allow_future=allow_future)
    done(session, session.service.add_source(entry, cited, write), as_json, "source added to")


@source.command("correct")
@entry_argument("entry", writes=True)
@click.argument("which", metavar="SOURCE")
@source_fields
@reason_option
@editor_option
@allow_future_option
@json_option
@output_options
@pass_session
def source_correct(
    session: Session,
    entry: str,
    which: str,
    reason: str | None,
    editor: str | None,
    allow_future: bool,
    as_json: bool,
    **fields: Any,
) -> None:
    """Correct a source in place: add its archived copy, put its title or date right.

    SOURCE is its number in 'timeline show' or its URL. Only the fields given change; an
    empty value ('') clears an optional one. The history says what changed ("source 2:
    archived copy added"); the source stays cited, never shown as withdrawn.

    \b
    Example:
      timeline source correct 2020-05-28-trump-signs-executive-order 1 \\
          --archived-url https://web.archive.org/web/2020/https://example.org/order \\
          --reason "archived copy of the order's text"
    """
    given = {name: value for name, value in fields.items() if value not in (None, ())}
    if "authors" in given:
        given["authors"] = [a for a in given["authors"] if a]
    if not given:
        raise click.UsageError("give at least one field to correct (--archived-url, --title, --date, ...)")
    write = write_options(editor, reason, allow_future=allow_future)
    changed = session.service.correct_source(entry, which, source_changes(given), write)
    done(session, changed, as_json, f"corrected source {which} of")


@source.command("withdraw")
@entry_argument("entry", writes=True)
@click.argument("which", metavar="SOURCE")
@reason_option
@editor_option
@json_option
@output_options
@pass_session
def source_withdraw(
    session: Session, entry: str, which: str, reason: str | None, editor: str | None, as_json: bool
) -> None:
    """Withdraw a source that should not be cited (discredited, retracted by its publisher).

    SOURCE is its number in 'timeline show' or its URL. To put a source right (a title, a
    date, an archived copy), correct it with 'timeline source correct' instead.

    \b
    Example:
      timeline source withdraw 2020-05-28-trump-signs-executive-order 2 \\
          --reason "the report was retracted by its publisher"
    """
    write = write_options(editor, reason)
    done(session, session.service.withdraw_source(entry, which, write), as_json, "source withdrawn from")


COMMANDS = [source]
