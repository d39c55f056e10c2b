"""`timeline edit`: change an entry in your text editor, in the events/ format."""

from __future__ import annotations

import click

from timeline.cli.changing import done
from timeline.cli.endings import at_terminal
from timeline.cli.session import (
    Session,
    editor_option,
    entry_argument,
    output_options,
    pass_session,
    reason_option,
    write_options,
)
from timeline.domain.validation import clean_text
from timeline.errors import InvalidField, TimelineError

ERROR_MARK = "# error: "
GIVE_UP = "# (fix it and save; quit without saving to give up: nothing is recorded)"


def without_errors(text: str) -> str:
    """TEXT without the problem lines :func:`with_error` put on top."""
    return "\n".join(line for line in text.split("\n") if not line.startswith(ERROR_MARK) and line != GIVE_UP)


def with_error(text: str, problem: str) -> str:
    """TEXT with the problem on top, as YAML comments inside the front matter (so the text still
    parses once the problem is fixed), replacing any problem shown before."""
    first, _, rest = without_errors(text).partition("\n")
    return "\n".join([first, ERROR_MARK + problem, GIVE_UP, rest])


def refused_problem(text: str) -> str:
    """The problem shown on top of TEXT."""
    return next((line[len(ERROR_MARK) :] for line in text.split("\n") if line.startswith(ERROR_MARK)), "")


@click.command()
@entry_argument("entry", writes=True)
@reason_option
@editor_option
@output_options
@pass_session
def edit(session: Session, entry: str, reason: str | None, editor: str | None) -> None:
    """Edit an entry in $VISUAL or $EDITOR, in the events/ format; save to record the change.

    Exactly the fields you change are recorded, as one change with your reason (asked after
    you save, unless given with --reason): corrections, sources corrected in place, links.
    If what you saved is refused, the editor opens again with the problem on top; quit
    without saving to give up. Saving nothing records nothing.

    \b
    Example:
      EDITOR=nano timeline edit 2020-05-28-trump-signs-executive-order
      timeline edit 32vgo7q2 --reason "archived copy of the order"
    """
    if not reason and not at_terminal():
        raise InvalidField("reason", "is required; say why with --reason TEXT (no terminal to ask at)")
    service = session.service
    found, original = service.entry_text(entry)
    text, refused = original, ""
    while True:
        edited = click.edit(text, extension=".md", require_save=True)
        if edited is None or edited == text or without_errors(edited) == refused:
            if text == original:
                session.say(f"nothing changed in {found.slug}; no change recorded")
                return
            raise TimelineError(f"edit of {found.slug} given up; nothing was recorded ({refused_problem(text)})")
        if not reason:
            reason = clean_text(click.prompt("Reason for the change"), "reason")
        write = write_options(editor, reason)
        try:
            changed, did_change = service.edit(found, edited, write)
        except TimelineError as problem:
            text, refused = with_error(edited, str(problem)), without_errors(edited)
            continue
        if did_change:
            done(session, changed, False, "edited")
        else:
            session.say(f"nothing changed in {found.slug}; no change recorded")
        return


COMMANDS = [edit]
