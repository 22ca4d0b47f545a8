"""Signing secrets in the Standard Webhooks format: `whsec_` + base64 of 24 random bytes.

A rotated-out secret keeps signing beside the new one for the overlap window, so a receiver can switch
at its own pace: each delivery then carries two signatures and either verifies.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import secrets as random_source

from django.conf import settings

from shopdesk.webhooks.models import WebhookEndpoint, WebhookSecret

SECRET_PREFIX = "whsec_"  # noqa: S105 - a marker, not a secret
PREFIX_SHOWN = 10


def secret_generate() -> str:
    return SECRET_PREFIX + base64.b64encode(random_source.token_bytes(24)).decode("ascii")


def overlap_hours() -> int:
    configured = getattr(settings, "SHOPDESK_WEBHOOKS_SECRET_OVERLAP_HOURS", None)
    return int(configured or os.environ.get("SHOPDESK_WEBHOOKS_SECRET_OVERLAP_HOURS", "24"))


def secret_add(*, endpoint: WebhookEndpoint, now: dt.datetime) -> str:
    secret = secret_generate()
    WebhookSecret.objects.create(
        endpoint=endpoint, secret=secret, prefix=secret[:PREFIX_SHOWN], created_at=now
    )
    return secret


def secrets_signing(*, endpoint_id: int, now: dt.datetime) -> list[str]:
    """The secrets that sign a delivery now: the current one first, then any still in their overlap."""
    rows = WebhookSecret.objects.filter(endpoint_id=endpoint_id).order_by("-created_at", "-id")
    return [row.secret for row in rows if row.expires_at is None or row.expires_at > now]
