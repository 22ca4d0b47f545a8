"""Business hours: the time that counts towards a service level, and the moment a target falls due.

Pure functions over a weekly schedule in one time zone, with closed days (holidays). A service level
of "4 hours" means 4 hours while the desk is open: a ticket written on Friday evening is due on Monday.
Paused intervals (a ticket waiting for the customer) are taken out of the open hours: the clock stops.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

# How far ahead a deadline is searched: a schedule open one hour a year still finds it.
SEARCH_DAYS = 800


@dataclass(frozen=True, slots=True)
class BusinessHours:
    """Opening hours per weekday (0 = Monday), as (open, close) local times, in `timezone`."""

    timezone: str
    week: dict[int, tuple[tuple[dt.time, dt.time], ...]]
    holidays: frozenset[dt.date] = field(default_factory=frozenset)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_ever_open(self) -> bool:
        return any(open_ < close for periods in self.week.values() for open_, close in periods)


def _local(day: dt.date, moment: dt.time, zone: ZoneInfo) -> dt.datetime:
    """A local wall-clock time as an aware UTC moment (a time skipped by DST moves forward with it)."""
    return dt.datetime.combine(day, moment).replace(tzinfo=zone).astimezone(dt.UTC)


def _periods_from(hours: BusinessHours, day: dt.date) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The open periods (UTC) of `day` and every following day, in order."""
    zone = hours.zone
    for offset in range(SEARCH_DAYS):
        current = day + dt.timedelta(days=offset)
        if current in hours.holidays:
            continue
        for open_, close in hours.week.get(current.weekday(), ()):
            start, end = _local(current, open_, zone), _local(current, close, zone)
            if start < end:
                yield start, end


Interval = tuple[dt.datetime, dt.datetime]


def intervals_merged(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, overlapping or touching intervals joined, empty ones dropped."""
    merged: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _running_periods(hours: BusinessHours, day: dt.date, paused: Iterable[Interval]) -> Iterator[Interval]:
    """The open periods from `day` on, with the paused intervals cut out of them."""
    stops = intervals_merged(paused)
    index = 0
    for open_at, close_at in _periods_from(hours, day):
        begin = open_at
        while index < len(stops) and stops[index][1] <= begin:
            index += 1  # pauses that ended before this period can't cut it (nor any later one)
        scan = index
        while begin < close_at:
            if scan >= len(stops) or stops[scan][0] >= close_at:
                yield begin, close_at
                break
            pause_start, pause_end = stops[scan]
            if pause_start > begin:
                yield begin, pause_start
            begin = max(begin, pause_end)
            scan += 1


def business_time_between(
    start: dt.datetime, end: dt.datetime, hours: BusinessHours, paused: Iterable[Interval] = ()
) -> dt.timedelta:
    """How much of [start, end) falls in open hours and outside `paused` (zero when end is not after start)."""
    if end <= start:
        return dt.timedelta(0)
    total = dt.timedelta(0)
    # One day earlier: a local day's hours may begin before `start`'s UTC date in far-east zones.
    first_day = start.astimezone(hours.zone).date() - dt.timedelta(days=1)
    for open_at, close_at in _running_periods(hours, first_day, paused):
        if open_at >= end:
            break
        overlap = min(close_at, end) - max(open_at, start)
        if overlap > dt.timedelta(0):
            total += overlap
    return total


def business_time_add(
    start: dt.datetime, duration: dt.timedelta, hours: BusinessHours, paused: Iterable[Interval] = ()
) -> dt.datetime:
    """The first moment by which `duration` of open, unpaused hours has passed since `start`.

    Raises ValueError when the schedule is never open (the policy validator refuses such a schedule).
    A pause with no end yet is given as ending far ahead; the search then fails the same way.
    """
    if duration <= dt.timedelta(0):
        return start
    remaining = duration
    first_day = start.astimezone(hours.zone).date() - dt.timedelta(days=1)
    for open_at, close_at in _running_periods(hours, first_day, paused):
        if close_at <= start:
            continue
        begin = max(open_at, start)
        available = close_at - begin
        if remaining <= available:
            return begin + remaining
        remaining -= available
    raise ValueError("the business hours are never open")
