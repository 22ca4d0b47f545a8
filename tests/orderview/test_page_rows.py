"""The order page's rows, read through prepared statements, are the rows `prefetch_related` would read.

Every demo order's page is built both ways and compared whole; the store has orders with several
packages, scans, cases, coupons and a payment under verification, so every relation is compared with
rows in it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shopdesk.core.actors import Actor
from shopdesk.orders.models import Order
from shopdesk.orderview.builder import _page_rows, order_page
from shopdesk.payments.models import PaymentVerification
from shopdesk.shipping.models import Case
from tests.demo.conftest import ANCHOR, run_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_orders(db: None) -> list[Order]:
    run_demo("--orders", "60", "--seed", "7", "--now", ANCHOR.isoformat(), "--quiet")
    return list(Order.objects.order_by("number"))


def _with_orm_prefetches(order: Order) -> Order:
    """The order again, marked as prefetched already: the builder then lets the ORM prefetch its rows."""
    again = Order.objects.get(pk=order.pk)
    again._prefetched_objects_cache = {"demo": None}  # type: ignore[attr-defined]
    return again


def test_every_demo_orders_page_is_the_one_the_orms_prefetches_give(demo_orders: list[Order]) -> None:
    assert sum(o.shipments.count() > 1 for o in demo_orders) and Case.objects.exists()
    assert PaymentVerification.objects.exists() and sum(o.coupons.exists() for o in demo_orders)
    for order in demo_orders:
        fresh = Order.objects.get(pk=order.pk)
        actor = Actor.assistant(order.email)
        prepared = order_page(order=fresh, now=ANCHOR, actor=actor)
        by_the_orm = order_page(order=_with_orm_prefetches(order), now=ANCHOR, actor=actor)
        assert prepared == by_the_orm, order.number


def test_the_rows_are_seven_reads_and_the_page_reads_none_of_them_again(demo_orders: list[Order]) -> None:
    shipped = next(o for o in demo_orders if o.shipments.count() > 1)
    unshipped = next(o for o in demo_orders if not o.shipments.exists())
    for order, reads in ((shipped, 7), (unshipped, 5)):
        fresh = Order.objects.get(pk=order.pk)
        with CaptureQueriesContext(connection) as captured:
            _page_rows(fresh)
        assert len(captured.captured_queries) == reads
        with CaptureQueriesContext(connection) as captured:
            for line in fresh.lines.all():
                assert line.order is fresh
            for package in fresh.shipments.all():
                assert [line.shipment for line in package.lines.all()] == [package] * package.lines.count()
                list(package.events.all())
            for payment in fresh.payments.all():
                getattr(payment, "verification", None)
            for coupon in fresh.coupons.all():
                assert coupon.coupon_id is None or coupon.coupon.pk == coupon.coupon_id
            list(fresh.cases.all())
        # `package.lines.count()` above answers from the prefetched rows, so nothing was read again.
        assert captured.captured_queries == []
