"""Same seed, size and anchor: the same store, down to amounts and tracking numbers."""

from __future__ import annotations

from shopdesk.orders.models import Order
from shopdesk.shipping.models import Shipment
from tests.demo.conftest import ANCHOR_ISO, listed, run_demo


def snapshot() -> tuple[object, ...]:
    orders = list(
        Order.objects.order_by("number").values_list(
            "number",
            "email",
            "placed_at",
            "subtotal",
            "discount_total",
            "shipping_total",
            "tax_total",
            "duties_total",
            "total",
            "points_used",
        )
    )
    packages = list(
        Shipment.objects.order_by("order__number", "id").values_list(
            "order__number", "carrier", "tracking_number", "origin_warehouse", "status", "last_event_at"
        )
    )
    return listed(), orders, packages


def load(seed: int) -> tuple[object, ...]:
    run_demo("--reset", "--orders", "40", "--seed", str(seed), "--now", ANCHOR_ISO, "--quiet")
    return snapshot()


def test_same_seed_gives_the_same_store(db: None) -> None:
    assert load(3) == load(3)


def test_another_seed_gives_another_store(db: None) -> None:
    first, second = load(3), load(4)
    assert first[0] != second[0] and first[1] != second[1]
