"""The store calendar: its time zone, local dates and business days, written once."""

from __future__ import annotations

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo


class _Store(Protocol):
    @property
    def timezone(self) -> str: ...


class Policy(Protocol):
    """What the calendar reads of the store policy (core sits below `policy`, so it names no class)."""

    @property
    def store(self) -> _Store: ...


def store_timezone(policy: Policy) -> ZoneInfo:
    return ZoneInfo(policy.store.timezone)


def local_date(moment: dt.datetime, policy: Policy) -> dt.date:
    return moment.astimezone(store_timezone(policy)).date()


def business_days_add(start: dt.date, days: int) -> dt.date:
    """`days` working days after `start` (Saturday and Sunday do not count); 0 gives `start`."""
    current = start
    while current.weekday() >= 5:
        current += dt.timedelta(days=1)
    for _ in range(days):
        current += dt.timedelta(days=1)
        while current.weekday() >= 5:
            current += dt.timedelta(days=1)
    return current
