"""`rate_limits_check`: several limits read at once, the first used up (in the order given) refuses, and
checking counts nothing."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shopdesk.access.errors import RateLimited
from shopdesk.access.rate_limits import Limit, counts_in_cache, rate_limit_hit, rate_limits_check

pytestmark = pytest.mark.django_db

TWO_A_MINUTE = Limit("test-check-two", 2, 60, "Two a minute.")
ONE_AN_HOUR = Limit("test-check-hour", 1, 3600, "One an hour.")
FIVE_A_MINUTE = Limit("test-check-five", 5, 60)


@pytest.fixture(autouse=True)
def _fresh_counts() -> None:
    cache.clear()


def test_nothing_used_up_passes_and_counts_nothing() -> None:
    rate_limit_hit(limit=TWO_A_MINUTE, subject="10.0.0.1")
    for _ in range(3):
        rate_limits_check((TWO_A_MINUTE, "10.0.0.1"), (ONE_AN_HOUR, "10.0.0.1"), (FIVE_A_MINUTE, "KW1"))
    rate_limit_hit(limit=TWO_A_MINUTE, subject="10.0.0.1")  # the checks left room for exactly one more
    with pytest.raises(RateLimited):
        rate_limits_check((TWO_A_MINUTE, "10.0.0.1"))


def test_the_first_limit_used_up_in_the_order_given_is_the_one_raised() -> None:
    rate_limit_hit(limit=ONE_AN_HOUR, subject="10.0.0.2")
    for _ in range(2):
        rate_limit_hit(limit=TWO_A_MINUTE, subject="10.0.0.2")
    with pytest.raises(RateLimited) as refused:
        rate_limits_check((FIVE_A_MINUTE, "10.0.0.2"), (ONE_AN_HOUR, "10.0.0.2"), (TWO_A_MINUTE, "10.0.0.2"))
    assert str(refused.value).endswith("One an hour.") and 0 < refused.value.retry_after <= 3600
    with pytest.raises(RateLimited) as refused:
        rate_limits_check((TWO_A_MINUTE, "10.0.0.2"), (ONE_AN_HOUR, "10.0.0.2"))
    assert str(refused.value).endswith("Two a minute.") and 0 < refused.value.retry_after <= 60
    rate_limits_check((TWO_A_MINUTE, "10.0.0.3"), (ONE_AN_HOUR, "10.0.0.3"))  # other subjects: their own


def test_the_database_reads_every_limit_in_one_statement() -> None:
    if counts_in_cache():
        pytest.skip("the cache counts (Redis): the database path is not used")
    rate_limit_hit(limit=TWO_A_MINUTE, subject="10.0.0.4")
    with CaptureQueriesContext(connection) as captured:
        rate_limits_check((TWO_A_MINUTE, "10.0.0.4"), (ONE_AN_HOUR, "10.0.0.4"), (FIVE_A_MINUTE, "KW4"))
    assert len(captured.captured_queries) == 1
