"""Hostile text in a real browser: nothing runs, nothing is blocked but the text's own tricks.

The site of ``hostile.py`` (every hostile string in every field) is served on 127.0.0.1 and opened
in Chromium. What these tests prove:

1. On the page of every entry carrying a string written to run script, and on the listings (which
   show every entry), bundles, change log and a retracted entry, no dialog opens, no script error
   is thrown, the page stays where it is, and the browser reports no Content-Security-Policy
   violation: the site's own scripts run (each citation gets its Copy button) and need nothing
   the policy forbids.
2. The search page, whose index holds the hostile text, finds it and shows it as text, with no
   dialog and no violation (Pagefind's WebAssembly runs under the policy).
3. The policy is in force: a script added to a page at run time does not run, and is reported.

The tests need Chromium at /usr/bin/chromium: without it they skip on a laptop and fail in CI.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from hostile import ENTITIES, MARKDOWN, MARKUP, HostileArchive
from playwright.sync_api import Browser, Page

from timeline.domain.kinds import kind_label

# Every violation the page sees is kept where the test can read it.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(hostile: HostileArchive) -> Iterator[str]:
    """The hostile site's address on a local server."""
    handler = functools.partial(QuietHandler, directory=str(hostile.out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def watched(browser: Browser, served: str) -> Iterator[tuple[Page, list[str]]]:
    """A page that records dialogs, script errors, CSP violations and requests to other hosts
    (which it refuses)."""
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    context.route(lambda url: not url.startswith(served), lambda route: route.abort("blockedbyclient"))
    page = context.new_page()
    seen: list[str] = []

    def on_dialog(dialog: Any) -> None:
        seen.append(f"a {dialog.type} dialog: {dialog.message!r}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: seen.append(f"script error: {error}"))
    page.on("console", lambda m: seen.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("request", lambda r: seen.append(f"request: {r.url}") if not r.url.startswith(served) else None)
    yield page, seen
    context.close()


def visit(page: Page, seen: list[str], url: str, ready: str | None = None) -> None:
    page.goto(url)  # waits for the load event: the deferred scripts have run
    if ready:
        page.locator(ready).first.wait_for(timeout=10_000)
    seen += [f"{url}: CSP violation {v}" for v in page.evaluate("window.__violations")]
    if page.url.split("#")[0] != url:
        seen.append(f"{url}: the page went to {page.url}")


def test_no_hostile_text_runs_or_breaks_the_policy_on_any_page(
    watched: tuple[Page, list[str]], served: str, hostile: HostileArchive
) -> None:
    page, seen = watched
    # The strings written to run script, each on its entry's page (in every field); the listings,
    # the change log and the bundles show all the others' titles, names, reasons and editors too.
    cases = [case for case in hostile.cases if case.slug and case.text in (*MARKUP, *MARKDOWN, *ENTITIES)]
    for case in cases:
        visit(page, seen, f"{served}events/{case.slug}/index.html", ready="button.copy")
    for path in ("index.html", "timeline/2019/index.html", "timeline/2020/index.html", "changes/index.html",
                 "actors/index.html", "bundles/index.html", f"bundles/{cases[0].bundle}/index.html",
                 f"events/{cases[0].retracted}/index.html", f"events/{cases[0].slug}/v1/index.html"):  # fmt: skip
        visit(page, seen, served + path)
    assert seen == [], "\n".join(seen[:30])


def test_search_shows_hostile_text_as_text(watched: tuple[Page, list[str]], served: str) -> None:
    page, seen = watched
    visit(page, seen, f"{served}search/index.html?q=alert", ready=".search-results li")
    titles = page.locator(".search-results h2.result-title a").all_text_contents()
    assert "<script>alert(1)</script>" in titles
    assert page.locator(".search-results script, .search-results img, .search-results iframe").count() == 0
    assert seen == [], "\n".join(seen)


def test_the_policy_stops_a_script_added_at_run_time(watched: tuple[Page, list[str]], served: str) -> None:
    page, seen = watched
    visit(page, seen, f"{served}index.html")
    ran = page.evaluate(
        """() => new Promise((resolve) => {
            const script = document.createElement("script");
            script.textContent = "window.__ran = true;";
            document.head.appendChild(script);
            setTimeout(() => resolve(window.__ran === true), 100);
        })"""
    )
    assert ran is False
    assert page.evaluate("window.__violations") == ["script-src-elem inline"]


def test_the_filter_chips_name_each_kind_and_platform_whole(
    watched: tuple[Page, list[str]], served: str, hostile: HostileArchive
) -> None:
    """The chips are made by script from the cards' data: a name with any character in it (a pipe,
    quotes, markup) makes one chip with that exact name."""
    page, seen = watched
    entries = {case.entry["title"]: case.entry for case in hostile.cases if case.slug.startswith("2020-")}
    visit(page, seen, f"{served}timeline/2020/index.html", ready=".chip")
    titles = page.locator(".entry-card h3").all_text_contents()
    listed = [entries[title] for title in titles if title in entries]
    assert len(listed) > 20
    chips = page.locator(".chip").all_text_contents()
    assert sorted(c.removeprefix("Platform: ") for c in chips if c.startswith("Platform: ")) == sorted(
        {entry["platforms"][0] for entry in listed}
    )
    # (a kind is shown by its label, as every page shows it)
    kinds = {entry["kind"] for entry in listed} | ({"statement"} if len(listed) < len(titles) else set())
    assert sorted(c.removeprefix("Kind: ") for c in chips if c.startswith("Kind: ")) == sorted(map(kind_label, kinds))
    page.get_by_role("button", name="Platform: =cmd|' /C calc'!A0", exact=True).click()
    assert page.locator(".entry-card:not([hidden]) h3").all_text_contents() == ["=cmd|' /C calc'!A0"]
    assert seen == [], "\n".join(seen)
