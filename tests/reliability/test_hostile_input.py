"""Hostile and clumsy input in every text field of the store API and the customer API.

NUL and control characters, lone surrogates, very long strings, odd Unicode, far dates, unknown
locales and currencies, amounts with other exponents, wrong JSON types. Every answer is 2xx or a 4xx
in the error envelope, and the order's page still renders afterwards.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopdesk.access.services import session_open_by_lookup
from tests.integration import fixtures
from tests.integration.payloads import StoreClient, order_payload

pytestmark = pytest.mark.xdist_group("hostile-input")
store = fixtures.store
store_with_product = fixtures.store_with_product
store_with_order = fixtures.store_with_order

NUMBER = "KW00000001"
HOSTILE_TEXT = st.one_of(
    st.text(alphabet=st.characters(max_codepoint=0x20), max_size=20),  # control characters, NUL
    st.text(alphabet=st.characters(categories=["Cs", "Co", "Cf", "Zl", "Zp", "Mn"]), max_size=20),
    st.text(min_size=300, max_size=6000),  # longer than any column
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "\u202eevil",
            "\ud800",
            "zz",
            "x" * 20,
            "en_US; DROP TABLE",
            "9999-12-31T23:59:59Z",
            "0001-01-01T00:00:00+00:00",
            "2026-02-30T00:00:00Z",
            "XXX",
            "JPY",
            "1e400",
            "12.345",
            "-0.00",
            "NaN",
            "Infinity",
            "",
            " ",
            "ＫＷ００００００００１",
            "%00",
            "{{ 7*7 }}",
            "<script>alert(1)</script>",
        ]
    ),
)
HOSTILE_VALUE = st.one_of(
    HOSTILE_TEXT,
    st.none(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.just([]),
    st.just({}),
)
ORDER_TEXT_FIELDS = [
    ("email",),
    ("locale",),
    ("currency",),
    ("placed_at",),
    ("cancelled_at",),
    ("notes",),
    ("cancel_reason",),
    ("shipping_method",),
    ("total",),
    ("subtotal",),
    ("shipping_address", "name"),
    ("shipping_address", "company"),
    ("shipping_address", "line1"),
    ("shipping_address", "line2"),
    ("shipping_address", "city"),
    ("shipping_address", "region"),
    ("shipping_address", "postcode"),
    ("shipping_address", "country"),
    ("shipping_address", "phone"),
    ("lines", 0, "sku"),
    ("lines", 0, "product_name"),
    ("lines", 0, "unit_price"),
    ("coupons", 0, "code"),
    ("payments", 0, "external_id"),
    ("payments", 0, "provider"),
    ("payments", 0, "currency"),
    ("payments", 0, "card_brand"),
    ("payments", 0, "decline_code"),
    ("payments", 0, "amount"),
    ("payments", 0, "created_at"),
]
HOSTILE = settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def assert_answer_in_envelope(response: Any) -> None:
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"}, body
        assert isinstance(body["error"]["code"], str) and isinstance(body["error"]["message"], str)


def assert_order_page_renders() -> None:
    from shopdesk.orders.models import Order

    order = Order.objects.get(number=NUMBER)
    issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="10.99.0.1")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}
    client = Client()
    assert client.get(f"/api/v1/customer/orders/{NUMBER}", **auth).status_code == 200
    from django.core.cache import cache

    cache.clear()  # the page must render from the rows, not from a copy cached before


def _set(payload: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(payload)
    target: Any = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


def test_hostile_values_in_any_order_field(store_with_order: StoreClient) -> None:
    base = order_payload()

    @HOSTILE
    @given(path=st.sampled_from(ORDER_TEXT_FIELDS), value=HOSTILE_VALUE)
    def send(path: tuple[Any, ...], value: Any) -> None:
        response = store_with_order.put(f"/orders/{NUMBER}", _set(base, path, value))
        assert_answer_in_envelope(response)
        assert_order_page_renders()

    send()


def test_hostile_values_in_customer_api_fields(store_with_order: StoreClient) -> None:
    from shopdesk.orders.models import Order

    order = Order.objects.get(number=NUMBER)
    address = {"name": "Ada", "line1": "1 Main St", "city": "New York", "postcode": "10002", "country": "US"}
    endpoints: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
        (
            "/api/v1/customer/session",
            {"order_number": NUMBER, "email": order.email},
            ("order_number", "email"),
        ),
        ("/api/v1/customer/magic-link", {"email": order.email}, ("email",)),
        ("/api/v1/customer/magic-link/session", {"token": "x" * 20}, ("token",)),
        (f"/api/v1/customer/orders/{NUMBER}/shipping-address", address, tuple(address)),
        (f"/api/v1/customer/orders/{NUMBER}/billing-address", address, tuple(address)),
        (f"/api/v1/customer/orders/{NUMBER}/cancel", {"reason": "changed my mind"}, ("reason",)),
        (f"/api/v1/customer/orders/{NUMBER}/email", {"new_email": "new@example.com"}, ("new_email",)),
        (f"/api/v1/customer/orders/{NUMBER}/resend", {"template": "confirmation"}, ("template",)),
        ("/api/v1/customer/email-change/confirm", {"token": "y" * 30}, ("token",)),
    ]

    @HOSTILE
    @given(endpoint=st.sampled_from(endpoints), data=st.data())
    def send(endpoint: tuple[str, dict[str, Any], tuple[str, ...]], data: st.DataObject) -> None:
        from django.core.cache import cache

        cache.clear()  # rate limits would turn every later answer into a 429
        url, body, fields = endpoint
        field = data.draw(st.sampled_from(fields))
        value = data.draw(HOSTILE_VALUE)
        issued = session_open_by_lookup(order_number=NUMBER, email=order.email, client_ip="10.98.0.1")
        try:
            raw = json.dumps({**body, field: value})
        except (UnicodeEncodeError, ValueError):
            return
        response = Client().post(
            url, raw, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {issued.token}"
        )
        assert_answer_in_envelope(response)
        assert_order_page_renders()

    send()


@pytest.mark.django_db
def test_hostile_query_strings_and_paths(client: Client) -> None:
    @HOSTILE
    @given(value=HOSTILE_TEXT)
    def send(value: str) -> None:
        try:
            value.encode()
        except UnicodeEncodeError:
            return  # a lone surrogate cannot travel in a URL at all
        for response in (
            client.get("/api/v1/help/search", {"q": value}),
            client.get("/api/v1/help/payment-methods", {"country": value}),
            client.get(f"/api/v1/help/articles/{value[:200]}".replace("?", "%3F").replace("#", "%23")),
        ):
            assert_answer_in_envelope(response)

    send()
