"""Which situations an order is in, computed from what was built (never from what was planned).

Fulfilment and payment statuses come from shopdesk.orderview.status, the same pure functions the
portal and the desk use, so a demo order tagged `partially_shipped` is one the product calls so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from shopdesk.core.calendar import local_date
from shopdesk.demo.situations import Situation as S
from shopdesk.orders.enums import FulfilmentStatus, PaymentStatus
from shopdesk.orders.return_window import return_window_end
from shopdesk.orderview.status import (
    LineQuantities,
    PaymentFacts,
    fulfilment_status,
    payment_status,
)
from shopdesk.policy.schema import Policy, ShippingMethod, Zone
from shopdesk.shipping.enums import TERMINAL_STATUSES
from shopdesk.shipping.enums import TrackingStatus as T
from shopdesk.shipping.rules import is_late, scan_age
from shopdesk.shipping.schedule import delivery_window

MOVING = frozenset({T.PICKED_UP, T.IN_TRANSIT, T.OUT_FOR_DELIVERY})


@dataclass(frozen=True, slots=True)
class PackageFacts:
    status: str
    warehouse_country: str
    warehouse: str
    label_at: dt.datetime
    shipped_at: dt.datetime | None
    last_event_at: dt.datetime
    delivered_at: dt.datetime | None


@dataclass(slots=True)
class OrderFacts:
    placed_at: dt.datetime
    country: str
    zone: Zone
    method: ShippingMethod
    cancelled: bool
    lines: list[LineQuantities]
    line_flags: list[list[str]]
    price_dropped: bool
    packages: list[PackageFacts]
    payments: list[PaymentFacts]
    coupon_count: int
    points_used: int
    refunds: int
    home_country: str  # the country of the zone's first warehouse: where unshipped orders leave from
    duties_due: Decimal = Decimal(0)
    extra: list[str] = field(default_factory=list)


def _package_situations(
    package: PackageFacts, facts: OrderFacts, policy: Policy, now: dt.datetime
) -> set[str]:
    shipping = policy.shipping
    found: set[str] = set()
    # The product's own rules decide the label, so the order page shows what the label promises.
    scan = scan_age(last_scan=package.last_event_at, now=now, policy=policy)
    if package.status == T.LABEL_CREATED:
        if now - package.label_at < dt.timedelta(hours=shipping.label_activation_hours):
            found.add(S.TRACKING_NOT_ACTIVE)
        return found
    if package.status in TERMINAL_STATUSES:
        if package.status == T.RETURNED_TO_SENDER:
            found.add(S.RETURNED_TO_SENDER)
        return found
    if scan is not None and scan.lost:
        found.add(S.LOST)
    elif scan is not None and scan.stale:
        found.add(S.STALE_TRACKING)
    elif package.status in MOVING and package.shipped_at is not None:
        window = delivery_window(
            policy=policy, method=facts.method, placed_at=facts.placed_at, shipped_at=package.shipped_at
        )
        late = window is not None and is_late(
            latest=window.latest, today=local_date(now, policy), policy=policy
        )
        found.add(S.LATE if late else S.IN_TRANSIT)
    elif package.status == T.HELD_AT_CUSTOMS and facts.zone.duties == "collected_on_delivery":
        found.add(S.HELD_AT_CUSTOMS)
    elif package.status == T.DELIVERY_ATTEMPTED:
        found.add(S.DELIVERY_ATTEMPTED)
    return found


def order_situations(facts: OrderFacts, *, policy: Policy, now: dt.datetime) -> list[str]:
    fulfilment = fulfilment_status(facts.lines, [p.status for p in facts.packages])
    payment = payment_status(facts.payments)
    found: set[str] = set(facts.extra)
    money_ok = payment in (PaymentStatus.AUTHORISED, PaymentStatus.PAID)
    if fulfilment == FulfilmentStatus.UNFULFILLED and money_ok:
        found.add(S.UNFULFILLED)
        if now - facts.placed_at < dt.timedelta(hours=policy.orders.change_window_hours):
            found.add(S.RECENT_CHANGEABLE)
    if fulfilment == FulfilmentStatus.PARTIALLY_SHIPPED:
        found.add(S.PARTIALLY_SHIPPED)
    if len(facts.packages) >= 2 and (
        len({p.warehouse for p in facts.packages}) >= 2 or len(facts.zone.warehouses) == 1
    ):
        found.add(S.SPLIT_SHIPMENT)
    for package in facts.packages:
        found |= _package_situations(package, facts, policy, now)
    if fulfilment == FulfilmentStatus.DELIVERED:
        found.add(S.DELIVERED)
        delivered = [p.delivered_at for p in facts.packages if p.delivered_at is not None]
        ends = return_window_end(placed_at=facts.placed_at, delivered_at=delivered, policy=policy)
        if ends is not None:
            found.add(S.RETURN_WINDOW_OPEN if now < ends else S.RETURN_WINDOW_CLOSED)
    if payment == PaymentStatus.DECLINED:
        found.add(S.PAYMENT_DECLINED)
    if payment == PaymentStatus.AWAITING_VERIFICATION:
        found.add(S.PAYMENT_VERIFICATION)
    if payment == PaymentStatus.PARTIALLY_REFUNDED:
        found.add(S.REFUNDED_PARTIALLY)
    if fulfilment == FulfilmentStatus.CANCELLED and facts.refunds:
        found.add(S.CANCELLED)
    if facts.points_used > 0:
        found.add(S.PAID_WITH_POINTS)
    if facts.coupon_count >= 2:
        found.add(S.STACKED_COUPONS)
    if facts.price_dropped:
        found.add(S.PRICE_DROPPED)
    flags = {flag for line_flags in facts.line_flags for flag in line_flags}
    if "final_sale" in flags:
        found.add(S.FINAL_SALE_ITEM)
    if flags & {"hygiene", "custom_made"}:
        found.add(S.NON_RETURNABLE_ITEM)
    origins = {p.warehouse_country for p in facts.packages} or {facts.home_country}
    if any(origin != facts.country for origin in origins):
        found.add(S.INTERNATIONAL)
        if facts.zone.duties == "store_pays":
            found.add(S.DUTIES_PAID_BY_STORE)
        elif facts.zone.duties == "collected_on_delivery":
            found.add(S.DUTIES_ON_DELIVERY)
    return [situation.value for situation in S if situation in found]
