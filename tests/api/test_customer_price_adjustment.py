"""POST /api/v1/customer/orders/{number}/lines/{line_id}/price-adjustment: the owner gets the difference
back once; another customer gets the 404 of a missing order; nobody signed in gets 401."""

from __future__ import annotations

import pytest

from shopdesk.access.services import session_open_by_lookup
from shopdesk.orders.models import Order
from shopdesk.payments.models import Refund
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, scarf_line, shirt_line
from tests.selfservice.price_adjustment_fixtures import order_with_cheaper_shirt

pytestmark = pytest.mark.django_db
BASE = "/api/v1/customer/orders"


def _bearer(order: Order) -> dict[str, str]:
    issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1")
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}


def _url(order: Order, line_id: int) -> str:
    return f"{BASE}/{order.number}/lines/{line_id}/price-adjustment"


def test_the_order_view_answers_the_action_and_the_owner_gets_the_difference(client):
    order = order_with_cheaper_shirt()
    headers = _bearer(order)
    view = client.get(f"{BASE}/{order.number}", **headers).json()
    assert view["actions"]["price_adjustment"]["allowed"] is True
    assert view["actions"]["price_adjustment"]["code"] == "eligible"
    diagnosis = next(d for d in view["diagnoses"] if d["code"] == "price_dropped")
    assert diagnosis["actions"][0]["action"] == "price_adjustment"
    assert diagnosis["actions"][0]["params"] == {"line_id": shirt_line(order).pk}

    response = client.post(_url(order, shirt_line(order).pk), **headers, HTTP_IDEMPOTENCY_KEY="pa-1")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["result"]["amount"] == "20.00" and body["result"]["replayed"] is False
    assert body["order"]["totals"]["refunded"]["amount"] == "20.00"
    assert body["eligibility"]["code"] == "already_adjusted"  # the one cheaper item is done
    assert not any(d["code"] == "price_dropped" and d["actions"] for d in body["order"]["diagnoses"])

    replay = client.post(_url(order, shirt_line(order).pk), **headers, HTTP_IDEMPOTENCY_KEY="pa-1")
    assert replay.status_code == 200 and replay.json()["result"]["replayed"] is True
    assert replay.json()["result"]["amount"] == "20.00"
    again = client.post(_url(order, shirt_line(order).pk), **headers)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_adjusted"
    assert Refund.objects.filter(order=order).count() == 1


def test_a_refusal_is_409_with_the_rule_code_and_moves_nothing(client):
    order = paid_order_of_shirt_and_scarf()
    response = client.post(_url(order, scarf_line(order).pk), **_bearer(order))
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "no_price_drop" and "$30.00 today" in error["message"]
    assert not Refund.objects.filter(order=order).exists()


def test_another_customer_gets_the_404_of_a_missing_order(client):
    order = order_with_cheaper_shirt()
    stranger = paid_order_of_shirt_and_scarf()
    theirs = client.post(_url(order, shirt_line(order).pk), **_bearer(stranger))
    missing = client.post(f"{BASE}/KW99999999/lines/1/price-adjustment", **_bearer(stranger))
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    # Nor can they name the owner's line on their own order.
    foreign_line = client.post(_url(stranger, shirt_line(order).pk), **_bearer(stranger))
    assert foreign_line.status_code == 404
    assert not Refund.objects.filter(order=order).exists()


def test_nobody_signed_in_gets_401(client):
    order = order_with_cheaper_shirt()
    response = client.post(_url(order, shirt_line(order).pk))
    assert response.status_code == 401
    assert not Refund.objects.filter(order=order).exists()


def test_a_bad_line_id_is_422(client):
    order = order_with_cheaper_shirt()
    response = client.post(f"{BASE}/{order.number}/lines/abc/price-adjustment", **_bearer(order))
    assert response.status_code == 422
