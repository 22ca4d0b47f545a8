"""Store integration: each upsert endpoint's happy path, and the same input twice changes nothing."""

from __future__ import annotations

from decimal import Decimal

from shopdesk.catalog.models import PriceChange, Product, Variant
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import Customer, Order, OrderEvent
from shopdesk.payments.models import Payment
from shopdesk.shipping.enums import TrackingStatus
from shopdesk.shipping.models import Shipment, TrackingEvent
from tests.integration import fixtures
from tests.integration.payloads import StoreClient, order_payload, product_payload, shipment_payload

# Fixtures shared with tests/integration (this folder's conftest belongs to another area).
store = fixtures.store
store_with_order = fixtures.store_with_order
store_with_product = fixtures.store_with_product
store_with_shipment = fixtures.store_with_shipment


def test_product_is_created_then_unchanged(store: StoreClient) -> None:
    first = store.put("/products/p-100", product_payload())
    second = store.put("/products/p-100", product_payload())

    assert first.status_code == 201
    assert first.json()["status"] == "created"
    assert second.status_code == 200
    assert second.json()["status"] == "unchanged"
    assert Product.objects.count() == 1
    assert Variant.objects.filter(product__external_id="p-100").count() == 2
    assert PriceChange.objects.count() == 2  # one starting price per variant, not one per request


def test_a_new_price_appends_a_price_change(store_with_product: StoreClient) -> None:
    response = store_with_product.put("/products/p-100", product_payload(price="39.90"))

    assert response.json()["status"] == "updated"
    variant = Variant.objects.get(sku="TS-100-M")
    assert variant.price == Decimal("39.90")
    assert list(variant.price_history.values_list("price", flat=True)) == [Decimal("49.00"), Decimal("39.90")]


def test_a_variant_left_out_is_deactivated_not_deleted(store_with_product: StoreClient) -> None:
    store_with_product.put("/products/p-100", product_payload(skus=("TS-100-M",)))

    assert Variant.objects.get(sku="TS-100-S").active is False


def test_price_as_a_json_number_is_exact(store: StoreClient) -> None:
    payload = product_payload()
    payload["variants"][0]["price"] = 19.9

    store.put("/products/p-100", payload)

    assert Variant.objects.get(sku="TS-100-S").price == Decimal("19.90")


def test_customer_by_external_id_links_the_customer_known_by_email(store_with_order: StoreClient) -> None:
    response = store_with_order.put("/customers/c-7", {"email": "ada@example.com", "name": "Ada Lovelace"})

    assert response.json()["status"] == "updated"
    customer = Customer.objects.get(email="ada@example.com")
    assert (customer.external_id, customer.name) == ("c-7", "Ada Lovelace")
    assert (
        store_with_order.put("/customers/c-7", {"email": "ada@example.com", "name": "Ada Lovelace"}).json()[
            "status"
        ]
        == "unchanged"
    )


def test_customer_by_email(store: StoreClient) -> None:
    response = store.put("/customers/by-email/bob@example.com", {"email": "Bob@Example.com", "country": "gb"})

    assert response.status_code == 201
    assert Customer.objects.get(email="bob@example.com").country == "GB"


def test_order_is_created_with_lines_addresses_coupons_and_payment(store_with_product: StoreClient) -> None:
    response = store_with_product.put("/orders/kw00000001", order_payload())

    assert response.status_code == 201
    assert response.json()["key"] == "KW00000001"  # normalised to the store's format
    order = Order.objects.get(number="KW00000001")
    assert order.email == "ada@example.com"
    assert order.customer.name == "Ada Shopper"
    assert order.total == Decimal("98.00")
    assert order.subtotal == Decimal("98.00")
    assert [(line.sku, line.quantity, line.size) for line in order.lines.all()] == [("TS-100-M", 2, "M")]
    assert order.shipping_address_id != order.billing_address_id
    assert order.billing_address.city == "New York"
    assert list(order.coupons.values_list("code", flat=True)) == ["WELCOME10"]
    assert Payment.objects.get(external_id="pay-1").state == "captured"
    assert list(order.events.values_list("kind", flat=True)) == [OrderEventKind.IMPORTED]


def test_same_order_twice_is_unchanged_with_no_new_rows_or_events(store_with_order: StoreClient) -> None:
    response = store_with_order.put("/orders/KW00000001", order_payload())

    assert response.status_code == 200
    assert response.json()["status"] == "unchanged"
    assert Order.objects.count() == 1
    assert OrderEvent.objects.count() == 1
    assert Payment.objects.count() == 1


def test_changed_order_writes_one_updated_event_with_before_and_after(store_with_order: StoreClient) -> None:
    payload = order_payload(lines=(("TS-100-M", 2), ("TS-100-S", 1)), total="147.00")
    payload["payments"][0]["amount_captured"] = "98.00"
    payload["payments"][0]["amount_authorised"] = "98.00"
    payload["payments"][0]["amount"] = "98.00"

    response = store_with_order.put("/orders/KW00000001", payload)

    assert response.json()["status"] == "updated"
    event = OrderEvent.objects.get(kind=OrderEventKind.UPDATED)
    assert event.before["total"] == "98.00"
    assert event.after["total"] == "147.00"
    assert event.after["lines.TS-100-S.quantity"] == 1
    assert event.actor_label == "test-store"
    assert Order.objects.get().lines.count() == 2


def test_shipment_is_created_and_unchanged_the_second_time(store_with_order: StoreClient) -> None:
    first = store_with_order.put("/orders/KW00000001/shipments/ship-1", shipment_payload())
    second = store_with_order.put("/orders/KW00000001/shipments/ship-1", shipment_payload())

    assert first.status_code == 201
    assert second.json()["status"] == "unchanged"
    shipment = Shipment.objects.get()
    assert (shipment.carrier, shipment.origin_warehouse, shipment.lines.get().quantity) == ("ups", "us-nj", 2)
    assert OrderEvent.objects.filter(kind=OrderEventKind.SHIPMENT_CREATED).count() == 1


def test_tracking_events_keep_the_shipment_in_step(store_with_shipment: StoreClient) -> None:
    events = [
        {"occurred_at": "2026-03-03T08:00:00Z", "status": "picked_up", "location": "Edison, NJ"},
        {"occurred_at": "2026-03-05T14:30:00Z", "status": "delivered", "location": "New York, NY"},
        {"occurred_at": "2026-03-04T09:00:00Z", "status": "out_for_delivery"},  # arrives late
    ]
    first = store_with_shipment.post("/shipments/ship-1/tracking-events", {"events": events})
    again = store_with_shipment.post("/shipments/ship-1/tracking-events", {"events": events[:1]})

    assert first.json() == {"shipment": "ship-1", "status": "delivered", "created": 3, "unchanged": 0}
    assert again.json()["unchanged"] == 1
    assert TrackingEvent.objects.count() == 3
    shipment = Shipment.objects.get()
    assert shipment.status == TrackingStatus.DELIVERED
    assert shipment.delivered_at.isoformat() == "2026-03-05T14:30:00+00:00"
    assert shipment.shipped_at.isoformat() == "2026-03-03T08:00:00+00:00"
    assert shipment.last_event_at == shipment.delivered_at


def test_payment_put_and_events(store_with_order: StoreClient) -> None:
    created = store_with_order.put(
        "/payments/pay-2", {"order_number": "KW00000001", "method": "paypal", "amount": "10.00"}
    )
    authorised = store_with_order.post("/payments/pay-2/events", {"kind": "authorised", "amount": "10.00"})
    captured = store_with_order.post("/payments/pay-2/events", {"kind": "captured"})
    captured_again = store_with_order.post("/payments/pay-2/events", {"kind": "captured"})
    late_authorised = store_with_order.post(
        "/payments/pay-2/events", {"kind": "authorised", "amount": "10.00"}
    )

    assert created.status_code == 201
    assert [r.json()["status"] for r in (authorised, captured, captured_again, late_authorised)] == [
        "updated",
        "updated",
        "unchanged",
        "unchanged",
    ]
    payment = Payment.objects.get(external_id="pay-2")
    assert (payment.state, payment.amount_captured) == ("captured", Decimal("10.00"))


def test_declined_payment_then_verification(store_with_order: StoreClient) -> None:
    store_with_order.put(
        "/payments/pay-3", {"order_number": "KW00000001", "method": "card", "amount": "98.00"}
    )

    declined = store_with_order.post(
        "/payments/pay-3/events", {"kind": "declined", "decline_code": "do_not_honor"}
    )
    required = store_with_order.post("/payments/pay-3/events", {"kind": "verification_required"})

    assert declined.status_code == 200
    assert required.status_code == 200
    payment = Payment.objects.get(external_id="pay-3")
    assert (payment.state, payment.decline_code, payment.verification_status) == (
        "declined",
        "do_not_honor",
        "required",
    )


def test_a_later_sync_keeps_what_the_line_was_bought_as(store_with_order: StoreClient) -> None:
    """The variant went on sale after the order: resending the order (prices left out) changes nothing."""
    sale = product_payload(price="29.00")
    sale["variants"][1]["price_kind"] = "sale"
    store_with_order.put("/products/p-100", sale)
    payload = order_payload()
    del payload["lines"][0]["unit_price"]

    response = store_with_order.put("/orders/KW00000001", payload)

    assert response.json()["status"] == "unchanged"
    line = Order.objects.get().lines.get()
    assert (line.unit_price, line.price_kind) == (Decimal("49.00"), "regular")


def test_a_sync_without_cancellation_does_not_uncancel(store_with_order: StoreClient) -> None:
    Order.objects.update(cancelled_at="2026-03-02T12:00:00Z", cancel_reason="Changed my mind")

    response = store_with_order.put("/orders/KW00000001", order_payload())

    assert response.json()["status"] == "unchanged"
    assert Order.objects.get().cancelled_at is not None
