"""Inbound email from MIME fixtures written for these tests: new tickets, threading, strangers kept out,
auto-replies and bounces that neither reopen nor loop, attachments, and the endpoint's token."""

from __future__ import annotations

import smtplib
from pathlib import Path

import pytest
from django.test import Client, override_settings

from shopdesk.desk.enums import TicketChannel, TicketStatus
from shopdesk.desk.models import Ticket, TicketMessage
from shopdesk.desk.roles import agent_actor
from shopdesk.desk.services.messages import ticket_reply
from shopdesk.desk.services.tickets import ticket_status_change
from shopdesk.notifications.models import OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db
MIME = Path(__file__).parent / "mime"
INBOUND_TOKEN = "inbound-test-token-0123456789"


def fixture(name: str, **values: str) -> bytes:
    text = (MIME / name).read_text()
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text.encode()


def deliver(client: Client, raw: bytes, token: str = INBOUND_TOKEN):  # type: ignore[no-untyped-def]
    with override_settings(SHOPDESK_INBOUND_TOKEN=INBOUND_TOKEN):
        return client.post(
            "/api/v1/inbound/email", raw, content_type="message/rfc822", HTTP_AUTHORIZATION=f"Bearer {token}"
        )


@pytest.fixture
def kims_order(db: None):  # type: ignore[no-untyped-def]
    return factories.OrderFactory(customer=factories.CustomerFactory(email="kim@example.com"))


@pytest.fixture
def answered_ticket(client: Client, kims_order, agent) -> tuple[Ticket, str]:  # type: ignore[no-untyped-def]
    """Kim's emailed ticket with our reply: returns the ticket and our reply's Message-ID."""
    response = deliver(client, fixture("new_plain.eml", ORDER=kims_order.number))
    ticket = Ticket.objects.get(reference=response.json()["reference"])
    reply = ticket_reply(ticket=ticket, author=agent, body="Could you send us a photo?")
    return ticket, reply.message_id


def test_a_new_email_opens_a_ticket_matched_to_the_customer_and_order(client: Client, kims_order) -> None:  # type: ignore[no-untyped-def]
    response = deliver(client, fixture("new_plain.eml", ORDER=kims_order.number))
    assert response.status_code == 201 and response.json()["created"] is True
    ticket = Ticket.objects.get(reference=response.json()["reference"])
    assert ticket.channel == TicketChannel.EMAIL and ticket.customer_email == "kim@example.com"
    assert ticket.customer == kims_order.customer and ticket.order == kims_order
    assert ticket.customer_name == "Kim Shopper" and "came torn" in ticket.messages.get().body
    assert OutboxMessage.objects.filter(template="desk_acknowledgement", to="kim@example.com").count() == 1


def test_the_same_email_delivered_twice_is_stored_once(client: Client, kims_order) -> None:  # type: ignore[no-untyped-def]
    raw = fixture("new_plain.eml", ORDER=kims_order.number)
    first, second = deliver(client, raw), deliver(client, raw)
    assert first.json()["reference"] == second.json()["reference"] and second.status_code == 200
    assert Ticket.objects.count() == 1 and TicketMessage.objects.count() == 1


def test_a_reply_to_our_tagged_address_threads_and_reopens(client: Client, answered_ticket) -> None:  # type: ignore[no-untyped-def]
    ticket, our_id = answered_ticket
    raw = fixture("gmail_reply.eml", REF=ticket.reference, TOKEN=ticket.reply_token, MSGID=our_id)
    response = deliver(client, raw)
    assert response.status_code == 200 and response.json() == {
        "reference": ticket.reference,
        "created": False,
        "ignored": "",
    }
    latest = ticket.messages.order_by("-id").first()
    assert (
        latest.body == "Thanks! A photo is not possible right now, but the tear is about 3 cm."
    )  # quote cut off
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN


def test_an_html_only_reply_threads_by_in_reply_to(client: Client, answered_ticket) -> None:  # type: ignore[no-untyped-def]
    ticket, our_id = answered_ticket
    response = deliver(client, fixture("outlook_reply_html.eml", MSGID=our_id))
    assert response.json()["reference"] == ticket.reference
    body = ticket.messages.order_by("-id").first().body
    assert "Any news about the replacement? I need it by Friday." in body and "<p>" not in body


def test_a_stranger_who_knows_the_reference_starts_their_own_ticket(client: Client, answered_ticket) -> None:  # type: ignore[no-untyped-def]
    ticket, our_id = answered_ticket
    before = ticket.messages.count()
    response = deliver(client, fixture("stranger_with_reference.eml", REF=ticket.reference, MSGID=our_id))
    assert response.status_code == 201 and response.json()["reference"] != ticket.reference
    assert ticket.messages.count() == before
    assert Ticket.objects.get(reference=response.json()["reference"]).customer_email == "mallory@evil.example"


def test_a_wrong_token_in_the_address_does_not_thread(client: Client, answered_ticket) -> None:  # type: ignore[no-untyped-def]
    ticket, _ = answered_ticket
    raw = fixture("gmail_reply.eml", REF=ticket.reference, TOKEN="x" * 24, MSGID="<nothing@else>")
    raw = raw.replace(b"kim@example.com", b"eve@example.net")
    response = deliver(client, raw)
    assert response.json()["created"] is True and response.json()["reference"] != ticket.reference


def test_an_auto_reply_is_kept_but_never_reopens_or_answers(client: Client, answered_ticket) -> None:  # type: ignore[no-untyped-def]
    ticket, _ = answered_ticket
    acks = OutboxMessage.objects.filter(template="desk_acknowledgement").count()
    response = deliver(client, fixture("auto_reply.eml", REF=ticket.reference, TOKEN=ticket.reply_token))
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.PENDING
    assert ticket.messages.order_by("-id").first().automated is True
    assert OutboxMessage.objects.filter(template="desk_acknowledgement").count() == acks


def test_a_bounce_that_answers_nothing_is_dropped(client: Client) -> None:
    response = deliver(client, fixture("bounce.eml"))
    assert response.status_code == 200 and response.json()["ignored"]
    assert not Ticket.objects.exists() and not OutboxMessage.objects.exists()


def test_attachments_are_kept_and_forbidden_types_noted(client: Client, kims_order) -> None:  # type: ignore[no-untyped-def]
    response = deliver(client, fixture("with_attachments.eml"))
    message = Ticket.objects.get(reference=response.json()["reference"]).messages.get()
    [kept] = message.attachments.all()
    assert (kept.filename, kept.content_type) == ("torn.png", "image/png")
    assert "setup.exe" in message.body and "Not kept" in message.body


def test_a_forwarded_email_keeps_the_forwarded_text(client: Client) -> None:
    response = deliver(client, fixture("forwarded.eml"))
    body = Ticket.objects.get(reference=response.json()["reference"]).messages.get().body
    assert "does not work" in body and "Your package is on its way." in body


def test_mail_after_closing_opens_a_follow_up(client: Client, answered_ticket, agent) -> None:  # type: ignore[no-untyped-def]
    ticket, our_id = answered_ticket
    ticket_status_change(ticket=ticket, status=TicketStatus.CLOSED, actor=agent_actor(agent))
    response = deliver(
        client, fixture("gmail_reply.eml", REF=ticket.reference, TOKEN=ticket.reply_token, MSGID=our_id)
    )
    follow_up = Ticket.objects.get(reference=response.json()["reference"])
    assert follow_up != ticket and ticket.reference in follow_up.subject


@pytest.mark.parametrize("token", ["", "wrong-token"])
def test_the_endpoint_needs_the_inbound_token(client: Client, token: str) -> None:
    response = deliver(client, fixture("forwarded.eml"), token=token)
    assert response.status_code == 401 and response.json()["error"]["code"] in {"token_invalid"}
    assert not Ticket.objects.exists()


def test_the_endpoint_is_off_without_a_configured_token(client: Client) -> None:
    response = client.post(
        "/api/v1/inbound/email", b"x", content_type="message/rfc822", HTTP_AUTHORIZATION="Bearer "
    )
    assert response.status_code == 401 and response.json()["error"]["code"] == "inbound_disabled"


@pytest.mark.django_db(transaction=True)
def test_inbound_smtp_receives_over_loopback() -> None:
    from shopdesk.desk.smtp import inbound_smtp_controller
    from tests.notifications.conftest import _free_port

    port = _free_port()
    controller = inbound_smtp_controller(host="127.0.0.1", port=port)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.sendmail("kim@example.com", ["care@kwoking.example"], fixture("forwarded.eml"))
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                smtp.sendmail("kim@example.com", ["someone@elsewhere.example"], fixture("forwarded.eml"))
    finally:
        controller.stop()
    ticket = Ticket.objects.get()
    assert ticket.channel == TicketChannel.EMAIL and "does not work" in ticket.messages.get().body
