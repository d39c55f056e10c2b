"""Catch-up: the store's notification log projected into the read model, batch by batch, each
batch's rows, dirty pages and store position in one transaction (see :mod:`timeline.site.projection`
for what each domain event does)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from timeline.app.application import TimelineArchive
from timeline.progress import Progress
from timeline.site.projection import Projector
from timeline.site.readmodel import SiteView
from timeline.store import notifications as log

BATCH = 500


# The store's changes the projection reads: those of the domain event classes it has a handler for
# (in the registry of the singledispatchmethod itself, which the class attribute would hide).
TOPICS = [get_topic(cls) for cls in vars(Projector)["apply"].dispatcher.registry if cls is not object]


def catch_up(app: TimelineArchive, view: SiteView, stop: int | None = None, progress: Progress | None = None) -> int:
    """Project every domain event after the view's position (up to ``stop``); returns how many.

    ``progress`` hears of every batch, counted in store positions ("changes"): other records,
    such as name reservations, share the positions, so the count is of positions passed."""
    position = view.position()
    start = position
    end = (stop if stop is not None else app.position()) if progress is not None else 0
    cache: dict[UUID, Any] = {}
    processed = 0
    for batch in log.batches(app.recorder, after=position, stop=stop, topics=TOPICS, size=BATCH):
        with view.datastore.transaction(commit=True) as cursor:
            projector = Projector(app, cursor)
            for notification in batch:
                domain_event = app.mapper.to_domain_event(notification)
                originator = domain_event.originator_id
                before = cache.get(originator)
                if before is None and domain_event.originator_version > 1:
                    before = app.repository.get(originator, version=domain_event.originator_version - 1)
                cache[originator] = projector.apply(domain_event, notification.id, before)
            view.mark_dirty(cursor, projector.dirty)
            view.record_position(cursor, batch[-1])
        processed += len(batch)
        position = batch[-1].id
        if progress is not None:
            progress("changes", min(position, end) - start, max(end, position) - start)
        if len(cache) > 50_000:  # bound memory on very large archives
            cache.clear()
    if progress is not None and end > start:
        progress("changes", end - start, end - start)
    return processed


def open_view(app: TimelineArchive, path: Path) -> tuple[SiteView, bool]:
    """The read model at ``path``, and whether it had to be made anew (see :func:`made_from`)."""
    view = SiteView.open(path)
    if made_from(app, view):
        return view, False
    view.close()
    for stale in path.parent.glob(f"{path.name}*"):
        stale.unlink()
    return SiteView.open(path), True


def made_from(app: TimelineArchive, view: SiteView) -> bool:
    """Whether ``view`` was projected from this store as it stands: the last change it projected is
    still in the store, at the same position. A store made anew (from history/ that has changed
    since, or another store named) numbers its changes its own way, so the read model's position
    would mean nothing there."""
    position = view.position()
    return position == 0 or log.change_at(app.recorder, position) == view.store_mark()
