"""`timeline bundle create|add|remove`: citation bundles."""

from __future__ import annotations

import click

from timeline.cli.session import Session, editor_option, entry_argument, output_options, pass_session, write_options


@click.group()
def bundle() -> None:
    """Citation bundles: named sets of entries pinned to the revisions they had when pinned."""


@bundle.command("create")
@click.argument("name")
@entry_argument("entries", nargs=-1, writes=True)
@click.option("--title", default="", help="A readable title, e.g. the paper's (default: NAME).")
@click.option("--reason", metavar="TEXT", help="Why the bundle is made (optional).")
@editor_option
@output_options
@pass_session
def bundle_create(
    session: Session, name: str, entries: tuple[str, ...], title: str, reason: str | None, editor: str | None
) -> None:
    """Create bundle NAME pinning each ENTRY at its current revision.

    \b
    Example:
      timeline bundle create smith-2026-platform-law 2020-05-28-trump-signs-executive-order \\
          2020-05-26-twitter-adds-fact-check-labels --title "Smith (2026), Platform law"
    """
    options = write_options(editor, reason, require_reason=False)
    made = session.service.create_bundle(name, title, entries, options)
    session.say(f"created bundle {made.name} with {len(made.pins)} pinned entries")
    _warn_of_retracted(session, entries)


@bundle.command("add")
@click.argument("name")
@entry_argument("entries", nargs=-1, writes=True)
@click.option("--reason", metavar="TEXT", help="Why (optional).")
@editor_option
@output_options
@pass_session
def bundle_add(session: Session, name: str, entries: tuple[str, ...], reason: str | None, editor: str | None) -> None:
    """Pin more entries in bundle NAME, each at its current revision.

    \b
    Example:
      timeline bundle add smith-2026-platform-law 2019-08-19-twitter-suspends-936-accounts
    """
    changed = session.service.add_to_bundle(name, entries, write_options(editor, reason, require_reason=False))
    session.say(f"bundle {changed.name} now pins {len(changed.pins)} entries")
    _warn_of_retracted(session, entries)


def _warn_of_retracted(session: Session, refs: tuple[str, ...]) -> None:
    """A retracted entry may be pinned (a paper may discuss it), but never without being told."""
    for ref in refs:
        entry = session.service.get(ref)
        if entry.retracted:
            click.echo(
                f"warning: {entry.slug} is retracted ({entry.retraction_reason}); the bundle's page and files "
                "mark it [Retracted]",
                err=True,
            )


@bundle.command("remove")
@click.argument("name")
@entry_argument("entries", nargs=-1, writes=True)
@click.option("--reason", metavar="TEXT", help="Why (optional).")
@editor_option
@output_options
@pass_session
def bundle_remove(
    session: Session, name: str, entries: tuple[str, ...], reason: str | None, editor: str | None
) -> None:
    """Take entries out of bundle NAME.

    \b
    Example:
      timeline bundle remove smith-2026-platform-law 2019-08-19-twitter-suspends-936-accounts
    """
    changed = session.service.remove_from_bundle(name, entries, write_options(editor, reason, require_reason=False))
    session.say(f"bundle {changed.name} now pins {len(changed.pins)} entries")


COMMANDS = [bundle]
