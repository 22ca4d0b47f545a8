"""New orders in a bulk batch are inserted a table at a time: the same rows, results and errors as one
by one, and the orders it cannot write that way (taken numbers, payments of other orders) still go
through the one-by-one upsert."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopdesk.core.actors import Actor
from shopdesk.integration.bulk import bulk_apply
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import Address, Customer, Order, OrderCoupon, OrderEvent, OrderLine
from shopdesk.payments.models import Payment
from tests.integration import fixtures
from tests.integration.payloads import StoreClient, order_payload

store = fixtures.store
store_with_product = fixtures.store_with_product
store_with_order = fixtures.store_with_order

ACTOR = Actor.integration("bulk-test")


def _order(number: int, **overrides: Any) -> dict[str, Any]:
    payload = order_payload(email=f"buyer{number % 3}@example.com", total="49.00", lines=(("TS-100-M", 1),))
    payload["payments"][0]["external_id"] = f"pay-{number}"
    return payload | {"type": "order", "number": f"KW{number:08d}"} | overrides


def test_new_orders_get_every_row_one_by_one_would_write(store_with_product: StoreClient) -> None:
    batch = [_order(n) for n in range(10, 16)]
    batch[1]["lines"] = [
        {"external_id": "a", "sku": "TS-100-M", "quantity": 1, "unit_price": "49.00"},
        {"external_id": "b", "sku": "TS-100-M", "quantity": 1, "unit_price": "0"},
    ]
    batch[2]["customer"] = {"external_id": "c-9", "name": "Named Buyer"}
    batch[2]["email"] = "named@example.com"
    batch[3]["updated_at"] = "2026-03-02T12:00:00Z"

    result = bulk_apply(batch=batch, actor=ACTOR)

    assert [r.status for r in result.results] == ["created"] * 6
    assert Order.objects.count() == 6
    assert Address.objects.count() == 12
    assert OrderLine.objects.count() == 7
    assert OrderCoupon.objects.count() == 6
    assert OrderEvent.objects.filter(kind=OrderEventKind.IMPORTED).count() == 6
    assert OrderEvent.objects.exclude(kind=OrderEventKind.IMPORTED).count() == 0  # payments: no own event
    assert Customer.objects.count() == 4  # buyer0..2 and the named one
    named = Customer.objects.get(email="named@example.com")
    assert (named.external_id, named.name) == ("c-9", "Named Buyer")
    assert Customer.objects.get(email="buyer1@example.com").name == "Ada Shopper"  # from the address
    order = Order.objects.get(number="KW00000010")
    assert order.shipping_address_id != order.billing_address_id
    assert order.lines.get().return_flags == []
    payment = Payment.objects.get(external_id="pay-10")
    assert (payment.order_id, payment.state, payment.amount_captured) == (
        order.pk,
        "captured",
        Decimal("49.00"),
    )
    assert Order.objects.get(number="KW00000013").source_updated_at is not None
    # The same batch again: every order exists now, so the one-by-one path answers unchanged.
    again = bulk_apply(batch=batch, actor=ACTOR)
    assert [r.status for r in again.results] == ["unchanged"] * 6


def test_errors_and_existing_rows_in_a_batch_of_new_orders(store_with_order: StoreClient) -> None:
    batch = [
        _order(20),
        _order(21, lines=[{"sku": "TS-404", "quantity": 1}]),  # unknown SKU
        _order(1, email="ada@example.com"),  # KW00000001 exists: updated one by one
        _order(22, currency="EUR"),  # payment currency is the order's: fine
        _order(23),
        {"type": "order", "number": "KW00000024", "email": "x"},  # invalid
    ]
    batch[4]["payments"][0]["external_id"] = "pay-1"  # a payment of KW00000001
    batch[3]["payments"][0]["currency"] = "USD"  # not the order's currency

    result = bulk_apply(batch=batch, actor=ACTOR)

    statuses = [(r.status, (r.error or {}).get("code")) for r in result.results]
    assert statuses == [
        ("created", None),
        ("error", "unknown_reference"),
        ("updated", None),
        ("error", "invalid_input"),  # the schema already refuses a payment in another currency
        ("error", "key_conflict"),
        ("error", "invalid_input"),
    ]
    assert result.results[1].error["fields"][0]["field"] == "lines.0.sku"  # type: ignore[index]
    assert set(Order.objects.values_list("number", flat=True)) == {"KW00000001", "KW00000020"}
    assert Payment.objects.get(external_id="pay-1").order.number == "KW00000001"
    assert not Payment.objects.filter(external_id="pay-23").exists()


def test_two_orders_of_one_new_number_in_a_batch(store_with_product: StoreClient) -> None:
    first = _order(30)
    second = _order(30, total="98.00", lines=[{"sku": "TS-100-M", "quantity": 2, "unit_price": "49.00"}])
    second["payments"] = []

    result = bulk_apply(batch=[first, second], actor=ACTOR)

    assert [r.status for r in result.results] == ["created", "updated"]
    assert OrderLine.objects.get(order__number="KW00000030").quantity == 2
