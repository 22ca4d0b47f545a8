"""Money races on PostgreSQL, with the real services on real threads (skipped on SQLite, whose
IMMEDIATE transactions serialise writers): many cancels of one order, captures racing cancels, and the
store's shipment upsert racing a cancel. Each asserts that exactly one side wins and money never moves twice.

Run with DATABASE_URL=postgres://... ; fixtures here are local and named money_* to stay out of others' way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from django.db import connection, connections

from shopdesk.core.actors import Actor
from shopdesk.core.errors import DomainError
from shopdesk.integration.schemas.payments import PaymentEventIn
from shopdesk.integration.schemas.shipping import ShipmentIn
from shopdesk.integration.sync import payment_event_record, shipment_upsert
from shopdesk.orders.models import Order
from shopdesk.payments.enums import PaymentState
from shopdesk.payments.models import Payment, Refund
from shopdesk.selfservice.services.cancel import CancelResult, order_cancel
from shopdesk.shipping.models import Shipment
from tests import factories
from tests.orders.test_services_states import authorised_only, paid_order_of_shirt_and_scarf

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
CUSTOMER = Actor.customer("shopper@example.com")
STORE = Actor.integration("store")


@pytest.fixture(autouse=True)
def _money_races_need_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")


def _race(*works: Callable[[], Any]) -> list[Any]:
    """Start every callable at the same instant, each on its own thread and connection."""
    barrier = threading.Barrier(len(works))
    results: list[Any] = [None] * len(works)

    def run(slot: int) -> None:
        try:
            barrier.wait()
            results[slot] = works[slot]()
        except Exception as exc:  # the test inspects what each side ended with
            results[slot] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def money_split_paid_order() -> Order:
    """$123.95: $50.00 of store credit and $73.95 on a card, both captured."""
    order = paid_order_of_shirt_and_scarf()
    order.payments.update(
        amount=Decimal("73.95"), amount_authorised=Decimal("73.95"), amount_captured=Decimal("73.95")
    )
    factories.PaymentFactory(
        order=order, method="store_credit", card_brand="", card_last4="", amount=Decimal("50.00")
    )
    return order


def test_twenty_concurrent_cancels_make_one_refund_set() -> None:
    order = money_split_paid_order()

    # Half send their own Idempotency-Key, half none: every one of them must find the first answer.
    results = _race(
        *(
            partial(
                order_cancel,
                order=order,
                actor=CUSTOMER,
                idempotency_key=f"client-{slot}" if slot % 2 else None,
            )
            for slot in range(20)
        )
    )

    assert all(isinstance(result, CancelResult) for result in results), results
    assert sum(not result.replayed for result in results) == 1
    refunds = list(Refund.objects.filter(order=order))
    assert len(refunds) == 2 and sum(r.amount for r in refunds) == Decimal("123.95")
    for payment in Payment.objects.filter(order=order):
        assert payment.amount_refunded == payment.amount_captured
    assert len({result.data["refund_amount"] for result in results}) == 1


def test_a_capture_racing_a_cancel_is_either_refunded_or_refused() -> None:
    outcomes = set()
    for round_ in range(6):
        order = paid_order_of_shirt_and_scarf()
        authorised_only(order)
        payment = Payment.objects.get(order=order)
        payment.external_id = f"pay-race-{round_}"
        payment.save(update_fields=["external_id"])
        capture = PaymentEventIn(kind="captured", amount=Decimal("123.95"))
        capture_first = round_ % 2 == 0
        works = [
            partial(payment_event_record, external_id=payment.external_id, data=capture, actor=STORE),
            partial(order_cancel, order=order, actor=CUSTOMER),
        ]
        results = _race(*(works if capture_first else works[::-1]))
        cancelled = results[1] if capture_first else results[0]
        assert isinstance(cancelled, CancelResult), results
        payment.refresh_from_db()
        if payment.state == PaymentState.CAPTURED:
            # The capture came first: the cancel saw it and refunded all of it.
            assert payment.amount_refunded == payment.amount_captured == Decimal("123.95")
            assert Refund.objects.get(order=order).amount == Decimal("123.95")
            outcomes.add("captured then refunded")
        else:
            # The cancel came first: the hold is released and the late capture is refused.
            assert payment.state == PaymentState.VOIDED and payment.amount_captured == 0
            assert any(isinstance(r, DomainError) and r.code == "payment_voided" for r in results), results
            assert not Refund.objects.filter(order=order).exists()
            outcomes.add("voided, capture refused")
    assert outcomes  # at least one round ran; which side wins is up to the scheduler


def test_the_shipment_upsert_racing_a_cancel_lets_exactly_one_win() -> None:
    for round_ in range(4):
        order = paid_order_of_shirt_and_scarf()
        data = ShipmentIn.model_validate(
            {
                "carrier": "ups",
                "tracking_number": "1Z999AA10123456784",
                "origin_warehouse": "us-nj",
                "lines": [{"sku": line.sku, "quantity": line.quantity} for line in order.lines.all()],
            }
        )
        works = [
            partial(
                shipment_upsert,
                order_number=order.number,
                external_id=f"ship-race-{round_}",
                data=data,
                actor=STORE,
            ),
            partial(order_cancel, order=order, actor=CUSTOMER),
        ]
        results = _race(*(works if round_ % 2 else works[::-1]))
        order.refresh_from_db()
        shipped = Shipment.objects.filter(order=order).exists()
        assert shipped != order.is_cancelled, results  # never both, never neither
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1 and isinstance(errors[0], DomainError), results
        refunded = sum(r.amount for r in Refund.objects.filter(order=order))
        assert refunded == (Decimal("123.95") if order.is_cancelled else 0)
