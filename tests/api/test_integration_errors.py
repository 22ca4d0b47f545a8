"""Store integration: bad input answers 422 with the field path, unknown references are named, and a
failing request writes nothing."""

from __future__ import annotations

from shopdesk.catalog.models import Product
from shopdesk.orders.models import Address, Customer, Order, OrderEvent
from tests.integration import fixtures
from tests.integration.payloads import StoreClient, order_payload, product_payload, shipment_payload

# Fixtures shared with tests/integration (this folder's conftest belongs to another area).
store = fixtures.store
store_with_order = fixtures.store_with_order
store_with_product = fixtures.store_with_product
store_with_shipment = fixtures.store_with_shipment


def _fields(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {item["field"]: item["message"] for item in response.json()["error"]["fields"]}


def test_schema_errors_name_the_field_path(store_with_product: StoreClient) -> None:
    payload = order_payload()
    payload["lines"][0]["quantity"] = 0
    payload["shipping_address"]["country"] = "XX"
    payload["payments"][0]["method"] = "bitcoin"
    payload["surprise"] = True

    response = store_with_product.put("/orders/KW00000001", payload)

    assert response.status_code == 422
    fields = _fields(response)
    assert fields["lines.0.quantity"] == "Input should be greater than 0"
    assert "ISO 3166" in fields["shipping_address.country"]
    assert "unknown payment method 'bitcoin'" in fields["payments.0.method"]
    assert fields["surprise"] == "Extra inputs are not permitted"


def test_money_never_takes_more_than_two_decimals_or_a_negative(store: StoreClient) -> None:
    payload = product_payload()
    payload["variants"][0]["price"] = "49.999"
    payload["variants"][1]["price"] = "-1"

    fields = _fields(store.put("/products/p-100", payload))

    assert set(fields) == {"variants.0.price", "variants.1.price"}


def test_order_number_must_have_the_store_format(store_with_product: StoreClient) -> None:
    response = store_with_product.put("/orders/12345", order_payload())

    assert response.status_code == 422
    assert "like KW00012345" in _fields(response)["number"]


def test_unknown_sku_is_named_with_its_path_and_nothing_is_written(store_with_product: StoreClient) -> None:
    payload = order_payload(lines=(("TS-100-M", 1), ("TS-100-S", 1), ("TS-404-M", 1)))

    response = store_with_product.put("/orders/KW00000001", payload)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unknown_reference"
    assert 'unknown SKU "TS-404-M" in lines.2.sku' in error["message"].replace("Unknown", "unknown")
    assert error["fields"][0]["field"] == "lines.2.sku"
    assert not Order.objects.exists()
    assert not Customer.objects.exists()


def test_shipment_of_an_unknown_order_is_404_naming_it(store: StoreClient) -> None:
    response = store.put("/orders/KW00000404/shipments/ship-1", shipment_payload())

    assert response.status_code == 404
    assert '"KW00000404"' in response.json()["error"]["message"]


def test_shipment_sku_not_in_the_order_is_named(store_with_order: StoreClient) -> None:
    response = store_with_order.put(
        "/orders/KW00000001/shipments/ship-1", shipment_payload(lines=(("TS-100-S", 1),))
    )

    assert response.status_code == 422
    assert 'SKU "TS-100-S"' in response.json()["error"]["message"]
    assert _fields(response) == {"lines.0.sku": response.json()["error"]["message"]}


def test_shipment_cannot_hold_more_than_the_order_left_to_ship(store_with_shipment: StoreClient) -> None:
    response = store_with_shipment.put(
        "/orders/KW00000001/shipments/ship-2", shipment_payload(lines=(("TS-100-M", 1),))
    )

    assert response.status_code == 422
    assert "only 0 of order KW00000001 are left to ship" in response.json()["error"]["message"]


def test_tracking_events_for_an_unknown_shipment_are_404(store: StoreClient) -> None:
    response = store.post(
        "/shipments/nope/tracking-events",
        {"events": [{"occurred_at": "2026-03-03T08:00:00Z", "status": "in_transit"}]},
    )

    assert response.status_code == 404
    assert '"nope"' in response.json()["error"]["message"]


def test_unknown_carrier_and_warehouse_are_refused(store_with_order: StoreClient) -> None:
    payload = shipment_payload()
    payload["carrier"] = "pigeon"
    payload["origin_warehouse"] = "moon"

    fields = _fields(store_with_order.put("/orders/KW00000001/shipments/ship-1", payload))

    assert "unknown carrier 'pigeon'" in fields["carrier"]
    assert "unknown warehouse 'moon'" in fields["origin_warehouse"]


def test_a_time_without_a_zone_is_refused(store_with_product: StoreClient) -> None:
    payload = order_payload()
    payload["placed_at"] = "2026-03-02T10:15:00"

    assert "placed_at" in _fields(store_with_product.put("/orders/KW00000001", payload))


def test_a_failing_order_update_leaves_the_order_as_it_was(store_with_order: StoreClient) -> None:
    """The payment conflicts (it belongs to another order) after the order rows were already changed."""
    other = order_payload(email="bob@example.com", payments=[])
    other["payments"] = [{"external_id": "pay-other", "method": "card", "amount": "98.00"}]
    assert store_with_order.put("/orders/KW00000002", other).status_code == 201
    changed = order_payload(total="90.00")
    changed["shipping_address"]["city"] = "Boston"
    changed["payments"][0]["external_id"] = "pay-other"

    response = store_with_order.put("/orders/KW00000001", changed)

    assert response.status_code == 409
    assert response.json()["error"]["fields"][0]["field"] == "payments.0.external_id"
    order = Order.objects.get(number="KW00000001")
    assert str(order.total) == "98.00"
    assert order.shipping_address.city == "New York"
    assert OrderEvent.objects.filter(order=order).count() == 1
    assert Address.objects.count() == 4


def test_sku_of_another_product_is_a_conflict(store_with_product: StoreClient) -> None:
    response = store_with_product.put("/products/p-200", product_payload(skus=("TS-100-M",), name="Other"))

    assert response.status_code == 409
    assert 'belongs to product "p-100"' in response.json()["error"]["message"]
    assert Product.objects.count() == 1


def test_a_shipped_line_cannot_be_dropped_from_the_order(store_with_shipment: StoreClient) -> None:
    payload = order_payload(lines=(("TS-100-S", 1),))

    response = store_with_shipment.put("/orders/KW00000001", payload)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "line_in_use"
    assert list(Order.objects.get().lines.values_list("sku", flat=True)) == ["TS-100-M"]


def test_payment_of_an_unknown_order_is_404(store: StoreClient) -> None:
    response = store.put(
        "/payments/pay-9", {"order_number": "KW00000404", "method": "card", "amount": "1.00"}
    )

    assert response.status_code == 404
    assert response.json()["error"]["fields"] == [
        {"field": "order_number", "message": response.json()["error"]["message"]}
    ]


def test_event_for_an_unknown_payment_is_404(store: StoreClient) -> None:
    response = store.post("/payments/nope/events", {"kind": "captured"})

    assert response.status_code == 404
    assert '"nope"' in response.json()["error"]["message"]


def test_declined_event_needs_a_decline_code(store_with_order: StoreClient) -> None:
    response = store_with_order.post("/payments/pay-1/events", {"kind": "declined"})

    assert response.status_code == 422
    assert "decline_code" in response.json()["error"]["fields"][0]["message"]


def test_a_captured_payment_cannot_be_declined(store_with_order: StoreClient) -> None:
    response = store_with_order.post(
        "/payments/pay-1/events", {"kind": "declined", "decline_code": "do_not_honor"}
    )

    assert response.status_code == 409


def test_an_update_keeping_fewer_units_than_an_agent_refunded_is_a_conflict(
    store_with_shipment: StoreClient,
) -> None:
    from shopdesk.core.actors import Actor
    from shopdesk.selfservice.services.refund_lines import order_refund_lines

    order = Order.objects.get()
    line = order.lines.get()
    order_refund_lines(order=order, actor=Actor.agent("maria"), lines=[(line.pk, 2)], reason="Parcel lost")

    response = store_with_shipment.put("/orders/KW00000001", order_payload(lines=(("TS-100-M", 1),)))

    assert response.status_code == 409, response.json()
    assert "2 unit(s) were returned or refunded" in response.json()["error"]["message"]
    line.refresh_from_db()
    assert (line.quantity, line.quantity_refunded) == (2, 2)
