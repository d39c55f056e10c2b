"""The web server behind `timeline serve`: where it listens, what it says when it cannot, which
requests it logs, and how it answers an address the site does not have (with the site's own
404 page, as a web host set up as the README says would)."""

from __future__ import annotations

import errno
import functools
import http
import http.server
import ipaddress
import os
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from timeline.errors import TimelineError

# How far past a port in use to look for a free one to suggest.
PORTS_TRIED = 100


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site's folder; logs each request only when asked (``--verbose``).

    ``base_path`` is the path of the site's base URL ("/" or a sub-path such as "/timeline/"):
    the 404 page links to the site from the host's root, under that path, so an address under
    it that names no file at the root is looked for without it."""

    def __init__(self, *args: Any, log_requests: bool, base_path: str = "/", **kwargs: Any) -> None:
        # Set before the base class's __init__, which handles the request at once.
        self.log_requests = log_requests
        self.base_path = base_path
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        if self.log_requests:
            super().log_message(format, *args)

    def translate_path(self, path: str) -> str:
        local = super().translate_path(path)
        address = urlsplit(path).path
        if self.base_path != "/" and address.startswith(self.base_path) and not os.path.exists(local):
            return super().translate_path("/" + address[len(self.base_path) :])
        return local

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A missing address gets the site's 404 page (with status 404), not Python's own."""
        not_found = Path(self.directory) / "404.html"
        if code != http.HTTPStatus.NOT_FOUND or not not_found.is_file():
            super().send_error(code, message, explain)
            return
        body = not_found.read_bytes()
        self.send_response(code, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def open_server(
    host: str, port: int, folder: Path, *, log_requests: bool, base_path: str = "/"
) -> http.server.ThreadingHTTPServer:
    """A server bound to ``host``:``port`` serving ``folder`` (not yet serving), or a
    :class:`TimelineError` saying in one line why it cannot listen there and what to try.
    ``base_path``: the path of the site's base URL (see :class:`PreviewHandler`)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server_class = type("PreviewServer", (http.server.ThreadingHTTPServer,), {"address_family": family})
    handler = functools.partial(PreviewHandler, directory=str(folder), log_requests=log_requests, base_path=base_path)
    try:
        return server_class((host, port), handler)
    except OSError as error:
        raise TimelineError(_cannot_listen(error, host, port, family)) from None


def _cannot_listen(error: OSError, host: str, port: int, family: socket.AddressFamily) -> str:
    if error.errno == errno.EADDRINUSE:
        free = next_free_port(host, port, family)
        if free is None:
            return f"port {port} is in use, and so are the next {PORTS_TRIED}; try --port 0 (any free port)"
        return f"port {port} is in use; try --port {free}"
    if error.errno == errno.EACCES:
        return f"port {port} needs administrator rights (ports below 1024 do); try --port 8000"
    if isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
        return f"--host {host!r} is not an address of this machine; try --host 127.0.0.1"
    return f"cannot listen on {host} port {port}: {error.strerror or error}"


def next_free_port(host: str, port: int, family: socket.AddressFamily = socket.AF_INET) -> int | None:
    """The first port after ``port`` that ``host`` can listen on, found by binding to it as the
    server would (address reuse on, so a port a stopped server just left counts as free)."""
    for candidate in range(port + 1, min(port + PORTS_TRIED, 65535) + 1):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, candidate))
            except OSError:
                continue
            return candidate
    return None


def address_for_people(host: str, port: int) -> str:
    """The address to open in a browser: a server listening on every interface is reached on this
    machine by its loopback address."""
    shown = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach a server listening on ``host``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
