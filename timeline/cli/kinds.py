"""`timeline kinds`: the archive's kinds of event, each with what it means."""

from __future__ import annotations

import functools

import click

from timeline.cli.session import Session, json_option, pass_session, print_json
from timeline.domain.kinds import ADDING_A_KIND, MEANINGS

ADDED = "(added in timeline.toml)"


@click.command()
@functools.partial(json_option, what="JSON: a list of {kind, meaning}")
@pass_session
def kinds(session: Session, as_json: bool) -> None:
    """List the kinds an entry can have, each with a line on what it means.

    The defaults first, then the archive's own from timeline.toml.

    \b
    Example:
      timeline kinds
      timeline add --kind legal-demand ...
    """
    found = [(kind, MEANINGS.get(kind, ADDED)) for kind in session.archive.kinds]
    if as_json:
        print_json([{"kind": kind, "meaning": meaning} for kind, meaning in found])
        return
    width = max(len(kind) for kind, _ in found)
    for kind, meaning in found:
        click.echo(f"{kind:<{width}}  {meaning}")
    click.echo(f"\nTo {ADDING_A_KIND}")


COMMANDS = [kinds]
