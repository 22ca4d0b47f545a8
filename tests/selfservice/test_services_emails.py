"""Resending order emails and fixing a mistyped order email by a confirmation link."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.errors import InvalidInput, NotEligible
from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import EmailChangeRequest
from shopdesk.selfservice.services.emails import (
    order_email_change_confirm,
    order_email_change_request,
    order_email_resend,
    token_digest,
)
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, scarf_line, ship

pytestmark = pytest.mark.django_db
CUSTOMER = Actor.customer("shopper@example.com")


def _token_from_outbox(to: str) -> str:
    message = OutboxMessage.objects.filter(template="email_change_confirm", to=to).latest("id")
    match = re.search(r"/orders/email-change/([^/\s]+)/", message.body_text)
    assert match
    return match.group(1)


def test_the_confirmation_is_resent_to_the_order_email():
    order = paid_order_of_shirt_and_scarf()
    message = order_email_resend(order=order, template="confirmation", actor=CUSTOMER)
    assert message.to == order.email and message.template == "confirmation"
    assert order.number in message.subject
    assert order.events.get(kind=OrderEventKind.EMAIL_RESENT).after == {
        "template": "confirmation",
        "to": order.email,
    }


def test_resending_is_limited_to_three_an_hour():
    order = paid_order_of_shirt_and_scarf()
    for _ in range(3):
        order_email_resend(order=order, template="confirmation", actor=CUSTOMER)
    with pytest.raises(NotEligible) as error:
        order_email_resend(order=order, template="confirmation", actor=CUSTOMER)
    assert error.value.code == "resend_limit"
    assert OutboxMessage.objects.filter(template="confirmation").count() == 3


def test_the_shipping_email_is_resent_with_its_packages():
    order = paid_order_of_shirt_and_scarf()
    with pytest.raises(NotEligible):
        order_email_resend(order=order, template="shipped", actor=CUSTOMER)
    ship(order, scarf_line(order))
    message = order_email_resend(order=order, template="shipped", actor=CUSTOMER)
    assert "Wool scarf" in message.body_text and "UPS" in message.body_text


def test_an_email_change_waits_for_the_new_address():
    order = paid_order_of_shirt_and_scarf()
    old = order.email
    request = order_email_change_request(order=order, new_email=" Ada.Right@Example.com ", actor=CUSTOMER)
    order.refresh_from_db()
    assert order.email == old and request.new_email == "ada.right@example.com"
    token = _token_from_outbox("ada.right@example.com")
    assert request.token_hash == token_digest(token) and token not in request.token_hash
    event = order.events.get(kind=OrderEventKind.EMAIL_CHANGE_REQUESTED)
    assert token not in str(event.before) + str(event.after) + event.message

    confirmed = order_email_change_confirm(token=token)
    assert confirmed.email == "ada.right@example.com"
    assert confirmed.events.get(kind=OrderEventKind.EMAIL_CHANGED).before == {"email": old}
    assert OutboxMessage.objects.filter(template="confirmation", to="ada.right@example.com").count() == 1
    with pytest.raises(InvalidInput):  # single use
        order_email_change_confirm(token=token)


def test_an_expired_or_replaced_link_does_nothing():
    order = paid_order_of_shirt_and_scarf()
    order_email_change_request(order=order, new_email="first@example.com", actor=CUSTOMER)
    first = _token_from_outbox("first@example.com")
    order_email_change_request(order=order, new_email="second@example.com", actor=CUSTOMER)
    second = _token_from_outbox("second@example.com")
    with pytest.raises(InvalidInput):
        order_email_change_confirm(token=first)
    with pytest.raises(InvalidInput):
        order_email_change_confirm(token=second, now=timezone.now() + dt.timedelta(hours=25))
    order.refresh_from_db()
    assert order.email.startswith("shopper")


def test_unknown_tokens_and_bad_emails_are_refused():
    order = paid_order_of_shirt_and_scarf()
    with pytest.raises(InvalidInput):
        order_email_change_confirm(token="x" * 43)
    with pytest.raises(InvalidInput):
        order_email_change_confirm(token="short")
    for bad in ("not-an-email", "", "a@b", 42):
        with pytest.raises(InvalidInput):
            order_email_change_request(order=order, new_email=bad, actor=CUSTOMER)
    with pytest.raises(InvalidInput) as error:
        order_email_change_request(order=order, new_email=order.email.upper(), actor=CUSTOMER)
    assert error.value.code == "same_email"
    assert not EmailChangeRequest.objects.exists()


def test_email_change_requests_are_rate_limited():
    order = paid_order_of_shirt_and_scarf()
    for n in range(3):
        order_email_change_request(order=order, new_email=f"n{n}@example.com", actor=CUSTOMER)
    with pytest.raises(NotEligible) as error:
        order_email_change_request(order=order, new_email="n4@example.com", actor=CUSTOMER)
    assert error.value.code == "email_change_limit"
