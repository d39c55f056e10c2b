"""`timeline build` and `timeline serve`: the static site."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path

import click

from timeline.cli.session import Session, editor_option, pass_session
from timeline.config import resolve_editor
from timeline.site.build import BuildReport, build_site
from timeline.sync import sync_folder

out_option = click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Where to write the site (default: _site/)."
)


def _build(session: Session, out: Path | None, full: bool, editor: str | None) -> tuple[BuildReport, list[str]]:
    """Sync events/ into the store, then bring the site up to date."""
    report = sync_folder(session.app, session.archive.events_dir, resolve_editor(editor))
    built = build_site(session.app, session.archive, out or session.archive.root / "_site", full=full)
    return built, report.problems


@click.command()
@out_option
@click.option("--full", is_flag=True, help="Rebuild the read model and every page from scratch.")
@editor_option
@pass_session
def build(session: Session, out: Path | None, full: bool, editor: str | None) -> None:
    """Build the static site: sync events/, catch up with the store, write the changed pages.

    Only the pages a change affects are rendered; --full rebuilds everything and
    gives the same files.

    \b
    Example:
      timeline build && python3 -m http.server -d _site
      timeline build --out /var/www/timeline --full
    """
    report, problems = _build(session, out, full, editor)
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(report.summary())
    if problems:
        raise SystemExit(2)


def _watched_state(session: Session) -> tuple[int, float]:
    events = session.archive.events_dir
    newest = max((p.stat().st_mtime for p in events.glob("*.md")), default=0.0)
    return session.app.position(), newest


@click.command()
@out_option
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--interval", type=float, default=1.0, show_default=True, help="Seconds between checks for changes.")
@pass_session
def serve(session: Session, out: Path | None, port: int, interval: float) -> None:
    """Preview the site on 127.0.0.1, rebuilding when the store or events/ change.

    \b
    Example:
      timeline serve --port 8000
    """
    folder = out or session.archive.root / "_site"
    report, _ = _build(session, folder, False, None)
    click.echo(report.summary())
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    click.echo(f"serving {folder} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    seen = _watched_state(session)
    try:
        while True:
            time.sleep(interval)
            state = _watched_state(session)
            if state != seen:
                report, _ = _build(session, folder, False, None)
                click.echo(report.summary())
                seen = _watched_state(session)
    except KeyboardInterrupt:
        server.shutdown()


COMMANDS = [build, serve]
