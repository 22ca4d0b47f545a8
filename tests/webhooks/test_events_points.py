"""`points.*` webhooks: every ledger entry (earned, spent, returned, revoked, expired, adjusted) and every
pending entry that becomes usable sends one verified event with the customer, the entry, the order and
the balance before and after; a refused spend sends nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from shopdesk.api.auth import token_create
from shopdesk.core.actors import Actor
from shopdesk.core.errors import PermissionDenied
from shopdesk.loyalty.jobs import points_expire_due, points_release_due
from shopdesk.loyalty.services import (
    points_adjust,
    points_earn_for_order,
    points_return_for_refund,
    points_revoke_for_return,
)
from shopdesk.webhooks.catalogue import EVENT_TYPES
from shopdesk.webhooks.models import WebhookDelivery, WebhookEvent
from tests import factories
from tests.integration.payloads import StoreClient
from tests.webhooks.conftest import Receiver, delivered

pytestmark = pytest.mark.django_db
START = dt.datetime(2027, 3, 10, 15, 0, tzinfo=dt.UTC)
POINTS_TYPES = tuple(name for name in EVENT_TYPES if name.startswith("points."))


def test_a_customer_s_points_life_sends_one_event_per_entry(receiver: Receiver, endpoint_for) -> None:
    endpoint = endpoint_for(*POINTS_TYPES)
    with time_machine.travel(START, tick=False):
        customer = factories.CustomerFactory(email="kim@example.com", external_id="cust-77")
        order = factories.OrderFactory(
            customer=customer, subtotal=Decimal("1200.00"), total=Decimal("1200.00")
        )
        points_earn_for_order(order=order, delivered_at=START, now=START)
    with time_machine.travel(START + dt.timedelta(days=31), tick=False):
        now = timezone.now()
        points_release_due(now=now)
        store = StoreClient(token_create(name="checkout").secret)
        spent = store.post(
            "/points/spend",
            {
                "email": customer.email,
                "points": 600,
                "idempotency_key": "cart-1",
                "order_number": order.number,
            },
        )
        assert spent.status_code == 200, spent.content
        refused = store.post(
            "/points/spend", {"email": customer.email, "points": 9000, "idempotency_key": "cart-2"}
        )
        assert refused.status_code == 409
        points_return_for_refund(order=order, points=100, key="points:returned:refund:1", now=now)
        points_revoke_for_return(order=order, points=50, key="points:revoked:refund:1", now=now)
        points_adjust(
            customer=customer,
            points=30,
            note="Sorry for the wait.",
            actor=Actor.agent("ann"),
            key="t-1",
            now=now,
        )
        received = delivered(receiver, endpoint=endpoint)
    assert [r.payload["type"] for r in received] == [
        "points.earned",
        "points.available",
        "points.spent",
        "points.returned",
        "points.revoked",
        "points.adjusted",
    ]
    data = {r.payload["type"]: r.payload["data"] for r in received}
    for item in data.values():
        assert item["customer"] == {"email": "kim@example.com", "external_id": "cust-77"}
    earned = data["points.earned"]
    assert earned["order"]["number"] == order.number
    assert earned["entry"]["kind"] == "earned" and earned["entry"]["points"] == 1200
    assert (earned["before"], earned["after"]) == (
        {"available": 0, "pending": 0},
        {"available": 0, "pending": 1200},
    )
    assert earned["actor"] == {"kind": "system", "label": "shopdesk"}
    available = data["points.available"]
    assert (available["before"], available["after"]) == (
        {"available": 0, "pending": 1200},
        {"available": 1200, "pending": 0},
    )
    spent_data = data["points.spent"]
    assert spent_data["entry"]["points"] == -600 and spent_data["after"] == {"available": 600, "pending": 0}
    assert spent_data["actor"] == {"kind": "integration", "label": "checkout"}
    assert spent_data["order"]["number"] == order.number
    assert data["points.returned"]["after"] == {"available": 700, "pending": 0}
    assert data["points.revoked"]["entry"]["points"] == -50
    adjusted = data["points.adjusted"]
    assert adjusted["order"] is None and adjusted["actor"] == {"kind": "agent", "label": "ann"}
    assert adjusted["message"] == "Sorry for the wait."
    assert (adjusted["before"], adjusted["after"]) == (
        {"available": 650, "pending": 0},
        {"available": 680, "pending": 0},
    )


def test_expired_points_send_points_expired_and_a_filter_keeps_the_rest_out(
    receiver: Receiver, endpoint_for
) -> None:
    endpoint = endpoint_for("points.expired")
    with time_machine.travel(START, tick=False):
        customer = factories.CustomerFactory()
        order = factories.OrderFactory(customer=customer, subtotal=Decimal("100.00"), total=Decimal("100.00"))
        points_earn_for_order(order=order, delivered_at=START, now=START)
    with time_machine.travel(START + dt.timedelta(days=31), tick=False):
        points_release_due(now=timezone.now())
    with time_machine.travel(START + dt.timedelta(days=31 + 800), tick=False):
        assert points_expire_due(now=timezone.now()).entries == 1
        received = delivered(receiver, endpoint=endpoint)
    assert [r.payload["type"] for r in received] == ["points.expired"]
    expired = received[0].payload["data"]
    assert expired["entry"]["points"] == -100 and expired["after"] == {"available": 0, "pending": 0}
    # The earned and available events were never written for this endpoint (nobody else listens).
    assert set(WebhookEvent.objects.values_list("type", flat=True)) == {"points.expired"}


def test_a_replayed_or_refused_adjustment_sends_nothing_more(endpoint_for) -> None:
    endpoint_for("points.adjusted")
    customer = factories.CustomerFactory()
    now = timezone.now()
    points_adjust(customer=customer, points=40, note="Goodwill.", actor=Actor.agent("ann"), key="k", now=now)
    points_adjust(customer=customer, points=40, note="Goodwill.", actor=Actor.agent("ann"), key="k", now=now)
    with pytest.raises(PermissionDenied):
        points_adjust(
            customer=customer, points=40, note="x", actor=Actor.customer(customer.email), key="j", now=now
        )
    assert WebhookDelivery.objects.filter(event__type="points.adjusted").count() == 1
