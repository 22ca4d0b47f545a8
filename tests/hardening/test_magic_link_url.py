"""The sign-in link in the email points at SHOPDESK_BASE_URL, whatever Host header the request carried."""

from __future__ import annotations

from django.test import Client, override_settings

from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.models import Order


@override_settings(SHOPDESK_BASE_URL="https://help.shop.example")
def test_a_forged_host_header_never_reaches_the_link(unfulfilled_order: Order, client: Client) -> None:
    response = client.post(
        "/api/v1/customer/magic-link",
        {"email": unfulfilled_order.email},
        content_type="application/json",
        HTTP_HOST="localhost:6666",
    )
    assert response.status_code == 202
    email = OutboxMessage.objects.get(template="magic_link")
    assert "https://help.shop.example/orders/magic/" in email.body_text
    assert "6666" not in email.body_text and "6666" not in email.body_html
