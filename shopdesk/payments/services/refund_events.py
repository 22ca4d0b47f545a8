"""Refund events from the store's payment provider: move a refund through REFUND_TRANSITIONS.

Idempotent by the provider's event id: a repeated event answers as the first time and changes nothing.
An event that the table does not allow from where the refund is (out of order: `processing` after
`succeeded`) is recorded as ignored and changes nothing. A `succeeded` or `failed` that arrives while
the refund is still pending first takes the table's step through `processing` (the provider's own
`processing` event was lost or is late). Each move writes an order event, which the webhooks hook turns
into refund.succeeded / refund.failed in the same transaction. A failure is sent again or handed to an
agent as a case (services/refund_follow_up.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

from django.db import IntegrityError, transaction
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.errors import Conflict, NotFound
from shopdesk.orders import events as order_events
from shopdesk.orders.services.idempotency import order_lock
from shopdesk.payments.enums import REFUND_TRANSITIONS, RefundStatus
from shopdesk.payments.models import Refund
from shopdesk.payments.services.refund_follow_up import refund_failed_follow_up
from shopdesk.payments.services.status import refund_transition
from shopdesk.webhooks.enums import InboundOutcome
from shopdesk.webhooks.models import InboundEvent

SOURCE = "refund"
EVENT_KINDS = (RefundStatus.PROCESSING, RefundStatus.SUCCEEDED, RefundStatus.FAILED)


@dataclass(frozen=True, slots=True)
class RefundEventResult:
    refund: Refund
    outcome: Literal["applied", "ignored"]  # an InboundOutcome value
    replayed: bool


def _outcome(value: str) -> Literal["applied", "ignored"]:
    return cast(Literal["applied", "ignored"], InboundOutcome(value).value)


def _path(current: str, wanted: str) -> list[str]:
    """The steps the table allows from `current` to `wanted`, or [] (nothing changes).

    Only a pending refund may skip the provider's `processing` event (lost or late); a failed one
    needs the provider's retry (`processing`) before anything else counts.
    """
    if wanted in REFUND_TRANSITIONS[current]:
        return [wanted]
    if current == RefundStatus.PENDING and wanted in REFUND_TRANSITIONS[RefundStatus.PROCESSING]:
        return [RefundStatus.PROCESSING, wanted]
    return []


def refund_event_apply(
    *, refund_id: int, event_id: str, kind: str, reason: str, actor: Actor
) -> RefundEventResult:
    kind = RefundStatus(kind)
    if kind not in EVENT_KINDS:
        raise Conflict("A refund event is processing, succeeded or failed.", code="refund_event_kind")
    refund = Refund.objects.filter(pk=refund_id).first()
    if refund is None:
        raise NotFound("No refund has this id.", code="refund_not_found")
    with transaction.atomic():
        order_lock(order_id=refund.order_id)
        seen = InboundEvent.objects.filter(source=SOURCE, event_id=event_id).first()
        if seen is not None:
            if seen.object_id != refund_id or seen.kind != kind:
                raise Conflict(
                    "This event id was already used for another refund event.", code="refund_event_id_reused"
                )
            return RefundEventResult(Refund.objects.get(pk=refund_id), _outcome(seen.outcome), replayed=True)
        refund = Refund.objects.get(pk=refund_id)
        now = timezone.now()
        steps = _path(refund.status, kind)
        for step in steps:
            before = refund.status
            refund = refund_transition(refund_id=refund.pk, to_status=step, now=now)
            order_events.order_refund_status_changed(
                order=refund.order,
                actor=actor,
                refund_id=refund.pk,
                before=before,
                after=step,
                reason=reason if step == kind else "",
            )
        if steps and refund.status == RefundStatus.FAILED:
            refund_failed_follow_up(refund=refund, reason=reason)  # sent again, or a case: never lost
        outcome = InboundOutcome.APPLIED if steps else InboundOutcome.IGNORED
        try:
            with transaction.atomic():
                InboundEvent.objects.create(
                    source=SOURCE,
                    event_id=event_id,
                    object_id=refund_id,
                    kind=kind,
                    outcome=outcome,
                    status_after=refund.status,
                    received_at=now,
                )
        except IntegrityError:
            # The same event id, recorded by a concurrent request for another refund (same refund: the lock).
            raise Conflict(
                "This event id was already used for another refund event.", code="refund_event_id_reused"
            ) from None
    return RefundEventResult(refund, _outcome(outcome), replayed=False)
