"""Screenshots of the flagship archive's site for the README: build it from a copy of this
repository's archive, serve it on 127.0.0.1, and photograph a few pages in Chromium.

Run from the repository root, after the README's install command and with the test extras
(Playwright), on a machine with Debian's Chromium at /usr/bin/chromium (Playwright drives it;
no browser is downloaded):

    .venv/bin/python docs/screenshots.py

It writes the home page, the executive order's entry, the thread it is part of and the search
page with the results of a query, each at 1280 px (home.png, entry.png, thread.png, search.png) and
at a phone's 390 px (home-phone.png...), and the about page (about.png). Pages that draw the time
scale are taken once it is drawn. Nothing in the archive changes: the site is built from a copy, in
a temporary folder.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
CHROMIUM = "/usr/bin/chromium"
# What each picture shows: its file name, the page's address in the site, the window's size, and
# what must be on the page before it is taken (the search runs in the page, after it loads).
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ENTRY = "events/2020-05-28-trump-signs-executive-order-targeting-section-230-protections/"
THREAD = "THREAD"  # the thread the entry is part of: its address is read from the entry's page
SEARCH = "search/?q=Section+230"
SEARCH_RESULTS = ".search-results li"
TIMESCALE = "section.timescale[data-ready]"
SHOWN = {
    "home": ("", TIMESCALE),
    "entry": (ENTRY, None),
    "thread": (THREAD, TIMESCALE),
    "search": (SEARCH, SEARCH_RESULTS),
}
PAGES: dict[str, tuple[str, dict[str, int], str | None]] = {
    **{f"{name}.png": (address, DESKTOP, ready) for name, (address, ready) in SHOWN.items()},
    **{f"{name}-phone.png": (address, PHONE, ready) for name, (address, ready) in SHOWN.items()},
    "about.png": ("about/", DESKTOP, None),
}


def build_copy(folder: Path) -> Path:
    """The flagship archive copied into FOLDER (settings, entries, history, pages) and built."""
    for name in ("events", "history", "pages"):
        shutil.copytree(ROOT / name, folder / name)
    shutil.copy(ROOT / "timeline.toml", folder / "timeline.toml")
    timeline = Path(sys.executable).with_name("timeline")
    subprocess.run([str(timeline), "--archive", str(folder), "build", "--quiet"], check=True)
    return folder / "_site"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Requests are not reported: the pictures written are."""


def thread_of(browser: Browser, entry: str) -> str:
    """The address, from the site's root, of the thread the entry at ENTRY is part of."""
    page = browser.new_page()
    page.goto(entry)
    link = page.locator(".thread-link a").get_attribute("href") or ""
    address = urljoin(entry, link).removeprefix(entry.removesuffix(ENTRY)).removesuffix("index.html")
    page.close()
    return address


def photograph(site: Path) -> None:
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            thread = thread_of(browser, root + ENTRY)
            for name, (address, viewport, ready) in PAGES.items():
                address = thread if address == THREAD else address
                phone = viewport is PHONE
                page = browser.new_page(viewport=viewport, is_mobile=phone, has_touch=phone)
                page.goto(root + address)
                if ready is not None:
                    page.locator(ready).first.wait_for()
                page.screenshot(path=str(IMAGES / name))
                page.close()
                print(f"docs/images/{name}: {address or 'home page'} at {viewport['width']} px")
            browser.close()
    finally:
        server.shutdown()


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="timeline-screenshots-") as scratch:
        photograph(build_copy(Path(scratch)))


if __name__ == "__main__":
    main()
