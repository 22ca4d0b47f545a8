"""The demo orders' rows agree with each other and with the situations they are listed under.

Read-only tests: they share one store per module (loaded_demo_store_60).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from shopdesk.demo.models import DemoOrder
from shopdesk.loyalty.models import PointsEntry, PointsEntryKind
from shopdesk.orders.enums import FulfilmentStatus, PaymentStatus
from shopdesk.orders.models import Order
from shopdesk.orderview.status import PaymentFacts, fulfilment_status, line_quantities, payment_status
from shopdesk.payments.enums import VerificationStatus
from shopdesk.policy import get_policy
from tests.demo.conftest import ANCHOR


def demo_orders(situation: str | None = None) -> list[Order]:
    orders = (
        Order.objects.prefetch_related(
            "lines__shipment_lines",
            "shipments__events",
            "shipments__lines",
            "payments",
            "refunds__lines",
            "coupons",
        )
        .select_related("demo", "shipping_address")
        .order_by("number")
    )
    return [o for o in orders if situation is None or situation in o.demo.situations]


def derived_fulfilment(order: Order) -> FulfilmentStatus:
    lines = [
        line_quantities(line, sum(s.quantity for s in line.shipment_lines.all()))
        for line in order.lines.all()
    ]
    return fulfilment_status(lines, [shipment.status for shipment in order.shipments.all()])


def derived_payment(order: Order) -> PaymentStatus:
    return payment_status(
        PaymentFacts(p.state, p.verification_status, p.amount_captured, p.amount_refunded)
        for p in order.payments.all()
    )


def test_amounts_add_up(loaded_demo_store_60: object) -> None:
    for order in demo_orders():
        lines = list(order.lines.all())
        assert order.subtotal == sum(line.unit_price * line.quantity for line in lines), order.number
        assert order.discount_total == sum(line.discount_amount for line in lines), order.number
        assert order.tax_total == sum(line.tax_amount for line in lines), order.number
        assert order.total == (
            order.subtotal
            - order.discount_total
            + order.shipping_total
            + order.tax_total
            + order.duties_total
        ), order.number
        item_codes = sum(
            c.amount for c in order.coupons.all() if c.coupon and c.coupon.kind != "free_shipping"
        )
        assert item_codes == order.discount_total, order.number
        for payment in order.payments.all():
            assert payment.amount == order.total - order.points_value
            assert (
                payment.amount_refunded
                <= payment.amount_captured
                <= payment.amount_authorised
                <= payment.amount
            )
        for refund in order.refunds.all():
            assert refund.amount == sum(line.amount for line in refund.lines.all()) > 0


def test_shipments_match_their_latest_tracking_event(loaded_demo_store_60: object) -> None:
    policy = get_policy()
    for order in demo_orders():
        zone = policy.zone_for_country(order.shipping_address.country)
        assert zone is not None
        for shipment in order.shipments.all():
            events = sorted(shipment.events.all(), key=lambda e: e.occurred_at)
            latest = events[-1]
            assert shipment.status == latest.status and shipment.last_event_at == latest.occurred_at
            assert events[0].status == "label_created" and all(e.occurred_at <= ANCHOR for e in events)
            picked_up = [e.occurred_at for e in events if e.status == "picked_up"]
            assert shipment.shipped_at == (picked_up[0] if picked_up else None)
            assert (shipment.delivered_at is not None) == (latest.status == "delivered")
            assert shipment.origin_warehouse in zone.warehouses
            assert shipment.carrier in {m.carrier for m in zone.methods}
        for line in order.lines.all():
            assert sum(s.quantity for s in line.shipment_lines.all()) in (0, line.quantity)


def test_situations_agree_with_the_derived_statuses(loaded_demo_store_60: object) -> None:
    expectations = {
        "unfulfilled": {FulfilmentStatus.UNFULFILLED},
        "partially_shipped": {FulfilmentStatus.PARTIALLY_SHIPPED},
        "delivered": {FulfilmentStatus.DELIVERED},
        "returned_to_sender": {FulfilmentStatus.RETURNED_TO_SENDER},
        "cancelled": {FulfilmentStatus.CANCELLED},
    }
    for situation, statuses in expectations.items():
        orders = demo_orders(situation)
        assert orders, situation
        assert all(derived_fulfilment(o) in statuses for o in orders), situation
    assert all(derived_payment(o) == PaymentStatus.DECLINED for o in demo_orders("payment_declined"))
    assert all(
        derived_payment(o) == PaymentStatus.PARTIALLY_REFUNDED for o in demo_orders("refunded_partially")
    )
    assert all(derived_payment(o) == PaymentStatus.REFUNDED for o in demo_orders("cancelled"))
    assert all(
        derived_payment(o) == PaymentStatus.AWAITING_VERIFICATION for o in demo_orders("payment_verification")
    )


def test_tracking_situations_respect_the_policy_thresholds(loaded_demo_store_60: object) -> None:
    shipping = get_policy().shipping
    stale, lost = dt.timedelta(days=shipping.stale_tracking_days), dt.timedelta(days=shipping.lost_after_days)
    moving = {"picked_up", "in_transit", "out_for_delivery"}
    for order in demo_orders("stale_tracking"):
        assert any(
            s.status in moving and stale < ANCHOR - s.last_event_at <= lost for s in order.shipments.all()
        )
    for order in demo_orders("lost"):
        assert any(s.status in moving and ANCHOR - s.last_event_at > lost for s in order.shipments.all())
    for order in demo_orders("late"):
        method = get_policy().zone_for_country(order.shipping_address.country).method(order.shipping_method)
        due = dt.timedelta(days=method.transit_days_max + shipping.late_grace_days)
        assert any(
            s.status in moving and ANCHOR - s.shipped_at > due and ANCHOR - s.last_event_at < stale
            for s in order.shipments.all()
        )
    for order in demo_orders("tracking_not_active"):
        fresh = [s for s in order.shipments.all() if s.status == "label_created"]
        assert fresh and all(len(s.events.all()) == 1 and s.shipped_at is None for s in fresh)
        assert all(
            ANCHOR - s.last_event_at < dt.timedelta(hours=shipping.label_activation_hours) for s in fresh
        )
    for order in demo_orders("returned_to_sender"):
        back = next(s for s in order.shipments.all() if s.status == "returned_to_sender")
        reason = max(back.events.all(), key=lambda e: e.occurred_at).description
        assert any(word in reason for word in ("refused", "address not found", "unclaimed")), reason
    for order in demo_orders("held_at_customs"):
        zone = get_policy().zone_for_country(order.shipping_address.country)
        assert zone.duties == "collected_on_delivery"
        held = next(s for s in order.shipments.all() if s.status == "held_at_customs")
        assert "$" in max(held.events.all(), key=lambda e: e.occurred_at).description
    for order in demo_orders("delivery_attempted"):
        assert any(s.status == "delivery_attempted" for s in order.shipments.all())


def test_split_shipments_leave_from_different_warehouses_of_the_zone(loaded_demo_store_60: object) -> None:
    orders = demo_orders("split_shipment")
    assert orders
    for order in orders:
        warehouses = [s.origin_warehouse for s in order.shipments.all()]
        assert 2 <= len(warehouses) <= 3 and len(set(warehouses)) >= 2


def test_payments_and_points_situations(loaded_demo_store_60: object) -> None:
    policy = get_policy()
    codes = {order.payments.get().decline_code for order in demo_orders("payment_declined")}
    assert len(codes) >= 3 and all(policy.decline(code) for code in codes)
    for order in demo_orders("payment_verification"):
        assert order.payments.get().verification_status == VerificationStatus.REQUIRED
    for order in demo_orders("paid_with_points"):
        spent = PointsEntry.objects.get(order=order, kind=PointsEntryKind.SPENT)
        assert -spent.points == order.points_used >= policy.points.min_redeem
        assert order.points_value == policy.points_value(order.points_used)
        assert order.points_value <= order.total * policy.points.max_order_share_percent / 100
    balances: dict[int, int] = defaultdict(int)
    for entry in PointsEntry.objects.order_by("created_at", "id"):
        balances[entry.customer_id] += entry.points
        assert balances[entry.customer_id] >= 0, entry
    assert PointsEntry.objects.filter(kind=PointsEntryKind.EARNED, available_at__gt=ANCHOR).exists()


def test_coupon_and_item_situations(loaded_demo_store_60: object) -> None:
    groups = [sorted(group) for group in get_policy().promotions.combinable_groups]
    for order in demo_orders("stacked_coupons"):
        kinds = sorted(c.coupon.kind for c in order.coupons.all())
        assert kinds in groups and all(c.amount > 0 for c in order.coupons.all())
    for order in demo_orders("price_dropped"):
        assert any(line.variant.price < line.unit_price for line in order.lines.select_related("variant"))
    for order in demo_orders("final_sale_item"):
        assert any("final_sale" in line.return_flags for line in order.lines.all())
    for order in demo_orders("non_returnable_item"):
        assert any({"hygiene", "custom_made"} & set(line.return_flags) for line in order.lines.all())


def test_cancelled_orders_are_refunded_in_full(loaded_demo_store_60: object) -> None:
    for order in demo_orders("cancelled"):
        payment = order.payments.get()
        assert order.cancelled_at is not None
        assert payment.amount_refunded == payment.amount_captured == order.total - order.points_value
        assert all(line.quantity_cancelled == line.quantity for line in order.lines.all())
        assert not order.shipments.exists()


def test_order_age_situations(loaded_demo_store_60: object) -> None:
    policy = get_policy()
    change_window = dt.timedelta(hours=policy.orders.change_window_hours)
    return_window = dt.timedelta(days=policy.returns.window_days)
    assert all(ANCHOR - o.placed_at < change_window for o in demo_orders("recent_changeable"))
    for situation, is_open in (("return_window_open", True), ("return_window_closed", False)):
        for order in demo_orders(situation):
            delivered = max(s.delivered_at for s in order.shipments.all())
            assert (delivered + return_window > ANCHOR) is is_open
    for order in demo_orders("international"):
        country = order.shipping_address.country
        origins = {get_policy().warehouse(s.origin_warehouse).country for s in order.shipments.all()}
        assert not origins or origins != {country}


def test_every_order_has_its_placement_event(loaded_demo_store_60: object) -> None:
    for order in demo_orders():
        placed = order.events.get(kind="imported")
        assert (placed.actor_kind, placed.actor_label, placed.created_at) == (
            "system",
            "demo",
            order.placed_at,
        )
    assert DemoOrder.objects.count() == Order.objects.count() == 60
    assert Order.objects.aggregate(total=Sum("total"))["total"] > Decimal(1000)
