"""A shopper fixes the email of an order from the link in their inbox, in Chromium."""

from __future__ import annotations

import re

import pytest

from shopdesk.core.actors import Actor
from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.models import Order
from shopdesk.selfservice.services.emails import order_email_change_request
from tests.situations import order_with_lines


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_confirming_a_new_email_in_chromium(page) -> None:  # type: ignore[no-untyped-def]
    order = order_with_lines(1)
    order_email_change_request(order=order, new_email="fixed@example.com", actor=Actor.system())
    body = OutboxMessage.objects.get(template="email_change_confirm").body_text
    path = re.search(r"https?://[^/\s]+(/\S+)", body).group(1)  # type: ignore[union-attr]
    response = page.goto(path)
    assert response is not None and response.headers.get("referrer-policy") != "no-referrer"
    page.get_by_role("button", name="Yes, confirm this address").click()
    status = page.get_by_role("status")
    assert "fixed@example.com" in status.inner_text()
    assert Order.objects.get(pk=order.pk).email == "fixed@example.com"
