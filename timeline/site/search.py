"""The site's search index: Pagefind's static index of the live entry pages, in parts.

There is one part per year of slug (slugs never change, so an entry never moves between
parts), merged by the search page at query time: a change re-indexes its year only, not the
archive. Each part is written beside the old one and swapped in.

An incremental build starts indexing as soon as the entry pages are rendered and goes on
rendering the other pages meanwhile. At that moment a changed entry page is only staged (see
publishing.py), so Pagefind reads a copy of the part's pages made of hard links: to the staged
file where there is one, else to the page in place. The new parts are swapped in once the pages
are published.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from timeline.errors import TimelineError

SEARCH_FOLDER = "pagefind"
WriteBytes = Callable[[Path, bytes], None]


def bucket(slug: str) -> str:
    """The part of the search index an entry page belongs to: the year its slug starts with."""
    return slug[:4] if slug[:4].isdigit() else f"x{slug[0]}"


def entry_page_buckets(paths: Iterable[str]) -> set[str]:
    """The parts holding these files, of those that are entry pages (events/<slug>/index.html)."""
    parts = (p.split("/") for p in paths)
    return {bucket(p[1]) for p in parts if len(p) == 3 and p[0] == "events" and p[2] == "index.html"}


def _glob(part: str) -> str:
    return f"events/{part}*/index.html" if not part.startswith("x") else f"events/{part[1]}*/index.html"


class Indexing:
    """Parts of the index being made (in a background thread once :meth:`start` is called),
    published by :meth:`finish`.

    ``buckets`` None means every part. ``pending``, when the pages are not all in place yet,
    maps entry pages (paths in the site) to the temporary file holding their new bytes, or to
    None for a page about to be removed.
    """

    def __init__(
        self, out: Path, buckets: set[str] | None, live_slugs: list[str], pending: dict[str, str | None] | None = None
    ):
        self.out = out
        self.root = out / SEARCH_FOLDER
        self.present = {bucket(slug) for slug in live_slugs}
        self.wanted = self.present if buckets is None else set(buckets)
        self.problems: list[str] = []
        self.to_index = sorted(self.wanted & self.present)
        self.thread: threading.Thread | None = None
        self.shadow = self._shadow(pending) if pending is not None and self.to_index else None
        self.site = self.shadow or out

    def _shadow(self, pending: dict[str, str | None]) -> Path:
        """The entry pages of the wanted parts as they will be published, as hard links."""
        self.root.mkdir(parents=True, exist_ok=True)
        shadow = Path(tempfile.mkdtemp(prefix=".pages-", dir=self.root))
        for part in self.to_index:
            for page in self.out.glob(_glob(part)):
                relative = page.relative_to(self.out).as_posix()
                source = Path(pending.get(relative) or page)
                if relative in pending and pending[relative] is None:
                    continue
                copy = shadow / relative
                copy.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(source, copy)
                except OSError:  # a file system without hard links
                    shutil.copyfile(source, copy)
        return shadow

    def start(self) -> Indexing:
        self.thread = threading.Thread(target=self._index_all, daemon=True)
        self.thread.start()
        return self

    def _index_all(self) -> None:
        with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            self.problems = [p for p in pool.map(self._index_part, self.to_index) if p]

    def _index_part(self, part: str) -> str:
        """Index one part into .<part>.new; returns what went wrong, or ""."""
        from pagefind_bin import get_executable  # the binary itself: its Python wrapper costs ~65 ms a run

        fresh = self.root / f".{part}.new"
        shutil.rmtree(fresh, ignore_errors=True)
        command = [str(get_executable()), "--site", str(self.site), "--glob", _glob(part)]
        result = subprocess.run(
            [*command, "--output-path", str(fresh), "--silent"], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            shutil.rmtree(fresh, ignore_errors=True)
            return " ".join((result.stderr or result.stdout).split())[:300]
        return ""

    def finish(self, write_bytes: WriteBytes) -> bool:
        """Wait for the parts, swap them in, and drop the parts of years without live entries.
        Returns whether any part was written."""
        if self.thread is None:
            self._index_all()
        else:
            self.thread.join()
        if self.shadow is not None:
            shutil.rmtree(self.shadow, ignore_errors=True)
        if self.problems:
            for part in self.to_index:
                shutil.rmtree(self.root / f".{part}.new", ignore_errors=True)
            raise TimelineError(f"the search index could not be built: {self.problems[0]}")
        for part in self.to_index:
            fresh, old, target = self.root / f".{part}.new", self.root / f".{part}.old", self.root / part
            shutil.rmtree(old, ignore_errors=True)
            if target.exists():
                target.rename(old)
            fresh.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        if self.root.is_dir():
            for stale in self.root.iterdir():
                if stale.is_dir() and stale.name not in self.present:  # parts of gone years, leftovers
                    shutil.rmtree(stale, ignore_errors=True)
        if self.present:
            self.root.mkdir(parents=True, exist_ok=True)
            write_bytes(self.root / "parts.json", (json.dumps(sorted(self.present)) + "\n").encode())
        else:
            shutil.rmtree(self.root, ignore_errors=True)
        return bool(self.to_index)


def index_for_search(out: Path, buckets: set[str] | None, live_slugs: list[str], write_bytes: WriteBytes) -> bool:
    """Index these parts (None: every part) of the published pages now, on every core."""
    return Indexing(out, buckets, live_slugs).finish(write_bytes)
