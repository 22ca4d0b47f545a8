"""When an order ships and arrives: processing days from the order time, then the zone method's transit days.

ship_window(...)          the dates the warehouse ships by (business days, same-day cutoff)
delivery_window(...)      ship dates + the zone method's transit days
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shopdesk.core.calendar import business_days_add, local_date, store_timezone
from shopdesk.policy.schema import Policy, ShippingMethod, Zone


@dataclass(frozen=True, slots=True)
class DeliveryWindow:
    earliest: dt.date
    latest: dt.date
    basis: str  # "estimate" (not shipped yet) | "shipped" (from the ship date) | "delivered"

    def as_dict(self) -> dict[str, str]:
        return {"earliest": self.earliest.isoformat(), "latest": self.latest.isoformat(), "basis": self.basis}


def zone_and_method(
    *, policy: Policy, country: str, method_code: str
) -> tuple[Zone | None, ShippingMethod | None]:
    zone = policy.zone_for_country(country)
    if zone is None:
        return None, None
    return zone, zone.method(method_code) or zone.methods[0]


def ship_window(*, placed_at: dt.datetime, policy: Policy) -> tuple[dt.date, dt.date]:
    """The dates the warehouse ships by: orders after the cutoff hour (or at weekends) start next business day."""
    local = placed_at.astimezone(store_timezone(policy))
    first = local.date()
    if local.weekday() >= 5 or local.hour >= policy.orders.same_day_cutoff_hour:
        first = business_days_add(first + dt.timedelta(days=1), 0)
    return (
        business_days_add(first, policy.orders.processing_days_min),
        business_days_add(first, policy.orders.processing_days_max),
    )


def delivery_window(
    *,
    policy: Policy,
    method: ShippingMethod | None,
    placed_at: dt.datetime,
    shipped_at: dt.datetime | None = None,
    delivered_at: dt.datetime | None = None,
) -> DeliveryWindow | None:
    if delivered_at is not None:
        day = local_date(delivered_at, policy)
        return DeliveryWindow(day, day, "delivered")
    if method is None:
        return None
    if shipped_at is not None:
        start_min = start_max = local_date(shipped_at, policy)
        basis = "shipped"
    else:
        start_min, start_max = ship_window(placed_at=placed_at, policy=policy)
        basis = "estimate"
    return DeliveryWindow(
        start_min + dt.timedelta(days=method.transit_days_min),
        start_max + dt.timedelta(days=method.transit_days_max),
        basis,
    )
