"""Payment events from the store's payment provider, kept by the provider's event id.

The same event id twice answers as the first time and changes nothing. An event the payment's state
table does not allow from where the payment is (a `declined` after the capture, a `captured` after a
void: webhooks arrive out of order) is recorded as ignored and changes nothing, instead of the 409 an
event without an id gets. `chargeback_opened` records the customer's dispute on a captured payment
(the state stays captured: the money moves when the dispute is decided, by a refund or not at all).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.errors import Conflict
from shopdesk.core.sync.errors import PaymentNotFound
from shopdesk.core.sync.outcome import UpsertStatus
from shopdesk.orders.services.idempotency import order_lock
from shopdesk.payments.enums import PAYMENT_TRANSITIONS, PaymentState
from shopdesk.payments.models import Payment
from shopdesk.payments.services.refunds import payments_lock
from shopdesk.payments.services.upsert import _event_effect, _payment_write
from shopdesk.payments.sync_data import PaymentEventData
from shopdesk.webhooks.enums import InboundOutcome
from shopdesk.webhooks.models import InboundEvent
from shopdesk.webhooks.services.events import webhook_event_emit

SOURCE = "payment"


@dataclass(frozen=True, slots=True)
class PaymentEventResult:
    payment: Payment
    status: UpsertStatus  # updated when the event changed the payment, else unchanged
    outcome: Literal["applied", "ignored"]
    replayed: bool


def _effect(payment: Payment, data: PaymentEventData) -> dict[str, Any]:
    """The payment's fields after the event, or {} when the event comes too late to count."""
    if data.kind == "chargeback_opened":
        if payment.state != PaymentState.CAPTURED or payment.chargeback_opened_at is not None:
            return {}
        amount = data.amount if data.amount is not None else payment.amount_captured
        return {
            "chargeback_opened_at": data.occurred_at or timezone.now(),
            "chargeback_amount": min(Decimal(amount), payment.amount_captured),
            "chargeback_reason": data.reason[:200],
        }
    try:
        wanted = _event_effect(payment=payment, data=data)
    except Conflict:
        return {}  # declined after authorised, captured after voided…: out of order
    state = wanted.get("state", payment.state)
    if state != payment.state and state not in PAYMENT_TRANSITIONS[payment.state]:
        return {}
    return wanted


def _stamp(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _chargeback_fields(payment: Payment) -> dict[str, Any]:
    return {
        "chargeback_amount": str(payment.chargeback_amount),
        "chargeback_reason": payment.chargeback_reason,
        "chargeback_opened_at": _stamp(payment.chargeback_opened_at),
    }


def _payment_block(payment: Payment) -> dict[str, Any]:
    return {
        "external_id": payment.external_id,
        "method": payment.method,
        "state": payment.state,
        "currency": payment.currency,
        "amount_captured": str(payment.amount_captured),
    }


def payment_provider_event_apply(
    *, external_id: str, data: PaymentEventData, actor: Actor
) -> PaymentEventResult:
    """Apply one provider event (with its `event_id`) to the payment `external_id`."""
    order_id = Payment.objects.filter(external_id=external_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise PaymentNotFound(external_id)
    with transaction.atomic():
        # Lock order of docs/decisions: the order row first, then its payments by id.
        order = order_lock(order_id=order_id)
        payment = {p.external_id: p for p in payments_lock(order_id=order.pk)}[external_id]
        event_id = data.event_id or ""
        seen = InboundEvent.objects.filter(source=SOURCE, event_id=event_id).first()
        if seen is not None:
            if seen.object_id != payment.pk or seen.kind != data.kind:
                raise Conflict(
                    "This event id was already used for another payment event.",
                    code="payment_event_id_reused",
                )
            outcome: Literal["applied", "ignored"] = (
                "applied" if seen.outcome == InboundOutcome.APPLIED else "ignored"
            )
            return PaymentEventResult(payment, UpsertStatus.UNCHANGED, outcome, replayed=True)
        wanted = _effect(payment, data)
        before = _chargeback_fields(payment)
        status = (
            _payment_write(payment=payment, order=order, wanted=wanted, actor=actor)
            if wanted
            else UpsertStatus.UNCHANGED
        )
        if data.kind == "chargeback_opened" and status == UpsertStatus.UPDATED:
            webhook_event_emit(
                type_name="payment.chargeback_opened",
                order=order,
                actor=actor,
                before=before,
                after=_chargeback_fields(payment),
                message=f"Chargeback opened on {payment.method} payment {payment.external_id}.",
                subject=lambda: {"payment": _payment_block(payment)},
            )
        outcome = "applied" if status == UpsertStatus.UPDATED else "ignored"
        try:
            with transaction.atomic():
                InboundEvent.objects.create(
                    source=SOURCE,
                    event_id=event_id,
                    object_id=payment.pk,
                    kind=data.kind,
                    outcome=InboundOutcome(outcome),
                    status_after=payment.state,
                    received_at=timezone.now(),
                )
        except IntegrityError:
            # The same event id, recorded meanwhile for another payment (same payment: the lock).
            raise Conflict(
                "This event id was already used for another payment event.", code="payment_event_id_reused"
            ) from None
    return PaymentEventResult(payment, status, outcome, replayed=False)
