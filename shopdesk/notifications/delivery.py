"""The outbox worker's core: claim due messages, send them through Django's email backend, record the outcome.

Several workers may run at once. On PostgreSQL a row is claimed with SELECT ... FOR UPDATE SKIP LOCKED;
on SQLite (one writer at a time) by a compare-and-set update. A claimed row carries `claimed_until`
(the lease, SHOPDESK_OUTBOX_LEASE_SECONDS), so a worker that dies mid-send releases it when the lease ends.

A worker claims one message, sends it, records it, then claims the next: the lease only has to outlast
one send (keep it above the SMTP timeout), never a whole batch, so a slow mail server cannot make a
second worker re-send a batch's tail. After a crash (kill -9) the message being sent may go out twice;
every copy carries the same Message-ID, so mail clients fold them.

Webhooks go out beside the emails, in the same round, through shopdesk/webhooks/delivery.py (the same
claim-per-message lease, SKIP LOCKED, and a stable `webhook-id` per event).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from shopdesk.core.logging import redact
from shopdesk.notifications.enums import SENSITIVE_TEMPLATES, OutboxStatus
from shopdesk.notifications.models import OutboxMessage
from shopdesk.webhooks.delivery import webhooks_deliver

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 3600
WIPED_BODY = "(This message contained a single-use link and was removed after sending.)"


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.dead


def retry_delay(attempts: int, *, rng: random.Random | None = None) -> dt.timedelta:
    """Exponential backoff with full jitter: a flapping mail server is not hit by every worker at once."""
    ceiling = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    chooser = rng or random
    # Never less than half the ceiling, so retries still spread out as attempts grow.
    return dt.timedelta(seconds=chooser.uniform(ceiling / 2, ceiling))


def _due(now: dt.datetime) -> Q:
    queued = Q(status=OutboxStatus.QUEUED, next_attempt_at__lte=now)
    abandoned = Q(status=OutboxStatus.SENDING, claimed_until__lt=now)  # its worker died mid-send
    return queued | abandoned


def lease_seconds() -> float:
    return float(getattr(settings, "SHOPDESK_OUTBOX_LEASE_SECONDS", 120))


def message_id(message: OutboxMessage) -> str:
    """The same Message-ID for every delivery attempt of one outbox message."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "shopdesk.invalid"
    stamp = int(message.created_at.timestamp()) if message.created_at else 0
    return f"<outbox.{message.pk}.{stamp}@{domain}>"


def outbox_claim(*, batch: int, now: dt.datetime | None = None) -> list[OutboxMessage]:
    """Claim up to `batch` due messages for this worker (each row is claimed by exactly one worker)."""
    now = now or timezone.now()
    until = now + dt.timedelta(seconds=lease_seconds())
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            rows = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(_due(now))
                .order_by("next_attempt_at", "id")[:batch]
            )
            ids = [row.pk for row in rows]
            OutboxMessage.objects.filter(pk__in=ids).update(status=OutboxStatus.SENDING, claimed_until=until)
        return list(OutboxMessage.objects.filter(pk__in=ids).order_by("next_attempt_at", "id"))
    claimed: list[OutboxMessage] = []
    candidates = OutboxMessage.objects.filter(_due(now)).order_by("next_attempt_at", "id")
    for row in candidates[: batch * 2]:
        # Compare-and-set: only the worker whose update still sees the old status and claim wins the row.
        won = OutboxMessage.objects.filter(
            pk=row.pk, status=row.status, claimed_until=row.claimed_until
        ).update(status=OutboxStatus.SENDING, claimed_until=until)
        if won:
            row.status, row.claimed_until = OutboxStatus.SENDING, until
            claimed.append(row)
        if len(claimed) >= batch:
            break
    return claimed


def _send(message: OutboxMessage, connection_: object) -> None:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        connection=connection_,
        # A stable Message-ID for every attempt, unless the message brings its own (the desk threads
        # its replies on the Message-ID it stored).
        headers={
            "Message-ID": message_id(message),
            **(message.headers or {}),
            "X-Shopdesk-Message": str(message.pk),
        },
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    email.send(fail_silently=False)


def _mark_sent(message: OutboxMessage, now: dt.datetime) -> None:
    fields: dict[str, object] = {
        "status": OutboxStatus.SENT,
        "sent_at": now,
        "attempts": message.attempts + 1,
        "claimed_until": None,
        "last_error": "",
    }
    if message.template in SENSITIVE_TEMPLATES:
        fields.update(body_text=WIPED_BODY, body_html="")
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING).update(**fields)


def _mark_failed(
    message: OutboxMessage, error: Exception, now: dt.datetime, rng: random.Random | None
) -> bool:
    """Schedule a retry, or give up after MAX_ATTEMPTS. Returns True when the message is dead."""
    attempts = message.attempts + 1
    # The error text can echo the message (and its link): redact before it is stored or logged.
    reason = redact(f"{type(error).__name__}: {error}")[:500]
    dead = attempts >= MAX_ATTEMPTS
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING).update(
        status=OutboxStatus.DEAD if dead else OutboxStatus.QUEUED,
        attempts=attempts,
        next_attempt_at=now if dead else now + retry_delay(attempts, rng=rng),
        claimed_until=None,
        last_error=reason,
    )
    logger.warning(
        "outbox message %s (%s) failed, attempt %s%s",
        message.pk,
        message.template,
        attempts,
        " - giving up" if dead else "",
    )
    return dead


def outbox_deliver(
    *, batch: int = 50, now: dt.datetime | None = None, rng: random.Random | None = None
) -> DeliveryReport:
    """Deliver up to `batch` due emails, then up to `batch` due webhooks, claiming each just before sending."""
    sent = retried = dead = 0
    mail_connection = None
    try:
        for _ in range(batch):
            claimed = outbox_claim(batch=1, now=now)
            if not claimed:
                break
            message = claimed[0]
            if mail_connection is None:
                mail_connection = get_connection(fail_silently=False)
            try:
                _send(message, mail_connection)
            except Exception as exc:  # any backend error is a failed attempt; the worker keeps going
                if _mark_failed(message, exc, now or timezone.now(), rng):
                    dead += 1
                else:
                    retried += 1
                continue
            _mark_sent(message, now or timezone.now())
            sent += 1
    finally:
        try:
            if mail_connection is not None:
                mail_connection.close()
        except Exception:  # closing a broken SMTP session must not hide the report
            logger.debug("closing the mail connection failed", exc_info=True)
    hooks = webhooks_deliver(batch=batch, now=now)
    return DeliveryReport(
        sent=sent + hooks.delivered, retried=retried + hooks.retried, dead=dead + hooks.dead
    )
