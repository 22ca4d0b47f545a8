"""Fixtures of the demo-store tests: a small store loaded with a pinned anchor time."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from shopdesk.demo.store import demo_store_delete

ANCHOR = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)
ANCHOR_ISO = "2026-11-26T10:00:00+00:00"


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def listed(*args: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in run_demo("--list", *args).splitlines()]


@pytest.fixture
def demo_store_60(db: None) -> list[dict[str, object]]:
    """The demo store with 60 orders (seed 7): every situation is guaranteed from this size on."""
    run_demo("--orders", "60", "--seed", "7", "--now", ANCHOR_ISO, "--quiet")
    return listed()


@pytest.fixture(scope="module")
def shared_demo_store_60(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[dict[str, object]]]:
    """The same store, loaded once for a module of read-only tests (and deleted after it)."""
    with django_db_blocker.unblock():
        run_demo("--orders", "60", "--seed", "7", "--now", ANCHOR_ISO, "--quiet")
        rows = listed()
    yield rows
    with django_db_blocker.unblock():
        demo_store_delete()


@pytest.fixture
def loaded_demo_store_60(shared_demo_store_60: list[dict[str, object]], db: None) -> list[dict[str, object]]:
    return shared_demo_store_60
