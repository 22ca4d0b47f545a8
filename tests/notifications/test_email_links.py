"""Emails take the shopper to their order page, and the shipping email to the carrier's tracking."""

from __future__ import annotations

import pytest
from django.test import override_settings

from shopdesk.notifications.rendering import email_render
from tests.situations import VALID_UPS_NUMBER, order_with_lines, ship

pytestmark = pytest.mark.django_db


@override_settings(SHOPDESK_BASE_URL="http://127.0.0.1:8123")
def test_every_order_email_links_to_the_order_page() -> None:
    order = order_with_lines(1)
    url = f"http://127.0.0.1:8123/orders/{order.number}/"
    for template in ("confirmation", "shipped", "delivered"):
        email = email_render(template=template, context={}, order=order)
        assert url in email.text, template
        assert f'href="{url}"' in email.html, template


def test_the_shipping_email_links_to_tracking() -> None:
    order = order_with_lines(1)
    ship(order, tracking_number=VALID_UPS_NUMBER)
    email = email_render(template="shipped", context={}, order=order)
    tracking = f"https://www.ups.com/track?tracknum={VALID_UPS_NUMBER}"
    assert tracking in email.text
    assert f'href="{tracking}"' in email.html


def test_the_confirmation_shows_the_breakdown() -> None:
    order = order_with_lines(2)
    text = email_render(template="confirmation", context={}, order=order).text
    assert "Items: $98.00" in text and "Total: $98.00" in text


def test_a_cancellation_email_writes_money_in_the_stores_language() -> None:
    from shopdesk.core.actors import Actor
    from shopdesk.notifications.models import OutboxMessage
    from shopdesk.selfservice.services.cancel import order_cancel

    order = order_with_lines(2, locale="fr_FR")
    result = order_cancel(order=order, actor=Actor.customer(order.email))
    body = OutboxMessage.objects.get(template="cancelled").body_text
    assert "$98.00" in body and "US$" not in body and "$ US" not in body
    assert "US$" not in result.message
