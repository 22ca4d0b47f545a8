"""Refund events in: `POST /api/v1/store/refunds/{id}/events` moves a refund through its state table,
once per event id; out-of-order events change nothing; succeeded/failed go out as webhooks."""

from __future__ import annotations

import pytest

from shopdesk.api.auth import token_create
from shopdesk.core.actors import Actor
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import OrderEvent
from shopdesk.payments.enums import RefundStatus
from shopdesk.payments.models import Refund
from shopdesk.selfservice.services.cancel import order_cancel
from shopdesk.webhooks.delivery import webhooks_deliver
from shopdesk.webhooks.models import InboundEvent, WebhookEvent
from shopdesk.webhooks.services.endpoints import EndpointWithSecret
from tests.integration.payloads import StoreClient
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(db: None) -> StoreClient:
    return StoreClient(token_create(name="test-store").secret)


@pytest.fixture
def pending_refund(db: None) -> Refund:
    """A whole-order cancel of a captured payment: one refund, still pending at the provider."""
    order = paid_order_of_shirt_and_scarf()
    order_cancel(order=order, actor=Actor.customer(order.email))
    refund = Refund.objects.get(order=order)
    assert refund.status == RefundStatus.PENDING
    return refund


def _event(store: StoreClient, refund: Refund, event_id: str, kind: str, reason: str = ""):  # type: ignore[no-untyped-def]
    return store.post(f"/refunds/{refund.pk}/events", {"event_id": event_id, "kind": kind, "reason": reason})


def test_processing_then_succeeded_moves_the_refund_and_writes_the_trail(store, pending_refund) -> None:
    first = _event(store, pending_refund, "evt-1", "processing")
    assert first.status_code == 200, first.content
    assert first.json() == {
        "refund_id": pending_refund.pk,
        "status": "processing",
        "outcome": "applied",
        "replayed": False,
    }
    second = _event(store, pending_refund, "evt-2", "succeeded")
    assert second.json()["status"] == "succeeded"
    pending_refund.refresh_from_db()
    assert pending_refund.status == RefundStatus.SUCCEEDED and pending_refund.completed_at is not None
    trail = OrderEvent.objects.filter(order=pending_refund.order, kind=OrderEventKind.PAYMENT_UPDATED)
    assert [e.after["status"] for e in trail.order_by("id")] == ["processing", "succeeded"]
    assert trail.last().actor_label == "test-store"


def test_the_same_event_twice_changes_nothing_and_answers_the_same(store, pending_refund) -> None:
    _event(store, pending_refund, "evt-1", "failed", "card_expired")
    before = OrderEvent.objects.count()
    again = _event(store, pending_refund, "evt-1", "failed", "card_expired")
    assert again.status_code == 200
    assert again.json()["replayed"] is True and again.json()["status"] == "failed"
    assert OrderEvent.objects.count() == before
    assert InboundEvent.objects.count() == 1


def test_a_late_processing_after_succeeded_is_ignored(store, pending_refund) -> None:
    _event(store, pending_refund, "evt-2", "succeeded")  # processing was lost or is late: taken as a step
    late = _event(store, pending_refund, "evt-1", "processing")
    assert late.status_code == 200
    assert late.json()["outcome"] == "ignored" and late.json()["status"] == "succeeded"
    pending_refund.refresh_from_db()
    assert pending_refund.status == RefundStatus.SUCCEEDED


def test_a_failed_after_succeeded_changes_nothing(store, pending_refund) -> None:
    _event(store, pending_refund, "evt-2", "succeeded")
    trail = OrderEvent.objects.count()
    late = _event(store, pending_refund, "evt-3", "failed", "insufficient_funds")
    assert late.json()["outcome"] == "ignored"
    pending_refund.refresh_from_db()
    assert pending_refund.status == RefundStatus.SUCCEEDED and OrderEvent.objects.count() == trail


def test_a_succeeded_after_failed_needs_the_providers_retry_first(store, pending_refund) -> None:
    _event(store, pending_refund, "evt-1", "failed", "card_expired")
    stray = _event(store, pending_refund, "evt-2", "succeeded")
    assert stray.json()["outcome"] == "ignored" and stray.json()["status"] == "failed"
    _event(store, pending_refund, "evt-3", "processing")
    retried = _event(store, pending_refund, "evt-4", "succeeded")
    assert retried.json()["outcome"] == "applied" and retried.json()["status"] == "succeeded"


def test_an_event_id_reused_for_another_kind_is_a_conflict(store, pending_refund) -> None:
    _event(store, pending_refund, "evt-1", "processing")
    reused = _event(store, pending_refund, "evt-1", "succeeded")
    assert reused.status_code == 409 and reused.json()["error"]["code"] == "refund_event_id_reused"
    pending_refund.refresh_from_db()
    assert pending_refund.status == RefundStatus.PROCESSING


def test_bad_input_is_422_and_an_unknown_refund_404(store, pending_refund) -> None:
    bad = store.post(f"/refunds/{pending_refund.pk}/events", {"event_id": "e", "kind": "exploded"})
    assert bad.status_code == 422
    missing = store.post("/refunds/999999/events", {"event_id": "e", "kind": "succeeded"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "refund_not_found"
    assert InboundEvent.objects.count() == 0


def test_created_succeeded_and_failed_refunds_go_out_as_verified_webhooks(
    store, receiver: Receiver, endpoint_for_everything: EndpointWithSecret
) -> None:
    order = paid_order_of_shirt_and_scarf()
    order_cancel(order=order, actor=Actor.customer(order.email))
    refund = Refund.objects.get(order=order)
    _event(store, refund, "evt-1", "processing")
    _event(store, refund, "evt-2", "failed", "card_expired")
    _event(store, refund, "evt-3", "processing")  # the provider retries
    _event(store, refund, "evt-4", "succeeded")
    webhooks_deliver(batch=20)
    types = [r.payload["type"] for r in receiver.received]
    refund_types = [name for name in types if name.startswith("refund.")]
    # One event per move of the state table, the provider's retry (failed → processing) told apart.
    assert refund_types == [
        "refund.created",
        "refund.processing",
        "refund.failed",
        "refund.retried",
        "refund.succeeded",
    ]
    assert "order.cancelled" in types
    # The failure went to an agent as a case, sent in the same transaction.
    assert types.count("case.opened") == 1
    retried = next(r for r in receiver.received if r.payload["type"] == "refund.retried")
    assert retried.payload["data"]["before"] == {"refund_id": refund.pk, "status": "failed"}
    assert retried.payload["data"]["after"]["status"] == "processing"
    assert retried.payload["data"]["actor"] == {"kind": "integration", "label": "test-store"}
    failed = next(r for r in receiver.received if r.payload["type"] == "refund.failed")
    assert failed.payload["data"]["after"] == {
        "refund_id": refund.pk,
        "status": "failed",
        "reason": "card_expired",
    }
    assert all(r.verified for r in receiver.received)
    assert WebhookEvent.objects.filter(type__startswith="refund.").count() == 5
