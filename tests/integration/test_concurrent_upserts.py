"""Two requests upserting the same new order at the same time make one order, not two; batches importing
orders with one limited code at the same time count it up to its limit (PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.sync.outcome import Upserted
from shopdesk.integration.bulk import bulk_apply
from shopdesk.integration.schemas.orders import OrderIn
from shopdesk.integration.sync import order_upsert
from shopdesk.orders.models import Customer, Order, OrderEvent, OrderLine
from shopdesk.promotions.models import Coupon, CouponKind, CouponRedemption
from tests import factories
from tests.integration.payloads import order_payload


def _race(count: int, work: Any) -> list[Any]:
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(slot: int) -> None:
        try:
            barrier.wait()
            results[slot] = work()
        except Exception as exc:  # the assertion below shows it
            results[slot] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_upserts_of_one_order_create_one_row() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks and unique-key races need PostgreSQL")
    factories.VariantFactory(sku="TS-100-M")
    data = OrderIn.model_validate(order_payload(email="race@example.com"))

    results = _race(4, lambda: order_upsert(number="KW00000077", data=data, actor=Actor.integration("race")))

    assert all(isinstance(result, Upserted) for result in results), results
    assert sorted(str(result.status) for result in results) == [
        "created",
        "unchanged",
        "unchanged",
        "unchanged",
    ]
    assert Order.objects.filter(number="KW00000077").count() == 1
    assert Customer.objects.filter(email="race@example.com").count() == 1
    assert OrderLine.objects.count() == 1
    assert OrderEvent.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_bulk_batches_count_a_limited_code_up_to_its_limit() -> None:
    """Four batches at once, each with three orders that used a code limited to ten uses in all."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    factories.VariantFactory(sku="TS-100-M")
    coupon = Coupon.objects.create(
        code="TEN10",
        description="Ten uses",
        kind=CouponKind.PERCENT,
        value=Decimal(10),
        starts_at=timezone.now() - dt.timedelta(days=400),
        usage_limit=10,
    )

    def batch(slot: int) -> list[dict[str, Any]]:
        items = []
        for n in range(3):
            item = order_payload(email=f"shopper{slot}{n}@example.com", total="98.00")
            item["payments"][0]["external_id"] = f"pay-{slot}-{n}"
            items.append(
                item | {"type": "order", "number": f"KW{slot:04d}{n:04d}", "coupons": [{"code": "TEN10"}]}
            )
        return items

    batches = [batch(slot) for slot in range(4)]
    slots = iter(range(4))
    lock = threading.Lock()

    def work() -> Any:
        with lock:
            slot = next(slots)
        return bulk_apply(batch=batches[slot], actor=Actor.integration("race"))

    results = _race(4, work)

    assert all(r.summary["created"] == 3 for r in results), results
    coupon.refresh_from_db()
    assert coupon.times_used == 10  # twelve uses in the store's history, counted up to the limit
    assert CouponRedemption.objects.filter(coupon=coupon).count() == 12
