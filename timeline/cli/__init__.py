"""The ``timeline`` command line: thin commands that parse, call the archive, print.

Every failure a person can cause or fix ends as one line on stderr and exit
status 2, with nothing written. Only a bug in the tool exits 1, still without a
traceback unless TIMELINE_DEBUG=1.
"""

from __future__ import annotations

import importlib
import os
import sqlite3
import sys
from typing import Any

import click
from eventsourcing.persistence import PersistenceError

from timeline.cli.session import Session
from timeline.errors import StoreError, TimelineError
from timeline.store.location import store_error

USAGE_EXIT = 2


class TimelineGroup(click.Group):
    """Turns every expected failure into one line and exit status 2; loads commands lazily."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = COMMAND_MODULES.get(cmd_name)
        if module_name is None:
            return None
        module = importlib.import_module(f"timeline.cli.{module_name}")
        return next(command for command in module.COMMANDS if command.name == cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (PersistenceError, sqlite3.Error) as error:
            # Translated here, while the session (and so the store's name) is still at hand.
            raise _store_error(ctx, error) from None

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.exceptions.Exit as done:
            sys.exit(done.exit_code)
        except click.exceptions.Abort:
            click.echo("error: aborted; nothing was saved", err=True)
            sys.exit(1)
        except click.UsageError as error:
            hint = f" (see '{error.ctx.command_path} --help')" if error.ctx else ""
            click.echo(f"error: {_one_line(error.format_message())}{hint}", err=True)
            sys.exit(USAGE_EXIT)
        except click.ClickException as error:
            click.echo(f"error: {_one_line(error.format_message())}", err=True)
            sys.exit(error.exit_code if error.exit_code != 1 else USAGE_EXIT)
        except TimelineError as error:
            click.echo(f"error: {_one_line(str(error))}", err=True)
            sys.exit(USAGE_EXIT)
        except Exception as error:
            if os.environ.get("TIMELINE_DEBUG"):
                raise
            click.echo(
                f"internal error: {type(error).__name__}: {_one_line(str(error))} (set TIMELINE_DEBUG=1 for details)",
                err=True,
            )
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _store_error(context: click.Context, error: BaseException) -> StoreError:
    session = context.find_object(Session)
    if session is not None:
        try:
            return store_error(error, session.location())
        except TimelineError:
            pass
    return StoreError(f"the store failed: {error}")


@click.group(cls=TimelineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="timeline-archive", prog_name="timeline")
@click.option(
    "--archive",
    envvar="TIMELINE_ARCHIVE",
    metavar="DIR",
    help="The archive folder (default: the nearest folder with timeline.toml, from here upward).",
)
@click.option(
    "--store",
    envvar="TIMELINE_STORE",
    metavar="URL",
    help="Event store: sqlite:///PATH or postgresql://USER@HOST:PORT/DB[?schema=NAME] "
    "(default: the archive's timeline.toml).",
)
@click.option(
    "--lock-timeout",
    envvar="TIMELINE_LOCK_TIMEOUT",
    type=click.IntRange(0, 3600),
    default=10,
    show_default=True,
    help="Seconds to wait for another writer before giving up.",
)
@click.pass_context
def main(ctx: click.Context, archive: str | None, store: str | None, lock_timeout: int) -> None:
    """An event-sourced, citable archive of platform-policy events.

    Record executive orders, fact-check labels, statements, lawsuits and takedowns
    with their sources; correct them with a reason; read every revision.

    \b
    Example:
      timeline init my-archive && cd my-archive
      timeline add --title "Twitter labels two tweets" --kind label --date 2020-05-26 \\
          --source-title "Twitter labels Trump tweets" --source-publisher "BBC News"
      timeline list
    """
    session = Session(archive_option=archive, store_option=store, lock_timeout=lock_timeout)
    ctx.obj = session
    ctx.call_on_close(session.close)


# Each command's module, loaded only when that command runs (or when help lists them all): a
# command pays for importing its own dependencies, not every other command's.
COMMAND_MODULES = {
    "init": "init_command",
    "add": "recording",
    **dict.fromkeys(("correct", "link", "unlink"), "changing"),
    "source": "sources",
    **dict.fromkeys(("retract", "unretract", "merge"), "endings"),
    "edit": "editing",
    **dict.fromkeys(("show", "list", "history", "log"), "reading"),
    "check": "checking",
    **dict.fromkeys(("sync", "export", "import", "resolve"), "files"),
    **dict.fromkeys(("build", "serve"), "site"),
    "cite": "citing",
    "bundle": "bundles",
    "actor": "actors",
    "kinds": "kinds",
    **dict.fromkeys(("dump", "restore", "verify"), "safety"),
}
