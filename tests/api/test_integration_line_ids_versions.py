"""Order lines keyed by the store's line id (one SKU on two lines), and store versions of an order: an
update older than what shopdesk has is answered `stale` and writes nothing, whatever order they arrive in."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import Order, OrderEvent, OrderLine
from shopdesk.shipping.models import ShipmentLine
from tests.integration import fixtures
from tests.integration.payloads import StoreClient, order_payload, shipment_payload

store = fixtures.store
store_with_product = fixtures.store_with_product
store_with_order = fixtures.store_with_order

NUMBER = "KW00000002"


def _two_lines_of_one_sku(**extra: Any) -> dict[str, Any]:
    payload = order_payload(total="147.00", payments=[])
    payload["lines"] = [
        {"external_id": "li-1", "sku": "TS-100-M", "quantity": 1, "unit_price": "49.00"},
        {
            "external_id": "li-2",
            "sku": "TS-100-M",
            "quantity": 2,
            "unit_price": "49.00",
            "product_name": "Gift",
        },
    ]
    return payload | extra


def test_one_sku_on_two_lines_with_their_ids(store_with_product: StoreClient) -> None:
    response = store_with_product.put(f"/orders/{NUMBER}", _two_lines_of_one_sku())

    assert response.status_code == 201, response.json()
    lines = list(OrderLine.objects.filter(order__number=NUMBER).values_list("external_id", "sku", "quantity"))
    assert lines == [("li-1", "TS-100-M", 1), ("li-2", "TS-100-M", 2)]
    again = store_with_product.put(f"/orders/{NUMBER}", _two_lines_of_one_sku())
    assert again.json()["status"] == "unchanged"


def test_lines_are_matched_by_id_not_by_position(store_with_product: StoreClient) -> None:
    store_with_product.put(f"/orders/{NUMBER}", _two_lines_of_one_sku())
    first_ids = dict(OrderLine.objects.filter(order__number=NUMBER).values_list("external_id", "pk"))
    payload = _two_lines_of_one_sku()
    payload["lines"] = list(reversed(payload["lines"]))
    payload["lines"][0]["quantity"] = 3  # li-2 now has 3

    response = store_with_product.put(f"/orders/{NUMBER}", payload | {"total": "196.00"})

    assert response.json()["status"] == "updated"
    rows = {line.external_id: line for line in OrderLine.objects.filter(order__number=NUMBER)}
    assert {key: line.pk for key, line in rows.items()} == first_ids  # same rows, updated in place
    assert rows["li-2"].quantity == 3 and rows["li-1"].quantity == 1
    event = OrderEvent.objects.filter(order__number=NUMBER, kind=OrderEventKind.UPDATED).get()
    assert event.after["lines.TS-100-M[li-2].quantity"] == 3
    assert "lines.TS-100-M[li-1].quantity" not in event.after


def test_a_sku_on_two_lines_without_ids_is_refused(store_with_product: StoreClient) -> None:
    payload = _two_lines_of_one_sku()
    del payload["lines"][1]["external_id"]

    response = store_with_product.put(f"/orders/{NUMBER}", payload)

    assert response.status_code == 422
    assert "external_id" in response.json()["error"]["fields"][0]["message"]
    assert not Order.objects.filter(number=NUMBER).exists()


def test_a_line_id_twice_is_refused(store_with_product: StoreClient) -> None:
    payload = _two_lines_of_one_sku()
    payload["lines"][1]["external_id"] = "li-1"

    assert store_with_product.put(f"/orders/{NUMBER}", payload).status_code == 422


def test_a_line_first_sent_without_id_takes_it_on(store_with_order: StoreClient) -> None:
    line = OrderLine.objects.get(order__number="KW00000001")
    payload = order_payload()
    payload["lines"][0]["external_id"] = "li-9"

    response = store_with_order.put("/orders/KW00000001", payload)

    assert response.json()["status"] == "updated"
    line.refresh_from_db()
    assert line.external_id == "li-9"
    assert OrderLine.objects.filter(order__number="KW00000001").count() == 1


def test_a_package_names_one_of_two_lines_by_its_id(store_with_product: StoreClient) -> None:
    store_with_product.put(f"/orders/{NUMBER}", _two_lines_of_one_sku())
    ambiguous = store_with_product.put(
        f"/orders/{NUMBER}/shipments/s-1", shipment_payload(lines=(("TS-100-M", 1),))
    )
    assert ambiguous.status_code == 422
    assert ambiguous.json()["error"]["fields"][0]["field"] == "lines.0.line_external_id"

    body = shipment_payload(lines=())
    body["lines"] = [
        {"sku": "TS-100-M", "quantity": 2, "line_external_id": "li-2"},
        {"sku": "TS-100-M", "quantity": 1, "line_external_id": "li-1"},
    ]
    response = store_with_product.put(f"/orders/{NUMBER}/shipments/s-1", body)

    assert response.status_code == 201, response.json()
    packed = dict(ShipmentLine.objects.values_list("order_line__external_id", "quantity"))
    assert packed == {"li-1": 1, "li-2": 2}
    too_many = dict(body, lines=[{"sku": "TS-100-M", "quantity": 3, "line_external_id": "li-1"}])
    assert store_with_product.put(f"/orders/{NUMBER}/shipments/s-2", too_many).status_code == 422


# --- store versions --------------------------------------------------------------------------------
def _at(hour: int) -> str:
    return f"2026-03-02T{hour:02d}:00:00+00:00"


def test_an_older_update_is_stale_and_writes_nothing(store_with_product: StoreClient) -> None:
    newer = order_payload(lines=(("TS-100-M", 3),), total="147.00", payments=[]) | {"updated_at": _at(12)}
    older = order_payload(lines=(("TS-100-M", 1),), total="49.00", payments=[]) | {"updated_at": _at(11)}
    assert store_with_product.put(f"/orders/{NUMBER}", newer).status_code == 201
    events_before = OrderEvent.objects.count()

    response = store_with_product.put(f"/orders/{NUMBER}", older)

    assert response.status_code == 200
    assert response.json()["status"] == "stale"
    order = Order.objects.get(number=NUMBER)
    assert order.lines.get().quantity == 3
    assert order.total == Decimal("147.00")
    assert OrderEvent.objects.count() == events_before


def test_out_of_order_deliveries_end_at_the_newest(store_with_product: StoreClient) -> None:
    versions = {
        hour: order_payload(lines=(("TS-100-M", hour - 9),), total=f"{49 * (hour - 9)}.00", payments=[])
        | {"updated_at": _at(hour)}
        for hour in (10, 11, 12)
    }
    statuses = [
        store_with_product.put(f"/orders/{NUMBER}", versions[hour]).json()["status"] for hour in (10, 12, 11)
    ]

    assert statuses == ["created", "updated", "stale"]
    order = Order.objects.get(number=NUMBER)
    assert order.lines.get().quantity == 3
    assert order.source_updated_at is not None and order.source_updated_at.hour == 12
    # The newest again (a replayed delivery) changes nothing.
    assert store_with_product.put(f"/orders/{NUMBER}", versions[12]).json()["status"] == "unchanged"


def test_revisions_compare_like_times(store_with_product: StoreClient) -> None:
    base = order_payload(payments=[])
    assert store_with_product.put(f"/orders/{NUMBER}", base | {"revision": 5}).status_code == 201

    stale = store_with_product.put(f"/orders/{NUMBER}", base | {"revision": 4, "email": "new@example.com"})
    newer = store_with_product.put(f"/orders/{NUMBER}", base | {"revision": 6, "email": "new@example.com"})

    assert stale.json()["status"] == "stale"
    assert newer.json()["status"] == "updated"
    assert Order.objects.get(number=NUMBER).source_revision == 6


def test_bulk_counts_stale_items(store_with_product: StoreClient) -> None:
    newer = order_payload(payments=[]) | {"type": "order", "number": NUMBER, "revision": 2}
    older = order_payload(payments=[]) | {"type": "order", "number": NUMBER, "revision": 1}

    body = store_with_product.post("/bulk", {"items": [newer, older]}).json()

    assert [result["status"] for result in body["results"]] == ["created", "stale"]
    assert body["summary"]["stale"] == 1
