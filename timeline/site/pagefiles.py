"""Page keys rendered to files in the output folder, on one core or on every core.

A file whose bytes are unchanged is left alone; a new file is written at once; a changed file
is staged beside it, to be put in place once every new file is written (see publishing.py).
Full builds render on every core: pages are independent files, and the read model is an SQLite
file each worker opens for reading.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventsourcing.sqlite import SQLiteDatastore

from timeline.files.archive import Archive
from timeline.files.atomic import stage, write_atomically
from timeline.formats.csl import REMEMBERED
from timeline.progress import Progress
from timeline.site.pageinputs import PageInputs
from timeline.site.pagekeys import PageKey
from timeline.site.readmodel import SiteView
from timeline.site.render import Renderer
from timeline.site.templating import KEPT


@dataclass
class Rendered:
    """What rendering a set of page keys did: files per key, the files table's new rows, and the
    files actually written, left alone, or removed."""

    produced: dict[PageKey, list[str]] = field(default_factory=dict)
    written: dict[str, tuple[str, int]] = field(default_factory=dict)
    written_paths: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    staged: list[tuple[str, str]] = field(default_factory=list)
    inputs: dict[str, str] = field(default_factory=dict)  # path -> what it was rendered from (pageinputs.py)

    def add(self, other: Rendered) -> None:
        self.produced.update(other.produced)
        self.written.update(other.written)
        self.inputs.update(other.inputs)
        self.written_paths += other.written_paths
        self.unchanged += other.unchanged
        self.removed += other.removed
        self.staged += other.staged


def render_keys(
    renderer: Renderer,
    view: SiteView,
    out: Path,
    keys: Sequence[PageKey],
    known: dict[str, tuple[str, int]],
    fresh: bool,
    progress: Progress | None = None,
    step: tuple[int, int] | None = None,
) -> Rendered:
    """Render KEYS; ``step`` is (keys rendered before these, keys in all) for the progress report."""
    done = Rendered()
    before, total = step or (0, len(keys))
    for count, key in enumerate(keys, before + 1):
        files = renderer.render(key)
        if renderer.inputs is not None:
            done.inputs.update(renderer.inputs.take())
        for relative, content in files.items():
            if content is KEPT:
                done.unchanged += 1
                continue
            digest = hashlib.sha256(content).hexdigest()
            target = out / relative
            if known.get(relative, ("",))[0] == digest and target.is_file():
                done.unchanged += 1
                continue
            if not fresh or not target.is_file() or target.read_bytes() != content:
                if target.exists():  # replaced once every new file is written: see publishing.py
                    done.staged.append(stage(target, content))
                else:
                    write_atomically(target, content)
                done.written_paths.append(relative)
            else:
                done.unchanged += 1
            done.written[relative] = (digest, len(content))
        # Removed once the pages that linked to them are rewritten: see build._build.
        done.removed += sorted(set(view.page_paths(key)) - set(files))
        done.produced[key] = sorted(files)
        if progress is not None:
            progress("pages", count, total)
    REMEMBERED.flush()
    return done


# Fewer keys than this render in the build's own process: starting workers costs more.
PARALLEL_FROM = 400
_WORKER: dict[str, Any] = {}


def _start_worker(
    archive: Archive, view_file: Path, compiled: Path, out: Path, known: dict[str, tuple[str, int]], fresh: bool
) -> None:
    view = SiteView(SQLiteDatastore(db_name=str(view_file)))
    renderer = Renderer(archive, view, compiled, PageInputs(out, known, fresh, view))
    _WORKER.update(view=view, renderer=renderer, out=out, known=known, fresh=fresh)


def _render_chunk(keys: list[PageKey]) -> Rendered:
    worker = _WORKER
    return render_keys(worker["renderer"], worker["view"], worker["out"], keys, worker["known"], worker["fresh"])


def render_in_parallel(
    archive: Archive,
    view_file: Path,
    compiled: Path,
    out: Path,
    keys: list[PageKey],
    known: dict[str, tuple[str, int]],
    fresh: bool,
    progress: Progress | None = None,
) -> Rendered:
    workers = os.cpu_count() or 2
    chunks = [keys[i :: workers * 4] for i in range(workers * 4)]
    done = Rendered()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(archive, view_file, compiled, out, known, fresh),
    ) as pool:
        sizes = {pool.submit(_render_chunk, chunk): len(chunk) for chunk in chunks}
        rendered = 0
        for finished in as_completed(sizes):
            done.add(finished.result())
            rendered += sizes[finished]
            if progress is not None:
                progress("pages", rendered, len(keys))
    return done
