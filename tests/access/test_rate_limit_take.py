"""`rate_limit_take` on the database: one statement while under the limit, the limit still holds, and an
attempt refused is not counted."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shopdesk.access.errors import RateLimited
from shopdesk.access.models import RateCounter
from shopdesk.access.rate_limits import Limit, counts_in_cache, rate_limit_take

pytestmark = pytest.mark.django_db

THREE_A_MINUTE = Limit("test-take", 3, 60)


@pytest.fixture(autouse=True)
def _counted_in_the_database() -> None:
    if counts_in_cache():
        pytest.skip("the cache counts (Redis): the database path is not used")


def test_the_first_attempt_creates_the_counter_and_later_ones_take_one_statement() -> None:
    rate_limit_take(limit=THREE_A_MINUTE, subject="10.0.0.1")
    with CaptureQueriesContext(connection) as captured:
        rate_limit_take(limit=THREE_A_MINUTE, subject="10.0.0.1")
    assert len(captured.captured_queries) == 1
    assert RateCounter.objects.get().count == 2


def test_the_limit_refuses_the_attempt_after_the_last_and_does_not_count_it() -> None:
    for _ in range(3):
        rate_limit_take(limit=THREE_A_MINUTE, subject="10.0.0.1")
    with pytest.raises(RateLimited) as refused:
        rate_limit_take(limit=THREE_A_MINUTE, subject="10.0.0.1")
    assert 0 < refused.value.retry_after <= 60
    assert RateCounter.objects.get().count == 3
    rate_limit_take(limit=THREE_A_MINUTE, subject="10.0.0.2")  # another subject has its own count


def test_the_first_attempt_of_a_window_is_one_update_and_one_insert() -> None:
    rate_limit_take(limit=THREE_A_MINUTE, subject="10.0.0.9")  # the process's sweep may run here
    with CaptureQueriesContext(connection) as captured:
        rate_limit_take(limit=THREE_A_MINUTE, subject="10.0.0.10")
    statements = [q["sql"].split()[0].upper() for q in captured.captured_queries]
    assert [s for s in statements if s in {"SELECT", "UPDATE", "INSERT", "DELETE"}] == ["UPDATE", "INSERT"]
    assert sorted(RateCounter.objects.values_list("count", flat=True)) == [1, 1]


def test_expired_windows_are_swept_at_most_once_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from shopdesk.access import rate_limits

    old = RateCounter.objects.create(
        key="shopdesk:rl:old:x:1", count=1, expires_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    )
    monkeypatch.setattr(rate_limits, "_last_sweep", [-1e12])
    rate_limit_take(limit=THREE_A_MINUTE, subject="10.0.0.11")  # a new window's row: the sweep runs
    assert not RateCounter.objects.filter(pk=old.pk).exists()
    again = RateCounter.objects.create(
        key="shopdesk:rl:old:x:2", count=1, expires_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    )
    rate_limit_take(limit=THREE_A_MINUTE, subject="10.0.0.12")  # within the minute: no sweep
    assert RateCounter.objects.filter(pk=again.pk).exists()
