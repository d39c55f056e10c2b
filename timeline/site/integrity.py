"""Checking a built site, reading only: its read model against one rebuilt from the store, and
its files against the manifest.json the build wrote.

The read model is compared table by table inside SQLite (the live file attached read-only
to the rebuilt one), so an archive of any size is compared without loading it; only the
differing rows are fetched, to name them.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from timeline.app.application import TimelineArchive
from timeline.site import urls
from timeline.site.catchup import catch_up
from timeline.site.readmodel import SiteView
from timeline.wording import plural

# Tables about rendering one output folder (dirty pages, files written and what they were rendered
# from, the settings rendered with) and the tracked position, which is compared on its own: none is
# derived from the store alone.
BOOKKEEPING = frozenset({"tracking", "dirty", "pages", "files", "page_inputs", "rendered_with"})
SHOWN = 20  # differences named per table; the rest are counted
CHUNK = 1 << 20


@dataclass
class ReadModelCheck:
    position: int = 0
    rows: int = 0
    problems: list[str] = field(default_factory=list)


def read_only_uri(path: Path) -> str:
    """An SQLite URI that opens ``path`` without writing anything beside it.

    A cleanly closed database has no -wal file: opened as immutable, SQLite creates no
    -shm either. With a -wal present (a build running, or one that crashed) its pages
    are needed, so it is opened read-only the usual way, using the files already there.
    """
    immutable = "" if Path(f"{path}-wal").exists() else "&immutable=1"
    return f"file:{quote(str(path.resolve()))}?mode=ro{immutable}"


def read_model_position(path: Path) -> int:
    """The store position a read model reflects (0 for none)."""
    with closing(sqlite3.connect(read_only_uri(path), uri=True)) as connection:
        row = connection.execute("SELECT MAX(notification_id) FROM tracking").fetchone()
    return int(row[0] or 0)


def check_read_model(app: TimelineArchive, live: Path) -> ReadModelCheck:
    """Rebuild the read model from the store, up to the live one's position, in a scratch
    folder, and name every row where the two differ."""
    check = ReadModelCheck(position=read_model_position(live))
    newest = app.position()
    if check.position > newest:
        check.problems.append(
            f"read model: it reflects store position {check.position:,} but the store ends at {newest:,}: "
            "the store has lost changes, or the read model was built from another store"
        )
        return check
    with tempfile.TemporaryDirectory(prefix="timeline-verify-") as scratch:
        rebuilt = Path(scratch) / "site.sqlite"
        view = SiteView.open(rebuilt)
        try:
            catch_up(app, view, stop=check.position)
        except Exception as error:  # a change that does not replay: the store's check names it
            check.problems.append(
                f"read model: cannot be rebuilt from the store to compare it ({type(error).__name__}: {error})"
            )
            return check
        finally:
            view.close()
        with _attached(rebuilt, live) as connection:
            for table in sorted(_tables(connection, "main") | _tables(connection, "live")):
                check.problems += _compare_table(connection, table)
                check.rows += _count(connection, "main", table)
    return check


@contextmanager
def _attached(rebuilt: Path, live: Path) -> Iterator[sqlite3.Connection]:
    # Opened by URI, so that ATTACH takes one too (the live file, read-only).
    with closing(sqlite3.connect(f"file:{quote(str(rebuilt))}", uri=True)) as connection:
        connection.execute("ATTACH DATABASE ? AS live", (read_only_uri(live),))
        yield connection


def _tables(connection: sqlite3.Connection, schema: str) -> set[str]:
    rows = connection.execute(f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table'").fetchall()
    return {r[0] for r in rows if r[0] not in BOOKKEEPING and not r[0].startswith("sqlite_")}


def _columns(connection: sqlite3.Connection, schema: str, table: str) -> list[tuple[str, int]]:
    """(name, position in the primary key or 0) of each column."""
    rows = connection.execute(f"PRAGMA {schema}.table_info({_name(table)})").fetchall()
    return [(r[1], int(r[5])) for r in rows]


def _count(connection: sqlite3.Connection, schema: str, table: str) -> int:
    if table not in _tables(connection, schema):
        return 0
    return int(connection.execute(f"SELECT COUNT(*) FROM {schema}.{_name(table)}").fetchone()[0])


def _name(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _compare_table(connection: sqlite3.Connection, table: str) -> list[str]:
    if table not in _tables(connection, "live"):
        return [f"read model: table {table} is missing from the live read model"]
    if table not in _tables(connection, "main"):
        return [f"read model: table {table} of the live read model is not one a rebuild makes"]
    columns = _columns(connection, "main", table)
    if columns != _columns(connection, "live", table):
        return [f"read model: table {table} has other columns in the live read model than in a rebuild"]
    names = [name for name, _ in columns]
    keys = [name for name, rank in sorted(columns, key=lambda c: c[1]) if rank] or names
    listed = ", ".join(_name(n) for n in names)
    key_list = ", ".join(_name(n) for n in keys)
    only = {
        side: f"SELECT {listed} FROM {side}.{_name(table)} EXCEPT SELECT {listed} FROM {other}.{_name(table)}"
        for side, other in (("live", "main"), ("main", "live"))
    }
    differing = (
        f"SELECT {key_list} FROM ({only['live']}) UNION SELECT {key_list} FROM ({only['main']}) ORDER BY {key_list}"
    )
    total = int(connection.execute(f"SELECT COUNT(*) FROM ({differing})").fetchone()[0])
    problems = []
    for key in connection.execute(f"{differing} LIMIT {SHOWN}").fetchall():
        where = " AND ".join(f"{_name(k)} IS ?" for k in keys)
        rows = {
            side: connection.execute(f"SELECT {listed} FROM {side}.{_name(table)} WHERE {where}", key).fetchall()
            for side in ("live", "main")
        }
        problems.append(_describe(table, keys, names, key, rows["live"], rows["main"]))
    if total > SHOWN:
        problems.append(f"read model: table {table}: {plural(total - SHOWN, 'more differing row')}")
    return problems


def _describe(
    table: str, keys: list[str], names: list[str], key: tuple[Any, ...], live: list[Any], rebuilt: list[Any]
) -> str:
    where = ", ".join(f"{k}={_short(v)}" for k, v in zip(keys, key, strict=True))
    if len(live) == 1 and len(rebuilt) == 1:
        parts = [
            _difference(name, old, new)
            for name, old, new in zip(names, live[0], rebuilt[0], strict=True)
            if old != new and name not in keys
        ]
        return f"read model: {table} {where} differs from a rebuild from the store: {'; '.join(parts)}"
    if len(live) > len(rebuilt):
        return f"read model: {table} {where} is in the live read model but not in a rebuild from the store"
    return f"read model: {table} {where} is in a rebuild from the store but missing from the live read model"


def _difference(name: str, live: Any, rebuilt: Any) -> str:
    """One column's difference; for JSON documents, the fields inside it that differ."""
    try:
        old, new = json.loads(live), json.loads(rebuilt)
    except (TypeError, ValueError):
        old = new = None
    if isinstance(old, dict) and isinstance(new, dict):
        inner = [k for k in sorted(old.keys() | new.keys()) if old.get(k) != new.get(k)]
        shown = "; ".join(f"{k} {_short(old.get(k))} (rebuilt: {_short(new.get(k))})" for k in inner[:5])
        return f"{name} differs in {shown}" + (f" and {plural(len(inner) - 5, 'more field')}" if len(inner) > 5 else "")
    return f"{name} {_short(live)} (rebuilt: {_short(rebuilt)})"


def _short(value: Any) -> str:
    """A value as a message shows it: strings quoted, anything long cut."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text if len(text) <= 80 else text[:77] + "..."
    return repr(text) if isinstance(value, str) else text


# The files -----------------------------------------------------------------------------------


@dataclass
class FilesCheck:
    files: int = 0
    problems: list[str] = field(default_factory=list)


def check_files(out: Path) -> FilesCheck:
    """Every part of the manifest is as manifest.json lists it, and every file the parts list is
    there with its size and sha256."""
    check = FilesCheck()
    try:
        parts = json.loads((out / urls.manifest()).read_text(encoding="utf-8"))["parts"]
        if not isinstance(parts, dict):
            raise TypeError
    except (OSError, ValueError, KeyError, TypeError) as error:
        check.problems.append(f"site: {out / urls.manifest()} cannot be read ({type(error).__name__})")
        return check
    listed: dict[str, Any] = {}
    for part, expected_part in sorted(parts.items()):
        where = urls.manifest_part(str(part))
        try:
            content = (out / where).read_bytes()
            if hashlib.sha256(content).hexdigest() != expected_part:
                check.problems.append(f"site: {where} changed since the build (manifest.json lists its sha256)")
                continue
            listed.update(json.loads(content)["files"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            check.problems.append(f"site: {where} cannot be read ({type(error).__name__})")
    root = out.resolve()
    for relative, expected in sorted(listed.items()):
        check.files += 1
        expected = expected if isinstance(expected, dict) else {}
        path = out / relative
        if not path.resolve().is_relative_to(root):
            check.problems.append(f"site: manifest.json lists {relative!r}, outside the site folder")
        elif not path.is_file():
            check.problems.append(f"site: {relative} is missing (manifest.json lists it)")
        else:
            size, digest = _size_and_digest(path)
            if (digest, size) != (expected.get("sha256"), expected.get("size")):
                check.problems.append(
                    f"site: {relative} changed since the build (now {size} bytes, sha256 {digest[:16]}; "
                    f"manifest.json: {expected.get('size')} bytes, sha256 {str(expected.get('sha256'))[:16]})"
                )
    return check


def _size_and_digest(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()
