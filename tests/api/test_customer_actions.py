"""Customer API actions: the owner acts; another customer gets 404; nobody signed in gets 401."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.access.services import session_open_by_lookup
from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.models import Order
from shopdesk.payments.models import Payment, Refund
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, scarf_line, ship, shirt_line

pytestmark = pytest.mark.django_db
BASE = "/api/v1/customer/orders"
ADDRESS = {
    "name": "Ada Shopper",
    "line1": "500 Fifth Avenue",
    "city": "New York",
    "region": "NY",
    "postcode": "10110",
    "country": "US",
}


def _bearer(order: Order) -> dict[str, str]:
    issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1")
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}


@pytest.fixture
def owner_order() -> Order:
    return paid_order_of_shirt_and_scarf()


def _post(client, url: str, body: dict, headers: dict[str, str], **extra: str):
    return client.post(url, body, content_type="application/json", **headers, **extra)


def test_the_owner_cancels_and_gets_the_order_back(client, owner_order):
    response = _post(
        client, f"{BASE}/{owner_order.number}/cancel", {"reason": "Changed my mind"}, _bearer(owner_order)
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["result"]["refund_amount"] == "123.95" and body["result"]["whole_order"]
    assert body["eligibility"] == {
        "allowed": False,
        "code": "order_cancelled",
        "message": "This order is already cancelled.",
    }
    assert body["order"]["number"] == owner_order.number
    assert body["order"]["status"]["fulfilment"] == "cancelled"


def test_another_customer_gets_the_same_404_as_a_missing_order(client, owner_order):
    stranger = paid_order_of_shirt_and_scarf()
    headers = _bearer(stranger)
    theirs = _post(client, f"{BASE}/{owner_order.number}/cancel", {}, headers)
    missing = _post(client, f"{BASE}/KW99999999/cancel", {}, headers)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    owner_order.refresh_from_db()
    assert not owner_order.is_cancelled


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("cancel", {}),
        ("shipping-address", ADDRESS),
        ("billing-address", ADDRESS),
        ("resend", {"template": "confirmation"}),
        ("email", {"new_email": "a@example.com"}),
        ("lines/1", {"size": "S"}),
    ],
)
def test_nobody_signed_in_gets_401(client, owner_order, path, body):
    response = _post(client, f"{BASE}/{owner_order.number}/{path}", body, {})
    assert response.status_code == 401
    assert not OutboxMessage.objects.exists()


def test_the_idempotency_key_replays_and_refuses_another_body(client, owner_order):
    headers = _bearer(owner_order)
    url = f"{BASE}/{owner_order.number}/cancel"
    scarf = scarf_line(owner_order).pk
    first = _post(client, url, {"line_ids": [scarf]}, headers, HTTP_IDEMPOTENCY_KEY="key-1")
    again = _post(client, url, {"line_ids": [scarf]}, headers, HTTP_IDEMPOTENCY_KEY="key-1")
    assert first.status_code == again.status_code == 200
    assert (
        again.json()["result"]["replayed"]
        and again.json()["result"]["refund_id"] == first.json()["result"]["refund_id"]
    )
    other = _post(
        client, url, {"line_ids": [shirt_line(owner_order).pk]}, headers, HTTP_IDEMPOTENCY_KEY="key-1"
    )
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert Refund.objects.count() == 1 and Payment.objects.get().amount_refunded == Decimal("30.00")


def test_not_eligible_is_409_with_the_customers_sentence(client, owner_order):
    ship(owner_order, shirt_line(owner_order), scarf_line(owner_order))
    response = _post(client, f"{BASE}/{owner_order.number}/cancel", {}, _bearer(owner_order))
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "already_dispatched" and "left our warehouse" in error["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"line_ids": "all"},
        {"line_ids": [1], "unknown": 1},
        {"reason": "x" * 201},
        {"line_ids": list(range(101))},
    ],
)
def test_wrong_types_and_unknown_fields_are_422(client, owner_order, body):
    response = _post(client, f"{BASE}/{owner_order.number}/cancel", body, _bearer(owner_order))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    owner_order.refresh_from_db()
    assert not owner_order.is_cancelled


def test_a_cancel_check_previews_the_refund(client, owner_order):
    response = client.get(f"{BASE}/{owner_order.number}/cancel", **_bearer(owner_order))
    assert response.status_code == 200
    assert response.json()["preview"]["message"].startswith(
        "You're about to cancel this order. $123.95 goes back"
    )


def test_changing_an_item(client, owner_order):
    line = shirt_line(owner_order)
    response = _post(
        client, f"{BASE}/{owner_order.number}/lines/{line.pk}", {"size": "S"}, _bearer(owner_order)
    )
    assert response.status_code == 200, response.content
    assert response.json()["result"]["after"] == "2 × Linen shirt (Navy, size S)"
    bad = _post(
        client, f"{BASE}/{owner_order.number}/lines/{line.pk}", {"quantity": "lots"}, _bearer(owner_order)
    )
    assert bad.status_code == 422


def test_changing_the_shipping_address_and_bad_input(client, owner_order):
    headers = _bearer(owner_order)
    url = f"{BASE}/{owner_order.number}/shipping-address"
    response = _post(client, url, ADDRESS, headers)
    assert response.status_code == 200, response.content
    assert response.json()["order"]["shipping_address"]["line1"] == "500 Fifth Avenue"
    bad = _post(client, url, {**ADDRESS, "postcode": "ABCDE", "country": "Narnia"}, headers)
    assert bad.status_code == 422
    assert bad.json()["error"]["details"]["fields"]["country"].startswith("We don't know this country")
    far = _post(client, url, {**ADDRESS, "country": "JP", "region": "", "postcode": "100-0001"}, headers)
    assert far.status_code == 409 and far.json()["error"]["code"] == "other_shipping_zone"


def test_changing_the_billing_address(client, owner_order):
    response = _post(client, f"{BASE}/{owner_order.number}/billing-address", ADDRESS, _bearer(owner_order))
    assert response.status_code == 200
    assert response.json()["result"]["address"]["postcode"] == "10110"


def test_resending_and_its_limit(client, owner_order):
    headers = _bearer(owner_order)
    url = f"{BASE}/{owner_order.number}/resend"
    for _ in range(3):
        assert _post(client, url, {"template": "confirmation"}, headers).status_code == 200
    limited = _post(client, url, {"template": "confirmation"}, headers)
    assert limited.status_code == 409 and limited.json()["error"]["code"] == "resend_limit"
    assert _post(client, url, {"template": "magic_link"}, headers).status_code == 422


def test_correcting_the_email_needs_the_new_address_to_confirm(client, owner_order):
    headers = _bearer(owner_order)
    response = _post(
        client, f"{BASE}/{owner_order.number}/email", {"new_email": "right@example.com"}, headers
    )
    assert response.status_code == 200 and response.json()["result"]["status"] == "confirmation_sent"
    owner_order.refresh_from_db()
    assert owner_order.email != "right@example.com"
    body = OutboxMessage.objects.get(template="email_change_confirm").body_text
    token = body.split("/orders/email-change/")[1].split("/")[0]
    confirmed = client.post(
        "/api/v1/customer/email-change/confirm", {"token": token}, content_type="application/json"
    )
    assert confirmed.status_code == 200 and confirmed.json()["email"] == "right@example.com"
    assert (
        client.post(
            "/api/v1/customer/email-change/confirm", {"token": token}, content_type="application/json"
        ).status_code
        == 422
    )


def test_the_actions_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("cancel", "lines/{line_id}", "shipping-address", "billing-address", "resend", "email"):
        assert f"/api/v1/customer/orders/{{number}}/{path}" in paths
    cancel = paths["/api/v1/customer/orders/{number}/cancel"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in cancel["parameters"])


def test_after_a_cancel_the_order_lists_its_refund_line_by_line(client, owner_order):
    headers = _bearer(owner_order)
    assert (
        _post(
            client, f"{BASE}/{owner_order.number}/cancel", {"reason": "Changed my mind"}, headers
        ).status_code
        == 200
    )

    body = client.get(f"{BASE}/{owner_order.number}", **headers).json()

    [refund] = body["refunds"]
    assert refund["amount"] == "123.95"
    assert refund["status"] == "pending"
    assert refund["expected_by"]  # the policy's refund days for the card
    kinds = [line["kind"] for line in refund["lines"]]
    assert "item" in kinds and "shipping" in kinds
    assert sum(Decimal(line["amount"]) for line in refund["lines"]) == Decimal("123.95")
