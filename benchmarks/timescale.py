"""How fast the time scale shows its first screen in headless Chromium, on a generated archive.

Run from the repository root (after the README's install command; Chromium at /usr/bin/chromium):

    .venv/bin/python benchmarks/timescale.py --entries 10000

It imports the generated entries (benchmarks/generate.py, as run.py does) into a new archive,
builds its site, serves it from a threaded local HTTP server, and opens the pages that draw the
time scale, each in a new browser context (an empty cache, as a reader's first visit). The figure
is the time from the start of the navigation to the scale's first drawing (timescale.js stamps
``data-first-drawn`` with ``performance.now()``), the median of --runs visits, with min and max.
Results go to benchmarks/results-timescale-<N>.json and a table on stdout. Never part of the test
suite: timings vary with the machine.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import entries, write_jsonl

TIMELINE = [sys.executable, "-m", "timeline"]
CHROMIUM = "/usr/bin/chromium"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def build_site(count: int, work: Path) -> Path:
    """A new archive of COUNT generated entries, built; the site's folder."""
    env = {**os.environ, "TIMELINE_EDITOR": "benchmark"}
    env.pop("TIMELINE_ARCHIVE", None)
    env.pop("TIMELINE_STORE", None)
    write_jsonl(entries(count), work / "entries.jsonl")
    archive = work / "archive"
    subprocess.run([*TIMELINE, "init", str(archive)], cwd=work, env=env, check=True, capture_output=True)
    subprocess.run([*TIMELINE, "import", str(work / "entries.jsonl")], cwd=archive, env=env, check=True)
    subprocess.run([*TIMELINE, "build", "--out", str(work / "site")], cwd=archive, env=env, check=True)
    return work / "site"


def pages_to_open(site: Path) -> dict[str, str]:
    """The home page, the timeline index, the latest year and the longest platform listing."""
    overview = json.loads((site / "timeline" / "timescale.json").read_text(encoding="utf-8"))
    platforms = [p for p in (site / "platforms").iterdir() if p.is_dir()]
    platforms.sort(key=lambda p: -len(list(p.rglob("index.html"))))  # its pages: the longest listing
    return {
        "home": "",
        "timeline index": "timeline/",
        f"year {overview['years'][-1]}": f"timeline/{overview['years'][-1]:04d}/",
        f"platform {platforms[0].name}": f"platforms/{platforms[0].name}/",
    }


def first_screens(site: Path, runs: int, width: int) -> dict[str, Any]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    results: dict[str, Any] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            for name, path in pages_to_open(site).items():
                samples, status = [], ""
                for _ in range(runs):
                    context = browser.new_context(viewport={"width": width, "height": 900})
                    page = context.new_page()
                    page.goto(base + path)
                    page.wait_for_selector("section.timescale[data-first-drawn]", state="attached", timeout=30_000)
                    samples.append(float(page.locator("section.timescale").get_attribute("data-first-drawn") or 0))
                    status = page.locator(".timescale-status").inner_text()
                    context.close()
                results[name] = {
                    "median_ms": statistics.median(samples),
                    "min_ms": min(samples),
                    "max_ms": max(samples),
                    "first_screen": status,
                }
            browser.close()
    finally:
        server.shutdown()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--site", type=Path, help="A site already built (skips the import and build).")
    parser.add_argument("--keep", type=Path, help="Build the site in this folder and keep it.")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix=f"timeline-timescale-{args.entries}-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        site = args.site or build_site(args.entries, work)
        results = {"entries": args.entries, "width": args.width, "pages": first_screens(site, args.runs, args.width)}
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    out = Path(__file__).resolve().parent / f"results-timescale-{args.entries}.json"
    out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"{args.entries:,} entries, first screen of the time scale at {args.width} px (median of {args.runs})")
    print("| page | median | min | max | first screen |\n|---|---|---|---|---|")
    for name, figures in results["pages"].items():
        print(
            f"| {name} | {figures['median_ms']:.0f} ms | {figures['min_ms']:.0f} ms | {figures['max_ms']:.0f} ms "
            f"| {figures['first_screen']} |"
        )


if __name__ == "__main__":
    main()
