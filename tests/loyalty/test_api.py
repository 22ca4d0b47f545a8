"""The points API as the owner, another customer and an anonymous caller; the store's checkout spend."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from shopdesk.loyalty.services import points_earn_for_order, points_spend_for_order
from shopdesk.orders.models import Customer
from tests import factories
from tests.integration.fixtures import *  # noqa: F403 (the store fixtures, found by name)
from tests.integration.payloads import order_payload, store_client
from tests.loyalty.conftest import balance, delivered_order, lookup_token, magic_token

pytestmark = pytest.mark.django_db


def _get(client: Client, path: str, token: str | None) -> object:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(f"/api/v1/customer{path}", headers=headers)


@pytest.fixture
def customer_with_points_in_every_state(customer_with_available_points: Customer) -> Customer:
    """1,000 available (expiring in two years), 120 pending, and one order that spent 600 of them."""
    customer = customer_with_available_points
    pending_order = delivered_order(customer)
    points_earn_for_order(order=pending_order, delivered_at=timezone.now(), now=timezone.now())
    spent_order = factories.OrderFactory(customer=customer, points_used=600, points_value=Decimal(6))
    points_spend_for_order(order=spent_order, now=timezone.now())
    return customer


def test_the_owner_sees_balance_pending_and_next_expiry(client, customer_with_points_in_every_state):
    customer = customer_with_points_in_every_state
    body = _get(client, "/points", magic_token(customer.email)).json()
    assert (body["available"], body["pending_total"]) == (400, 120)
    assert body["value"] == {"amount": "4.00", "currency": "USD", "display": "$4.00"}
    assert body["pending"][0]["points"] == 120
    assert body["next_expiry"]["points"] == 400


def test_history_is_paginated_newest_first(client, customer_with_points_in_every_state):
    token = magic_token(customer_with_points_in_every_state.email)
    body = _get(client, "/points/history?page=1", token).json()
    assert body["count"] == 3 and body["pages"] == 1
    # Dated when it happened: the order spent its points when it was placed, two hours ago.
    assert [e["kind"] for e in body["entries"]] == ["earned", "earned", "spent"]
    assert body["entries"][0]["state"] == "pending" and body["entries"][0]["when"].startswith("Usable from ")
    assert _get(client, "/points/history?page=0", token).status_code == 422


def test_another_customer_sees_only_their_own_points(client, customer_with_points_in_every_state):
    stranger = factories.OrderFactory()
    token = magic_token(stranger.email)
    assert _get(client, "/points", token).json()["available"] == 0
    assert _get(client, "/points/history", token).json()["entries"] == []
    theirs = customer_with_points_in_every_state.orders.filter(points_used__gt=0).get()
    answer = _get(client, f"/orders/{theirs.number}/points", token)
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("path", ["/points", "/points/history", "/points/pay-with-points?total=50"])
def test_anonymous_callers_get_401(client, db, path):
    assert _get(client, path, None).status_code == 401


def test_a_lookup_session_sees_its_order_points_but_not_the_balance(
    client, customer_with_points_in_every_state
):
    order = customer_with_points_in_every_state.orders.filter(points_used__gt=0).get()
    token = lookup_token(order)
    refused = _get(client, "/points", token)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "magic_link_needed"
    entries = _get(client, f"/orders/{order.number}/points", token).json()["entries"]
    assert [(e["kind"], e["points"], e["state"]) for e in entries] == [("spent", -600, "done")]


def test_pay_with_points_is_capped_by_the_share_and_the_minimum(client, customer_with_points_in_every_state):
    token = magic_token(customer_with_points_in_every_state.email)
    big = _get(client, "/points/pay-with-points?total=100.00", token).json()
    assert (big["max_points"], big["points"], big["value"]["amount"]) == (3000, 0, "0.00")
    assert big["reason"] == "below_minimum" and "500" in big["message"]  # 400 available, 500 needed
    small = _get(client, "/points/pay-with-points?total=10", token).json()
    assert small["reason"] == "cart_too_small" and small["max_points"] == 300 and "300" in small["message"]
    bad = _get(client, "/points/pay-with-points?total=-3", token)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_input"


def test_pay_with_points_uses_the_balance_up_to_the_share(client, customer_with_available_points):
    token = magic_token(customer_with_available_points.email)
    body = _get(client, "/points/pay-with-points?total=20.00", token).json()
    assert body["reason"] == "ok" and (body["max_points"], body["points"]) == (600, 600)
    assert body["value"]["display"] == "$6.00" and body["pays"]["display"] == "$14.00"
    body = _get(client, "/points/pay-with-points?total=200", token).json()
    assert (body["points"], body["value"]["amount"]) == (
        1000,
        "10.00",
    )  # the whole balance, under the 30% cap


def test_the_store_spends_at_checkout_once_per_key(customer_with_available_points):
    store = store_client()
    body = {
        "email": customer_with_available_points.email.upper(),
        "points": 600,
        "idempotency_key": "cart-77",
    }
    first = store.post("/points/spend", body)
    assert first.status_code == 200 and first.json()["available"] == 400
    assert store.post("/points/spend", body).json()["entry"]["id"] == first.json()["entry"]["id"]
    refused = store.post("/points/spend", {**body, "idempotency_key": "cart-78"})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "insufficient_points"
    bad = store.post("/points/spend", {**body, "points": 0})
    assert bad.status_code == 422
    assert balance(customer_with_available_points) == (400, 0)


def test_the_store_spend_needs_the_token_and_a_known_customer(db):
    assert Client().post("/api/v1/store/points/spend", {}, content_type="application/json").status_code == 401
    store = store_client()
    unknown = store.post(
        "/points/spend", {"email": "nobody@example.com", "points": 600, "idempotency_key": "x"}
    )
    assert unknown.status_code == 404


def test_entries_carry_their_dates(client, customer_with_points_in_every_state):
    order = customer_with_points_in_every_state.orders.exclude(points_used__gt=0).order_by("-id").first()
    entries = _get(client, f"/orders/{order.number}/points", lookup_token(order)).json()["entries"]
    (earned,) = entries
    available_at = dt.datetime.fromisoformat(earned["available_at"])
    assert available_at > timezone.now() + dt.timedelta(days=29)


def test_an_order_sent_by_the_store_with_points_records_its_spend_once(store_with_product):
    """The store sent an order paid partly with points the ledger never saw earned: an opening entry
    covers them, and sending the order again adds nothing."""
    from shopdesk.loyalty.models import PointsEntry, PointsEntryKind

    body = {**order_payload(total="98.00"), "points_used": 1000, "points_value": "10.00"}
    body["payments"][0].update(amount="88.00", amount_authorised="88.00", amount_captured="88.00")
    assert store_with_product.put("/orders/KW00000001", body).status_code in (200, 201)
    assert store_with_product.put("/orders/KW00000001", body).status_code == 200
    kinds = sorted(PointsEntry.objects.filter(order__number="KW00000001").values_list("kind", "points"))
    assert kinds == [(PointsEntryKind.OPENING, 1000), (PointsEntryKind.SPENT, -1000)]
    customer = PointsEntry.objects.filter(order__number="KW00000001").first().customer
    assert balance(customer) == (0, 0)
