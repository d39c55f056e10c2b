"""The site's search index: Pagefind's static index of the live entry pages, in parts.

There is one part per half-year of slug (slugs never change, so an entry never moves between
parts), merged by the search page at query time: a change re-indexes its half-year only (~200
pages at 10,000 entries, 0.2 s), not the archive. Each part is written beside the old one and
swapped in.

Pagefind reads each part from a folder of hard links to the part's entry pages. An incremental
build starts indexing as soon as the entry pages are rendered and goes on rendering the other
pages meanwhile; at that moment a changed entry page is only staged (see publishing.py), so its
link leads to the staged file. The new parts are swapped in once the pages are published.
"""

from __future__ import annotations

import contextlib
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
    """The part of the search index an entry page belongs to: the half-year its slug starts with
    (``2020-h1``, ``2020-h2``; a slug with a year and no month goes to the first half)."""
    if not slug[:4].isdigit():
        return f"x{slug[0]}"
    month = slug[5:7]
    return f"{slug[:4]}-h2" if slug[4:5] == "-" and month.isdigit() and int(month) > 6 else f"{slug[:4]}-h1"


def entry_page_buckets(paths: Iterable[str]) -> set[str]:
    """The parts holding these files, of those that are entry pages (events/<slug>/index.html)."""
    parts = (p.split("/") for p in paths)
    return {bucket(p[1]) for p in parts if len(p) == 3 and p[0] == "events" and p[2] == "index.html"}


class Indexing:
    """Parts of the index being made (in a background thread once :meth:`start` is called),
    published by :meth:`finish`.

    ``buckets`` None means every part. ``pending``, when the pages are not all in place yet,
    maps entry pages (paths in the site) to the temporary file holding their new bytes, or to
    None for a page about to be removed.
    """

    def __init__(
        self, out: Path, buckets: set[str] | None, present: set[str], pending: dict[str, str | None] | None = None
    ):
        """``present``: the parts the live entries make (see :func:`parts_of`)."""
        self.out = out
        self.root = out / SEARCH_FOLDER
        self.present = present
        self.wanted = self.present if buckets is None else set(buckets)
        self.problems: list[str] = []
        self.to_index = sorted(self.wanted & self.present)
        self.thread: threading.Thread | None = None
        self.pending = pending or {}
        self.shadow: Path | None = None
        # Set once the pages are linked into the shadow: the staged ones may be published from then on.
        self.linked = threading.Event()

    def _shadow(self, pending: dict[str, str | None]) -> Path:
        """The entry pages of each part to index, as they will be published, as hard links in
        <shadow>/<part>/events/<slug>/index.html."""
        self.root.mkdir(parents=True, exist_ok=True)
        shadow = Path(tempfile.mkdtemp(prefix=".pages-", dir=self.root))
        wanted = set(self.to_index)
        events = self.out / "events"
        with os.scandir(events) if events.is_dir() else contextlib.nullcontext(iter(())) as found:
            slugs = [entry.name for entry in found if bucket(entry.name) in wanted]
        for slug in slugs:
            relative = f"events/{slug}/index.html"
            source = pending.get(relative, str(self.out / relative))
            if source is None or not os.path.isfile(source):  # about to be removed; or a folder with no page
                continue
            copy = shadow / bucket(slug) / relative
            copy.parent.mkdir(parents=True)
            try:
                os.link(source, copy)
            except OSError:  # a file system without hard links
                shutil.copyfile(source, copy)
        return shadow

    def start(self) -> Indexing:
        """Link the pages and index them in a background thread (a part holds ~2,000 entry pages at
        100,000 entries: a folder and a link each, which the build need not wait for). The caller
        publishes staged pages only after :meth:`wait_for_links`."""
        self.thread = threading.Thread(target=self._link_and_index, daemon=True)
        self.thread.start()
        return self

    def wait_for_links(self) -> None:
        """Wait until the pages are linked: the staged ones they link to may then be published."""
        if self.thread is not None:
            self.linked.wait()

    def _link(self) -> None:
        try:
            if self.to_index:
                self.shadow = self._shadow(self.pending)
        except OSError as error:
            self.problems = [f"the pages to index could not be linked: {error}"]
        finally:
            self.linked.set()

    def _link_and_index(self) -> None:
        self._link()
        if not self.problems:
            self._index_all()

    def _index_all(self) -> None:
        with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            self.problems = [p for p in pool.map(self._index_part, self.to_index) if p]

    def _index_part(self, part: str) -> str:
        """Index one part into .<part>.new; returns what went wrong, or ""."""
        from pagefind_bin import get_executable  # the binary itself: its Python wrapper costs ~65 ms a run

        assert self.shadow is not None
        fresh = self.root / f".{part}.new"
        shutil.rmtree(fresh, ignore_errors=True)
        command = [str(get_executable()), "--site", str(self.shadow / part), "--glob", "events/*/index.html"]
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
            self._link_and_index()
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


def parts_of(slug_starts: Iterable[str]) -> set[str]:
    """The parts of the index for the live entries whose slugs start so (their first seven characters,
    all :func:`bucket` reads: the read model lists a few hundred of them rather than every slug)."""
    return {bucket(start) for start in slug_starts}


def index_has_its_parts(out: Path, present: set[str]) -> bool:
    """Whether the index lists, and has, exactly the ``present`` parts (no index at all for none):
    else it is made anew in whole, as after an upgrade that names parts otherwise."""
    root = out / SEARCH_FOLDER
    expected = sorted(present)
    try:
        listed = json.loads((root / "parts.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return not expected and not root.exists()
    return bool(listed == expected and all((root / part / "pagefind-entry.json").is_file() for part in expected))


def index_for_search(out: Path, buckets: set[str] | None, present: set[str], write_bytes: WriteBytes) -> bool:
    """Index these parts (None: every part) of the published pages now, on every core."""
    return Indexing(out, buckets, present).finish(write_bytes)
