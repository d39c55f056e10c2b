"""`timeline actor type`: what an actor is, recorded once for every entry naming it."""

from __future__ import annotations

import click

from timeline.cli.session import Session, editor_option, output_options, pass_session, write_options
from timeline.domain.actors import ACTOR_TYPES


@click.group()
def actor() -> None:
    """Actors the entries name: what each is (a person, an organisation, a government body, a court)."""


@actor.command("type")
@click.argument("name")
@click.argument("actor_type", metavar="TYPE")
@click.option("--reason", metavar="TEXT", help="Why (optional).")
@editor_option
@output_options
@pass_session
def actor_type(session: Session, name: str, actor_type: str, reason: str | None, editor: str | None) -> None:
    """Record that actor NAME (as entries name it) is a TYPE: person, organization, government or court.

    The type is the actor's, not an entry's: its page and every entry page naming it show it.
    Typing it again with another type records the change.

    \b
    Example:
      timeline actor type "Donald Trump" person --reason "the issuer is the president himself"
      timeline actor type "Federal Communications Commission" government
    """
    profile = session.service.type_actor(name, actor_type, write_options(editor, reason, require_reason=False))
    label = ACTOR_TYPES[profile.actor_type]
    session.say(f"actor {profile.name} is now typed {profile.actor_type} ({label}, on actors/{profile.key}/)")


COMMANDS = [actor]
