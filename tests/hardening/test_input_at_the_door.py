"""What a hostile or clumsy client sent that used to break an order: each is now a 422 naming the field.

NUL bytes and other control characters, unknown or over-long locales, far dates, amounts with more
decimals than the currency has, a payment in another currency than its order.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from shopdesk.access.services import session_open_by_lookup
from shopdesk.orders.models import Customer, Order
from shopdesk.payments.models import Payment
from tests.integration import fixtures
from tests.integration.payloads import StoreClient, order_payload

store = fixtures.store
store_with_product = fixtures.store_with_product
store_with_order = fixtures.store_with_order


def _fields(response: Any) -> list[str]:
    body = response.json()
    assert set(body) == {"error"}, body
    return [item["field"] for item in body["error"].get("fields", [])]


def _page_renders(number: str) -> None:
    order = Order.objects.get(number=number)
    issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="10.9.9.9")
    response = Client().get(
        f"/api/v1/customer/orders/{order.number}", HTTP_AUTHORIZATION=f"Bearer {issued.token}"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("email",), "ada\x00@example.com"),
        (("shipping_address", "line1"), "12 Orchard\x00 Street"),
        (("shipping_address", "city"), "New\x1bYork"),
        (("notes",), "call me\x00"),
        (("lines", 0, "product_name"), "shirt\x07"),
        (("coupons", 0, "code"), "WEL\x00COME"),
    ],
)
def test_a_control_character_in_any_order_field_is_a_422_naming_it(
    store_with_product: StoreClient, path: tuple[Any, ...], value: str
) -> None:
    payload = order_payload()
    target: Any = payload
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value

    response = store_with_product.put("/orders/KW00000001", payload)

    assert response.status_code == 422
    assert ".".join(str(p) for p in path) in _fields(response)
    assert not Order.objects.exists()


def test_a_nul_byte_in_a_product_name_is_a_422(store: StoreClient) -> None:
    from tests.integration.payloads import product_payload

    response = store.put("/products/p-1", product_payload(name="Linen\x00shirt"))
    assert response.status_code == 422 and "name" in _fields(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/customer/magic-link", {"email": "ada\x00@example.com"}),
        ("/api/v1/customer/session", {"order_number": "KW0000\x0001", "email": "ada@example.com"}),
        ("/api/v1/customer/magic-link/session", {"token": "abcdefghijklmn\x00op"}),
    ],
)
def test_the_public_customer_endpoints_refuse_a_nul_byte(client: Client, path: str, body: dict) -> None:
    response = client.post(path, json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert _fields(response)


@pytest.mark.django_db
def test_a_nul_byte_in_the_query_string_or_path_is_a_422_in_the_envelope(client: Client) -> None:
    search = client.get("/api/v1/help/search", {"q": "refund\x00"})
    assert search.status_code == 422 and _fields(search) == ["q"]
    order = client.get("/api/v1/customer/orders/KW%001")
    assert order.status_code == 422 and _fields(order) == ["path"]


@pytest.mark.django_db
def test_a_nul_byte_in_a_web_form_is_refused(client: Client) -> None:
    form = urlencode({"order_number": "KW00000001", "email": "a\x01@example.com"})
    response = client.post("/orders/", form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422
    assert "control character" in response.content.decode()


@pytest.mark.parametrize("locale", ["zz", "x" * 18, "en_US; DROP", "fr_FR_bogus_variant_x"])
def test_an_unknown_or_over_long_locale_is_a_422_naming_the_field(
    store_with_product: StoreClient, locale: str
) -> None:
    payload = order_payload()
    payload["locale"] = locale
    response = store_with_product.put("/orders/KW00000001", payload)
    assert response.status_code == 422 and "locale" in _fields(response)
    customer = store_with_product.put("/customers/c-1", {"email": "ada@example.com", "locale": locale})
    assert customer.status_code == 422 and "locale" in _fields(customer)


def test_a_known_locale_is_stored_in_babels_form(store_with_product: StoreClient) -> None:
    payload = order_payload()
    payload["locale"] = "fr-fr"
    assert store_with_product.put("/orders/KW00000001", payload).status_code == 201
    assert Order.objects.get().locale == "fr_FR"


def test_an_order_whose_stored_locale_is_unusable_still_renders(store_with_order: StoreClient) -> None:
    # Data written before the check existed (or straight into the database).
    Order.objects.update(locale="zz")
    Customer.objects.update(locale="zz")
    _page_renders("KW00000001")


@pytest.mark.parametrize("placed_at", ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00"])
def test_a_date_outside_a_sane_range_is_a_422(store_with_product: StoreClient, placed_at: str) -> None:
    payload = order_payload()
    payload["placed_at"] = placed_at
    response = store_with_product.put("/orders/KW00000001", payload)
    assert response.status_code == 422 and "placed_at" in _fields(response)


def test_an_amount_with_more_decimals_than_the_currency_is_a_422(store_with_product: StoreClient) -> None:
    payload = order_payload()
    payload["currency"] = "JPY"
    payload["lines"][0]["unit_price"] = "49.50"
    payload["total"] = "99"
    payload["payments"] = []
    response = store_with_product.put("/orders/KW00000001", payload)
    assert response.status_code == 422
    assert "lines.0.unit_price" in response.json()["error"]["fields"][0]["message"]
    assert "JPY" in response.json()["error"]["fields"][0]["message"]
    payload["lines"][0]["unit_price"] = "49"
    payload["total"] = "98"
    assert store_with_product.put("/orders/KW00000001", payload).status_code == 201


def test_a_payment_in_another_currency_than_its_order_is_refused(store_with_order: StoreClient) -> None:
    inline = order_payload()
    inline["payments"][0]["currency"] = "EUR"
    response = store_with_order.put("/orders/KW00000001", inline)
    assert response.status_code == 422
    standalone = store_with_order.put(
        "/payments/pay-2",
        {
            "order_number": "KW00000001",
            "method": "card",
            "currency": "EUR",
            "amount": "10.00",
            "state": "pending",
        },
    )
    assert standalone.status_code == 422
    assert standalone.json()["error"]["code"] == "currency_mismatch"
    assert not Payment.objects.filter(currency="EUR").exists()


def test_a_three_decimal_currency_is_stored_and_refunded_to_the_last_fils(
    store_with_product: StoreClient,
) -> None:
    # Kuwaiti dinars have three decimals: 9.995 must stay 9.995 from the door to the refund.
    from shopdesk.core.actors import Actor
    from shopdesk.payments.models import Payment, Refund
    from shopdesk.selfservice.services.cancel import order_cancel

    payload = order_payload(total="19.990")
    payload["currency"] = "KWD"
    payload["lines"][0]["unit_price"] = "9.995"
    payload["payments"][0]["currency"] = "KWD"
    response = store_with_product.put("/orders/KW00000001", payload)
    assert response.status_code == 201, response.json()
    order = Order.objects.get()
    assert order.total == Decimal("19.990")
    assert order.lines.get().unit_price == Decimal("9.995")

    order_cancel(order=order, actor=Actor.customer(order.email))
    assert sum(refund.amount for refund in Refund.objects.filter(order=order)) == Decimal("19.990")
    assert Payment.objects.get().amount_refunded == Decimal("19.990")
    payload["lines"][0]["unit_price"] = "9.9951"
    response = store_with_product.put("/orders/KW00000002", payload)
    assert response.status_code == 422 and "lines.0.unit_price" in str(response.json()["error"])


def test_a_two_decimal_amount_reads_back_with_two_decimals(store_with_order: StoreClient) -> None:
    order = Order.objects.get()
    assert str(order.total) == "98.00"
