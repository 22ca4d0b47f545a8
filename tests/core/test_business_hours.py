"""Business hours: the time that counts towards a service level, and when a target falls due."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopdesk.core.business_hours import BusinessHours, business_time_add, business_time_between

NINE_TO_SIX = ((dt.time(9), dt.time(18)),)
NEW_YORK = BusinessHours(
    timezone="America/New_York",
    week=dict.fromkeys(range(5), NINE_TO_SIX),
    holidays=frozenset({dt.date(2026, 12, 25)}),
)
# Split days, a short Saturday, and a zone far from UTC (local days straddle UTC dates).
AUCKLAND = BusinessHours(
    timezone="Pacific/Auckland",
    week={
        **{day: ((dt.time(8), dt.time(12)), (dt.time(13), dt.time(17, 30))) for day in range(5)},
        5: ((dt.time(10), dt.time(14)),),
    },
)
NY = ZoneInfo("America/New_York")

moments = st.datetimes(
    min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31), timezones=st.just(dt.UTC)
)
durations = st.integers(min_value=0, max_value=200 * 3600).map(lambda s: dt.timedelta(seconds=s))
schedules = st.sampled_from([NEW_YORK, AUCKLAND])


def ny(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NY)


def test_friday_evening_ticket_is_due_on_monday() -> None:
    # Friday 27 Nov 2026, 17:00 New York; 4 business hours: 1 on Friday, 3 on Monday.
    assert business_time_add(ny(2026, 11, 27, 17), dt.timedelta(hours=4), NEW_YORK) == ny(2026, 11, 30, 12)


def test_holiday_is_skipped() -> None:
    # Thursday 24 Dec 17:00 + 2 h: Friday the 25th is closed, the weekend too → Monday 28th 10:00.
    assert business_time_add(ny(2026, 12, 24, 17), dt.timedelta(hours=2), NEW_YORK) == ny(2026, 12, 28, 10)


def test_time_outside_hours_does_not_count() -> None:
    assert business_time_between(ny(2026, 11, 28, 8), ny(2026, 11, 29, 23), NEW_YORK) == dt.timedelta(0)
    assert business_time_between(ny(2026, 11, 30, 8), ny(2026, 11, 30, 20), NEW_YORK) == dt.timedelta(hours=9)


def test_daylight_saving_change_keeps_local_hours() -> None:
    # Clocks go back on Sunday 1 Nov 2026: Friday 18:00 to Monday 9:00 is still closed; Monday opens at 9 local.
    due = business_time_add(ny(2026, 10, 30, 17), dt.timedelta(hours=2), NEW_YORK)
    assert due == ny(2026, 11, 2, 10)
    assert due.astimezone(dt.UTC).hour == 15  # EST, UTC-5


def test_lunch_break_does_not_count() -> None:
    nz = ZoneInfo("Pacific/Auckland")
    start = dt.datetime(2026, 6, 1, 11, tzinfo=nz)  # Monday 11:00
    assert business_time_add(start, dt.timedelta(hours=2), AUCKLAND) == dt.datetime(2026, 6, 1, 14, tzinfo=nz)


def test_never_open_schedule_is_refused() -> None:
    closed = BusinessHours(timezone="UTC", week={})
    with pytest.raises(ValueError, match="never open"):
        business_time_add(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.timedelta(hours=1), closed)


@settings(max_examples=150, deadline=None)
@given(schedules, moments, durations)
def test_adding_then_measuring_gives_the_duration_back(
    hours: BusinessHours, start: dt.datetime, duration: dt.timedelta
) -> None:
    due = business_time_add(start, duration, hours)
    assert due >= start
    assert business_time_between(start, due, hours) == duration


@settings(max_examples=150, deadline=None)
@given(schedules, moments, durations)
def test_the_due_moment_is_the_first_one(
    hours: BusinessHours, start: dt.datetime, duration: dt.timedelta
) -> None:
    due = business_time_add(start, duration, hours)
    if duration > dt.timedelta(0):
        earlier = due - dt.timedelta(seconds=1)
        assert business_time_between(start, earlier, hours) < duration


@settings(max_examples=150, deadline=None)
@given(schedules, moments, durations, durations)
def test_measured_time_adds_up_and_never_exceeds_the_clock(
    hours: BusinessHours, start: dt.datetime, first: dt.timedelta, second: dt.timedelta
) -> None:
    middle, end = start + first, start + first + second
    whole = business_time_between(start, end, hours)
    assert whole == business_time_between(start, middle, hours) + business_time_between(middle, end, hours)
    assert dt.timedelta(0) <= whole <= end - start
