"""The admin: adding an endpoint makes its secret and shows it once; a disabled endpoint is a notice."""

from __future__ import annotations

import pytest
from django.utils import timezone

from shopdesk.webhooks.models import WebhookEndpoint, WebhookSecret
from shopdesk.webhooks.services.endpoints import endpoint_create, endpoint_disable

pytestmark = pytest.mark.django_db


def test_adding_an_endpoint_in_the_admin_shows_its_secret_once(admin_client, allow_private) -> None:
    response = admin_client.post(
        "/admin/webhooks/webhookendpoint/add/",
        {
            "url": "http://127.0.0.1:8999/hooks",
            "events_text": "order.cancelled",
            "description": "",
            "enabled": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    secret = WebhookSecret.objects.get(endpoint=endpoint).secret
    assert secret in response.content.decode()
    again = admin_client.get(f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/")
    assert again.status_code == 200 and secret not in again.content.decode()


def test_an_endpoint_the_worker_disabled_is_a_notice_on_the_list(admin_client, allow_private) -> None:
    created = endpoint_create(url="http://127.0.0.1:8999/hooks", events=["*"])
    endpoint_disable(
        endpoint_id=created.endpoint.pk, reason="Disabled after 10 failed attempts", now=timezone.now()
    )
    page = admin_client.get("/admin/webhooks/webhookendpoint/").content.decode()
    assert "Disabled after 10 failed attempts" in page and "127.0.0.1:8999" in page
    assert created.secret not in page
    assert admin_client.get("/admin/webhooks/webhookdelivery/").status_code == 200
