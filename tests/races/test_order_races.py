"""One order, many writers at once: 0 server errors, money invariants, one event per change.

Run with DATABASE_URL=postgres://… (skipped on SQLite). Each test builds its order, races the writes
with `race`, then checks what a customer and the store's books would see.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest

from shopdesk.core.actors import Actor
from shopdesk.integration.schemas.orders import OrderIn
from shopdesk.integration.schemas.payments import PaymentEventIn
from shopdesk.integration.sync import order_upsert, payment_event_record
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import Order
from shopdesk.payments.enums import PaymentState
from shopdesk.payments.models import Payment, Refund
from shopdesk.selfservice.services.addresses import (
    order_billing_address_change,
    order_shipping_address_change,
)
from shopdesk.selfservice.services.cancel import order_cancel
from tests.integration import fixtures
from tests.integration.payloads import StoreClient, order_payload
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf
from tests.races.conftest import postgres_only, race, server_errors

store = fixtures.store
store_with_product = fixtures.store_with_product
store_with_order = fixtures.store_with_order

pytestmark = [pytest.mark.postgres, postgres_only, pytest.mark.django_db(transaction=True)]
CUSTOMER = Actor.customer("shopper@example.com")
STORE = Actor.integration("test-store")


def _address(number: int) -> dict[str, str]:
    return {
        "name": "Ada Shopper",
        "line1": f"{number} Fifth Avenue",
        "city": "New York",
        "region": "NY",
        "postcode": "10110",
        "country": "US",
    }


def assert_money_holds(order: Order) -> None:
    """Refunded never exceeds captured, and the refunds add up to what the payments say."""
    for payment in Payment.objects.filter(order=order):
        assert Decimal(0) <= payment.amount_refunded <= payment.amount_captured
        refunded = sum((r.amount for r in Refund.objects.filter(payment=payment)), Decimal(0))
        assert refunded == payment.amount_refunded


def test_twenty_shipping_address_changes_at_once_all_succeed_and_the_last_wins():
    order = paid_order_of_shirt_and_scarf()
    writes = [
        (lambda n=n: order_shipping_address_change(order=order, actor=CUSTOMER, address=_address(n)))
        for n in range(1, 21)
    ]
    results = race(writes)
    assert [r for r in results if isinstance(r, Exception)] == []
    events = list(order.events.filter(kind=OrderEventKind.SHIPPING_ADDRESS_CHANGED).order_by("id"))
    assert len(events) == 20
    assert sorted(e.after["line1"] for e in events) == sorted(f"{n} Fifth Avenue" for n in range(1, 21))
    order.refresh_from_db()
    assert order.shipping_address.line1 == events[-1].after["line1"]
    # each change saw the one before it: the chain of before/after has no gap
    for earlier, later in pairwise(events):
        assert later.before["line1"] == earlier.after["line1"]


def test_billing_changes_racing_line_cancels_never_fail_on_the_lock():
    for _ in range(4):
        order = paid_order_of_shirt_and_scarf()
        scarf = order.lines.order_by("id").values_list("id", flat=True).last()

        def bill(number: int, order: Order = order) -> object:
            return order_billing_address_change(order=order, actor=CUSTOMER, address=_address(number))

        def cancel_scarf(order: Order = order, scarf: int | None = scarf) -> object:
            return order_cancel(order=order, actor=CUSTOMER, line_ids=[scarf] if scarf else [])

        results = race([lambda: bill(7), cancel_scarf, lambda: bill(8), cancel_scarf])
        assert server_errors(results) == []
        assert not isinstance(results[0], Exception) and not isinstance(results[2], Exception)
        assert order.events.filter(kind=OrderEventKind.BILLING_ADDRESS_CHANGED).count() == 2
        assert Refund.objects.filter(order=order).count() == 1
        assert_money_holds(order)


def test_concurrent_whole_cancels_refund_once():
    order = paid_order_of_shirt_and_scarf()
    results = race([lambda: order_cancel(order=order, actor=CUSTOMER)] * 5)
    assert server_errors(results) == []
    order.refresh_from_db()
    assert order.is_cancelled
    assert Refund.objects.filter(order=order).count() == 1
    assert order.events.filter(kind=OrderEventKind.CANCELLED).count() == 1
    payment = Payment.objects.get(order=order)
    assert payment.amount_refunded == payment.amount_captured
    assert_money_holds(order)


def test_a_line_cancel_racing_a_whole_cancel_refunds_each_unit_once():
    order = paid_order_of_shirt_and_scarf()
    scarf = order.lines.order_by("id").last()
    assert scarf is not None
    results = race(
        [
            lambda: order_cancel(order=order, actor=CUSTOMER, line_ids=[scarf.pk]),
            lambda: order_cancel(order=order, actor=CUSTOMER),
            lambda: order_cancel(order=order, actor=CUSTOMER, line_ids=[scarf.pk]),
        ]
    )
    assert server_errors(results) == []
    order.refresh_from_db()
    assert order.is_cancelled
    payment = Payment.objects.get(order=order)
    assert payment.amount_refunded == payment.amount_captured
    assert_money_holds(order)


def test_a_capture_racing_a_cancel_keeps_refunded_within_captured():
    for attempt in range(4):
        order = paid_order_of_shirt_and_scarf()
        payment = Payment.objects.get(order=order)
        external_id = f"pay-race-{attempt}"
        Payment.objects.filter(pk=payment.pk).update(
            external_id=external_id, state=PaymentState.AUTHORISED, amount_captured=0
        )
        capture = PaymentEventIn(kind="captured", amount=order.total)
        results = race(
            [
                lambda order=order: order_cancel(order=order, actor=CUSTOMER),
                lambda external_id=external_id, capture=capture: payment_event_record(
                    external_id=external_id, data=capture, actor=STORE
                ),
            ]
        )
        assert server_errors(results) == []
        order.refresh_from_db()
        assert order.is_cancelled
        assert order.events.filter(kind=OrderEventKind.CANCELLED).count() == 1
        assert_money_holds(order)


def test_store_upserts_racing_customer_actions_on_one_order(store_with_order: StoreClient):
    order = Order.objects.get(number="KW00000001")
    payload = order_payload()

    def upsert() -> object:
        return order_upsert(number=order.number, data=OrderIn.model_validate(payload), actor=STORE)

    results = race(
        [
            upsert,
            lambda: order_shipping_address_change(order=order, actor=CUSTOMER, address=_address(3)),
            upsert,
            lambda: order_cancel(order=order, actor=CUSTOMER),
            upsert,
        ]
    )
    assert server_errors(results) == []
    order.refresh_from_db()
    changes = order.events.filter(kind=OrderEventKind.SHIPPING_ADDRESS_CHANGED).count()
    assert changes == (0 if isinstance(results[1], Exception) else 1)
    assert order.events.filter(kind=OrderEventKind.CANCELLED).count() == (1 if order.is_cancelled else 0)
    assert_money_holds(order)
