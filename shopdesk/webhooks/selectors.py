"""Reads of the webhooks app, with their related rows fetched."""

from __future__ import annotations

from django.db.models import QuerySet

from shopdesk.webhooks.models import WebhookDelivery, WebhookEndpoint

DELIVERIES_SHOWN = 100


def endpoints_list() -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.order_by("id")


def deliveries_of_endpoint(*, endpoint_id: int) -> list[WebhookDelivery]:
    return list(
        WebhookDelivery.objects.filter(endpoint_id=endpoint_id)
        .select_related("event")
        .prefetch_related("log")
        .order_by("-created_at", "-id")[:DELIVERIES_SHOWN]
    )
