"""An agent or the store sends a failed refund again: back to pending, queued for the provider once more.

refund_retry(refund_id=..., actor=..., note=...)   failed → pending, an order event with the actor (which the
                                                   webhooks hook sends as `refund.retried`), and the demo
                                                   provider's answer scheduled again

Idempotent: a refund already sent again (pending or processing) answers `replayed` and changes nothing; a
succeeded one is refused. Never for a customer: the money moves only on the care team's or the store's word.
Lock order as every refund move: the order row first (docs/decisions/0004-idempotency-and-locking.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from shopdesk.core.actors import Actor, ActorKind
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import NotFound
from shopdesk.orders import events as order_events
from shopdesk.orders.services.idempotency import order_lock
from shopdesk.payments.enums import RefundDestination, RefundStatus
from shopdesk.payments.models import Refund
from shopdesk.payments.services.refund_follow_up import refund_provider_schedule
from shopdesk.payments.services.status import refund_transition

RETRY_ACTORS = frozenset({ActorKind.AGENT, ActorKind.INTEGRATION, ActorKind.SYSTEM})


@dataclass(frozen=True, slots=True)
class RefundRetried:
    refund: Refund
    replayed: bool  # it was already sent again: nothing changed


def refund_retry_rule(*, refund: Refund, actor: Actor) -> Eligibility:
    """Whether `actor` may send this refund again now (cheap, no writes)."""
    if actor.kind not in RETRY_ACTORS:
        return Eligibility.no("agents_only", "Only our care team can send a refund again.")
    if refund.destination == RefundDestination.STORE_CREDIT:
        return Eligibility.no(
            "refund_is_store_credit", "Store credit is added at once; nothing to send again."
        )
    if refund.status != RefundStatus.FAILED:
        return Eligibility.no(
            "refund_not_failed",
            f"This refund is {RefundStatus(refund.status).label.lower()}: only a failed refund is sent again.",
        )
    return Eligibility.yes("Send this refund to the payment provider again.")


def refund_retry(*, refund_id: int, actor: Actor, note: str = "") -> RefundRetried:
    """failed → pending, with an order event naming the actor; the provider is asked again on commit."""
    found = Refund.objects.filter(pk=refund_id).values_list("order_id", flat=True).first()
    if found is None:
        raise NotFound("No refund has this id.", code="refund_not_found")
    note = note.strip()[:200]
    with transaction.atomic():
        order_lock(order_id=found)
        refund = Refund.objects.select_related("order").get(pk=refund_id)
        answer = refund_retry_rule(refund=refund, actor=actor)
        if actor.kind in RETRY_ACTORS and refund.status in (RefundStatus.PENDING, RefundStatus.PROCESSING):
            # Already on its way to the provider (a repeated click, or the provider's own retry).
            return RefundRetried(refund=refund, replayed=True)
        answer.require()
        order = refund.order
        refund = refund_transition(refund_id=refund.pk, to_status=RefundStatus.PENDING, now=timezone.now())
        who = actor.label or str(actor.kind)
        order_events.order_refund_status_changed(
            order=order,
            actor=actor,
            refund_id=refund.pk,
            before=RefundStatus.FAILED,
            after=RefundStatus.PENDING,
            reason=f"sent again by {who}" + (f" ({note})" if note else ""),
        )
        transaction.on_commit(lambda: refund_provider_schedule(refund_id))
    return RefundRetried(refund=refund, replayed=False)
