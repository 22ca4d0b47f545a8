"""The store-credit ledger's one write: a recorded refund paid as credit, settled at once, entered once.

refund_credit_settle(order=..., refund=..., description=..., now=...)

Credit is ours to give: there is no provider to wait for, so the refund goes through the table's steps
(pending → processing → succeeded) at once, and the ledger entry carries the refund's own key (unique), so
the same refund can never add credit twice.
"""

from __future__ import annotations

import datetime as dt

from shopdesk.orders.models import Order
from shopdesk.payments.enums import RefundDestination, RefundStatus, StoreCreditKind
from shopdesk.payments.models import Refund, StoreCreditEntry
from shopdesk.payments.services.status import refund_transition


def refund_credit_settle(*, order: Order, refund: Refund, description: str, now: dt.datetime) -> Refund:
    """Inside the caller's transaction, with the order locked: the refund becomes store credit and its
    amount joins the customer's balance. A refund already settled as credit is returned as it is."""
    if refund.destination == RefundDestination.STORE_CREDIT and refund.status == RefundStatus.SUCCEEDED:
        return refund
    Refund.objects.filter(pk=refund.pk).update(destination=RefundDestination.STORE_CREDIT)
    refund_transition(refund_id=refund.pk, to_status=RefundStatus.PROCESSING, now=now)
    refund = refund_transition(refund_id=refund.pk, to_status=RefundStatus.SUCCEEDED, now=now)
    if refund.amount > 0:
        StoreCreditEntry.objects.create(
            customer_id=order.customer_id,
            order=order,
            refund=refund,
            kind=StoreCreditKind.ISSUED,
            currency=order.currency,
            amount=refund.amount,
            description=description[:300],
            idempotency_key=refund.idempotency_key,
            created_at=now,
        )
    return refund
