"""`timeline bundle create|add|remove|list|show|delete`: citation bundles."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import click

from timeline.app.bundles import PinnedEntry
from timeline.cli.session import (
    Session,
    editor_option,
    entry_argument,
    json_option,
    output_options,
    pass_session,
    print_json,
    write_options,
)
from timeline.domain.bundle import Bundle
from timeline.site import urls
from timeline.site.urls import SiteUrls


def _entries(count: int, pinned: str = "") -> str:
    """'1 entry', '2 pinned entries'."""
    return f"{count} {pinned}{'entry' if count == 1 else 'entries'}"


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
    session.say(f"created bundle {made.name} with {_entries(len(made.pins), 'pinned ')}")
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
    session.say(f"bundle {changed.name} now pins {_entries(len(changed.pins))}")
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
    session.say(f"bundle {changed.name} now pins {_entries(len(changed.pins))}")


def _when(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _summary(found: Bundle) -> dict[str, Any]:
    """What `bundle list --json` says of a bundle; its times are those of its recorded changes."""
    deleted_on = found.deleted_on
    return {
        "name": found.name,
        "title": found.title,
        "entries": len(found.pins),
        "made": found.created_on.isoformat(),
        "changed": found.modified_on.isoformat(),
        "deleted": deleted_on is not None,
        "deleted_on": deleted_on.isoformat() if deleted_on else None,
        "deletion_reason": found.deletion_reason if deleted_on else None,
    }


@bundle.command("list")
@functools.partial(json_option, what="JSON: a list of {name, title, entries, made, changed, deleted, ...}")
@pass_session
def bundle_list(session: Session, as_json: bool) -> None:
    """List the bundles, deleted ones marked.

    Each with its name, title, number of entries, and when it was made and last
    changed, as its history records.

    \b
    Example:
      timeline bundle list
      timeline bundle list --json
    """
    found = session.service.all_bundles()
    if as_json:
        print_json([_summary(b) for b in found])
        return
    width = max((len(b.name) for b in found), default=0)
    for each in found:
        line = f"{each.name:<{width}}  {each.title}  ({_entries(len(each.pins))}; made {_when(each.created_on)}"
        if each.deleted_on is not None:
            click.echo(f"{line}) [deleted {_when(each.deleted_on)}: {each.deletion_reason}]")
        else:
            click.echo(f"{line}, last changed {_when(each.modified_on)})")
    click.echo(f"{len(found)} {'bundle' if len(found) == 1 else 'bundles'}", err=True)


def _pinned_data(pinned: PinnedEntry) -> dict[str, Any]:
    retracted = pinned.retraction_reason is not None
    return {
        "slug": pinned.slug,
        "revision": pinned.revision,
        "title": pinned.title,
        "retracted": retracted,
        **({"retraction_reason": pinned.retraction_reason} if retracted else {}),
    }


@bundle.command("show")
@click.argument("name")
@functools.partial(json_option, what="JSON: the bundle as `bundle list --json` has it, its url and its pins")
@pass_session
def bundle_show(session: Session, name: str, as_json: bool) -> None:
    """Show bundle NAME: its pinned entries and the address of its page.

    Each entry at the revision it is pinned at, with its title then; retracted
    ones are marked [Retracted], as the bundle's page marks them.

    \b
    Example:
      timeline bundle show smith-2026-platform-law
    """
    found = session.service.bundle(name)
    pinned = session.service.pinned_entries(found)
    address = SiteUrls(session.archive.base_url).absolute(urls.bundle(found.name))
    if as_json:
        print_json(_summary(found) | {"url": address, "pins": [_pinned_data(p) for p in pinned]})
        return
    lines = [f"{found.title} (bundle {found.name})", f"made {_when(found.created_on)}"]
    if found.deleted_on is not None:
        lines.append(
            f"DELETED on {_when(found.deleted_on)}: {found.deletion_reason} (its page stays at its address, "
            "marked withdrawn, and is no longer listed)"
        )
    else:
        lines[-1] += f", last changed {_when(found.modified_on)}"
    lines += [f"page: {address}", f"{_entries(len(pinned), 'pinned ')}:"]
    for number, entry in enumerate(pinned, 1):
        mark = "" if entry.retraction_reason is None else "[Retracted] "
        lines.append(f"  {number}. {mark}{entry.title}")
        lines.append(f"     {entry.slug}, revision {entry.revision}")
        if entry.retraction_reason is not None:
            lines.append(f"     retracted: {entry.retraction_reason}")
    click.echo("\n".join(lines))


@bundle.command("delete")
@click.argument("name")
@click.option("--reason", metavar="TEXT", help="Why it is deleted (required); its page shows it under 'Withdrawn'.")
@editor_option
@output_options
@pass_session
def bundle_delete(session: Session, name: str, reason: str | None, editor: str | None) -> None:
    """Delete bundle NAME; its page stays, marked withdrawn.

    The page may have been cited, so it stays at its address as it stood, marked
    withdrawn with the date and the reason; the bundle leaves the list of bundles,
    cannot be changed, and its name stays taken.

    \b
    Example:
      timeline bundle delete smith-2026-platform-law --reason "the paper was withdrawn"
    """
    deleted = session.service.delete_bundle(name, write_options(editor, reason))
    session.say(f"deleted bundle {deleted.name}: its page stays, marked withdrawn, and leaves the list of bundles")


COMMANDS = [bundle]
