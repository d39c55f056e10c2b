"""`timeline cite`: a citation of an entry, or of one of its revisions."""

from __future__ import annotations

import datetime as dt
import json

import click

from timeline.cli.session import Session, entry_argument, pass_session
from timeline.formats.csl import STYLES, accessed_on, bibtex, ris, styled
from timeline.formats.entrydata import entry_to_dict
from timeline.site.citemeta import Citations
from timeline.site.urls import SiteUrls


@click.command()
@entry_argument("entry")
@click.option(
    "--revision", type=click.IntRange(min=1), help="Cite this revision's immutable address (default: the current one)."
)
@click.option(
    "--latest", is_flag=True, help="Cite the entry's changing address instead, which shows its latest revision."
)
@click.option(
    "--format", "output", type=click.Choice(["csl", "bibtex", "ris", "text"]), default="text", show_default=True
)
@click.option("--style", type=click.Choice(sorted(STYLES)), default="apa", show_default=True, help="For --format text.")
@pass_session
def cite(session: Session, entry: str, revision: int | None, latest: bool, output: str, style: str) -> None:
    """Print a citation of ENTRY as its page recommends: the immutable address of its current
    revision (or of --revision N), which will always show what you cite; --latest cites the
    entry's changing address instead. Dated as read today (the site's files carry no access date).

    \b
    Example:
      timeline cite 2020-05-28-trump-signs-executive-order --style chicago
      timeline cite 32vgo7q2 --revision 2 --format bibtex >> paper.bib
      timeline cite 32vgo7q2 --latest
    """
    if latest and revision is not None:
        raise click.BadParameter("give --revision N or --latest, not both", param_hint="--latest")
    app, archive = session.app, session.archive
    found = app.get(entry)
    number = revision or found.revision
    if number > found.revision:
        raise click.BadParameter(f"{found.slug} has revisions 1 to {found.revision}", param_hint="--revision")
    state = app.entry(found.id, version=number)
    # The site's citation of the entry's page (or of this revision's page), made from the entry's
    # public shape at that revision and the time of that change, as the site's cite.* files are.
    changed = state.modified_on.isoformat()
    document = entry_to_dict(state, app.slug_of) | {"updated": changed}
    pinned = None if latest else {"number": number, "timestamp": changed}
    citations = Citations({"title": archive.title, "language": archive.language}, SiteUrls(archive.base_url))
    item = accessed_on(citations.item_for(document, pinned), dt.datetime.now(dt.UTC).date())
    if output == "csl":
        click.echo(json.dumps([item], ensure_ascii=False, indent=2))
    elif output == "bibtex":
        click.echo(bibtex([item]), nl=False)
    elif output == "ris":
        click.echo(ris([item]), nl=False)
    else:
        click.echo(styled(item, style, output="text"))


COMMANDS = [cite]
