"""`ticket.*` webhooks from the desk's services (opened, status changed, a reply with its text and who wrote
it: an agent or the customer; never an internal note) and
`payment.chargeback_opened` from the payment-events endpoint: one verified event each, with the customer,
the order and the actor; a repeated chargeback event sends nothing more."""

from __future__ import annotations

import pytest

from shopdesk.api.auth import token_create
from shopdesk.core.actors import Actor
from shopdesk.desk.enums import TicketChannel, TicketStatus, TicketTopic
from shopdesk.desk.services.agents import agent_add
from shopdesk.desk.services.messages import ticket_customer_message, ticket_note, ticket_reply
from shopdesk.desk.services.tickets import ticket_create, ticket_status_change
from shopdesk.payments.models import Payment
from shopdesk.webhooks.models import WebhookDelivery
from tests.integration.payloads import StoreClient
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf
from tests.webhooks.conftest import Receiver, delivered

pytestmark = pytest.mark.django_db


def _parcel_ticket():  # type: ignore[no-untyped-def]
    """A customer's contact-form ticket about the parcel of their paid order, and an agent to answer it."""
    order = paid_order_of_shirt_and_scarf()
    ticket = ticket_create(
        subject="Where is my parcel?",
        customer_email=order.email,
        customer_name="Kim Shopper",
        channel=TicketChannel.CONTACT_FORM,
        body="It has not arrived.",
        topic=TicketTopic.SHIPPING,
        actor=Actor.customer(order.email),
        order=order,
    )
    agent = agent_add(email="ana@desk.example", role="agent", name="Ana Agent").user
    return order, ticket, agent


def test_a_ticket_opened_answered_and_solved_sends_its_events(receiver: Receiver, endpoint_for) -> None:
    endpoint = endpoint_for("ticket.created", "ticket.status_changed", "ticket.replied")
    only_replies = endpoint_for("ticket.replied")
    order, ticket, agent = _parcel_ticket()
    message = ticket_reply(ticket=ticket, author=agent, body="It is on its way.")
    ticket_status_change(ticket=ticket, status=TicketStatus.SOLVED, actor=Actor.agent(agent.get_username()))

    received = delivered(receiver)
    by_endpoint = [
        (d.event.type, d.event.payload["data"]["after"])
        for d in WebhookDelivery.objects.filter(endpoint_id=endpoint.endpoint.pk).order_by("id")
    ]
    assert by_endpoint == [
        ("ticket.created", {"status": "new"}),
        (
            "ticket.replied",
            {
                "author": agent.get_username(),
                "author_kind": "agent",
                "message_id": message.pk,
                "body": "It is on its way.",
            },
        ),
        ("ticket.status_changed", {"status": "pending"}),
        ("ticket.status_changed", {"status": "solved"}),
    ]
    assert [d.event.type for d in WebhookDelivery.objects.filter(endpoint_id=only_replies.endpoint.pk)] == [
        "ticket.replied"
    ]
    created = next(r.payload["data"] for r in received if r.payload["type"] == "ticket.created")
    assert created["order"]["number"] == order.number
    assert created["customer"]["email"] == order.email
    assert created["ticket"]["reference"] == ticket.reference and created["ticket"]["topic"] == "shipping"
    assert created["actor"] == {"kind": "customer", "label": order.email}
    solved = [r.payload["data"] for r in received if r.payload["type"] == "ticket.status_changed"][-1]
    assert solved["before"] == {"status": "pending"} and solved["ticket"]["status"] == "solved"
    assert solved["actor"]["kind"] == "agent"


def test_the_customer_s_message_goes_out_as_a_reply_and_an_internal_note_does_not(
    receiver: Receiver, endpoint_for
) -> None:
    endpoint = endpoint_for("ticket.replied")
    order, ticket, agent = _parcel_ticket()
    ticket_note(ticket=ticket, author=agent, body="Carrier says Tuesday <internal>.")
    ticket_reply(ticket=ticket, author=agent, body="It left on Monday: <b>tracking</b> in your email.")
    message = ticket_customer_message(ticket=ticket, body="Thanks & see you <soon>!", channel="email")

    received = delivered(receiver, endpoint=endpoint)

    assert [r.payload["data"]["after"]["author_kind"] for r in received] == ["agent", "customer"]
    reply, answer = (r.payload["data"] for r in received)
    assert reply["after"]["body"] == "It left on Monday: <b>tracking</b> in your email."  # as written: JSON
    assert answer["after"] == {
        "author": order.email,
        "author_kind": "customer",
        "message_id": message.pk,
        "body": "Thanks & see you <soon>!",
    }
    assert answer["actor"] == {"kind": "customer", "label": order.email}
    assert answer["ticket"]["reference"] == ticket.reference
    assert all("internal" not in r.body.decode() for r in received)  # the note is not sent


def test_a_ticket_about_no_order_has_no_order_block(endpoint_for, receiver: Receiver) -> None:
    endpoint = endpoint_for("ticket.created")
    ticket_create(
        subject="Do you ship to Norway?",
        customer_email="ola@example.com",
        customer_name="Ola",
        channel=TicketChannel.CONTACT_FORM,
        body="Before I order.",
        topic=TicketTopic.SHIPPING,
        actor=Actor.customer("ola@example.com"),
    )
    (only,) = delivered(receiver, endpoint=endpoint)
    assert only.payload["data"]["order"] is None
    assert only.payload["data"]["customer"] == {"email": "ola@example.com", "external_id": None}


def test_a_chargeback_from_the_payment_events_endpoint_goes_out_once(
    receiver: Receiver, endpoint_for
) -> None:
    endpoint = endpoint_for("payment.chargeback_opened")
    order = paid_order_of_shirt_and_scarf()
    Payment.objects.filter(order=order).update(external_id="pay-cb-1")  # as the store sent it
    payment = Payment.objects.get(order=order)
    store = StoreClient(token_create(name="payments-app").secret)
    body = {
        "kind": "chargeback_opened",
        "amount": "20.00",
        "reason": "product_not_received",
        "event_id": "dp_9",
        "occurred_at": "2026-03-09T10:00:00Z",
    }
    first = store.post(f"/payments/{payment.external_id}/events", body)
    again = store.post(f"/payments/{payment.external_id}/events", body)
    assert first.json()["outcome"] == "applied" and again.json()["replayed"] is True

    (only,) = delivered(receiver, endpoint=endpoint)
    data = only.payload["data"]
    assert only.payload["type"] == "payment.chargeback_opened"
    assert data["order"]["number"] == order.number
    assert data["payment"]["external_id"] == payment.external_id
    assert data["before"]["chargeback_opened_at"] is None
    assert data["after"]["chargeback_reason"] == "product_not_received"
    assert data["after"]["chargeback_opened_at"] == "2026-03-09T10:00:00Z"
    assert data["actor"] == {"kind": "integration", "label": "payments-app"}


def test_a_chargeback_on_an_unpaid_payment_sends_nothing(endpoint_for) -> None:
    endpoint_for("*")
    order = paid_order_of_shirt_and_scarf()
    Payment.objects.filter(order=order).update(external_id="pay-cb-2", state="authorised", amount_captured=0)
    payment = Payment.objects.get(order=order)
    store = StoreClient(token_create(name="payments-app").secret)
    answer = store.post(
        f"/payments/{payment.external_id}/events", {"kind": "chargeback_opened", "event_id": "dp_10"}
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["outcome"] == "ignored"
    assert not WebhookDelivery.objects.filter(event__type="payment.chargeback_opened").exists()
