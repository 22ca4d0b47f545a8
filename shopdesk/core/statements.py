"""What a block of code asks of the database: plain reads only, or more."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

_LOCKING_READ = re.compile(r"\bFOR\s+(UPDATE|NO\s+KEY\s+UPDATE|SHARE|KEY\s+SHARE)\b", re.I)


def is_plain_read(sql: str) -> bool:
    """A SELECT that takes no lock: not a write, a savepoint, a transaction or a locking read."""
    return sql.lstrip()[:6].upper() == "SELECT" and not _LOCKING_READ.search(sql)


class WouldWrite(Exception):
    """Raised by `reads_only` instead of running a statement that is not a plain read."""


@contextmanager
def reads_only() -> Iterator[list[str]]:
    """Within the block, a statement that is not a plain read raises `WouldWrite` before it runs: nothing
    of it reaches the database. Yields the list of statements refused, for code that must know even if
    something inside caught the exception.

    Inside an atomic block (a test's), a refusal caught by Django marks the block for rollback; as the
    statement never ran, the mark is taken off again at the end, unless the block was marked before."""
    refused: list[str] = []
    marked_before = connection.needs_rollback

    def refuse_writes(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if not is_plain_read(sql):
            refused.append(sql[:60])
            raise WouldWrite(sql[:60])
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(refuse_writes):
            yield refused
    finally:
        if refused and not marked_before:
            connection.needs_rollback = False
