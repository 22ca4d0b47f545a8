"""Endpoint management: add (with a secret shown once), delete, rotate the secret, disable and enable."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from shopdesk.core.errors import InvalidInput, NotFound
from shopdesk.webhooks.catalogue import events_parse
from shopdesk.webhooks.models import WebhookEndpoint, WebhookSecret
from shopdesk.webhooks.secrets import overlap_hours, secret_add
from shopdesk.webhooks.ssrf import url_check


@dataclass(frozen=True, slots=True)
class EndpointWithSecret:
    endpoint: WebhookEndpoint
    secret: str  # shown to the operator once


def events_check(events: list[str]) -> list[str]:
    try:
        return events_parse(",".join(events))
    except ValueError as exc:
        raise InvalidInput(str(exc), code="webhook_events_invalid") from None


def endpoint_create(*, url: str, events: list[str], description: str = "") -> EndpointWithSecret:
    checked_url = url_check(url)
    checked_events = events_check(events)
    now = timezone.now()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            url=checked_url, events=checked_events, description=description[:200], created_at=now
        )
        secret = secret_add(endpoint=endpoint, now=now)
    return EndpointWithSecret(endpoint=endpoint, secret=secret)


def endpoint_get(*, endpoint_id: int) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound("No webhook endpoint has this id.", code="webhook_endpoint_not_found")
    return endpoint


def endpoint_delete(*, endpoint_id: int) -> None:
    endpoint_get(endpoint_id=endpoint_id).delete()


def endpoint_secret_rotate(*, endpoint_id: int, overlap: int | None = None) -> EndpointWithSecret:
    """A new secret signs from now on; the old one keeps signing beside it for `overlap` hours."""
    hours = overlap_hours() if overlap is None else overlap
    if not 0 <= hours <= 7 * 24:
        raise InvalidInput("The overlap is between 0 and 168 hours.", code="webhook_overlap_invalid")
    now = timezone.now()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id).first()
        if endpoint is None:
            raise NotFound("No webhook endpoint has this id.", code="webhook_endpoint_not_found")
        ends = now + dt.timedelta(hours=hours)
        # Secrets already rotated out keep their earlier end; only the current one gets the new window.
        WebhookSecret.objects.filter(endpoint=endpoint, expires_at__isnull=True).update(expires_at=ends)
        WebhookSecret.objects.filter(endpoint=endpoint, expires_at__lte=now).delete()
        secret = secret_add(endpoint=endpoint, now=now)
    return EndpointWithSecret(endpoint=endpoint, secret=secret)


def endpoint_disable(*, endpoint_id: int, reason: str, now: dt.datetime) -> bool:
    """Compare-and-set: only the first of two workers that give up records the reason."""
    return bool(
        WebhookEndpoint.objects.filter(pk=endpoint_id, enabled=True).update(
            enabled=False, disabled_reason=reason[:300], disabled_at=now
        )
    )


def endpoint_enable(*, endpoint_id: int) -> None:
    endpoint_get(endpoint_id=endpoint_id)
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(enabled=True, disabled_reason="", disabled_at=None)
