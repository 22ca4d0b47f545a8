"""Replies go out through the outbox, threaded; notes never do; the customer writing again reopens."""

from __future__ import annotations

import pytest

from shopdesk.desk.enums import MessageKind, TicketStatus
from shopdesk.desk.mail import reply_to_address
from shopdesk.desk.models import Ticket
from shopdesk.desk.services.messages import ticket_customer_message, ticket_note, ticket_reply
from shopdesk.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_a_reply_is_queued_threaded_signed_and_sets_pending(new_ticket: Ticket, agent) -> None:  # type: ignore[no-untyped-def]
    first = new_ticket.messages.get()
    first.message_id = "<abc@mail.example>"
    first.save()
    message = ticket_reply(ticket=new_ticket, author=agent, body="Your parcel left our warehouse today.")
    outbox = OutboxMessage.objects.get(template="desk_reply")
    assert outbox.to == "kim@example.com"
    assert new_ticket.reference in outbox.subject and outbox.subject.startswith("Re: ")
    assert "Your parcel left our warehouse today." in outbox.body_text
    assert "Ana Agent, KWOKING Customer Care" in outbox.body_text  # signed with the store's name
    assert outbox.headers["Message-ID"] == message.message_id
    assert outbox.headers["In-Reply-To"] == "<abc@mail.example>"
    assert outbox.headers["Reply-To"] == reply_to_address(
        reference=new_ticket.reference, reply_token=new_ticket.reply_token
    )
    new_ticket.refresh_from_db()
    assert new_ticket.status == TicketStatus.PENDING and new_ticket.first_response_at is not None


def test_a_note_is_never_sent(new_ticket: Ticket, agent) -> None:  # type: ignore[no-untyped-def]
    note = ticket_note(ticket=new_ticket, author=agent, body="Customer called, wants a refund.")
    assert note.kind == MessageKind.INTERNAL_NOTE and not note.is_public
    assert not OutboxMessage.objects.filter(template="desk_reply").exists()
    new_ticket.refresh_from_db()
    assert new_ticket.status == TicketStatus.NEW


def test_the_customer_writing_again_reopens_but_an_automatic_mail_does_not(new_ticket: Ticket, agent) -> None:  # type: ignore[no-untyped-def]
    ticket_reply(ticket=new_ticket, author=agent, body="Solved, I think.", status_after=TicketStatus.SOLVED)
    ticket_customer_message(
        ticket=new_ticket, body="I am away until Monday.", channel="email", automated=True
    )
    new_ticket.refresh_from_db()
    assert new_ticket.status == TicketStatus.SOLVED
    ticket_customer_message(ticket=new_ticket, body="Still not here!", channel="email")
    new_ticket.refresh_from_db()
    assert new_ticket.status == TicketStatus.OPEN


def test_no_reply_on_a_closed_ticket(new_ticket: Ticket, agent) -> None:  # type: ignore[no-untyped-def]
    from shopdesk.core.errors import Conflict, InvalidInput
    from shopdesk.desk.roles import agent_actor
    from shopdesk.desk.services.tickets import ticket_status_change

    with pytest.raises(InvalidInput):
        ticket_reply(ticket=new_ticket, author=agent, body="   ")
    ticket_status_change(ticket=new_ticket, status=TicketStatus.CLOSED, actor=agent_actor(agent))
    with pytest.raises(Conflict):
        ticket_reply(ticket=new_ticket, author=agent, body="Hello?")
    assert not OutboxMessage.objects.filter(template="desk_reply").exists()
