"""Points races on PostgreSQL, real services on real threads: twenty checkouts spend a balance that covers one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from shopdesk.loyalty.errors import InsufficientPoints
from shopdesk.loyalty.models import PointsBalance, PointsEntry, PointsEntryKind
from shopdesk.loyalty.services import points_earn_for_order, points_return_for_cancel, points_spend
from tests import factories
from tests.integration.payloads import store_client
from tests.races.conftest import postgres_only, race, server_errors

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), postgres_only]


def _customer_with_points(points: int):  # type: ignore[no-untyped-def]
    customer = factories.CustomerFactory()
    order = factories.OrderFactory(customer=customer, subtotal=points, total=points)
    earned_long_ago = timezone.now() - dt.timedelta(days=60)
    points_earn_for_order(order=order, delivered_at=earned_long_ago, now=timezone.now())
    return customer, order


def test_twenty_spends_of_a_balance_that_covers_one():
    customer, _ = _customer_with_points(700)
    now = timezone.now()
    results = race(
        [lambda i=i: points_spend(customer=customer, points=600, key=f"cart-{i}", now=now) for i in range(20)]
    )
    assert server_errors(results) == []
    won = [r for r in results if isinstance(r, PointsEntry)]
    assert len(won) == 1 and sum(isinstance(r, InsufficientPoints) for r in results) == 19
    row = PointsBalance.objects.get(customer=customer)
    assert (row.available, row.pending) == (100, 0)
    assert PointsEntry.objects.filter(customer=customer, kind=PointsEntryKind.SPENT).count() == 1


def test_twenty_store_requests_through_the_api_give_one_200_and_no_500():
    customer, _ = _customer_with_points(700)
    store = store_client()
    results = race(
        [
            lambda i=i: (
                store.post(
                    "/points/spend", {"email": customer.email, "points": 600, "idempotency_key": f"cart-{i}"}
                ).status_code
            )
            for i in range(20)
        ]
    )
    assert sorted(results) == [200] + [409] * 19
    assert PointsBalance.objects.get(customer=customer).available == 100


def test_the_same_return_raced_ten_times_gives_the_points_back_once():
    customer, order = _customer_with_points(700)
    now = timezone.now()
    results = race(
        [
            lambda: points_return_for_cancel(order=order, points=300, key="cancel:1", now=now)
            for _ in range(10)
        ]
    )
    assert server_errors(results) == []
    assert len({r.pk for r in results}) == 1
    assert PointsBalance.objects.get(customer=customer).available == 1000
