"""The "refund on its way" email says where each share of the money went (the card by its brand and last
digits, store credit, a hold lowered) and the points given back, in HTML and in plain text, over a real SMTP
server on loopback; what the store sent as the card's brand is escaped in the HTML."""

from __future__ import annotations

from decimal import Decimal
from email.message import Message

import pytest
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.loyalty.services import points_spend_for_order
from shopdesk.notifications.delivery import outbox_deliver
from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.models import Order
from shopdesk.payments.models import Payment
from shopdesk.returns.services import ReturnLineRequest, return_create
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from tests.notifications.conftest import smtp_server  # noqa: F401 (the loopback SMTP server fixture)
from tests.orders.test_services_states import shirt_line
from tests.returns.conftest import delivered_paid_by_card_and_store_credit, delivered_shirt_and_scarf

pytestmark = pytest.mark.django_db
STORE = Actor.integration("warehouse")


def _part(message: Message, content_type: str) -> str:
    return next(
        part.get_payload(decode=True).decode().replace("\r\n", "\n")  # SMTP's line ends
        for part in message.walk()
        if part.get_content_type() == content_type
    )


def _refund_email(smtp_server, order: Order) -> Message:  # type: ignore[no-untyped-def]  # noqa: F811
    report = outbox_deliver(batch=20)
    assert report.sent > 0 and report.retried == report.dead == 0
    (message,) = [m for m in smtp_server.received if m["Subject"].startswith("Your refund for return")]
    assert message["To"] == order.email
    return message


def _two_shirts_returned_and_accepted(order: Order) -> dict:
    ret = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(line_id=shirt_line(order).pk, quantity=2, reason="too_small")],
        method="label",
    ).return_request
    return_mark_received(rma=ret.rma, actor=STORE)
    line = shirt_line(order).pk
    return return_inspect(
        rma=ret.rma, actor=STORE, lines=[InspectionLine(line_id=line, outcome="accepted")]
    ).data


def test_the_refund_email_lists_the_card_and_the_store_credit_share(smtp_server):  # noqa: F811
    order = delivered_paid_by_card_and_store_credit("20.00")
    Payment.objects.filter(order=order, method="card").update(card_brand="Acme<b>Pay", card_last4="4242")
    OutboxMessage.objects.all().delete()

    result = _two_shirts_returned_and_accepted(order)

    # Two shirts $98, less their $10 coupon share and the $6.95 label: $81.05; the card's $20 first.
    assert result["refund"]["total"] == "81.05"
    assert result["refund"]["destinations"] == [
        {"kind": "payment", "label": "Acme<B>Pay ending 4242", "amount": "20.00"},
        {"kind": "store_credit", "label": "store credit", "amount": "61.05"},
    ]
    message = _refund_email(smtp_server, order)
    text = _part(message, "text/plain")
    assert "Where it goes:\n- Back to your Acme<B>Pay ending 4242: $20.00\n" in text
    assert "- Added to your store credit: $61.05\n" in text
    html = _part(message, "text/html")
    assert "Back to your Acme&lt;B&gt;Pay ending 4242" in html and "<B>Pay" not in html
    assert "Added to your store credit" in html and "$61.05" in html


def test_the_refund_email_lists_the_points_given_back(smtp_server):  # noqa: F811
    order = delivered_shirt_and_scarf(
        points_used=1000, points_value=Decimal("10.00"), total=Decimal("113.95")
    )
    Payment.objects.filter(order=order).update(
        amount=Decimal("113.95"), amount_authorised=Decimal("113.95"), amount_captured=Decimal("113.95")
    )
    points_spend_for_order(order=order, now=timezone.now())
    OutboxMessage.objects.all().delete()

    result = _two_shirts_returned_and_accepted(order)

    points = result["refund"]["points"]
    assert points > 0
    (card,) = result["refund"]["destinations"]
    assert card["kind"] == "payment" and card["amount"] == result["refund"]["total"]
    message = _refund_email(smtp_server, order)
    text = _part(message, "text/plain")
    assert f"- Back to your Visa ending 4242: ${card['amount']}\n" in text
    assert f"- Points back to your account: {points:,} points\n" in text
    html = _part(message, "text/html")
    assert "Points back to your account" in html and f"{points:,} points" in html
