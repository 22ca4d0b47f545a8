"""POST /store/bulk: mixed items in dependency order, a result per item, each item atomic on its own."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopdesk.catalog.models import Product
from shopdesk.orders.models import Order, OrderEvent
from shopdesk.shipping.models import Shipment, TrackingEvent
from tests.integration import fixtures
from tests.integration.payloads import StoreClient, order_payload, product_payload, shipment_payload

# Fixtures shared with tests/integration (this folder's conftest belongs to another area).
store = fixtures.store


def _mixed_batch() -> list[dict[str, Any]]:
    """Sent in the wrong order on purpose: the scan first, the product last."""
    return [
        {
            "type": "tracking_event",
            "shipment_external_id": "ship-1",
            "occurred_at": "2026-03-03T08:00:00Z",
            "status": "in_transit",
        },
        {"type": "shipment", "order_number": "KW00000001", "external_id": "ship-1", **shipment_payload()},
        {"type": "order", "number": "KW00000001", **order_payload()},
        {"type": "customer", "external_id": "c-1", "email": "ada@example.com", "name": "Ada"},
        {"type": "payment_event", "external_id": "pay-1", "kind": "verified"},
        {"type": "product", "external_id": "p-100", **product_payload()},
    ]


def test_mixed_batch_is_applied_in_dependency_order(store: StoreClient) -> None:
    response = store.post("/bulk", {"items": _mixed_batch()})

    body = response.json()
    assert response.status_code == 200, body
    assert body["committed"] is True
    assert [(r["index"], r["type"], r["status"]) for r in body["results"]] == [
        (0, "tracking_event", "created"),
        (1, "shipment", "created"),
        (2, "order", "created"),
        (3, "customer", "created"),
        (4, "payment_event", "updated"),
        (5, "product", "created"),
    ]
    assert Shipment.objects.get().status == "in_transit"


def test_same_batch_twice_is_all_unchanged_with_no_new_rows(store: StoreClient) -> None:
    store.post("/bulk", {"items": _mixed_batch()})
    events = OrderEvent.objects.count()

    body = store.post("/bulk", {"items": _mixed_batch()}).json()

    assert body["summary"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 6,
        "stale": 0,
        "error": 0,
        "rolled_back": 0,
    }
    assert OrderEvent.objects.count() == events
    assert TrackingEvent.objects.count() == 1


def test_a_bad_item_is_reported_and_the_good_ones_are_kept(store: StoreClient) -> None:
    bad_order = {
        "type": "order",
        "number": "KW00000002",
        **order_payload(lines=(("TS-100-M", 1), ("TS-404-M", 1))),
    }
    invalid = {"type": "order", "number": "KW00000003", **order_payload()}
    invalid["lines"][0]["quantity"] = 0
    items = [
        {"type": "product", "external_id": "p-100", **product_payload()},
        {"type": "order", "number": "KW00000001", **order_payload()},
        bad_order,
        invalid,
        {"type": "parcel"},
        {"type": ["order"]},
    ]

    body = store.post("/bulk", {"items": items}).json()

    assert [r["status"] for r in body["results"]] == [
        "created",
        "created",
        "error",
        "error",
        "error",
        "error",
    ]
    assert body["results"][2]["error"]["fields"][0]["field"] == "lines.1.sku"
    assert "TS-404-M" in body["results"][2]["error"]["message"]
    assert body["results"][3]["error"]["fields"] == [
        {"field": "lines.0.quantity", "message": "Input should be greater than 0"}
    ]
    assert body["results"][4]["error"]["fields"][0]["field"] == "type"
    assert body["results"][5]["error"]["fields"][0]["field"] == "type"
    assert list(Order.objects.values_list("number", flat=True)) == ["KW00000001"]


def test_atomic_batch_writes_nothing_when_an_item_fails(store: StoreClient) -> None:
    items = [
        {"type": "product", "external_id": "p-100", **product_payload()},
        {"type": "order", "number": "KW00000001", **order_payload(lines=(("TS-404-M", 1),))},
    ]

    response = store.client.post(
        "/api/v1/store/bulk?atomic=true",
        data={"items": items},
        content_type="application/json",
        headers=store.headers,
    )

    body = response.json()
    assert response.status_code == 422
    assert body["committed"] is False
    assert [r["status"] for r in body["results"]] == ["rolled_back", "error"]
    assert not Product.objects.exists()


def test_atomic_batch_commits_when_every_item_is_good(store: StoreClient) -> None:
    items = [
        {"type": "product", "external_id": "p-100", **product_payload()},
        {"type": "order", "number": "KW00000001", **order_payload(payments=[])},
    ]

    response = store.client.post(
        "/api/v1/store/bulk?atomic=true",
        data={"items": items},
        content_type="application/json",
        headers=store.headers,
    )

    assert response.status_code == 200
    assert Order.objects.count() == 1


def test_an_empty_batch_is_refused(store: StoreClient) -> None:
    response = store.post("/bulk", {"items": []})

    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "items"


JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
ITEM_KEYS = st.sampled_from(
    [
        "type",
        "number",
        "external_id",
        "email",
        "lines",
        "variants",
        "sku",
        "quantity",
        "total",
        "placed_at",
        "order_number",
        "kind",
        "status",
        "occurred_at",
    ]
)
ITEMS = st.dictionaries(
    ITEM_KEYS, JSON_VALUES | st.sampled_from(["order", "product", "payment_event"]), max_size=6
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(ITEMS, min_size=1, max_size=4))
def test_any_json_items_get_a_result_each_never_a_server_error(store: StoreClient, batch: list[Any]) -> None:
    response = store.post("/bulk", {"items": batch})

    assert response.status_code == 200
    assert len(response.json()["results"]) == len(batch)
