"""The one place a payment's or a refund's state changes: checked against the tables in enums.py,
written as a compare-and-set so a concurrent change is never overwritten.

payment_state_check(current, wanted)          raise Conflict unless the table allows the move
payment_transition(payment_id, from_state, to_state, **fields)
refund_transition(refund_id, to_status, now)
refund_succeeded_listener_set(listener)       who hears, in the same transaction, that a refund succeeded
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from shopdesk.core.errors import Conflict
from shopdesk.payments.enums import PAYMENT_TRANSITIONS, REFUND_TRANSITIONS, PaymentState, RefundStatus
from shopdesk.payments.models import Payment, Refund

# Called when a refund succeeds, inside the transaction of its move: the returns app (a layer above, so it
# cannot be imported from here) sets it at start-up to close a return whose refunds have all gone through.
# One listener, set once: greppable as refund_succeeded_listener_set (the seam of shipment_shipped_listener_set).
_succeeded_listener: Callable[[Refund, dt.datetime], object] | None = None


def refund_succeeded_listener_set(listener: Callable[[Refund, dt.datetime], object] | None) -> None:
    global _succeeded_listener
    _succeeded_listener = listener


def payment_state_check(*, current: str, wanted: str, what: str = "This payment") -> None:
    if wanted != current and wanted not in PAYMENT_TRANSITIONS[current]:
        raise Conflict(
            f"{what} is {PaymentState(current).label.lower()}; it cannot become "
            f"{PaymentState(wanted).label.lower()}.",
            code="payment_transition_refused",
            details={"from": current, "to": wanted},
        )


def payment_transition(
    *, payment_id: int, from_state: str, to_state: str, guard: dict[str, Any] | None = None, **fields: Any
) -> None:
    """Move one payment from `from_state` to `to_state` only if it is still in `from_state` (and still
    matches `guard`): a capture recorded a moment ago is never overwritten by a void."""
    payment_state_check(current=from_state, wanted=to_state)
    updated = Payment.objects.filter(pk=payment_id, state=from_state, **(guard or {})).update(
        state=to_state, **fields
    )
    if updated != 1:
        raise Conflict(
            "This payment changed a moment ago; please look at the order again.", code="payment_changed"
        )


def refund_transition(*, refund_id: int, to_status: str, now: dt.datetime) -> Refund:
    """pending → processing → succeeded | failed; failed → processing (a retry)."""
    refund = Refund.objects.get(pk=refund_id)
    if to_status not in REFUND_TRANSITIONS[refund.status]:
        raise Conflict(
            f"A {RefundStatus(refund.status).label.lower()} refund cannot become "
            f"{RefundStatus(to_status).label.lower()}.",
            code="refund_transition_refused",
            details={"from": refund.status, "to": to_status},
        )
    completed_at = now if to_status == RefundStatus.SUCCEEDED else None
    updated = Refund.objects.filter(pk=refund_id, status=refund.status).update(
        status=to_status, completed_at=completed_at
    )
    if updated != 1:
        raise Conflict("This refund changed a moment ago.", code="refund_changed")
    refund.refresh_from_db()
    # Only the compare-and-set above reaches `succeeded`, and nothing leaves it: a replayed success never
    # gets here twice.
    if to_status == RefundStatus.SUCCEEDED and _succeeded_listener is not None:
        _succeeded_listener(refund, now)
    return refund
