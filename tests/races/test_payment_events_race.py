"""Races on PostgreSQL: one provider payment event delivered twice at once applies once, and a
capture against a decline at once leaves one state. The order row lock serialises them; skipped on
SQLite, whose IMMEDIATE transactions serialise writers anyway."""

from __future__ import annotations

from typing import Any

import pytest

from shopdesk.core.actors import Actor
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import OrderEvent
from shopdesk.payments.enums import PaymentState
from shopdesk.payments.models import Payment
from shopdesk.payments.services.payment_events import payment_provider_event_apply
from shopdesk.payments.sync_data import PaymentEventData
from shopdesk.webhooks.models import InboundEvent
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf
from tests.selfservice.test_services_cancel_race import _in_thread, postgres_only

pytestmark = [pytest.mark.postgres, postgres_only, pytest.mark.django_db(transaction=True)]
PROVIDER = Actor.integration("provider")


def _payment(state: str) -> Payment:
    order = paid_order_of_shirt_and_scarf()
    payment = Payment.objects.get(order=order)
    Payment.objects.filter(pk=payment.pk).update(
        external_id="pi_race",
        state=state,
        amount_captured=0 if state != PaymentState.CAPTURED else payment.amount,
    )
    return Payment.objects.get(pk=payment.pk)


def _race(first: PaymentEventData, second: PaymentEventData) -> dict[str, Any]:
    results: dict[str, Any] = {}
    threads = [
        _in_thread(
            lambda data=data: payment_provider_event_apply(external_id="pi_race", data=data, actor=PROVIDER),
            results,
            name,
        )
        for name, data in (("a", first), ("b", second))
    ]
    for thread in threads:
        thread.join(20)
    return results


def test_the_same_chargeback_twice_at_once_is_recorded_once() -> None:
    payment = _payment(PaymentState.CAPTURED)
    event = PaymentEventData(kind="chargeback_opened", event_id="dp_1", reason="fraudulent")

    results = _race(event, event)

    assert sorted(r.replayed for r in results.values()) == [False, True], results
    payment.refresh_from_db()
    assert payment.chargeback_reason == "fraudulent"
    assert OrderEvent.objects.filter(order=payment.order, kind=OrderEventKind.PAYMENT_UPDATED).count() == 1
    assert InboundEvent.objects.filter(source="payment").count() == 1


def test_capture_against_decline_at_once_leaves_one_state() -> None:
    payment = _payment(PaymentState.PENDING)

    results = _race(
        PaymentEventData(kind="captured", event_id="e-cap"),
        PaymentEventData(kind="declined", decline_code="do_not_honor", event_id="e-dec"),
    )

    payment.refresh_from_db()
    # Declined first: the capture still counts (the table lets a declined attempt be captured);
    # captured first: the decline comes too late and is ignored. Either way the money is captured.
    assert payment.state == PaymentState.CAPTURED, results
    assert results["a"].outcome == "applied", results
    assert InboundEvent.objects.filter(source="payment").count() == 2
