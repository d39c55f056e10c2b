"""Building the site: catch the read model up, render the dirty pages, write what changed.

Files are written one by one atomically (a temporary file renamed into place)
and only when their bytes change: new files first, then changed ones, then
removals (see publishing.py). A page key's dirt is cleared only after its
files are on disk, so an interrupted build is completed by the next one. The
manifest, listing every file's sha256 and the store position, is written last.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from timeline.app.application import TimelineArchive
from timeline.app.committed import CommittedHistory
from timeline.errors import TimelineError
from timeline.files.archive import Archive
from timeline.files.atomic import write_atomically
from timeline.files.history import describe as describe_history
from timeline.files.pages import editorial_pages
from timeline.formats.csl import REMEMBERED
from timeline.progress import Progress
from timeline.site import manifest, pagekeys, urls
from timeline.site.catchup import catch_up, open_view
from timeline.site.pagefiles import PARALLEL_FROM, Rendered, render_in_parallel, render_keys
from timeline.site.pageinputs import PageInputs
from timeline.site.publishing import Unfinished, remove_published, remove_temporaries, replace_staged, sweep
from timeline.site.readmodel import SiteView
from timeline.site.render import Renderer
from timeline.site.search import (
    SEARCH_FOLDER,
    Indexing,
    entry_page_buckets,
    index_for_search,
    index_has_its_parts,
    parts_of,
)
from timeline.site.templating import templates_digest
from timeline.store import notifications as log
from timeline.wording import plural

# Raised whenever the read model's tables change, or the files a page key makes (24: each year's
# TimelineJS file; 25: the sources' index order kept): a read model of another version is dropped
# and made anew (its output folder is then rendered in full once).
READ_MODEL_VERSION = 25


@dataclass
class BuildReport:
    position: int = 0
    changes: int = 0
    keys: int = 0
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    search_indexed: bool = False
    seconds: float = 0.0
    remade: bool = False  # the read model was made from another store: the site was built anew

    def summary(self) -> str:
        files = len(self.written) + self.unchanged
        if self.remade:
            return f"the site's read model did not match the store (made anew?): built again, {plural(files, 'file')}"
        return (
            f"built {plural(files, 'file')}, {len(self.written):,} written, {len(self.removed):,} removed, "
            f"from {plural(self.changes, 'new change')}, in {self.seconds:.1f} s"
        )


def view_path(archive: Archive, out: Path) -> Path:
    """The read model of one output folder: which pages are dirty and which files exist is
    a fact about that folder, so each has its own. (The site's settings are not part of its
    name: the read model holds nothing made from them; see :func:`rendered_settings`.)"""
    return archive.read_model_path(out, READ_MODEL_VERSION)


def rendered_settings(archive: Archive) -> dict[str, str]:
    """The archive's settings the pages show: when one changes, every page is rendered again
    (and compared with the file on disk), but nothing is projected anew. Which editorial pages
    there are is one of them (every footer links to them); what each says is not (see
    :func:`editorial_digests`)."""
    shown = ("base_url", "title", "language", "licence", "report_error", "description")
    settings = {name: getattr(archive, name) for name in shown}
    settings["pages"] = " ".join(page.name for page in editorial_pages(archive.root))
    settings["templates"] = templates_digest(archive)
    return settings


def editorial_digests(archive: Archive) -> dict[str, str]:
    """What each editorial page's text was when rendered, under names apart from the settings':
    a changed text renders its own page again, and no other."""
    return {f"{EDITORIAL_PREFIX}{page.name}": page.digest for page in editorial_pages(archive.root)}


EDITORIAL_PREFIX = "page:"


def compiled_templates(archive: Archive) -> Path:
    return archive.templates_cache


def all_keys(view: SiteView, archive: Archive) -> set[pagekeys.PageKey]:
    """Every page key of the site, for a build that renders everything."""
    keys: set[pagekeys.PageKey] = {*pagekeys.GLOBAL_PAGES, pagekeys.SITEMAP, pagekeys.STATIC, pagekeys.BUNDLES}
    keys |= {pagekeys.DataYear(y) for y, _ in view.start_year_counts()}
    for entry_id in view.all_entry_ids():
        keys.add(pagekeys.Entry(entry_id))
        keys |= {pagekeys.Revision(entry_id, r["number"]) for r in view.revisions(entry_id)}
    keys |= {pagekeys.Year(y) for y, _ in view.year_counts()}
    keys |= {pagekeys.Timescale(y) for y, _ in view.year_counts()}
    for facet in urls.FACETS:
        keys.add(pagekeys.FacetIndex(facet))
        keys |= {pagekeys.Facet(facet, key) for key in view.facet_keys(facet)}
    keys |= {pagekeys.Bundle(b["name"]) for b in view.bundles()}
    keys |= {pagekeys.THREADS, *(pagekeys.Thread(key) for key in view.thread_keys())}
    keys |= {pagekeys.Editorial(page.name) for page in editorial_pages(archive.root)}
    pages = -(-view.count_changes() // urls.PAGE_SIZE)
    keys |= {pagekeys.ChangesPage(n) for n in range(1, pages + 1)}
    return keys


def build_site(
    app: TimelineArchive,
    archive: Archive,
    out: Path,
    *,
    full: bool = False,
    as_of: int | None = None,
    wait: float = 10.0,
    progress: Progress | None = None,
) -> BuildReport:
    """Bring ``out`` up to date with the store, or with the store as it stood at position ``as_of``.

    ``wait`` is how many seconds to wait for another build of the same folder to finish.
    ``progress`` hears of the store changes read ("changes") and the pages rendered ("pages")."""
    started = time.perf_counter()
    with _only_build_of(view_path(archive, out), out, wait):
        report = _build_locked(app, archive, out, full=full, as_of=as_of, progress=progress)
    report.seconds = time.perf_counter() - started
    return report


@contextlib.contextmanager
def _only_build_of(view_file: Path, out: Path, wait: float) -> Iterator[None]:
    """Hold the output folder's build lock: two builds of one folder would write the same files
    and the same read model at once. The operating system releases it if the process dies."""
    view_file.parent.mkdir(parents=True, exist_ok=True)
    with open(view_file.with_suffix(".lock"), "a+b") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimelineError(
                        f"another 'timeline build' is writing {out}; try again when it has finished"
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _build_locked(
    app: TimelineArchive, archive: Archive, out: Path, *, full: bool, as_of: int | None, progress: Progress | None
) -> BuildReport:
    citations_cache = archive.citations_cache
    citations_cache.parent.mkdir(parents=True, exist_ok=True)
    REMEMBERED.use(str(citations_cache))
    if as_of is not None:
        # The archive as it stood: a read model of its own, made from nothing up to that position.
        with tempfile.TemporaryDirectory(prefix="timeline-as-of-") as scratch:
            view = SiteView.open(Path(scratch) / "site.sqlite")
            try:
                report = _build(app, archive, view, out, full=True, stop=as_of, progress=progress)
            finally:
                view.close()
    else:
        path = view_path(archive, out)
        for stale in path.parent.glob("site-*.sqlite*"):
            # This one when rebuilding, and read models of older versions (of any folder) always.
            if (full and stale.name.startswith(path.name)) or f"-v{READ_MODEL_VERSION}." not in stale.name:
                stale.unlink()
        view, remade = open_view(app, path)
        try:
            report = _build(app, archive, view, out, full=full or remade, progress=progress)
        finally:
            view.close()
        report.remade = remade
    return report


def position_at(app: TimelineArchive, moment: dt.datetime) -> int:
    """The store position of the last change made at or before ``moment`` (0 if none)."""
    position = 0
    for notification in log.notifications(app.recorder):
        domain_event: Any = app.mapper.to_domain_event(notification)
        if domain_event.timestamp > moment:
            break
        position = notification.id
    return position


def _build(
    app: TimelineArchive,
    archive: Archive,
    view: SiteView,
    out: Path,
    *,
    full: bool,
    stop: int | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    as_of_history = None
    if stop is not None:
        history = CommittedHistory(app, archive.root)
        try:
            as_of_history = history.describe_as_of(stop)
        finally:
            history.close()
    build = _Build(archive, view, out, progress, as_of_history)
    build.begin(full)
    report = build.report
    report.changes = catch_up(app, view, stop=stop, progress=progress)
    report.position = view.position()
    dirty = set(view.dirty_keys())
    keys = sorted(all_keys(view, archive) if build.fresh else _without_subsumed(dirty), key=str)
    previously_published: set[str] = set()
    if build.fresh:
        previously_published = _manifest_files(out)
        with view.datastore.transaction(commit=True) as cursor:
            cursor.execute("DELETE FROM files")
            cursor.execute("DELETE FROM page_inputs")
    report.keys = len(keys)
    # What the site holds now of the pages about to be rendered, to leave unchanged files alone.
    # (A listing's page rendered alone for the first time finds its file under the whole listing's key.)
    listings = {listing for key in keys if (listing := pagekeys.whole_listing(key))}
    known = {} if build.fresh else view.files_at(view.paths_of_keys([*keys, *listings]))
    parts = parts_of(view.live_slug_starts())
    whole_index = build.fresh or not index_has_its_parts(out, parts)
    rendered, indexing = build.render(keys, known, None if whole_index else parts)
    if indexing is not None:
        indexing.wait_for_links()
    changed = build.publish(rendered, cleared=dirty - set(keys), previously_published=previously_published)
    if indexing is not None:  # (it covers every changed part: only entry keys make entry pages)
        report.search_indexed = indexing.finish(write_atomically)
    elif whole_index:
        report.search_indexed = index_for_search(out, None, parts, write_atomically)
    elif changed:
        report.search_indexed = index_for_search(out, changed, parts, write_atomically)
    build.write_manifest()
    build.unfinished.clear()
    return report


class _Build:
    """The steps of one build of an output folder from its read model (see :func:`_build` for their order)."""

    def __init__(
        self,
        archive: Archive,
        view: SiteView,
        out: Path,
        progress: Progress | None,
        as_of_history: dict[str, object] | None = None,
    ):
        self.archive = archive
        # A build of the archive as it stood names the history as it stood.
        self.as_of_history = as_of_history
        self.view = view
        self.out = out
        self.progress = progress
        self.report = BuildReport()
        # Named apart from the read model's files, which --full deletes: a note left before one must be read.
        self.unfinished = Unfinished.read(Path(view.datastore.pool.db_name).with_suffix(".unfinished"))
        self.fresh = False

    def begin(self, full: bool) -> None:
        """Settle whether every page is rendered, compared with what is on disk, and what is no longer
        produced swept: for a new output folder, a read model made anew, or new settings the pages show."""
        settings, digests = rendered_settings(self.archive), editorial_digests(self.archive)
        recorded = self.view.rendered_with()
        rendered_with = {k: v for k, v in recorded.items() if not k.startswith(EDITORIAL_PREFIX)}
        recorded_digests = {k: v for k, v in recorded.items() if k.startswith(EDITORIAL_PREFIX)}
        fresh = full or self.unfinished.fresh or self.view.position() == 0
        self.fresh = fresh or not (self.out / urls.manifest()).is_file() or rendered_with != settings
        self.unfinished.note(fresh=self.fresh)
        edited = {name for name, digest in digests.items() if recorded_digests.get(name) != digest}
        if edited:  # dirty before the new texts are recorded, so a build that stops renders them next time
            with self.view.datastore.transaction(commit=True) as cursor:
                self.view.mark_dirty(cursor, {pagekeys.Editorial(n.removeprefix(EDITORIAL_PREFIX)) for n in edited})
        if rendered_with != settings or recorded_digests != digests:
            # only once the note says to render everything, in case this build stops
            self.view.record_rendered_with(settings | digests)
        if self.unfinished.found:
            remove_temporaries(self.out)

    def render(
        self, keys: list[pagekeys.PageKey], known: dict[str, tuple[str, int]], index_from: set[str] | None
    ) -> tuple[Rendered, Indexing | None]:
        """Render KEYS (on every core when there are many). On one core, entry pages come first, and
        when INDEX_FROM (the parts the live entries make) is given, their parts of the search index are made while
        the other pages render."""
        compiled = compiled_templates(self.archive)
        try:
            if len(keys) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
                view_file = Path(self.view.datastore.pool.db_name)
                args = (self.archive, view_file, compiled, self.out, keys, known, self.fresh, self.progress)
                return render_in_parallel(*args), None
            inputs = PageInputs(self.out, known, self.fresh, self.view)
            renderer = Renderer(self.archive, self.view, compiled, inputs)
            first = [k for k in keys if isinstance(k, pagekeys.Entry)]
            # The whole archive's data and TimelineJS files are joined from the years' files: rendered after them.
            joined = (pagekeys.DATA, pagekeys.TIMELINEJS)
            rest = sorted((k for k in keys if not isinstance(k, pagekeys.Entry)), key=lambda k: k in joined)
            rendered = render_keys(
                renderer, self.view, self.out, first, known, self.fresh, self.progress, (0, len(keys))
            )
            indexing = None if index_from is None else self.start_indexing(rendered, index_from)
            step = (len(first), len(keys))
            rendered.add(render_keys(renderer, self.view, self.out, rest, known, self.fresh, self.progress, step))
            return rendered, indexing
        except BaseException:
            remove_temporaries(self.out)  # staged files are not published; the next build renders their pages again
            raise

    def start_indexing(self, rendered: Rendered, parts: set[str]) -> Indexing | None:
        """Index the parts of the search index whose entry pages changed, in the background."""
        buckets = entry_page_buckets([*rendered.written_paths, *rendered.removed]) | self.unfinished.search
        if not buckets:
            return None
        self.unfinished.note(fresh=self.fresh, search=buckets)
        pending: dict[str, str | None] = {p: None for p in rendered.removed}
        pending |= {Path(target).relative_to(self.out).as_posix(): temp for temp, target in rendered.staged}
        return Indexing(self.out, buckets, parts, pending).start()

    def publish(
        self, rendered: Rendered, *, cleared: set[pagekeys.PageKey], previously_published: set[str]
    ) -> set[str]:
        """Put the rendered files in place, record them, and clear their keys' dirt (and that of the
        CLEARED keys, rendered under others); returns the parts of the search index they change."""
        report, out = self.report, self.out
        produced, written = rendered.produced, rendered.written
        # Every new file is on disk: now replace the changed ones, and only then remove those no page links to.
        replace_staged(rendered.staged)
        still_produced = {path for paths in produced.values() for path in paths}
        report.written, report.unchanged = rendered.written_paths, rendered.unchanged
        report.removed = [path for path in rendered.removed if path not in still_produced]
        for relative in report.removed:
            remove_published(out, relative)
        changed = entry_page_buckets([*report.written, *report.removed]) | self.unfinished.search
        self.unfinished.note(fresh=self.fresh, search=changed)
        self.view.finish_pages(produced, written, report.removed, cleared=cleared, inputs=rendered.inputs)
        if self.fresh:
            published_now = set(self.view.files())
            stale = {p for p in previously_published - published_now if not p.startswith(f"{SEARCH_FOLDER}/")}
            report.removed += sweep(out, stale)
        return changed

    def write_manifest(self) -> None:
        """Rewrite the manifest's parts whose files changed (every part after a fresh or interrupted build)."""
        report, unfinished = self.report, self.unfinished
        touched = report.written or report.removed or report.changes or report.search_indexed
        if not (touched or self.fresh or unfinished.found):
            return
        listed = manifest.read_top(self.out) or {}
        if self.fresh or unfinished.found or "parts" not in listed:  # (an older manifest lists all or nothing)
            parts = self.view.parts() | set(listed.get("parts", {}))
        else:
            parts = {manifest.part_of(path) for path in [*report.written, *report.removed]}
        history = self.as_of_history if self.as_of_history is not None else describe_history(self.archive.root)
        manifest.write(self.out, history, f"{SEARCH_FOLDER}/", parts, self.view.files_of_part, write_atomically)


def _without_subsumed(keys: set[pagekeys.PageKey]) -> set[pagekeys.PageKey]:
    """Dirty keys less the single pages of listings that are dirty in whole (rendered with them)."""
    return {k for k in keys if pagekeys.whole_listing(k) not in keys}


def _manifest_files(out: Path) -> set[str]:
    """The files the last build of this folder published, by its manifest."""
    return set((manifest.read(out) or {}).get("files", {}))
