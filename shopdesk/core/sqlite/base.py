"""Django's SQLite backend, except for how a writer waits for the database's one write lock.

SQLite's own busy handler (the connection's ``timeout``) sleeps 1, 2, 5, 10, 15, 20, 25… ms between
attempts: a writer that finds the lock taken often sleeps well past the moment it was released, and
with several worker processes that idle time adds up (cores idle while requests queue). Here SQLite's
handler is off (``busy_timeout = 0``) and a statement run outside a transaction (a ``BEGIN IMMEDIATE``,
an autocommit write) that finds the database busy is tried again after a short sleep, 0.1 ms growing
to 1 ms, until the same ``timeout`` has passed. A statement inside a transaction is never retried: with
``transaction_mode = IMMEDIATE`` the transaction already holds the lock, and a busy error there is
raised as before. Nothing else changes; see docs/decisions/0038-sqlite-writers-wait-without-oversleeping.md.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Any

from django.db.backends.sqlite3 import base

FIRST_WAIT = 0.0001  # seconds
LONGEST_WAIT = 0.001
DEFAULT_TIMEOUT = 5.0  # what sqlite3.connect waits by default


def is_busy(error: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY and its extended codes (the low byte is the primary code)."""
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_BUSY


class RetryingCursor(base.SQLiteCursorWrapper):
    """Django's cursor; outside a transaction a statement refused as busy is tried again."""

    def __init__(self, connection: sqlite3.Connection, timeout: float) -> None:
        super().__init__(connection)
        self.timeout = timeout

    def execute(self, query: str, params: Any = None) -> Any:
        return self._retrying(super().execute, query, params)

    def executemany(self, query: str, param_list: Any) -> Any:
        return self._retrying(super().executemany, query, param_list)

    def _retrying(self, run: Callable[[str, Any], Any], query: str, params: Any) -> Any:
        if self.connection.in_transaction:
            return run(query, params)
        deadline = time.monotonic() + self.timeout
        wait = FIRST_WAIT
        while True:
            try:
                return run(query, params)
            except sqlite3.OperationalError as error:
                if not is_busy(error) or time.monotonic() + wait > deadline:
                    raise
            time.sleep(wait)
            wait = min(wait * 2, LONGEST_WAIT)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> sqlite3.Connection:
        # The connection's own setup (journal mode…) waits with SQLite's handler, then it is turned off.
        conn = super().get_new_connection(conn_params)
        conn.execute("PRAGMA busy_timeout = 0")
        return conn

    def create_cursor(self, name: str | None = None) -> RetryingCursor:
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", DEFAULT_TIMEOUT))
        return self.connection.cursor(factory=lambda conn: RetryingCursor(conn, timeout))
