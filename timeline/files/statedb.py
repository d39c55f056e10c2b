"""The small SQLite files in .timeline/ that remember what was read and written (caches).

Several commands may open one at once, the first time too (two `timeline add` in a new
clone): the tables are set up in one exclusive transaction, so no command sees a file half
made, or drops what another has just made; the switch to WAL is retried while another
process holds the file.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

WAIT_SECONDS = 30


def open_state(path: Path, setup: Callable[[sqlite3.Connection], None]) -> sqlite3.Connection:
    """Open (or make) the cache at ``path`` and run ``setup`` on it in one exclusive transaction.
    The cache is written without waiting for the disk: losing it costs a slower run, never a wrong one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=WAIT_SECONDS, isolation_level=None)
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("BEGIN IMMEDIATE")
    try:
        setup(connection)
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
    return connection
