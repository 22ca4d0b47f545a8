"""Run several writes at the same instant, each in its own thread and database connection.

`race(callables)` starts every callable behind one barrier and returns what each returned or raised,
in order. Add a race: build the order, list the competing writes, assert the invariants afterwards.
The module runs on PostgreSQL only (row locks); SQLite's IMMEDIATE transactions serialise writers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.db import connection

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")


def race(writes: Sequence[Callable[[], Any]], *, timeout: float = 60) -> list[Any]:
    """Each write's result or exception, in the order given; all start together."""
    start = threading.Barrier(len(writes))
    results: list[Any] = [None] * len(writes)

    def run(index: int, write: Callable[[], Any]) -> None:
        try:
            start.wait()
            results[index] = write()
        except Exception as error:  # the test inspects what each side ended with
            results[index] = error
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(writes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a write never finished (deadlock?)"
    return results


def server_errors(results: Sequence[Any], *, expected: tuple[type[Exception], ...] = ()) -> list[Exception]:
    """The exceptions that would be a 500: anything that is not a DomainError (or an expected kind)."""
    from shopdesk.core.errors import DomainError

    allowed = (DomainError, *expected)
    return [r for r in results if isinstance(r, Exception) and not isinstance(r, allowed)]
