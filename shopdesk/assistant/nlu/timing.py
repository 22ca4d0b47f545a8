"""Wall time each thread spends understanding messages, so a server can tell the model's share of a
request from the rest (queries, rendering, waiting for a CPU). Light on purpose: no model is imported."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_spent = threading.local()


def model_seconds() -> float:
    """Seconds this thread has spent understanding messages since it started."""
    return float(getattr(_spent, "seconds", 0.0))


@contextmanager
def model_timed() -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        _spent.seconds = model_seconds() + time.perf_counter() - started
