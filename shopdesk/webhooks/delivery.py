"""The webhook half of the outbox worker: claim due deliveries, sign and POST them, log the outcome.

Claims work like the email outbox (notifications/delivery.py): SELECT ... FOR UPDATE SKIP LOCKED on
PostgreSQL, a compare-and-set on SQLite, one delivery at a time, each under a lease longer than the
HTTP timeout. A worker killed between claim and record leaves the lease to expire; the next worker
sends again with the same `webhook-id`, so the receiver can drop the copy.

Failures retry on RETRY_SCHEDULE (with jitter) for about three days; then the delivery is dead and the
endpoint is disabled with a notice in the admin. Redirects are not followed (they could lead past the
SSRF guard), and the guard runs again before each send.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import random
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from shopdesk.core.errors import InvalidInput
from shopdesk.core.logging import redact
from shopdesk.webhooks.enums import DeliveryStatus
from shopdesk.webhooks.models import WebhookAttempt, WebhookDelivery
from shopdesk.webhooks.secrets import secrets_signing
from shopdesk.webhooks.services.endpoints import endpoint_disable
from shopdesk.webhooks.ssrf import url_check

logger = logging.getLogger(__name__)

# Wait before attempt 2, 3, …: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 20 h ≈ 71.6 h in all.
RETRY_SCHEDULE = tuple(
    dt.timedelta(seconds=s) for s in (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 72000)
)
MAX_ATTEMPTS = len(RETRY_SCHEDULE) + 1
JITTER = 0.1  # ±10 %: receivers coming back after an outage are not hit by every retry at once
BODY_KEPT = 1000
USER_AGENT = "shopdesk-webhooks/1"


@dataclass(frozen=True, slots=True)
class WebhookReport:
    delivered: int = 0
    retried: int = 0
    dead: int = 0


def retry_delay(attempts: int, *, rng: random.Random | None = None) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt (1-based), with jitter."""
    base = RETRY_SCHEDULE[min(attempts, len(RETRY_SCHEDULE)) - 1]
    factor = (rng or random).uniform(1 - JITTER, 1 + JITTER)
    return base * factor


def timeout_seconds() -> float:
    configured = getattr(settings, "SHOPDESK_WEBHOOKS_TIMEOUT_SECONDS", None)
    return float(configured or os.environ.get("SHOPDESK_WEBHOOKS_TIMEOUT_SECONDS", "10"))


def lease_seconds() -> float:
    # Outlasts one send (the HTTP timeout) with room to record it.
    return max(float(getattr(settings, "SHOPDESK_OUTBOX_LEASE_SECONDS", 120)), timeout_seconds() + 5)


def _due(now: dt.datetime) -> Q:
    queued = Q(status=DeliveryStatus.QUEUED, next_attempt_at__lte=now)
    abandoned = Q(status=DeliveryStatus.SENDING, claimed_until__lt=now)  # its worker died mid-send
    return (queued | abandoned) & Q(endpoint__enabled=True)


def delivery_claim(*, now: dt.datetime) -> WebhookDelivery | None:
    until = now + dt.timedelta(seconds=lease_seconds())
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            row = (
                WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(_due(now))
                .order_by("next_attempt_at", "id")
                .first()
            )
            if row is None:
                return None
            WebhookDelivery.objects.filter(pk=row.pk).update(
                status=DeliveryStatus.SENDING, claimed_until=until
            )
    else:
        row = None
        for candidate in WebhookDelivery.objects.filter(_due(now)).order_by("next_attempt_at", "id")[:5]:
            won = WebhookDelivery.objects.filter(
                pk=candidate.pk, status=candidate.status, claimed_until=candidate.claimed_until
            ).update(status=DeliveryStatus.SENDING, claimed_until=until)
            if won:
                row = candidate
                break
        if row is None:
            return None
    return WebhookDelivery.objects.select_related("event", "endpoint").get(pk=row.pk)


def signed_headers(*, delivery: WebhookDelivery, body: str, at: dt.datetime) -> dict[str, str]:
    """Standard Webhooks headers; one `v1,…` signature per signing secret (two during a rotation)."""
    msg_id = delivery.event.public_id
    signatures = [
        Webhook(secret).sign(msg_id, at, body)
        for secret in secrets_signing(endpoint_id=delivery.endpoint_id, now=at)
    ]
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a 3xx is an answer (a failed attempt), never followed


_opener = urllib.request.build_opener(_NoRedirect)


@dataclass(frozen=True, slots=True)
class _Answer:
    status_code: int | None
    body: str
    error: str
    elapsed_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _post(url: str, body: str, headers: dict[str, str]) -> _Answer:
    started = time.monotonic()
    status: int | None = None
    text = error = ""
    try:
        url_check(url)
        request = urllib.request.Request(url, data=body.encode("utf-8"), headers=headers, method="POST")  # noqa: S310 - http(s) only, checked by url_check
        with _opener.open(request, timeout=timeout_seconds()) as response:
            status = response.status
            text = response.read(BODY_KEPT * 4).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status = exc.code
        try:
            text = exc.read(BODY_KEPT * 4).decode("utf-8", "replace")
        except Exception:  # the body of an error answer is a nicety
            text = ""
    except InvalidInput as exc:
        error = exc.message
    except Exception as exc:  # timeouts, refused connections, TLS errors: all a failed attempt
        error = f"{type(exc).__name__}: {exc}"
    elapsed = int((time.monotonic() - started) * 1000)
    return _Answer(status, text[:BODY_KEPT], redact(error)[:500], elapsed)


def _record(
    delivery: WebhookDelivery, answer: _Answer, now: dt.datetime, rng: random.Random | None
) -> str | None:
    """Move the delivery on (compare-and-set on SENDING), then log the attempt. None: it was deleted."""
    attempts = delivery.attempts + 1
    first = delivery.first_attempt_at or now
    common = {"attempts": attempts, "claimed_until": None, "first_attempt_at": first}
    mine = WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING)
    reason = answer.error or f"HTTP {answer.status_code}"
    if answer.ok:
        outcome = DeliveryStatus.DELIVERED
        moved = mine.update(
            status=outcome, delivered_at=now, last_status_code=answer.status_code, last_error="", **common
        )
    elif attempts >= MAX_ATTEMPTS:
        outcome = DeliveryStatus.DEAD
        moved = mine.update(status=outcome, last_status_code=answer.status_code, last_error=reason, **common)
    else:
        outcome = DeliveryStatus.QUEUED
        moved = mine.update(
            status=outcome,
            next_attempt_at=now + retry_delay(attempts, rng=rng),
            last_status_code=answer.status_code,
            last_error=reason,
            **common,
        )
    if not moved:
        return None  # the endpoint (and so this delivery) was deleted while it was being sent
    WebhookAttempt.objects.create(
        delivery=delivery,
        at=now,
        status_code=answer.status_code,
        response_ms=answer.elapsed_ms,
        response_body=answer.body,
        error=answer.error,
    )
    if outcome == DeliveryStatus.DEAD:
        notice = (
            f"Disabled after {attempts} failed attempts over "
            f"{(now - first).total_seconds() / 3600:.0f} hours; last answer: {reason}"
        )
        if endpoint_disable(endpoint_id=delivery.endpoint_id, reason=notice, now=now):
            logger.warning("webhook endpoint %s disabled: %s", delivery.endpoint_id, notice)
    elif outcome == DeliveryStatus.QUEUED:
        logger.info("webhook delivery %s failed (attempt %s): %s", delivery.pk, attempts, reason)
    return outcome


def webhooks_deliver(
    *, batch: int = 50, now: dt.datetime | None = None, rng: random.Random | None = None
) -> WebhookReport:
    """Deliver up to `batch` due webhook deliveries, claiming each one just before it is sent."""
    counts: dict[str, int] = {DeliveryStatus.DELIVERED: 0, DeliveryStatus.QUEUED: 0, DeliveryStatus.DEAD: 0}
    for _ in range(batch):
        moment = now or timezone.now()
        delivery = delivery_claim(now=moment)
        if delivery is None:
            break
        body = json.dumps(delivery.event.payload, separators=(",", ":"), sort_keys=True)
        headers = signed_headers(delivery=delivery, body=body, at=moment)
        answer = _post(delivery.endpoint.url, body, headers)
        with transaction.atomic():
            outcome = _record(delivery, answer, now or timezone.now(), rng)
        if outcome is not None:
            counts[outcome] += 1
    return WebhookReport(
        delivered=counts[DeliveryStatus.DELIVERED],
        retried=counts[DeliveryStatus.QUEUED],
        dead=counts[DeliveryStatus.DEAD],
    )
