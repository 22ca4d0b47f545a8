"""Payment events from the provider with their event id: captured, declined with a code, chargeback
opened. A repeated event id changes nothing; an event that arrives after a later one is ignored."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import OrderEvent
from shopdesk.payments.models import Payment
from shopdesk.webhooks.models import InboundEvent
from tests.integration import fixtures
from tests.integration.payloads import StoreClient

store = fixtures.store
store_with_product = fixtures.store_with_product
store_with_order = fixtures.store_with_order


def _pending(store: StoreClient, external_id: str = "pay-2") -> None:
    body = {"order_number": "KW00000001", "method": "card", "amount": "98.00"}
    assert store.put(f"/payments/{external_id}", body).status_code == 201


def _event(store: StoreClient, external_id: str, **body: Any) -> Any:
    return store.post(f"/payments/{external_id}/events", body)


def _payment_events() -> int:
    return OrderEvent.objects.filter(kind=OrderEventKind.PAYMENT_UPDATED).count()


def test_captured_then_the_same_event_again(store_with_order: StoreClient) -> None:
    _pending(store_with_order)
    first = _event(store_with_order, "pay-2", kind="captured", amount="98.00", event_id="evt_1")
    events = _payment_events()
    again = _event(store_with_order, "pay-2", kind="captured", amount="98.00", event_id="evt_1")

    assert first.json() | {"id": 0} == {
        "status": "updated",
        "type": "payment",
        "key": "pay-2",
        "id": 0,
        "outcome": "applied",
        "replayed": False,
    }
    assert again.status_code == 200
    assert again.json()["replayed"] is True and again.json()["status"] == "unchanged"
    payment = Payment.objects.get(external_id="pay-2")
    assert payment.state == "captured" and payment.amount_captured == Decimal("98.00")
    assert _payment_events() == events
    assert InboundEvent.objects.filter(source="payment").count() == 1


def test_declined_with_its_code(store_with_order: StoreClient) -> None:
    _pending(store_with_order)

    response = _event(
        store_with_order, "pay-2", kind="declined", decline_code="insufficient_funds", event_id="e1"
    )

    assert response.json()["outcome"] == "applied"
    payment = Payment.objects.get(external_id="pay-2")
    assert (payment.state, payment.decline_code) == ("declined", "insufficient_funds")


def test_a_decline_arriving_after_the_capture_is_ignored(store_with_order: StoreClient) -> None:
    _pending(store_with_order)
    _event(store_with_order, "pay-2", kind="captured", amount="98.00", event_id="e2")
    events = _payment_events()

    late = _event(store_with_order, "pay-2", kind="declined", decline_code="do_not_honor", event_id="e1")

    assert late.status_code == 200
    assert late.json()["outcome"] == "ignored" and late.json()["status"] == "unchanged"
    payment = Payment.objects.get(external_id="pay-2")
    assert (payment.state, payment.decline_code) == ("captured", "")
    assert _payment_events() == events
    # Without an event id, the same late decline is refused as before.
    assert _event(store_with_order, "pay-2", kind="declined", decline_code="do_not_honor").status_code == 409


def test_an_authorisation_after_the_capture_is_ignored(store_with_order: StoreClient) -> None:
    _pending(store_with_order)
    _event(store_with_order, "pay-2", kind="captured", amount="98.00", event_id="e2")

    late = _event(store_with_order, "pay-2", kind="authorised", amount="98.00", event_id="e1")

    assert late.json()["outcome"] == "ignored"
    assert Payment.objects.get(external_id="pay-2").state == "captured"


def test_chargeback_opened_on_a_captured_payment(store_with_order: StoreClient) -> None:
    body = {
        "kind": "chargeback_opened",
        "amount": "98.00",
        "reason": "fraudulent",
        "event_id": "dp_1",
        "occurred_at": "2026-03-09T10:00:00Z",
    }
    first = _event(store_with_order, "pay-1", **body)
    again = _event(store_with_order, "pay-1", **body)

    assert first.json()["outcome"] == "applied"
    assert again.json()["replayed"] is True
    payment = Payment.objects.get(external_id="pay-1")
    assert payment.state == "captured"
    assert payment.chargeback_opened_at is not None and payment.chargeback_opened_at.day == 9
    assert (payment.chargeback_amount, payment.chargeback_reason) == (Decimal("98.00"), "fraudulent")
    event = OrderEvent.objects.filter(kind=OrderEventKind.PAYMENT_UPDATED).latest("id")
    assert event.after["chargeback_reason"] == "fraudulent"


def test_chargeback_on_an_unpaid_payment_is_ignored(store_with_order: StoreClient) -> None:
    _pending(store_with_order)

    response = _event(store_with_order, "pay-2", kind="chargeback_opened", event_id="dp_2")

    assert response.json()["outcome"] == "ignored"
    assert Payment.objects.get(external_id="pay-2").chargeback_opened_at is None


def test_chargeback_needs_an_event_id(store_with_order: StoreClient) -> None:
    response = _event(store_with_order, "pay-1", kind="chargeback_opened")

    assert response.status_code == 422
    assert Payment.objects.get(external_id="pay-1").chargeback_opened_at is None


def test_an_event_id_reused_for_another_payment_is_refused(store_with_order: StoreClient) -> None:
    _pending(store_with_order)
    _event(store_with_order, "pay-2", kind="captured", amount="98.00", event_id="e9")

    response = _event(store_with_order, "pay-1", kind="chargeback_opened", event_id="e9")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "payment_event_id_reused"
    assert Payment.objects.get(external_id="pay-1").chargeback_opened_at is None


def test_events_with_ids_in_a_bulk_batch(store_with_order: StoreClient) -> None:
    _pending(store_with_order)
    item = {"type": "payment_event", "external_id": "pay-2", "kind": "captured", "event_id": "e5"}

    body = store_with_order.post("/bulk", {"items": [item, item]}).json()

    assert [result["status"] for result in body["results"]] == ["updated", "unchanged"]
    assert Payment.objects.get(external_id="pay-2").state == "captured"
