"""Business hours with pauses: a ticket waiting for the customer stops its service-level clock."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from shopdesk.core.business_hours import business_time_add, business_time_between, intervals_merged
from tests.core.test_business_hours import NEW_YORK, durations, moments, ny, schedules

# Pauses as (start, length) from a moment in the same range, lasting up to four days.
pauses = st.lists(
    st.tuples(moments, st.integers(min_value=0, max_value=4 * 24 * 3600)).map(
        lambda pair: (pair[0], pair[0] + dt.timedelta(seconds=pair[1]))
    ),
    max_size=5,
)


def _clipped(intervals: list[tuple[dt.datetime, dt.datetime]], start: dt.datetime, end: dt.datetime):
    return [
        (max(a, start), min(b, end)) for a, b in intervals_merged(intervals) if min(b, end) > max(a, start)
    ]


def test_a_pause_inside_opening_hours_moves_the_due_moment_by_its_length() -> None:
    # Monday 30 Nov 2026, opened at 9:00 with 4 business hours; pending the customer 10:00–11:30.
    paused = [(ny(2026, 11, 30, 10), ny(2026, 11, 30, 11, 30))]
    due = business_time_add(ny(2026, 11, 30, 9), dt.timedelta(hours=4), NEW_YORK, paused)
    assert due == ny(2026, 11, 30, 14, 30)
    assert business_time_between(ny(2026, 11, 30, 9), due, NEW_YORK, paused) == dt.timedelta(hours=4)


def test_a_pause_over_the_night_only_takes_out_its_open_hours() -> None:
    # Paused Monday 17:00 → Tuesday 10:00: one open hour on Monday and one on Tuesday stop counting.
    paused = [(ny(2026, 11, 30, 17), ny(2026, 12, 1, 10))]
    elapsed = business_time_between(ny(2026, 11, 30, 9), ny(2026, 12, 1, 12), NEW_YORK, paused)
    assert elapsed == dt.timedelta(hours=8 + 2)


def test_overlapping_pauses_count_once() -> None:
    merged = intervals_merged(
        [(ny(2026, 11, 30, 10), ny(2026, 11, 30, 12)), (ny(2026, 11, 30, 11), ny(2026, 11, 30, 13))]
    )
    assert merged == [(ny(2026, 11, 30, 10), ny(2026, 11, 30, 13))]
    elapsed = business_time_between(
        ny(2026, 11, 30, 9),
        ny(2026, 11, 30, 18),
        NEW_YORK,
        [(ny(2026, 11, 30, 10), ny(2026, 11, 30, 12)), (ny(2026, 11, 30, 11), ny(2026, 11, 30, 13))],
    )
    assert elapsed == dt.timedelta(hours=6)


@settings(max_examples=150, deadline=None)
@given(schedules, moments, durations, pauses)
def test_pausing_never_increases_elapsed_time(hours, start, length, paused) -> None:
    end = start + length
    assert business_time_between(start, end, hours, paused) <= business_time_between(start, end, hours)


@settings(max_examples=150, deadline=None)
@given(schedules, moments, durations, pauses)
def test_elapsed_is_business_time_less_paused_business_time(hours, start, length, paused) -> None:
    end = start + length
    paused_business = sum(
        (business_time_between(a, b, hours) for a, b in _clipped(paused, start, end)), dt.timedelta(0)
    )
    assert (
        business_time_between(start, end, hours, paused)
        == business_time_between(start, end, hours) - paused_business
    )


@settings(max_examples=100, deadline=None)
@given(schedules, moments, durations, pauses)
def test_the_paused_due_moment_is_the_first_with_the_target_elapsed(hours, start, target, paused) -> None:
    due = business_time_add(start, target, hours, paused)
    assert due >= business_time_add(start, target, hours)  # a pause never brings a target closer
    assert business_time_between(start, due, hours, paused) == target
    if target > dt.timedelta(0):
        assert business_time_between(start, due - dt.timedelta(microseconds=1), hours, paused) < target
