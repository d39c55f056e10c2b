"""Writing many batches of stored events in one transaction (a restore), on either store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, StoredEvent

from timeline.errors import StoreError

Insert = Callable[[Sequence[StoredEvent]], None]


@runtime_checkable
class OneTransaction(Protocol):
    """What each store's recorder (:mod:`timeline.store.sqlite`, :mod:`timeline.store.postgres`) adds."""

    def one_transaction(self) -> AbstractContextManager[tuple[int, Insert]]: ...

    def aggregate_versions(self) -> dict[UUID, int]: ...

    def discard_after(self, versions: dict[UUID, int]) -> None: ...


def one_transaction(recorder: ApplicationRecorder) -> AbstractContextManager[tuple[int, Insert]]:
    """One write transaction on the store, however many batches go into it.

    Gives the store's newest position when the transaction began (0 for an empty store) and a
    function that inserts stored events exactly as given. Everything is committed when the
    block ends, or nothing if an exception leaves it: eventsourcing's own ``insert_events``
    commits each call, so a large restore made of many calls could stop half-way.
    """
    if not isinstance(recorder, OneTransaction):
        raise StoreError(f"cannot write to a store of type {type(recorder).__name__} in one transaction")
    return recorder.one_transaction()


def aggregate_versions(recorder: ApplicationRecorder) -> dict[UUID, int]:
    """The newest version of every aggregate in the store, by aggregate id: what the committed
    history is compared with (see :mod:`timeline.app.committed`)."""
    if not isinstance(recorder, OneTransaction):
        raise StoreError(f"cannot list the aggregates of a store of type {type(recorder).__name__}")
    return recorder.aggregate_versions()


def discard_after(recorder: ApplicationRecorder, versions: dict[UUID, int]) -> None:
    """Remove each aggregate's events after the version given, in one transaction: only a local
    store, a working index of the committed history, ever drops events (when it follows a history
    that diverged from it; see :mod:`timeline.app.resolve`). A shared store refuses."""
    if not isinstance(recorder, OneTransaction):
        raise StoreError(f"cannot remove events from a store of type {type(recorder).__name__}")
    recorder.discard_after(versions)
