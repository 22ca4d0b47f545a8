"""An agent or the store sends a failed refund again: failed → pending with an event naming who did it,
the demo provider asked again, a repeat changes nothing, a customer is refused everywhere; the desk lists
the action and performs it through its API."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult

from shopdesk.access.services import session_open_by_lookup
from shopdesk.core.actors import Actor
from shopdesk.core.errors import NotEligible
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import Order, OrderEvent
from shopdesk.payments.enums import RefundStatus
from shopdesk.payments.models import Payment, Refund
from shopdesk.payments.services.refund_events import refund_event_apply
from shopdesk.payments.services.refund_follow_up import refund_demo_step
from shopdesk.payments.services.refund_retry import refund_retry
from shopdesk.returns.services import ReturnLineRequest, return_create
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from shopdesk.selfservice.registry import action_get, order_actions
from tests.desk.conftest import agent, agent_token  # noqa: F401 (desk fixtures)
from tests.orders.test_services_states import scarf_line
from tests.returns.conftest import delivered_shirt_and_scarf

pytestmark = pytest.mark.django_db
STORE = Actor.integration("warehouse")
ANA = Actor.agent("ana@desk.example")
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _failed_refund() -> Refund:
    """A delivered order whose scarf came back defective; the provider refused the refund."""
    order = delivered_shirt_and_scarf()
    scarf = scarf_line(order)
    created = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(scarf.pk, 1, "defective")],
        method="label",
    )
    return_mark_received(rma=created.data["rma"], actor=STORE)
    return_inspect(rma=created.data["rma"], actor=STORE, lines=[InspectionLine(scarf.pk, "accepted")])
    refund = Refund.objects.get(order=order)
    refund_event_apply(
        refund_id=refund.pk, event_id="evt-fail", kind="failed", reason="card closed", actor=STORE
    )
    refund.refresh_from_db()
    assert refund.status == RefundStatus.FAILED
    return refund


def _retries(order: Order) -> list[OrderEvent]:
    return [
        event
        for event in OrderEvent.objects.filter(order=order, kind=OrderEventKind.PAYMENT_UPDATED)
        if (event.after or {}).get("status") == RefundStatus.PENDING
    ]


@override_settings(SHOPDESK_DEMO_REFUNDS=True, TASKS=DB_TASKS)
def test_an_agent_sends_a_failed_refund_again_once(django_capture_on_commit_callbacks):
    refund = _failed_refund()
    payment = Payment.objects.get(order=refund.order)
    refunded = payment.amount_refunded
    DBTaskResult.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        done = refund_retry(refund_id=refund.pk, actor=ANA, note="customer confirmed the card")
    again = refund_retry(refund_id=refund.pk, actor=ANA)

    assert (done.replayed, done.refund.status) == (False, RefundStatus.PENDING)
    assert (again.replayed, again.refund.status) == (True, RefundStatus.PENDING)
    [event] = _retries(refund.order)
    assert event.actor_label == "ana@desk.example" and event.actor_kind == "agent"
    assert event.before == {"refund_id": refund.pk, "status": "failed"}
    assert "customer confirmed the card" in event.after["reason"]
    # The provider is asked again (the demo's job), and the money moved once: nothing more is refunded.
    assert DBTaskResult.objects.get().args_kwargs["args"] == [refund.pk]
    payment.refresh_from_db()
    assert payment.amount_refunded == refunded


def test_the_provider_then_settles_the_refund_sent_again():
    refund = _failed_refund()
    Payment.objects.filter(pk=refund.payment_id).update(card_last4="4242")  # the card now accepts it
    refund_retry(refund_id=refund.pk, actor=STORE)

    settled = refund_demo_step(refund_id=refund.pk)

    assert settled.status == RefundStatus.SUCCEEDED


def test_only_a_failed_refund_is_sent_again_and_never_by_a_customer():
    refund = _failed_refund()
    customer = Actor.customer(refund.order.email)
    with pytest.raises(NotEligible) as refused:
        refund_retry(refund_id=refund.pk, actor=customer)
    assert refused.value.code == "agents_only"
    refund.refresh_from_db()
    assert refund.status == RefundStatus.FAILED and _retries(refund.order) == []

    refund_event_apply(refund_id=refund.pk, event_id="evt-2", kind="processing", reason="", actor=STORE)
    refund_event_apply(refund_id=refund.pk, event_id="evt-3", kind="succeeded", reason="", actor=STORE)
    with pytest.raises(NotEligible) as done:
        refund_retry(refund_id=refund.pk, actor=ANA)
    assert done.value.code == "refund_not_failed"
    # Whatever the refund's status, a customer gets the same refusal.
    with pytest.raises(NotEligible):
        refund_retry(refund_id=refund.pk, actor=customer)


def test_the_registry_refuses_the_customer_and_offers_it_to_agents_only():
    refund = _failed_refund()
    order = refund.order
    action = action_get("refund_retry")

    assert order_actions(order, Actor.customer(order.email))["refund_retry"].code == "agents_only"
    assert action.eligibility(order=order, actor=STORE).code == "agents_only"  # the store calls the service
    assert action.eligibility(order=order, actor=ANA).allowed
    with pytest.raises(NotEligible):
        action.perform(order=order, actor=Actor.customer(order.email), params={})
    result = action.perform(order=order, actor=ANA, params={})
    assert result.data == {"refund_id": refund.pk, "status": "pending"} and not result.replayed
    assert action.eligibility(order=order, actor=ANA).code == "no_failed_refund"


def test_the_customer_api_refuses_it(client: Client):
    refund = _failed_refund()
    order = refund.order
    issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1")
    response = client.post(
        f"/api/v1/customer/orders/{order.number}/actions/refund_retry/preview",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issued.token}",
    )
    assert response.status_code in (403, 409, 422), response.content
    assert response.json()["error"]["code"] == "agents_only"
    refund.refresh_from_db()
    assert refund.status == RefundStatus.FAILED


def test_the_desk_lists_it_and_performs_it_through_its_api(client: Client, agent_token):  # noqa: F811
    refund = _failed_refund()
    order = refund.order
    headers = {"HTTP_AUTHORIZATION": f"Bearer {agent_token}"}

    listed = client.get(f"/api/v1/desk/orders/{order.number}/actions", **headers)
    assert listed.status_code == 200, listed.content
    retry = next(item for item in listed.json() if item["id"] == "refund_retry")
    assert retry["allowed"] is True

    url = f"/api/v1/desk/orders/{order.number}/actions/refund_retry"
    body = {"params": {"refund_id": refund.pk, "note": "new card on file"}}
    first = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="r-1", **headers)
    second = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="r-1", **headers)

    assert first.status_code == 200, first.content
    assert first.json()["replayed"] is False and first.json()["data"]["status"] == "pending"
    assert second.status_code == 200 and second.json()["replayed"] is True
    assert len(_retries(order)) == 1 and _retries(order)[0].actor_label == "ana@desk.example"
    assert client.post(url, body, content_type="application/json").status_code == 401


def test_the_admin_action_sends_the_failed_refunds_again(client: Client):
    from django.contrib.auth.models import User

    refund = _failed_refund()
    User.objects.create_superuser("boss", "boss@example.com", "pw")
    client.login(username="boss", password="pw")

    response = client.post("/admin/payments/refund/", {"action": "retry", "_selected_action": [refund.pk]})

    assert response.status_code == 302
    refund.refresh_from_db()
    assert refund.status == RefundStatus.PENDING
    assert [event.actor_label for event in _retries(refund.order)] == ["boss"]
