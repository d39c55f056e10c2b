"""The PostgreSQL store: a recorder that can write many batches in one transaction (a restore).
eventsourcing finds the factory through the store's settings (``PERSISTENCE_MODULE``, see
:mod:`timeline.store.location`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresFactory
from psycopg.sql import SQL, Identifier

from timeline.errors import StoreError
from timeline.store.transaction import Insert


class TimelinePostgresRecorder(PostgresApplicationRecorder):
    """eventsourcing's recorder, plus :meth:`one_transaction`."""

    @contextmanager
    def one_transaction(self) -> Iterator[tuple[int, Insert]]:
        """See :func:`timeline.store.transaction.one_transaction`. The table is locked first, as
        every writer does, so the position cannot move before the commit."""
        with self.datastore.get_connection() as connection, connection.transaction(), connection.cursor() as cursor:
            self._lock_table(cursor)
            cursor.execute(self.max_notification_id_statement)
            row = cursor.fetchone()

            def insert(batch: Sequence[StoredEvent]) -> None:
                self._insert_stored_events(cursor, batch)

            yield (row["max"] if row else None) or 0, insert

    def discard_after(self, versions: dict[UUID, int]) -> None:
        """See :func:`timeline.store.transaction.discard_after`: a shared store never drops a change."""
        raise StoreError("a shared PostgreSQL store never drops a change; resolve by making changes on top")

    def aggregate_versions(self) -> dict[UUID, int]:
        """See :func:`timeline.store.transaction.aggregate_versions`."""
        statement = SQL("SELECT originator_id, MAX(originator_version) AS v FROM {schema}.{table} GROUP BY 1").format(
            schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name)
        )
        with self.datastore.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(statement)
            return {UUID(str(row["originator_id"])): row["v"] for row in cursor.fetchall()}


class TimelinePostgresFactory(PostgresFactory):
    application_recorder_class = TimelinePostgresRecorder
