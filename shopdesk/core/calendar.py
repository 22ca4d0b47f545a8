"""The store calendar: its time zone, local dates and business days, written once."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from shopdesk.policy.schema import Policy


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
