"""Hostile input in every field of every store API write, found by walking a valid body.

The order fields have their own module (test_hostile_input). Here every other write of the store API —
products, customers, shipments, tracking events, payments, payment events and the bulk endpoint — gets
one valid body; each of its leaves (and each path segment) is replaced in turn by a hostile value. Any
field added to these bodies later is fuzzed too, without a list to keep up to date. Every answer is 2xx or
a 4xx in the error envelope, and the order's page still renders afterwards.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.integration import fixtures
from tests.integration.payloads import StoreClient, product_payload, shipment_payload
from tests.reliability.test_hostile_input import (
    HOSTILE,
    HOSTILE_TEXT,
    HOSTILE_VALUE,
    NUMBER,
    assert_answer_in_envelope,
    assert_order_page_renders,
)

pytestmark = pytest.mark.xdist_group("hostile-input")
store = fixtures.store
store_with_product = fixtures.store_with_product
store_with_order = fixtures.store_with_order
store_with_shipment = fixtures.store_with_shipment

Path = tuple[Any, ...]

TRACKING = {
    "events": [
        {
            "occurred_at": "2026-03-03T18:02:00+00:00",
            "status": "in_transit",
            "location": "Newark, NJ",
            "description": "Departed facility",
        }
    ]
}
PAYMENT = {
    "order_number": NUMBER,
    "method": "card",
    "provider": "stripe",
    "provider_reference": "ch_1",
    "currency": "USD",
    "amount": "10.00",
    "amount_authorised": "0.00",
    "amount_captured": "0.00",
    "state": "pending",
    "card_brand": "visa",
    "card_last4": "4242",
    "created_at": "2026-03-02T10:20:00+00:00",
}
PAYMENT_EVENT = {"kind": "declined", "amount": "98.00", "decline_code": "insufficient_funds"}
CUSTOMER = {
    "email": "grace@example.com",
    "name": "Grace",
    "locale": "en_US",
    "country": "US",
    "phone": "+1 555",
}

# (method, path template, body); the path's {…} segments are fuzzed too.
WRITES: list[tuple[str, str, dict[str, Any]]] = [
    ("put", "/products/{p-200}", {**product_payload(skus=("TS-200-S",)), "description": "Soft"}),
    ("put", "/customers/{c-1}", CUSTOMER),
    ("put", "/customers/by-email/{grace@example.com}", CUSTOMER),
    ("put", "/orders/" + NUMBER + "/shipments/{ship-1}", {**shipment_payload(), "shipped_at": None}),
    ("post", "/shipments/{ship-1}/tracking-events", TRACKING),
    ("put", "/payments/{pay-2}", PAYMENT),
    ("post", "/payments/{pay-2}/events", PAYMENT_EVENT),
    ("post", "/payments/{pay-1}/events", {"kind": "captured", "amount": "98.00"}),
]
BULK = {
    "items": [
        {"type": "product", "external_id": "p-300", **product_payload(skus=("TS-300-M",))},
        {"type": "customer", "external_id": "c-2", **CUSTOMER},
        {"type": "payment", "external_id": "pay-3", **PAYMENT},
        {"type": "payment_event", "external_id": "pay-1", "kind": "captured", "amount": "98.00"},
        {"type": "shipment", "order_number": NUMBER, "external_id": "ship-1", **shipment_payload()},
        {"type": "tracking_event", "shipment_external_id": "ship-1", **TRACKING["events"][0]},
    ]
}


def leaves(value: Any, path: Path = ()) -> Iterator[Path]:
    """Every position in a JSON body where a value sits, containers included (they can be replaced too)."""
    if path:
        yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))


def replaced(body: Any, path: Path, value: Any) -> Any:
    changed = copy.deepcopy(body)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


def send(store: StoreClient, method: str, path: str, body: Any) -> Any:
    try:
        raw = json.dumps(body)
    except (UnicodeEncodeError, ValueError):
        return None
    call = getattr(store.client, method)
    return call(f"/api/v1/store{path}", data=raw, content_type="application/json", headers=store.headers)


def fill(template: str, hostile: str | None = None) -> str:
    """The path with its {…} segment as written, or replaced by a hostile (URL-safe) value."""
    head, _, rest = template.partition("{")
    segment, _, tail = rest.partition("}")
    if not _:
        return template
    value = (
        segment if hostile is None else hostile.replace("/", "%2F").replace("?", "%3F").replace("#", "%23")
    )
    return f"{head}{value}{tail}"


def test_every_template_body_is_accepted_as_written(store_with_shipment: StoreClient) -> None:
    """The fuzzing starts from bodies the API accepts, so each replaced leaf is the only fault."""
    for method, template, body in WRITES:
        response = send(store_with_shipment, method, fill(template), body)
        assert response.status_code in (200, 201), (template, response.json())
    response = send(store_with_shipment, "post", "/bulk", BULK)
    assert response.status_code == 200, response.json()
    results = response.json()["results"]
    assert all(item["status"] in ("created", "updated", "unchanged") for item in results), results


def test_hostile_values_in_any_field_of_the_store_writes(store_with_shipment: StoreClient) -> None:
    targets = [(method, template, body, path) for method, template, body in WRITES for path in leaves(body)]

    @HOSTILE
    @given(target=st.sampled_from(targets), value=HOSTILE_VALUE)
    def run(target: tuple[str, str, dict[str, Any], Path], value: Any) -> None:
        method, template, body, path = target
        response = send(store_with_shipment, method, fill(template), replaced(body, path, value))
        if response is not None:
            assert_answer_in_envelope(response)
        assert_order_page_renders()

    run()


def test_hostile_values_in_any_field_of_a_bulk_item(store_with_shipment: StoreClient) -> None:
    targets = [path for path in leaves(BULK) if len(path) > 2]  # inside one item: ("items", i, field, …)

    @HOSTILE
    @given(path=st.sampled_from(targets), value=HOSTILE_VALUE, atomic=st.booleans())
    def run(path: Path, value: Any, atomic: bool) -> None:
        url = "/bulk?atomic=true" if atomic else "/bulk"
        response = send(store_with_shipment, "post", url, replaced(BULK, path, value))
        if response is None:
            return
        assert response.status_code in (200, 422), response.content[:300]
        results = response.json()["results"]
        assert len(results) == len(BULK["items"])
        assert_order_page_renders()

    run()


def test_hostile_path_segments_of_the_store_writes(store_with_shipment: StoreClient) -> None:
    @HOSTILE
    @given(write=st.sampled_from(WRITES), value=HOSTILE_TEXT.filter(bool))
    def run(write: tuple[str, str, dict[str, Any]], value: str) -> None:
        method, template, body = write
        try:
            value.encode()
        except UnicodeEncodeError:
            return  # a lone surrogate cannot travel in a URL at all
        response = send(store_with_shipment, method, fill(template, value), body)
        assert response is not None
        assert_answer_in_envelope(response)
        assert_order_page_renders()

    run()
