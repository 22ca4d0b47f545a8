"""The demo store's points: balance rows that equal the ledger, and orders in `points_pending` and
`points_expiring` whose pages show what the situation says."""

from __future__ import annotations

import datetime as dt

import pytest

from shopdesk.loyalty.models import PointsBalance, PointsEntry
from shopdesk.loyalty.selectors import points_summary
from shopdesk.orders.models import Order
from tests.demo.conftest import ANCHOR, ANCHOR_ISO, listed, run_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_points_in_every_state():
    run_demo("--orders", "60", "--seed", "7", "--now", ANCHOR_ISO, "--quiet")
    orders = listed()
    pending = [o for o in orders if "points_pending" in o["situations"]]
    expiring = [o for o in orders if "points_expiring" in o["situations"]]
    assert pending and expiring
    assert [o["number"] for o in listed("--situation", "points_expiring")] == [o["number"] for o in expiring]

    order = Order.objects.get(number=pending[0]["number"])
    assert PointsEntry.objects.filter(order=order, kind="earned", settled_at__isnull=True).exists()
    customer = Order.objects.get(number=expiring[0]["number"]).customer
    summary = points_summary(customer=customer)
    assert summary.available > 0 and summary.next_expiry is not None
    assert ANCHOR < summary.next_expiry.expires_at <= ANCHOR + dt.timedelta(days=30)

    for row in PointsBalance.objects.all():
        entries = PointsEntry.objects.filter(customer_id=row.customer_id)
        settled = sum(e.points for e in entries if e.settled_at is not None)
        assert (row.available, row.pending) == (settled, sum(e.points for e in entries) - settled)
        assert row.available >= 0 and row.pending >= 0
