"""The cached order view: one version query, and a new version whenever a table it reads changes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from shopdesk.orderview.cached import order_view_version
from shopdesk.payments.models import Refund
from tests.api.test_customer_actions import _bearer
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf

pytestmark = pytest.mark.django_db


def test_a_refund_recorded_by_the_store_shows_on_the_next_read(client: Client):
    """Given a cached API answer, when a refund row is written without touching the order, then the
    version moves and the next answer lists it."""
    order = paid_order_of_shirt_and_scarf()
    headers = _bearer(order)
    url = f"/api/v1/customer/orders/{order.number}"
    assert client.get(url, **headers).json()["refunds"] == []
    before = order_view_version(order_id=order.pk)
    refund = Refund.objects.create(
        order=order,
        payment=order.payments.get(),
        currency=order.currency,
        amount=Decimal("10.00"),
        reason="Goodwill",
        idempotency_key="store-refund-1",
        created_at=timezone.now(),
    )
    assert order_view_version(order_id=order.pk) != before
    assert [r["id"] for r in client.get(url, **headers).json()["refunds"]] == [refund.pk]
    Refund.objects.filter(pk=refund.pk).update(status="succeeded", completed_at=timezone.now())
    assert client.get(url, **headers).json()["refunds"][0]["status"] == "succeeded"


def test_the_version_is_one_query_and_respects_the_owner(django_assert_num_queries):
    order = paid_order_of_shirt_and_scarf()
    with django_assert_num_queries(1):
        found = order_view_version(number=order.number, email=order.email)
    assert found is not None and found[0] == order.pk
    assert order_view_version(number=order.number, email="someone.else@example.com") is None
    assert order_view_version(number="KW99999999") is None


def test_the_fast_path_answers_like_the_api(client: Client):
    order = paid_order_of_shirt_and_scarf()
    stranger = paid_order_of_shirt_and_scarf()
    url = f"/api/v1/customer/orders/{order.number}"
    assert client.get(url).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401
    theirs = client.get(url, **_bearer(stranger))
    missing = client.get("/api/v1/customer/orders/KW99999999", **_bearer(stranger))
    assert theirs.status_code == missing.status_code == 404 and theirs.json() == missing.json()
    mine = client.get(url, **_bearer(order))
    assert mine.status_code == 200 and mine.json()["number"] == order.number
    assert client.post(url, **_bearer(order)).status_code == 405


def test_each_orders_minute_starts_at_its_own_second():
    """A version lasts VERSION_SECONDS for every order, but orders don't all get a new one at once."""
    import datetime as dt
    import itertools

    from shopdesk.orderview.cached import VERSION_SECONDS, version_minute

    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    seconds = [start + dt.timedelta(seconds=s) for s in range(3 * VERSION_SECONDS + 1)]
    turns: dict[int, list[int]] = {}
    for order_id in (1, 2, 59, 60, 61, 12345):
        minutes = [version_minute(order_id, at) for at in seconds]
        turns[order_id] = [s for s in range(1, len(seconds)) if minutes[s] != minutes[s - 1]]
        assert [b - a for a, b in itertools.pairwise(turns[order_id])] == [VERSION_SECONDS] * 2
    assert len({tuple(t) for t in turns.values()}) == 5  # 1 and 61 share a second; the others differ
    assert turns[1] == turns[61]
