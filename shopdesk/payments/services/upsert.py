"""Payment attempts and their events as the store platform reports them (authorised, captured, declined…).

Refunds are not taken from the store: `amount_refunded` belongs to the refund service, so an upsert
never touches it. An event carries totals, not increments, so the same event twice changes nothing.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from shopdesk.core.actors import Actor
from shopdesk.core.errors import Conflict
from shopdesk.core.money import amount_places_validate
from shopdesk.core.sync.changes import changes
from shopdesk.core.sync.errors import FieldError, KeyConflict, OrderNotFound, PaymentNotFound
from shopdesk.core.sync.outcome import Upserted, UpsertStatus, atomic_with_retry
from shopdesk.orders import events
from shopdesk.orders.models import Order
from shopdesk.orders.services.idempotency import order_lock
from shopdesk.payments.enums import PaymentState, VerificationStatus
from shopdesk.payments.models import Payment
from shopdesk.payments.services.refunds import payments_lock
from shopdesk.payments.services.status import payment_state_check
from shopdesk.payments.services.verification import verification_follow_payment
from shopdesk.payments.sync_data import PaymentData, PaymentEventData

PAYMENT_FIELDS = (
    "method",
    "provider",
    "provider_reference",
    "currency",
    "amount",
    "amount_authorised",
    "amount_captured",
    "state",
    "decline_code",
    "verification_status",
    "card_brand",
    "card_last4",
)


def payment_upsert(*, external_id: str, order_number: str, data: PaymentData, actor: Actor) -> Upserted:
    """Create or update a payment of an existing order, keyed by its external id."""

    def write() -> Upserted:
        order = Order.objects.select_for_update().filter(number=order_number).order_by().first()
        if order is None:
            raise OrderNotFound(order_number)
        status = payment_apply(
            order=order, data=dataclasses.replace(data, external_id=external_id), actor=actor
        )
        payment = Payment.objects.get(external_id=external_id)
        return Upserted(status=status, kind="payment", key=external_id, id=payment.pk)

    return atomic_with_retry(write, what=f'Payment "{external_id}"')


def payment_apply(
    *, order: Order, data: PaymentData, actor: Actor, audit: bool = True, field_prefix: str = ""
) -> UpsertStatus:
    """Create or update one payment of `order` inside the caller's transaction.

    `audit=False` when the order itself is being created: its `imported` event already says it all.
    `field_prefix` places errors in the caller's input (`payments.0.` inside an order).
    """
    external_id = data.external_id
    payments_lock(order_id=order.pk)  # the caller holds the order's lock; then its payments, by id
    payment = Payment.objects.filter(external_id=external_id).order_by().first()
    if payment is not None and payment.order_id != order.pk:
        other = Order.objects.filter(pk=payment.order_id).values_list("number", flat=True).first()
        raise KeyConflict(
            f'Payment "{external_id}" belongs to order {other}, not {order.number}.',
            field=f"{field_prefix}external_id",
        )
    # None means "not sent": keep the current value (or the model default for a new payment).
    wanted: dict[str, Any] = {
        name: value for name in PAYMENT_FIELDS if (value := getattr(data, name)) is not None
    }
    wanted["currency"] = data.currency or order.currency
    _check_currency(order=order, wanted=wanted, field_prefix=field_prefix)
    if payment is None:
        if "amount_authorised" not in wanted and "amount_captured" in wanted:
            wanted["amount_authorised"] = wanted["amount_captured"]
        payment = Payment.objects.create(
            order=order, external_id=external_id, created_at=data.created_at or order.placed_at, **wanted
        )
        verification_follow_payment(payment=payment, before=None, actor=actor)
        if audit:
            events.order_payment_updated(
                order=order,
                actor=actor,
                before=None,
                after={"state": payment.state, "amount": str(payment.amount)},
                message=_payment_message(payment),
            )
        return UpsertStatus.CREATED
    if data.created_at:
        wanted["created_at"] = data.created_at
    return _payment_write(payment=payment, order=order, wanted=wanted, actor=actor)


def _check_currency(*, order: Order, wanted: dict[str, Any], field_prefix: str) -> None:
    """A payment is in its order's currency, with no more decimals than that currency has.

    A refund is computed in the order's currency and recorded against the payment: a USD payment
    on an EUR order would take an EUR amount as dollars.
    """
    if wanted["currency"] != order.currency:
        raise FieldError(
            f"The payment is in {wanted['currency']} but order {order.number} is in {order.currency}; "
            "send payments in the order's currency.",
            field=f"{field_prefix}currency",
            code="currency_mismatch",
        )
    for name, value in wanted.items():
        if isinstance(value, Decimal):
            try:
                amount_places_validate(value, order.currency)
            except ValueError as exc:
                raise FieldError(str(exc), field=f"{field_prefix}{name}", code="too_many_decimals") from None


def _payment_write(*, payment: Payment, order: Order, wanted: dict[str, Any], actor: Actor) -> UpsertStatus:
    before, after = changes({name: getattr(payment, name) for name in wanted}, wanted)
    if not after:
        return UpsertStatus.UNCHANGED
    captured = wanted.get("amount_captured", payment.amount_captured)
    authorised = wanted.get("amount_authorised", payment.amount_authorised)
    if captured > authorised:
        raise Conflict(
            f'Payment "{payment.external_id}" would have {captured} captured but only {authorised} '
            "authorised.",
            code="captured_more_than_authorised",
        )
    if payment.amount_refunded > captured:
        raise Conflict(
            f'Payment "{payment.external_id}" has {payment.amount_refunded} refunded, more than the {captured} '
            "captured it would have.",
            code="refunded_more_than_captured",
        )
    if "state" in after:
        payment_state_check(
            current=payment.state, wanted=wanted["state"], what=f'Payment "{payment.external_id}"'
        )
    verification_before = payment.verification_status
    for name in after:
        setattr(payment, name, wanted[name])
    payment.save(update_fields=[*after, "updated_at"])
    verification_follow_payment(payment=payment, before=verification_before, actor=actor)
    events.order_payment_updated(
        order=order, actor=actor, before=before, after=after, message=_payment_message(payment)
    )
    return UpsertStatus.UPDATED


def _payment_message(payment: Payment) -> str:
    return f"{payment.method} payment {payment.external_id}: {payment.state}."


# --- events on an existing payment -------------------------------------------------------------
def payment_event_record(*, external_id: str, data: PaymentEventData, actor: Actor) -> Upserted:
    def write() -> Upserted:
        # Lock order of docs/decisions: the order row first, then its payments by id; a cancel
        # holding the order sees this capture before it, or this capture sees its void.
        order_id = Payment.objects.filter(external_id=external_id).values_list("order_id", flat=True).first()
        if order_id is None:
            raise PaymentNotFound(external_id)
        order = order_lock(order_id=order_id)
        payments = {p.external_id: p for p in payments_lock(order_id=order.pk)}
        payment = payments[external_id]
        wanted = _event_effect(payment=payment, data=data)
        status = _payment_write(payment=payment, order=order, wanted=wanted, actor=actor)
        return Upserted(status=status, kind="payment", key=external_id, id=payment.pk)

    return atomic_with_retry(write, what=f'Payment "{external_id}"')


def _event_effect(*, payment: Payment, data: PaymentEventData) -> dict[str, Any]:
    """The payment's fields after the event. Late events (authorised after captured) change nothing."""
    state = payment.state
    if data.kind == "authorised":
        if state in (PaymentState.CAPTURED, PaymentState.VOIDED):
            return {}  # webhooks arrive out of order; never step back
        amount = data.amount if data.amount is not None else payment.amount
        return {"state": PaymentState.AUTHORISED, "amount_authorised": amount, "decline_code": ""}
    if data.kind == "captured":
        if state == PaymentState.VOIDED:
            raise Conflict(
                f'Payment "{payment.external_id}" was voided; it cannot be captured.', code="payment_voided"
            )
        amount = data.amount if data.amount is not None else (payment.amount_authorised or payment.amount)
        return {
            "state": PaymentState.CAPTURED,
            "amount_captured": amount,
            "amount_authorised": max(amount, payment.amount_authorised),
            "decline_code": "",
        }
    if data.kind == "declined":
        if state in (PaymentState.AUTHORISED, PaymentState.CAPTURED):
            raise Conflict(
                f'Payment "{payment.external_id}" is already {state}; it cannot be declined now.',
                code="payment_already_authorised",
            )
        return {"state": PaymentState.DECLINED, "decline_code": data.decline_code}
    if data.kind == "voided":
        if state == PaymentState.CAPTURED:
            raise Conflict(
                f'Payment "{payment.external_id}" is captured; refund it instead of voiding it.',
                code="payment_captured",
            )
        return {"state": PaymentState.VOIDED}
    verification = {
        "verification_required": VerificationStatus.REQUIRED,
        "verified": VerificationStatus.VERIFIED,
        "verification_failed": VerificationStatus.FAILED,
    }[data.kind]
    return {"verification_status": verification}
