"""CSAT: solving a ticket emails one question; the link's page records good or bad with a comment."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from shopdesk.desk.enums import TicketEventKind, TicketStatus
from shopdesk.desk.models import Ticket, TicketEvent, TicketSatisfaction
from shopdesk.desk.roles import agent_actor
from shopdesk.desk.services.tickets import ticket_status_change
from shopdesk.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def solve(ticket: Ticket, agent) -> str:  # type: ignore[no-untyped-def]
    """Solve the ticket and return the path of the 'good' link from the email."""
    ticket_status_change(ticket=ticket, status=TicketStatus.SOLVED, actor=agent_actor(agent))
    email = OutboxMessage.objects.get(template="desk_csat")
    assert email.to == ticket.customer_email and ticket.reference in email.subject
    good = re.search(r"http://[^\s]+/csat/([^/\s]+)/\?rating=good", email.body_text)
    assert good and f"/csat/{good.group(1)}/?rating=bad" in email.body_text
    return f"/csat/{good.group(1)}/"


def test_solving_asks_and_the_link_records_the_answer(client: Client, new_ticket: Ticket, agent) -> None:  # type: ignore[no-untyped-def]
    path = solve(new_ticket, agent)
    page = client.get(path + "?rating=good")
    assert page.status_code == 200 and b'value="good" checked' in page.content
    assert TicketSatisfaction.objects.get().rating == ""  # opening the link records nothing
    done = client.post(path, {"rating": "good", "comment": "Quick and kind."})
    assert done.status_code == 200
    survey = TicketSatisfaction.objects.get()
    assert (survey.rating, survey.comment) == ("good", "Quick and kind.") and survey.answered_at
    event = TicketEvent.objects.get(ticket=new_ticket, kind=TicketEventKind.SATISFACTION)
    assert (event.after, event.actor_label) == ("good", new_ticket.customer_email)


def test_the_answer_can_change_and_bad_input_changes_nothing(
    client: Client, new_ticket: Ticket, agent
) -> None:  # type: ignore[no-untyped-def]
    path = solve(new_ticket, agent)
    client.post(path, {"rating": "good"})
    assert client.post(path, {"rating": "meh"}).status_code == 422
    assert TicketSatisfaction.objects.get().rating == "good"
    client.post(path, {"rating": "bad", "comment": "Still waiting."})
    assert TicketSatisfaction.objects.get().rating == "bad"


def test_an_unknown_link_is_a_404(client: Client) -> None:
    assert client.get("/csat/not-a-token/").status_code == 404
    assert client.post("/csat/not-a-token/", {"rating": "good"}).status_code == 404


def test_closing_without_solving_asks_nothing(new_ticket: Ticket, agent) -> None:  # type: ignore[no-untyped-def]
    ticket_status_change(ticket=new_ticket, status=TicketStatus.CLOSED, actor=agent_actor(agent))
    assert not OutboxMessage.objects.filter(template="desk_csat").exists()
