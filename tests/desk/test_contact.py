"""The contact form, on the site and the API: a ticket, an acknowledgement, an order only when proven."""

from __future__ import annotations

import base64

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shopdesk.access.services import session_open_by_lookup
from shopdesk.desk.enums import TicketChannel, TicketStatus
from shopdesk.desk.models import Ticket, TicketAttachment
from shopdesk.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% a tiny invoice\n"


def post(client: Client, **body: object):  # type: ignore[no-untyped-def]
    payload = {
        "email": "kim@example.com",
        "name": "Kim",
        "topic": "returns",
        "message": "My scarf is torn.",
        **body,
    }
    return client.post("/api/v1/contact", payload, content_type="application/json")


def test_the_api_opens_a_ticket_and_queues_an_acknowledgement(client: Client) -> None:
    response = post(client)
    assert response.status_code == 201
    reference = response.json()["reference"]
    ticket = Ticket.objects.get(reference=reference)
    assert ticket.channel == TicketChannel.CONTACT_FORM and ticket.status == TicketStatus.NEW
    assert ticket.topic == "returns" and ticket.messages.get().body == "My scarf is torn."
    ack = OutboxMessage.objects.get(template="desk_acknowledgement")
    assert ack.to == "kim@example.com" and reference in ack.subject and reference in ack.body_text
    assert ack.headers["Auto-Submitted"] == "auto-replied" and f"+{reference}." in ack.headers["Reply-To"]


def test_an_order_is_linked_only_when_number_and_email_match(client: Client, unfulfilled_order) -> None:  # type: ignore[no-untyped-def]
    matching = post(client, email=unfulfilled_order.email, order_number=unfulfilled_order.number)
    wrong = post(client, email="stranger@example.com", order_number=unfulfilled_order.number)
    assert matching.status_code == wrong.status_code == 201  # the same answer: nothing to probe
    assert Ticket.objects.get(reference=matching.json()["reference"]).order == unfulfilled_order
    unverified = Ticket.objects.get(reference=wrong.json()["reference"])
    assert unverified.order is None and unverified.order_number_given == unfulfilled_order.number


def test_a_signed_in_customer_links_their_order(client: Client, unfulfilled_order) -> None:  # type: ignore[no-untyped-def]
    issued = session_open_by_lookup(
        order_number=unfulfilled_order.number, email=unfulfilled_order.email, client_ip="127.0.0.1"
    )
    response = client.post(
        "/api/v1/contact",
        {
            "email": "another-address@example.com",
            "topic": "refunds",
            "message": "Where is my refund?",
            "order_number": unfulfilled_order.number,
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issued.token}",
    )
    assert Ticket.objects.get(reference=response.json()["reference"]).order == unfulfilled_order


def test_attachments_are_checked_by_content_and_stored_out_of_reach(client: Client) -> None:
    good = post(
        client, attachments=[{"filename": "invoice.pdf", "content_base64": base64.b64encode(PDF).decode()}]
    )
    assert good.status_code == 201
    stored = TicketAttachment.objects.get()
    assert stored.content_type == "application/pdf" and stored.filename == "invoice.pdf"
    assert stored.file.name.startswith("desk/attachments/") and stored.storage_key in stored.file.name
    assert len(stored.storage_key) >= 32  # the folder name is random, not a counter
    bad = post(
        client,
        attachments=[
            {"filename": "photo.jpg", "content_base64": base64.b64encode(b"MZ\x90\x00\x03binary").decode()}
        ],
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "attachment_type_not_allowed"
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [{"email": "not-an-email"}, {"topic": "gossip"}, {"message": ""}, {"unexpected": 1}],
)
def test_bad_input_is_a_422_and_creates_nothing(client: Client, body: dict) -> None:  # type: ignore[type-arg]
    response = post(client, **body)
    assert response.status_code == 422 and response.json()["error"]["code"]
    assert not Ticket.objects.exists() and not OutboxMessage.objects.exists()


def test_the_contact_form_is_rate_limited_per_sender(client: Client) -> None:
    cache.clear()
    codes = [post(client).status_code for _ in range(6)]
    assert codes[:5] == [201] * 5 and codes[5] == 429
    assert Ticket.objects.count() == 5


def test_the_page_form_opens_a_ticket_with_a_photo(client: Client) -> None:
    page = client.get("/contact/")
    assert page.status_code == 200 and b'name="message"' in page.content
    photo = SimpleUploadedFile("torn.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, content_type="image/png")
    response = client.post(
        "/contact/",
        {
            "email": "kim@example.com",
            "name": "Kim",
            "topic": "returns",
            "message": "Torn on arrival",
            "attachments": [photo],
        },
    )
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.reference.encode() in response.content
    assert ticket.messages.get().attachments.get().content_type == "image/png"


def test_the_page_form_shows_errors_and_keeps_nothing(client: Client) -> None:
    response = client.post("/contact/", {"email": "kim@example.com", "topic": "", "message": "x"})
    assert response.status_code == 422 and not Ticket.objects.exists()


def test_home_and_help_center_link_to_the_contact_form(client: Client) -> None:
    assert b'href="/contact/"' in client.get("/").content
    assert b'href="/help/articles/contact-customer-care/"' in client.get("/help/").content
    article = client.get("/help/articles/contact-customer-care/")
    assert article.status_code == 200 and b'href="/contact/"' in article.content
