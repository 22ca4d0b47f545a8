"""The SQLite backend's writers: they wait for the write lock held by another connection (polling, not
SQLite's sleeping handler), give up with "database is locked" after the configured timeout having
changed nothing, and never retry a statement inside a transaction."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db.utils import OperationalError

from shopdesk.core.sqlite.base import DatabaseWrapper, RetryingCursor, is_busy


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "writers.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        conn.execute("INSERT INTO counter VALUES (1, 0)")
    conn.close()
    return path


def wrapper(path: Path, timeout: float) -> DatabaseWrapper:
    return DatabaseWrapper(
        {
            "NAME": str(path),
            "ENGINE": "shopdesk.core.sqlite",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": timeout,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "ATOMIC_REQUESTS": False,
            "AUTOCOMMIT": True,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "TIME_ZONE": None,
            "TEST": {},
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
        },
        alias="writers",
    )


@pytest.fixture
def open_wrappers(django_db_blocker) -> Iterator[list[DatabaseWrapper]]:
    """Wrappers of a database of the test's own, outside Django's connections: closed at the end."""
    made: list[DatabaseWrapper] = []
    with django_db_blocker.unblock():
        yield made
        for each in made:
            each.close()


def hold_write_lock(path: Path, seconds: float, holding: threading.Event) -> threading.Thread:
    """Another connection takes the write lock, signals, and keeps it `seconds` before committing."""

    def run() -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE counter SET n = n + 100 WHERE id = 1")
        holding.set()
        threading.Event().wait(seconds)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert holding.wait(5)
    return thread


def counter(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT n FROM counter WHERE id = 1").fetchone()[0])
    finally:
        conn.close()


def test_connection_turns_sqlites_own_handler_off_after_its_setup(database, open_wrappers):
    db = wrapper(database, timeout=5)
    open_wrappers.append(db)
    with db.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 0
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert isinstance(db.create_cursor(), RetryingCursor)


def test_a_transaction_waits_for_the_lock_and_then_writes(database, open_wrappers):
    db = wrapper(database, timeout=10)
    open_wrappers.append(db)
    holding = threading.Event()
    holder = hold_write_lock(database, 0.3, holding)
    with _atomic(db), db.cursor() as cursor:
        cursor.execute("UPDATE counter SET n = n + 1 WHERE id = 1")
    holder.join()
    assert counter(database) == 101  # the holder's write, then ours: neither lost


def test_an_autocommit_write_waits_for_the_lock(database, open_wrappers):
    db = wrapper(database, timeout=10)
    open_wrappers.append(db)
    holding = threading.Event()
    holder = hold_write_lock(database, 0.3, holding)
    with db.cursor() as cursor:
        cursor.execute("UPDATE counter SET n = n + 1 WHERE id = 1")
    holder.join()
    assert counter(database) == 101


def test_gives_up_after_the_timeout_having_changed_nothing(database, open_wrappers):
    db = wrapper(database, timeout=0.05)
    open_wrappers.append(db)
    holding = threading.Event()
    holder = hold_write_lock(database, 1.0, holding)
    with pytest.raises(OperationalError, match="database is locked"), db.cursor() as cursor:
        cursor.execute("UPDATE counter SET n = n + 1 WHERE id = 1")
    with pytest.raises(OperationalError, match="database is locked"), _atomic(db):
        pass
    holder.join()
    assert counter(database) == 100  # only the holder's write


def test_other_errors_are_raised_at_once(database, open_wrappers):
    db = wrapper(database, timeout=10)
    open_wrappers.append(db)
    with pytest.raises(OperationalError, match="no such table"), db.cursor() as cursor:
        cursor.execute("UPDATE missing SET n = 1")


def test_inside_a_transaction_a_statement_is_not_retried(database):
    calls = []
    conn = sqlite3.connect(database, isolation_level=None)
    try:
        cursor = RetryingCursor(conn, timeout=10)

        def busy(query, params):
            calls.append(query)
            raise sqlite3.OperationalError("database is locked")

        conn.execute("BEGIN")
        with pytest.raises(sqlite3.OperationalError):
            cursor._retrying(busy, "SELECT 1", None)
        conn.execute("ROLLBACK")
    finally:
        conn.close()
    assert calls == ["SELECT 1"]


def test_busy_codes():
    locked = sqlite3.OperationalError("database is locked")
    locked.sqlite_errorcode = sqlite3.SQLITE_BUSY
    snapshot = sqlite3.OperationalError("database is locked")
    snapshot.sqlite_errorcode = sqlite3.SQLITE_BUSY | (2 << 8)
    other = sqlite3.OperationalError("no such table: missing")
    other.sqlite_errorcode = sqlite3.SQLITE_ERROR
    assert is_busy(locked) and is_busy(snapshot)
    assert not is_busy(other)
    assert not is_busy(sqlite3.OperationalError("no code"))


class _atomic:
    """BEGIN IMMEDIATE … COMMIT on a wrapper outside Django's connection handler, as atomic() does."""

    def __init__(self, db: DatabaseWrapper) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.ensure_connection()
        self.db._start_transaction_under_autocommit()  # type: ignore[attr-defined]

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.db.commit()
        elif self.db.connection is not None and self.db.connection.in_transaction:
            self.db.rollback()
