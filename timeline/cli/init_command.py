"""`timeline init`: create an archive folder."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from timeline.app.service import ArchiveService
from timeline.cli.session import Session, output_options, pass_session
from timeline.domain.validation import clean_language, clean_line, clean_url
from timeline.files.archive import DEFAULT_STORE, Archive


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="Platform policy timeline", show_default=True, help="The archive's name.")
@click.option("--base-url", default="https://example.org/", show_default=True, help="Where the site will be published.")
@click.option("--language", default="en", show_default=True, help="Language of the archive's pages (BCP 47).")
@click.option("--store", "store_url", metavar="URL", help="The event store (default: an SQLite file in DIR).")
@click.option(
    "--kind", "kinds", multiple=True, metavar="NAME", help="An extra kind for this archive's taxonomy (repeatable)."
)
@output_options
@pass_session
def init(
    session: Session,
    directory: Path,
    title: str,
    base_url: str,
    language: str,
    store_url: str | None,
    kinds: tuple[str, ...],
) -> None:
    """Create an archive in DIRECTORY: timeline.toml, events/ and an empty store.

    The store is --store (or TIMELINE_STORE) if given, else an SQLite file in the
    archive, which .gitignore keeps out of git.

    \b
    Example:
      timeline init policy-archive --title "Platform policy timeline" \\
          --base-url https://example.org/timeline/
    """
    root = directory.resolve()
    store = store_url or session.store_option or DEFAULT_STORE
    settings = Archive(
        root=root,
        title=clean_line(title, "title", required=True),
        base_url=clean_url(base_url, "base_url") or "https://example.org/",
        language=clean_language(language, "language") or "en",
        extra_kinds=tuple(clean_line(k, "kind", required=True) for k in kinds),
        store=store,
    )
    with ArchiveService.create(settings) as service:
        session.say(f"created archive {service.archive.title!r} in {root} (store {service.app.location.display})")
    session.say(_next_steps(root))


def _next_steps(root: Path) -> str:
    """What to do with a new archive, as commands to copy."""
    steps = ["next steps:"]
    if root != Path.cwd().resolve():
        steps.append(f"  cd {shlex.quote(_shown(root))}")
    steps += [
        '  timeline add --title "Twitter labels two tweets" --kind label --date 2020-05-26 \\',
        '      --source-title "Twitter labels Trump tweets" --source-publisher "BBC News"',
        "  timeline build            # the site, in _site/",
        "  timeline serve --open     # preview it in the browser",
        '  git init && git add timeline.toml .gitignore events history && git commit -m "A new archive"',
        "commit events/ and history/ after each change: together they are the archive",
    ]
    return "\n".join(steps)


def _shown(root: Path) -> str:
    try:
        return root.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return root.as_posix()


COMMANDS = [init]
