"""Races on PostgreSQL: the same refund event twice at once, and succeeded against failed at once.

The order row lock serialises them: one applies, the other replays or is ignored. Skipped on SQLite,
whose IMMEDIATE transactions serialise writers anyway.
"""

from __future__ import annotations

from typing import Any

import pytest

from shopdesk.core.actors import Actor
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import OrderEvent
from shopdesk.payments.enums import RefundStatus
from shopdesk.payments.models import Refund
from shopdesk.payments.services.refund_events import refund_event_apply
from shopdesk.selfservice.services.cancel import order_cancel
from shopdesk.webhooks.models import InboundEvent
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf
from tests.selfservice.test_services_cancel_race import _in_thread, postgres_only

pytestmark = [pytest.mark.postgres, postgres_only, pytest.mark.django_db(transaction=True)]
PROVIDER = Actor.integration("provider")


def _pending_refund() -> Refund:
    order = paid_order_of_shirt_and_scarf()
    order_cancel(order=order, actor=Actor.customer(order.email))
    return Refund.objects.get(order=order)


def _race(refund: Refund, first: tuple[str, str], second: tuple[str, str]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    threads = [
        _in_thread(
            lambda event=event: refund_event_apply(
                refund_id=refund.pk, event_id=event[0], kind=event[1], reason="", actor=PROVIDER
            ),
            results,
            name,
        )
        for name, event in (("a", first), ("b", second))
    ]
    for thread in threads:
        thread.join(20)
    return results


def test_the_same_event_twice_at_once_applies_once() -> None:
    refund = _pending_refund()
    results = _race(refund, ("evt-1", "succeeded"), ("evt-1", "succeeded"))
    assert sorted(r.replayed for r in results.values()) == [False, True], results
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    moves = OrderEvent.objects.filter(order=refund.order, kind=OrderEventKind.PAYMENT_UPDATED)
    assert [e.after["status"] for e in moves.order_by("id")] == ["processing", "succeeded"]
    assert InboundEvent.objects.count() == 1


def test_succeeded_against_failed_at_once_leaves_one_outcome() -> None:
    refund = _pending_refund()
    results = _race(refund, ("evt-ok", "succeeded"), ("evt-no", "failed"))
    outcomes = sorted(r.outcome for r in results.values())
    assert outcomes == ["applied", "ignored"], results
    refund.refresh_from_db()
    assert refund.status in {RefundStatus.SUCCEEDED, RefundStatus.FAILED}
    terminal = OrderEvent.objects.filter(order=refund.order, kind=OrderEventKind.PAYMENT_UPDATED).exclude(
        after__status="processing"
    )
    assert terminal.count() == 1
