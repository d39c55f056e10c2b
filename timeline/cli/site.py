"""`timeline build` and `timeline serve`: the static site."""

from __future__ import annotations

import datetime as dt
import shlex
import threading
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from timeline.app.sync import SyncReport
from timeline.cli.files import report_sync
from timeline.cli.progressbar import VERBOSE
from timeline.cli.session import Session, editor_option, output_options, pass_session
from timeline.files.archive import resolve_editor
from timeline.files.pages import PAGES_DIR, editorial_pages
from timeline.wording import plural

if TYPE_CHECKING:
    from timeline.site.build import BuildReport

# The site's modules (Jinja, Markdown, the read model) are imported where a command needs them:
# every command shares one process start, and `timeline add` should not pay for the site.

out_option = click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Where to write the site (default: _site/)."
)


def _build(session: Session, out: Path | None, full: bool, editor: str | None) -> tuple[BuildReport, SyncReport]:
    """Sync events/ into the store, then bring the site up to date."""
    from timeline.site.build import build_site

    target = out or session.archive.site_dir
    editorial_pages(session.archive.root)  # a page the site would not publish is refused before anything is written
    with session.progress() as progress:
        report = session.service.sync(resolve_editor(editor), progress=progress)
        built = build_site(
            session.app, session.archive, target, full=full, wait=session.lock_timeout, progress=progress
        )
    return built, report


def _report_build(session: Session, report: BuildReport) -> None:
    """With --verbose, the files written and removed by kind of page (their top folder)."""
    for what, paths in (("written", report.written), ("removed", report.removed)):
        by_kind = Counter(path.split("/")[0] + "/" if "/" in path else path for path in paths)
        for kind, count in sorted(by_kind.items()):
            session.detail(f"{what} {count:,} {kind}")
    session.detail(f"site: {plural(report.keys, 'page')} rendered, {plural(report.unchanged, 'file')} unchanged")
    if report.search_indexed:
        session.detail("search index updated")


def _shown(folder: Path) -> str:
    """The site's folder as the person typing can use it: relative to here when inside it."""
    absolute = folder.resolve()
    try:
        text = absolute.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        text = absolute.as_posix()
    return "./" if text == "." else f"{text.rstrip('/')}/"


def _changed(report: BuildReport) -> str:
    changed = len(report.written) + len(report.removed)
    return f"{plural(changed, 'file')} changed" if changed else "nothing changed"


def _as_of(session: Session, text: str) -> int:
    """A store position, or the position at the end of a day or at a moment (UTC unless given)."""
    from timeline.site.build import position_at

    text = text.strip()
    if text.isdigit():
        return int(text)
    try:
        if len(text) == 10:
            moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time.max, tzinfo=dt.UTC)
        else:
            moment = dt.datetime.fromisoformat(text)
            moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not accepted; give a day (2026-11-21), a moment (2026-11-21T10:00:00Z) or a store position",
            param_hint="--as-of",
        ) from None
    return position_at(session.app, moment)


@click.command()
@out_option
@click.option("--full", is_flag=True, help="Rebuild the read model and every page from scratch.")
@click.option(
    "--as-of",
    metavar="DAY|MOMENT|POSITION",
    help="Build the whole site as the store stood then (nothing after it); needs --out.",
)
@editor_option
@output_options
@pass_session
def build(session: Session, out: Path | None, full: bool, as_of: str | None, editor: str | None) -> None:
    """Build the static site: sync events/, catch up with the store, write the changed pages.

    Only the pages a change affects are rendered; --full rebuilds everything and
    gives the same files. --as-of rebuilds the site a reader saw on a given day,
    without syncing events/; manifest.json records the position.

    \b
    Example:
      timeline build && python3 -m http.server -d _site
      timeline build --out /var/www/timeline --full
      timeline build --as-of 2026-11-21 --out site-as-of-2026-11-21
    """
    if as_of is not None:
        if out is None:
            raise click.UsageError("--as-of needs --out, so the current site is not overwritten")
        from timeline.site.build import build_site

        position = _as_of(session, as_of)
        with session.progress() as progress:
            built = build_site(session.app, session.archive, out, as_of=position, progress=progress)
        _report_build(session, built)
        session.say(built.summary())
        session.say(f"site as of {as_of} in {_shown(out)} ({_changed(built)}); open index.html in it to read it")
        return
    report, synced = _build(session, out, full, editor)
    report_sync(session, synced)
    if synced.history is not None and (synced.history.replayed or synced.history.written):
        session.say(synced.history.summary())  # (a fresh clone, a git pull, another writer of a shared store)
    _report_build(session, report)
    session.say(report.summary())
    serve = "timeline serve" if out is None else f"timeline serve --out {shlex.quote(str(out))}"
    # Quoted with the marks the command itself does not use, so it can be copied whole.
    serve = f'"{serve}"' if "'" in serve else f"'{serve}'"
    folder = out or session.archive.site_dir
    session.say(f"site in {_shown(folder)} ({_changed(report)}); preview with {serve}, publish the folder as is")
    if not synced.ok:
        raise SystemExit(2)


def _watched_state(session: Session) -> tuple[int, float, tuple[tuple[str, float], ...]]:
    events = session.archive.events_dir
    newest = max((p.stat().st_mtime for p in events.glob("*.md")), default=0.0)
    # The editors' pages, each by name: one added or removed changes every footer.
    pages = tuple((p.name, p.stat().st_mtime) for p in sorted((session.archive.root / PAGES_DIR).glob("*.md")))
    return session.app.position(), newest, pages


def _rebuild_on_change(session: Session, folder: Path, interval: float) -> None:
    """Rebuild the site whenever the store, events/ or pages/ change, until interrupted."""
    seen = _watched_state(session)
    while True:
        time.sleep(interval)
        state = _watched_state(session)
        if state != seen:
            report, _ = _build(session, folder, False, None)
            session.say(report.summary())
            seen = _watched_state(session)


@click.command()
@out_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on; any other than 127.0.0.1 lets other machines read the site.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The port to listen on; 0 for any free one.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the site in the web browser once it is served.")
@click.option("--interval", type=float, default=1.0, show_default=True, help="Seconds between checks for changes.")
@output_options
@pass_session
def serve(session: Session, out: Path | None, host: str, port: int, open_browser: bool, interval: float) -> None:
    """Preview the site on this machine, rebuilding when the store or events/ change.

    Requests are logged with --verbose. --host 0.0.0.0 serves it to other machines
    too: anyone who can reach this machine can then read the site.

    \b
    Example:
      timeline serve --open
      timeline serve --port 8001 --verbose
    """
    import webbrowser

    from timeline.cli.preview import address_for_people, is_loopback, open_server
    from timeline.site.urls import SiteUrls

    folder = out or session.archive.site_dir
    # Bound before building, so a port in use is said at once and nothing is built for nothing.
    base_path = SiteUrls(session.archive.base_url).path
    with open_server(host, port, folder, log_requests=session.verbosity >= VERBOSE, base_path=base_path) as server:
        report, _ = _build(session, folder, False, None)
        session.say(report.summary())
        url = address_for_people(host, server.server_address[1])
        session.say(f"serving {folder} at {url} (Ctrl-C to stop)")
        if not is_loopback(host):
            click.echo(
                f"warning: listening on {host}: other machines that can reach this one can read the site", err=True
            )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        if open_browser:
            webbrowser.open(url)
        try:
            _rebuild_on_change(session, folder, interval)
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()


COMMANDS = [build, serve]
