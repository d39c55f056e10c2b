"""Reading the store's notification log: the one place that pages through it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from eventsourcing.persistence import ApplicationRecorder, Notification

PAGE = 500


def batches(
    recorder: ApplicationRecorder,
    *,
    after: int = 0,
    stop: int | None = None,
    topics: Sequence[str] = (),
    size: int = PAGE,
) -> Iterator[Sequence[Notification]]:
    """The notifications after position ``after`` (up to ``stop``), oldest first, a page at a time.

    Only those with one of ``topics``, when given. Each page is read when the previous one has
    been used, so a caller may write between pages (the projection commits one per page).
    """
    start = after + 1
    while stop is None or start <= stop:
        page = recorder.select_notifications(start, size, stop=stop, topics=topics)
        if not page:
            return
        yield page
        if len(page) < size:
            return
        start = page[-1].id + 1


def notifications(
    recorder: ApplicationRecorder,
    *,
    after: int = 0,
    stop: int | None = None,
    topics: Sequence[str] = (),
    size: int = PAGE,
) -> Iterator[Notification]:
    """Every notification :func:`batches` gives, one at a time."""
    for page in batches(recorder, after=after, stop=stop, topics=topics, size=size):
        yield from page


def newest_first(recorder: ApplicationRecorder, *, size: int = PAGE) -> Iterator[Notification]:
    """Every notification, newest first (the change log's order)."""
    stop = recorder.max_notification_id() or 0
    while stop > 0:
        start = max(1, stop - size + 1)
        yield from reversed(recorder.select_notifications(start, size, stop=stop))
        stop = start - 1


def change_at(recorder: ApplicationRecorder, position: int) -> tuple[str, int] | None:
    """The aggregate and version of the change at ``position``, or None if the store has none there.

    What a cache made from the store remembers of the last change it read: a store made anew (from
    a history that has changed since, or another store named) holds another change there, or none."""
    found = recorder.select_notifications(position, 1, stop=position) if position > 0 else []
    if not found or found[0].id != position:
        return None
    return str(found[0].originator_id), found[0].originator_version
