"""`timeline add`: record a new policy event."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from timeline.app.application import Draft
from timeline.cli.asking import ask_for_entry, needs_asking
from timeline.cli.display import entry_text
from timeline.cli.progressbar import NORMAL
from timeline.cli.session import (
    Session,
    allow_future_option,
    editor_option,
    json_option,
    link_targets,
    output_options,
    pass_session,
    print_json,
    write_options,
)
from timeline.domain.identifiers import SCHEMES
from timeline.errors import InvalidField
from timeline.formats.entrydata import draft_from, relations_from
from timeline.formats.entryfile import MalformedFile, read_entry_file


def at_a_terminal() -> bool:
    """Whether a person is there to answer questions (stdin is a terminal)."""
    return sys.stdin.isatty()


@click.command()
@click.option("--title", help="What happened, in a headline (at most 300 characters).")
@click.option("--kind", help="The kind of event, from the archive's taxonomy (executive-order, label, ...).")
@click.option("--date", help="When: 2020-05-28, 2020-05, 2020, 2020-05-28~ (approximate), 2020-05-28/2020-06-02.")
@click.option("--summary", help="A few sentences of Markdown in your own words.")
@click.option(
    "--identifier",
    "identifiers",
    multiple=True,
    metavar="SCHEME:VALUE",
    help=f"An official identifier, e.g. executive-order:13925 or 'federal-register:85 FR 34079' (repeatable; "
    f"SCHEME one of {', '.join(SCHEMES)}).",
)
@click.option(
    "--actor",
    "actors",
    multiple=True,
    metavar="NAME[:ROLE]",
    help="Who took part, e.g. 'Donald Trump:issuer' (repeatable).",
)
@click.option("--platform", "platforms", multiple=True, metavar="NAME", help="A platform concerned (repeatable).")
@click.option("--topic", "topics", multiple=True, metavar="NAME", help="A topic, e.g. 'Section 230' (repeatable).")
@click.option("--jurisdiction", "jurisdictions", multiple=True, metavar="NAME", help="A jurisdiction (repeatable).")
@click.option("--source-title", help="The first source's headline as published.")
@click.option("--source-url", help="Its http(s) URL, only if known for certain.")
@click.option("--source-publisher", help="Its publisher.")
@click.option("--source-date", help="Its publication date (same forms as --date).")
@click.option("--source-author", "source_authors", multiple=True, metavar="NAME", help="Its author (repeatable).")
@click.option("--source-quote", help="A quotation from it that matters.")
@click.option("--source-quote-by", help="Who said the quotation.")
@click.option("--source-language", help="Its language, e.g. en, zh.")
@click.option("--source-archived-url", help="An archived copy's URL.")
@click.option(
    "--link",
    "links",
    multiple=True,
    nargs=2,
    metavar="RELATION TARGET",
    callback=link_targets,
    help="A relation to an existing entry, e.g. --link responds-to 2020-05-26-... (repeatable).",
)
@click.option(
    "--from-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the entry from a file in the events/ format.",
)
@click.option(
    "--allow-duplicate",
    is_flag=True,
    help="Record even if an entry with the same date and a near-identical title exists.",
)
@allow_future_option
@editor_option
@click.option("--reason", metavar="TEXT", help="Why it is recorded (optional).")
@json_option
@output_options
@pass_session
def add(
    session: Session,
    from_file: Path | None,
    links: tuple[tuple[str, str], ...],
    editor: str | None,
    reason: str | None,
    allow_duplicate: bool,
    allow_future: bool,
    as_json: bool,
    **options: Any,
) -> None:
    """Record a new policy event with its first source.

    At a terminal, when a required field (title, kind, date, source title) is missing,
    every field not given is asked for: title, kind (from a numbered list), date,
    summary, actors, platforms, and the source's title, publisher, date and URL;
    optional ones are skipped with Enter. Elsewhere a missing field is an error.

    \b
    Example:
      timeline add --title "Twitter labels two Trump tweets on mail-in ballots" \\
          --kind label --date 2020-05-26 --actor Twitter:author --actor "Donald Trump:subject" \\
          --platform Twitter --topic "election misinformation" \\
          --source-title "Twitter labels Trump tweets with fact check" --source-publisher "BBC News" \\
          --source-date 2020-05-27
    """
    write = write_options(
        editor, reason, require_reason=False, allow_future=allow_future, allow_duplicate=allow_duplicate
    )
    if from_file is not None:
        draft, file_relations = _from_file(from_file)
        relations = file_relations + tuple(links)
        write = write_options(
            editor,
            reason or f"recorded from {from_file.name}",
            require_reason=False,
            allow_future=allow_future,
            allow_duplicate=allow_duplicate,
        )
    else:
        if at_a_terminal() and needs_asking(options):
            ask_for_entry(options, session.archive.kinds)
        draft = draft_from(_from_options(options))
        relations = tuple(links)
    entry = session.service.add(draft, write, relations)
    if as_json:
        print_json(session.service.entry_data(entry))
    else:
        if sys.stdout.isatty() and session.verbosity >= NORMAL:
            click.echo(entry_text(entry, session.app.slug_of))
        session.say(f"recorded {entry.slug} (short id {entry.short_id}, revision {entry.revision})")


def _from_file(path: Path) -> tuple[Draft, tuple[tuple[str, str], ...]]:
    """The entry a file describes; a field error is reported with the file's line."""
    parsed = read_entry_file(path)
    data = dict(parsed.data)
    data.pop("revision", None)  # a new entry starts at revision 1 whatever the file says
    try:
        return draft_from(data), relations_from(data.get("relations"))
    except InvalidField as error:
        raise MalformedFile(path, parsed.line_of(error.field), str(error)) from None


def _from_options(options: dict[str, Any]) -> dict[str, Any]:
    source = {
        "title": options["source_title"],
        "url": options["source_url"],
        "publisher": options["source_publisher"],
        "date": options["source_date"],
        "authors": list(options["source_authors"]),
        "quote": options["source_quote"],
        "quote_by": options["source_quote_by"],
        "language": options["source_language"],
        "archived_url": options["source_archived_url"],
    }
    given = {k: v for k, v in source.items() if v not in (None, "", [])}
    if given and not source["title"]:
        raise InvalidField("source title", "is required when a source is given; add --source-title")
    return {
        "title": options["title"],
        "kind": options["kind"],
        "date": options["date"],
        "summary": options["summary"],
        "identifiers": list(options["identifiers"]),
        "actors": list(options["actors"]),
        "platforms": list(options["platforms"]),
        "topics": list(options["topics"]),
        "jurisdictions": list(options["jurisdictions"]),
        "sources": [given] if given else [],
    }


COMMANDS = [add]
