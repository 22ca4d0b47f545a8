"""Dates as the customer reads them: one format per kind, in the store's language, calendar and zone."""

from __future__ import annotations

import datetime as dt

import pytest

from shopdesk.policy import dates, get_policy
from shopdesk.policy.dates import day_text, moment_text

DAY = dt.date(2026, 12, 29)  # a Tuesday
# 02:06 UTC on December 1 is still November 30 in New York (the default store's zone).
LATE = dt.datetime(2026, 12, 1, 2, 6, tzinfo=dt.UTC)


def test_a_day_in_the_default_stores_english() -> None:
    assert get_policy().store.locale == "en_US"
    assert day_text(DAY) == "December 29, 2026"
    assert day_text(DAY, year=False) == "December 29"
    assert day_text(DAY, weekday=True, year=False) == "Tuesday, December 29"
    assert day_text(DAY, weekday=True) == "Tuesday, December 29, 2026"


def test_a_moment_is_the_stores_day_and_time_with_its_zone() -> None:
    assert get_policy().store.timezone == "America/New_York"
    assert moment_text(LATE) == "November 30 at 9:06\u202fPM EST"  # CLDR keeps the time and AM/PM together
    assert moment_text(LATE, weekday=True) == "Monday, November 30 at 9:06\u202fPM EST"


@pytest.mark.parametrize(
    ("locale", "timezone", "day", "weekday", "moment"),
    [
        ("en_GB", "Europe/London", "29 December 2026", "Tuesday 29 December", "1 December at 02:06 GMT"),
        ("de_DE", "Europe/Berlin", "29. Dezember 2026", "Dienstag, 29. Dezember", "1. Dezember at 03:06 MEZ"),
    ],
)
def test_another_store_reads_its_own_order_and_words(
    monkeypatch: pytest.MonkeyPatch, locale: str, timezone: str, day: str, weekday: str, moment: str
) -> None:
    policy = get_policy()
    store = policy.store.model_copy(update={"locale": locale, "timezone": timezone})
    monkeypatch.setattr(dates, "get_policy", lambda: policy.model_copy(update={"store": store}))
    assert day_text(DAY) == day
    assert day_text(DAY, weekday=True, year=False) == weekday
    assert moment_text(LATE) == moment
