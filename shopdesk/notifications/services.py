"""Writes of the notifications app: queue an email in the caller's transaction, or record one already sent."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from shopdesk.notifications.enums import OutboxStatus
from shopdesk.notifications.models import OutboxMessage
from shopdesk.notifications.rendering import EMAIL_TEMPLATES, email_render
from shopdesk.policy import get_policy

if TYPE_CHECKING:
    from shopdesk.orders.models import Order


def email_enqueue(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    order: Order | None = None,
    dedupe_key: str | None = None,
    headers: dict[str, str] | None = None,
) -> OutboxMessage:
    """Queue an email for the worker. Call it inside the transaction of the change it reports.

    With a dedupe_key, a second call (a retried request) returns the first message instead of a new one.
    """
    if dedupe_key is not None:
        existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    rendered = email_render(template=template, context=context, order=order)
    now = timezone.now()
    message = OutboxMessage(
        order=order,
        template=template,
        to=to.strip().lower(),
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        headers=dict(headers or {}),
        status=OutboxStatus.QUEUED,
        dedupe_key=dedupe_key,
        next_attempt_at=now,
        created_at=now,
    )
    try:
        # A savepoint, so losing a dedupe race does not break the caller's transaction on PostgreSQL.
        with transaction.atomic():
            message.save()
    except IntegrityError:
        if dedupe_key is None:
            raise
        return OutboxMessage.objects.get(dedupe_key=dedupe_key)
    return message


def email_record_sent(*, order: Order, template: str, to: str, at: dt.datetime) -> OutboxMessage:
    """Record an email the store platform already sent (history only: the worker never delivers it).

    Recording the same email twice (the demo loader or an import run again) keeps one row.
    """
    message = email_history_row(order=order, template=template, to=to, at=at)
    existing = OutboxMessage.objects.filter(dedupe_key=message.dedupe_key).first()
    if existing is not None:
        return existing
    rendered = email_render(template=template, context={}, order=order)
    message.subject, message.body_text, message.body_html = rendered.subject, rendered.text, rendered.html
    message.save()
    return message


def email_history_row(
    *, order: Order, template: str, to: str, at: dt.datetime, pk: int | None = None, shipment: object = None
) -> OutboxMessage:
    """An unsaved record of an email the store platform already sent, for bulk loaders (the demo store).

    Unlike `email_record_sent` it runs no query: only the one-line subject is rendered, from the order
    row in hand, and the body stays empty — shopdesk never had it, the platform sent it.
    """
    if template not in EMAIL_TEMPLATES:
        raise ValueError(f"unknown email template {template!r}")
    context = {"store": get_policy().store, "order": order, "shipment": shipment}
    subject = " ".join(render_to_string(f"notifications/email/{template}.subject.txt", context).split())
    address = to.strip().lower()
    return OutboxMessage(
        id=pk,
        order_id=order.pk,
        template=template,
        to=address,
        subject=subject[:300],
        body_text="",
        status=OutboxStatus.SENT,
        dedupe_key=f"recorded:{order.pk}:{template}:{address}:{at.isoformat()}",
        next_attempt_at=at,
        created_at=at,
        sent_at=at,
    )
