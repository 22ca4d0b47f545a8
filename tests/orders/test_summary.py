"""Expected dates: processing in business days after the cutoff, then the zone method's transit days."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from shopdesk.core.calendar import business_days_add
from shopdesk.policy import get_policy
from shopdesk.shipping.schedule import delivery_window, ship_window

NEW_YORK = ZoneInfo("America/New_York")


def test_business_days_skip_the_weekend() -> None:
    friday = dt.date(2026, 11, 27)
    assert business_days_add(friday, 1) == dt.date(2026, 11, 30)
    assert business_days_add(dt.date(2026, 11, 28), 0) == dt.date(2026, 11, 30)


def test_an_order_after_the_cutoff_starts_next_business_day() -> None:
    policy = get_policy()
    friday_morning = dt.datetime(2026, 11, 27, 10, tzinfo=NEW_YORK)
    friday_evening = dt.datetime(2026, 11, 27, 18, tzinfo=NEW_YORK)
    assert ship_window(placed_at=friday_morning, policy=policy) == (
        dt.date(2026, 11, 30),
        dt.date(2026, 12, 1),
    )
    assert ship_window(placed_at=friday_evening, policy=policy) == (
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 2),
    )


def test_delivery_window_adds_transit_days_of_the_method() -> None:
    policy = get_policy()
    standard = policy.zone_for_country("US").method("standard")  # type: ignore[union-attr]
    placed = dt.datetime(2026, 11, 27, 10, tzinfo=NEW_YORK)
    window = delivery_window(policy=policy, method=standard, placed_at=placed)
    assert (window.earliest, window.latest, window.basis) == (
        dt.date(2026, 12, 3),
        dt.date(2026, 12, 6),
        "estimate",
    )
    shipped = delivery_window(
        policy=policy,
        method=standard,
        placed_at=placed,
        shipped_at=dt.datetime(2026, 11, 30, 9, tzinfo=NEW_YORK),
    )
    assert (shipped.earliest, shipped.latest) == (dt.date(2026, 12, 3), dt.date(2026, 12, 5))
