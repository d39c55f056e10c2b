"""The SQLite store: durable connections, and a recorder that can write many batches in one
transaction (a restore). eventsourcing finds the factory through the store's settings
(``PERSISTENCE_MODULE``, see :mod:`timeline.store.location`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteConnection,
    SQLiteConnectionPool,
    SQLiteFactory,
)
from eventsourcing.utils import Environment, EnvType

from timeline.store.transaction import Insert


class DurableSQLitePool(SQLiteConnectionPool):
    """Connections with ``synchronous=FULL``: in WAL mode, NORMAL (the compiled default of
    many SQLite builds) may lose the last commits at a power cut."""

    def _create_connection(self) -> SQLiteConnection:
        connection = super()._create_connection()
        cursor = connection.cursor()
        cursor.execute("PRAGMA synchronous=FULL")
        return connection


class TimelineSQLiteRecorder(SQLiteApplicationRecorder):
    """eventsourcing's recorder, plus :meth:`one_transaction`."""

    @contextmanager
    def one_transaction(self) -> Iterator[tuple[int, Insert]]:
        """See :func:`timeline.store.transaction.one_transaction`."""
        with self.datastore.transaction(commit=True) as cursor:

            def insert(batch: Sequence[StoredEvent]) -> None:
                self._insert_events(cursor, batch)

            yield self._max_notification_id(cursor) or 0, insert

    def discard_after(self, versions: dict[UUID, int]) -> None:
        """See :func:`timeline.store.transaction.discard_after`."""
        statement = f"DELETE FROM {self.events_table_name} WHERE originator_id = ? AND originator_version > ?"
        with self.datastore.transaction(commit=True) as cursor:
            for aggregate, version in versions.items():
                cursor.execute(statement, (aggregate.hex, version))

    def aggregate_versions(self) -> dict[UUID, int]:
        """See :func:`timeline.store.transaction.aggregate_versions`."""
        statement = f"SELECT originator_id, MAX(originator_version) FROM {self.events_table_name} GROUP BY 1"
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement)
            return {UUID(row[0]): row[1] for row in cursor.fetchall()}


class TimelineSQLiteFactory(SQLiteFactory):
    """No change is acknowledged before it is on disk: see :class:`DurableSQLitePool`."""

    application_recorder_class = TimelineSQLiteRecorder

    def __init__(self, env: Environment | EnvType | None):
        super().__init__(env)
        old = self.datastore.pool
        self.datastore.pool = DurableSQLitePool(db_name=old.db_name, lock_timeout=old.lock_timeout)
        old.close()
