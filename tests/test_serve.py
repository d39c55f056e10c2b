"""`timeline serve`: where it listens, what it says when it cannot, what it logs.

1. A port in use is one line naming a free port to try, exit 2, before anything is built; an
   address that is not this machine's is refused the same way.
2. Requests are logged only with --verbose; Ctrl-C stops the server cleanly (exit 0).
3. --open opens the served address in the browser once the site answers there; --host other
   than the loopback address warns that other machines can read the site.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ArchiveUnderTest

SERVING = re.compile(r"^serving \S+ at (http://127\.0\.0\.1:\d+/) \(Ctrl-C to stop\)$", re.M)


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


# 1. Where it cannot listen -------------------------------------------------------------------


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port another server listens on, as long as the test runs."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield held.getsockname()[1]


def test_a_port_in_use_is_refused_with_a_free_port_to_try(
    store: ArchiveUnderTest, busy_port: int, tmp_path: Path
) -> None:
    store.add("Twitter labels two tweets", "2020-05-26", "label")
    before = store.notifications()
    out = tmp_path / "site"

    result = store.run("serve", "--port", str(busy_port), "--out", str(out))

    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    match = re.fullmatch(rf"error: port {busy_port} is in use; try --port (\d+)\n", result.stderr)
    assert match, result.stderr
    suggested = int(match.group(1))
    assert suggested != busy_port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", suggested))  # raises if the suggested port is not free
    assert not out.exists(), "nothing is built when the server cannot listen"
    assert store.notifications() == before


def test_an_address_not_of_this_machine_is_refused(store: ArchiveUnderTest, tmp_path: Path) -> None:
    store.add("Twitter labels two tweets", "2020-05-26", "label")
    before = store.notifications()
    out = tmp_path / "site"
    # 203.0.113.0/24 is kept for documentation: never an address of this machine.
    result = store.run("serve", "--host", "203.0.113.7", "--port", "0", "--out", str(out))
    assert result.exit_code == 2, result.output
    expected = "error: --host '203.0.113.7' is not an address of this machine; try --host 127.0.0.1\n"
    assert result.stderr == expected
    assert result.stdout == ""
    assert not out.exists()
    assert store.notifications() == before


# 2. What it logs -----------------------------------------------------------------------------


@contextlib.contextmanager
def serving(archive: ArchiveUnderTest, out: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`timeline serve` in its own process on a free port; yields its address and the process,
    then stops it with Ctrl-C (SIGINT) and waits for it to end."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIMELINE_")} | archive.env()
    command = [sys.executable, "-m", "timeline", "serve", "--port", "0", "--out", str(out), *options]
    # Ctrl-C reaches it as at a terminal even when the tests run as a background job, whose
    # children a shell starts with SIGINT ignored (and Python then leaves it ignored).
    server = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in server.stdout or ()], daemon=True).start()
    try:
        url = None
        deadline = time.monotonic() + 30
        while url is None and time.monotonic() < deadline and server.poll() is None:
            with contextlib.suppress(queue.Empty):
                match = SERVING.match(lines.get(timeout=0.5))
                url = match.group(1) if match else None
        assert url is not None, f"serve printed no address: {server.stderr.read() if server.poll() is not None else ''}"
        yield url, server
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
            raise


def requests_logged(archive: ArchiveUnderTest, out: Path, *options: str) -> str:
    """Serve, fetch the home page and a missing page, stop; what the server wrote on stderr."""
    with serving(archive, out, *options) as (url, server):
        status, body = fetch(url)
        assert status == 200 and b"Twitter labels two tweets" in body
        assert fetch(f"{url}no-such-page/")[0] == 404
    assert server.returncode == 0, "Ctrl-C stops the server cleanly"
    assert server.stderr is not None
    return server.stderr.read()


def test_requests_are_logged_only_with_verbose(store: ArchiveUnderTest, tmp_path: Path) -> None:
    store.add("Twitter labels two tweets", "2020-05-26", "label")
    out = tmp_path / "site"

    quiet = requests_logged(store, out)
    assert "GET" not in quiet, quiet

    verbose = requests_logged(store, out, "--verbose")
    assert '"GET / HTTP/1.1" 200' in verbose, verbose
    assert '"GET /no-such-page/ HTTP/1.1" 404' in verbose, verbose


# 3. --open and --host ------------------------------------------------------------------------


class Stopped(KeyboardInterrupt):
    """Ctrl-C, as the watch loop would receive it."""


def serve_once(archive: ArchiveUnderTest, monkeypatch: pytest.MonkeyPatch, *options: str) -> tuple[Any, list[str]]:
    """Run `timeline serve` in this process, stopping it (as Ctrl-C would) where it would start
    watching for changes; returns the result and the addresses opened in the browser, each
    fetched at the moment it was opened."""
    import webbrowser

    import timeline.cli.site

    opened: list[str] = []
    fetched: list[tuple[int, bytes]] = []

    def open_in_browser(url: str, *args: object, **kwargs: object) -> bool:
        opened.append(url)
        fetched.append(fetch(url))
        return True

    def interrupted(*args: object) -> None:
        raise Stopped

    monkeypatch.setattr(webbrowser, "open", open_in_browser)
    monkeypatch.setattr(timeline.cli.site, "_rebuild_on_change", interrupted)
    result = archive.run("serve", "--port", "0", *options)
    for status, body in fetched:
        assert status == 200 and b"Twitter labels two tweets" in body, "the browser opened a site not yet served"
    return result, opened


def test_open_opens_the_served_site_in_the_browser(
    store: ArchiveUnderTest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    store.add("Twitter labels two tweets", "2020-05-26", "label")
    result, opened = serve_once(store, monkeypatch, "--out", str(tmp_path / "site"), "--open")
    assert result.exit_code == 0, result.output
    url = SERVING.search(result.stdout)
    assert url, result.stdout
    assert opened == [url.group(1)]
    assert result.stderr == ""

    _, not_opened = serve_once(store, monkeypatch, "--out", str(tmp_path / "site"))
    assert not_opened == []


def test_another_host_is_served_with_a_warning(
    store: ArchiveUnderTest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    store.add("Twitter labels two tweets", "2020-05-26", "label")
    result, opened = serve_once(store, monkeypatch, "--out", str(tmp_path / "site"), "--host", "0.0.0.0", "--open")
    assert result.exit_code == 0, result.output
    assert SERVING.search(result.stdout), result.stdout
    assert opened and opened[0].startswith("http://127.0.0.1:")
    expected = "warning: listening on 0.0.0.0: other machines that can reach this one can read the site\n"
    assert result.stderr == expected

    local, _ = serve_once(store, monkeypatch, "--out", str(tmp_path / "site"))
    assert "warning" not in local.stderr
