"""Where the event store lives: parse a store URL and turn it into eventsourcing settings.

Accepted URLs (SQLAlchemy's convention, which many users already know):

- ``sqlite:///timeline.sqlite``: a file relative to the archive folder;
- ``sqlite:////abs/path/store.sqlite``: an absolute path;
- ``postgresql://user[:password]@host[:port]/dbname[?schema=name]``: eventsourcing's
  PostgreSQL module (the schema must exist; ``public`` by default).

The persistence module is always set explicitly: eventsourcing's default keeps
events in memory and would silently lose them.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from timeline.errors import StoreError

ACCEPTED = "sqlite:///PATH or postgresql://USER@HOST:PORT/DBNAME[?schema=NAME]"
SQLITE_HEADER = b"SQLite format 3\x00"
EVENTS_TABLE = "stored_events"
POSTGRES_TABLE = "timeline_events"  # eventsourcing names it after the application


@dataclass(frozen=True)
class StoreLocation:
    url: str
    kind: str  # "sqlite" or "postgresql"
    path: Path | None = None
    env: tuple[tuple[str, str], ...] = ()

    @property
    def display(self) -> str:
        """The URL without any password, for messages."""
        if self.kind == "sqlite":
            return f"sqlite:///{self.path}"
        parts = urlsplit(self.url)
        netloc = parts.hostname or ""
        if parts.username:
            netloc = f"{parts.username}@{netloc}"
        if parts.port:
            netloc += f":{parts.port}"
        return parts._replace(netloc=netloc).geturl()

    def settings(self, lock_timeout: int) -> dict[str, str]:
        """The eventsourcing environment for an application using this store."""
        env = dict(self.env)
        if self.kind == "sqlite":
            env["SQLITE_LOCK_TIMEOUT"] = str(lock_timeout)
        else:
            env["POSTGRES_LOCK_TIMEOUT"] = str(lock_timeout)
            env["POSTGRES_CONNECT_TIMEOUT"] = str(min(lock_timeout, 10) or 1)
        return env


def parse_store_url(url: str, base: Path) -> StoreLocation:
    """Parse ``url``; relative SQLite paths are taken from ``base`` (the archive folder)."""
    url = url.strip()
    if url.startswith("sqlite:///"):
        raw = unquote(url[len("sqlite:///") :])
        if not raw:
            raise StoreError(f"store URL {url!r} names no file; accepted: {ACCEPTED}")
        path = Path(raw) if raw.startswith("/") else base / raw
        path = path.resolve()
        return StoreLocation(
            url=url,
            kind="sqlite",
            path=path,
            env=(("PERSISTENCE_MODULE", "timeline.store.sqlite:TimelineSQLiteFactory"), ("SQLITE_DBNAME", str(path))),
        )
    if url.startswith(("postgresql://", "postgres://")):
        parts = urlsplit(url)
        dbname = parts.path.lstrip("/")
        if not parts.hostname or not dbname:
            raise StoreError(f"store URL {url!r} needs a host and a database name; accepted: {ACCEPTED}")
        query = parse_qs(parts.query)
        env = {
            "PERSISTENCE_MODULE": "timeline.store.postgres:TimelinePostgresFactory",
            "POSTGRES_DBNAME": unquote(dbname),
            "POSTGRES_HOST": parts.hostname,
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_SCHEMA": query.get("schema", ["public"])[0],
        }
        return StoreLocation(url=url, kind="postgresql", env=tuple(env.items()))
    raise StoreError(f"store URL {url!r} is not supported; accepted: {ACCEPTED}")


def postgres_tables_exist(location: StoreLocation) -> bool:
    """Whether the archive's table is in the schema already.

    Asked before opening, because eventsourcing's table creation also replaces a
    database function, and two processes doing that at once make PostgreSQL fail
    one of them ("tuple concurrently updated"): so tables are created only when missing.
    """
    import psycopg

    env = dict(location.env)
    with psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=int(env["POSTGRES_PORT"]),
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"] or None,
        connect_timeout=10,
    ) as connection:
        schema = env["POSTGRES_SCHEMA"]
        if connection.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone() is None:
            raise StoreError(f"the store {location.display} names a schema that does not exist; create it first")
        row = connection.execute("SELECT to_regclass(%s)", (f"{schema}.{POSTGRES_TABLE}",)).fetchone()
    return row is not None and row[0] is not None


def check_sqlite_store(location: StoreLocation, *, create: bool) -> None:
    """Refuse a file that is not a timeline store, and a missing one unless ``create``."""
    path = location.path
    assert path is not None
    if not path.exists():
        if create:
            if not path.parent.is_dir():
                raise StoreError(f"cannot create the store {path}: folder {path.parent} does not exist")
            return
        raise StoreError(f"no store at {path}; create one with 'timeline init' or name another with --store")
    if path.is_dir():
        raise StoreError(f"the store {path} is a folder, not an SQLite file")
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise StoreError(f"{path} is not a timeline store (not an SQLite database)")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)) as connection:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path} is not a timeline store ({error})") from None
    if EVENTS_TABLE not in tables:
        raise StoreError(f"{path} is an SQLite database but not a timeline store (it has no {EVENTS_TABLE} table)")


def store_error(error: BaseException, location: StoreLocation) -> StoreError:
    """One line for a failure of the store itself: unreachable, locked, not a store."""
    if isinstance(error, StoreError):
        return error
    text = " ".join(str(error).split()) or type(error).__name__
    lowered = text.lower()
    if "locked" in lowered or "lock timeout" in lowered:
        return StoreError(f"the store {location.display} stayed locked by another writer; nothing was saved, try again")
    if "not a database" in lowered:
        return StoreError(f"{location.display} is not a timeline store ({text})")
    if "timeline_events" in lowered and "does not exist" in lowered:
        return StoreError(
            f"the store {location.display} has no timeline table; create it with 'timeline init --store URL DIR'"
        )
    if "schema" in lowered and "does not exist" in lowered:
        return StoreError(f"the store {location.display} names a schema that does not exist; create it first ({text})")
    if "connection" in lowered or "connect" in lowered:
        return StoreError(f"cannot reach the store {location.display}: {text}")
    return StoreError(f"the store {location.display} failed: {text}")
