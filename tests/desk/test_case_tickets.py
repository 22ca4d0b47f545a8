"""A case opened by self-service becomes a ticket with its kind and order, once; an agent's does not."""

from __future__ import annotations

import pytest

from shopdesk.core.actors import Actor
from shopdesk.desk.enums import TicketChannel, TicketPriority
from shopdesk.desk.models import Ticket
from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.models import Order
from shopdesk.selfservice.cases import case_open

pytestmark = pytest.mark.django_db


def test_an_investigation_opened_by_the_customer_opens_a_ticket_once(order_lost: Order) -> None:
    shipment = order_lost.shipments.get()
    opened = case_open(
        order=order_lost,
        shipment_id=shipment.pk,
        kind="investigation",
        actor=Actor.customer(order_lost.email),
    )
    ticket = Ticket.objects.get(source_reference=opened.case.reference)
    assert ticket.channel == TicketChannel.CASE and ticket.order_id == order_lost.pk
    assert ticket.customer_email == order_lost.email
    assert ticket.priority == TicketPriority.HIGH
    assert list(ticket.tags.values_list("name", flat=True)) == ["investigation"]
    assert opened.case.reference in ticket.subject and shipment.tracking_number in ticket.messages.get().body
    assert ticket.first_response_due_at is not None
    assert OutboxMessage.objects.filter(template="desk_acknowledgement", to=order_lost.email).count() == 1
    # Pressing again returns the open case: no second ticket.
    case_open(
        order=order_lost,
        shipment_id=shipment.pk,
        kind="investigation",
        actor=Actor.customer(order_lost.email),
    )
    assert Ticket.objects.count() == 1


def test_a_case_an_agent_opens_opens_no_ticket(order_lost: Order) -> None:
    shipment = order_lost.shipments.get()
    case_open(
        order=order_lost, shipment_id=shipment.pk, kind="investigation", actor=Actor.agent("ana@desk.example")
    )
    assert not Ticket.objects.exists()
