"""What every command shares: the archive, its store, and the options defined once."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click

from timeline.app.application import TimelineArchive, WriteOptions
from timeline.app.service import ArchiveService, store_location
from timeline.cli.progressbar import NORMAL, QUIET, VERBOSE, ProgressDisplay
from timeline.domain.validation import clean_text
from timeline.errors import InvalidField
from timeline.files.archive import Archive, find_archive, resolve_editor
from timeline.store.location import StoreLocation

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Session:
    """Built once per command from the global options; opens the archive service only when needed."""

    archive_option: str | None = None
    store_option: str | None = None
    lock_timeout: int = 10
    verbosity: int = NORMAL  # QUIET, NORMAL or VERBOSE: set by --quiet / --verbose
    _archive: Archive | None = None
    _service: ArchiveService | None = field(default=None, repr=False)

    @property
    def archive(self) -> Archive:
        if self._archive is None:
            self._archive = find_archive(Path.cwd(), self.archive_option)
        return self._archive

    def location(self) -> StoreLocation:
        """The store the command works on (named in errors about it)."""
        return store_location(self.archive, self.store_option)[0]

    @property
    def service(self) -> ArchiveService:
        return self.open_service()

    @property
    def app(self) -> TimelineArchive:
        """The application, for commands that only read."""
        return self.open_service().app

    def open_service(self, *, create: bool | None = None) -> ArchiveService:
        """The archive service on the archive's store; ``create`` overrides whether a missing store
        may be made (see :meth:`ArchiveService.open`)."""
        if self._service is None:
            self._service = ArchiveService.open(
                self.archive, store=self.store_option, lock_timeout=self.lock_timeout, create=create
            )
        return self._service

    def say(self, text: str) -> None:
        """Print what the command did (its closing summary): on stdout, unless --quiet."""
        if self.verbosity > QUIET:
            click.echo(text)

    def detail(self, text: str) -> None:
        """Print a detail of what the command did, only with --verbose."""
        if self.verbosity >= VERBOSE:
            click.echo(text)

    def progress(self) -> ProgressDisplay:
        """A progress callback for the core, shown as --quiet, --verbose and the terminal decide."""
        return ProgressDisplay(self.verbosity)

    def close(self) -> None:
        if self._service is not None:
            self._service.close()


pass_session = click.make_pass_decorator(Session)


def _set_verbosity(context: click.Context, parameter: click.Parameter, value: bool) -> bool:
    session = context.find_object(Session)
    if value and session is not None:
        wanted = QUIET if parameter.name == "quiet" else VERBOSE
        if session.verbosity not in (NORMAL, wanted):
            raise click.UsageError("--quiet and --verbose cannot be used together", context)
        session.verbosity = wanted
    return value


def output_options(command: F) -> F:
    """--quiet and --verbose, for every command that reports what it did."""
    command = click.option(
        "-v",
        "--verbose",
        is_flag=True,
        expose_value=False,
        callback=_set_verbosity,
        help="Say more: each stage and batch, and what happened to each file or kind of page.",
    )(command)
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=_set_verbosity,
        help="Print nothing but errors: no progress, no summary (--json output is still printed).",
    )(command)


Callback = Callable[[click.Context, click.Parameter, Any], Any]


def entry_argument(name: str = "entry", *, nargs: int = 1, writes: bool = False, **attrs: Any) -> Callable[[F], F]:
    """A click argument naming an entry (or, with ``nargs=-1``, one or more), resolved as soon as
    click reads it (see :func:`entry_names`): a mistyped name is reported ("no entry 'X'; did you
    mean ...?") before any other option is checked, and the command receives the entry's slug
    (a tuple of slugs with ``nargs=-1``), so what it prints names the entry as the archive does.
    ``writes=True`` for a command that changes the archive. Other ``attrs`` go to click.argument.

    Use it in place of ``click.argument`` for every ENTRY, TARGET or DUPLICATE argument::

        @click.command()
        @entry_argument("entry", writes=True)
        @click.argument("relation")
        @entry_argument("target", writes=True)
        @reason_option
        @pass_session
        def link(session: Session, entry: str, relation: str, target: str, reason: str | None) -> None:
    """
    return click.argument(name, nargs=nargs, required=True, callback=entry_names(writes=writes), **attrs)


def entry_names(*, writes: bool = False) -> Callback:
    """A click callback that turns an entry's name (or a tuple of names) into its slug through the
    session's archive service: a slug, short id, UUID, address, or a unique prefix of a slug or
    short id. ``writes``: the command changes the archive, so a name the store lacks is looked for
    again once the store has caught up with the committed history, as the change would do."""

    def callback(context: click.Context, parameter: click.Parameter, value: Any) -> Any:
        if value is None or context.resilient_parsing:  # (shell completion resolves nothing)
            return value
        service = _session(context).service
        if isinstance(value, str):
            return service.slug_for(value, writing=writes)
        return tuple(service.slug_for(ref, writing=writes) for ref in value)

    return callback


def link_targets(context: click.Context, parameter: click.Parameter, value: Any) -> Any:
    """A click callback for ``--link RELATION TARGET`` (repeatable) on a command recording an entry:
    each TARGET resolved as :func:`entry_names` does, the relation left for the command to check."""
    if not value or context.resilient_parsing:
        return value
    service = _session(context).service
    return tuple((relation, service.slug_for(target, writing=True)) for relation, target in value)


def _session(context: click.Context) -> Session:
    session = context.find_object(Session)
    if session is None:  # a command used outside the timeline group: a mistake in the tool
        raise RuntimeError(f"{context.command_path} resolves entry names, which needs the timeline command group")
    return session


def editor_option(command: F) -> F:
    return click.option(
        "--editor",
        metavar="NAME",
        help="Who makes the change (default: TIMELINE_EDITOR, git's user.name, the OS user).",
    )(command)


def reason_option(command: F) -> F:
    return click.option(
        "--reason",
        metavar="TEXT",
        help="Why the change is made (required); shown in the history and the public change log.",
    )(command)


def json_option(command: F, *, what: str = "JSON (the events/ file field names)") -> F:
    return click.option("--json", "as_json", is_flag=True, help=f"Print {what}.")(command)


def allow_future_option(command: F) -> F:
    return click.option(
        "--allow-future", is_flag=True, help="Accept dates after today (refused by default as likely typos)."
    )(command)


def write_options(
    editor: str | None,
    reason: str | None,
    *,
    require_reason: bool = True,
    allow_future: bool = False,
    allow_duplicate: bool = False,
) -> WriteOptions:
    """Editor and reason for a change; every change after recording must say why."""
    text = clean_text(reason, "reason")
    if require_reason and not text:
        raise InvalidField("reason", "is required; say why with --reason TEXT")
    return WriteOptions(
        editor=resolve_editor(editor),
        reason=text,
        allow_future=allow_future,
        allow_duplicate=allow_duplicate,
    )


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
