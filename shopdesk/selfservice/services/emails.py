"""Resend an order's emails, and fix a mistyped order email through a confirmation link to the new address.

The order email changes only when the new mailbox proves it is reachable (and wanted): the link carries a
single-use token; only its SHA-256 is stored, it expires, and a newer request replaces an older one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import InvalidInput, NotEligible
from shopdesk.notifications.models import OutboxMessage
from shopdesk.notifications.services import email_enqueue
from shopdesk.orders import events
from shopdesk.orders.models import EmailChangeRequest, Order
from shopdesk.orders.services.idempotency import order_lock
from shopdesk.policy import get_policy
from shopdesk.selfservice.eligibility import email_change_eligibility, order_facts, resend_email_eligibility

INVALID_LINK = "This link is not valid any more: it was already used, replaced by a newer one, or it expired."


def order_email_resend(
    *, order: Order, template: str, actor: Actor, now: dt.datetime | None = None
) -> OutboxMessage:
    """Send the confirmation or the shipping email again, to the order's (current) email."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = order_lock(order_id=order.pk)
        resend_email_eligibility(
            order=locked, template=template, now=now, facts=order_facts(locked)
        ).require()
        message = email_enqueue(to=locked.email, template=template, order=locked, context={})
        events.order_email_resent(order=locked, actor=actor, template=template, to=locked.email)
    return message


def email_normalise(text: object) -> str:
    if not isinstance(text, str):
        raise InvalidInput("Enter an email address.", code="invalid_email")
    email = text.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(
            "This doesn't look like an email address; please check it.", code="invalid_email"
        ) from None
    if len(email) > 254:
        raise InvalidInput("This email address is too long.", code="invalid_email")
    return email


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def order_email_change_request(
    *, order: Order, new_email: str, actor: Actor, now: dt.datetime | None = None
) -> EmailChangeRequest | None:
    """Ask the new address to confirm. Returns the pending request (None when no confirmation is needed
    by policy and the email was changed at once). The token is only ever in the emailed link."""
    email = email_normalise(new_email)
    now = now or timezone.now()
    with transaction.atomic():
        locked = order_lock(order_id=order.pk)
        email_change_eligibility(order=locked, now=now).require()
        if email == locked.email:
            raise InvalidInput("This is already the email address of the order.", code="same_email")
        if not get_policy().orders.email_change_needs_confirmation:
            _email_set(locked, email, actor)
            return None
        recent = EmailChangeRequest.objects.filter(
            order=locked, created_at__gt=now - dt.timedelta(hours=1)
        ).count()
        if recent >= get_policy().orders.email_changes_per_hour:
            raise NotEligible(
                Eligibility.no(
                    "email_change_limit",
                    "You've asked to change the email of this order several times in the last hour. Please check the "
                    "inbox of the new address for our link, or try again later.",
                )
            )
        EmailChangeRequest.objects.filter(
            order=locked, confirmed_at__isnull=True, superseded_at__isnull=True
        ).update(superseded_at=now)
        token = secrets.token_urlsafe(32)
        request = EmailChangeRequest.objects.create(
            order=locked,
            old_email=locked.email,
            new_email=email,
            token_hash=token_digest(token),
            requested_by=actor.label[:254],
            created_at=now,
            expires_at=now + dt.timedelta(hours=get_policy().orders.email_change_link_hours),
        )
        link = settings.SHOPDESK_BASE_URL.rstrip("/") + reverse("portal:email_change_confirm", args=[token])
        email_enqueue(
            to=email,
            template="email_change_confirm",
            order=locked,
            context={
                "link": link,
                "new_email": email,
                "expires_hours": get_policy().orders.email_change_link_hours,
            },
        )
        events.order_email_change_requested(
            order=locked, actor=actor, old_email=locked.email, new_email=email
        )
    return request


def _email_set(order: Order, email: str, actor: Actor) -> None:
    old = order.email
    order.email = email
    order.save(update_fields=["email", "updated_at"])
    events.order_email_changed(order=order, actor=actor, old_email=old, new_email=email)


def order_email_change_confirm(*, token: str, now: dt.datetime | None = None) -> Order:
    """Open the link: the order's email becomes the confirmed address; the confirmation goes there."""
    now = now or timezone.now()
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise InvalidInput(INVALID_LINK, code="invalid_link")
    digest = token_digest(token)
    with transaction.atomic():
        pending = EmailChangeRequest.objects.filter(token_hash=digest).first()
        if pending is None:
            raise InvalidInput(INVALID_LINK, code="invalid_link")
        order = order_lock(order_id=pending.order_id)
        # Compare-and-set: of two clicks on the same link, only one confirms.
        used = EmailChangeRequest.objects.filter(
            pk=pending.pk, confirmed_at__isnull=True, superseded_at__isnull=True, expires_at__gt=now
        ).update(confirmed_at=now)
        if not used or order.email != pending.old_email:
            raise InvalidInput(INVALID_LINK, code="invalid_link")
        _email_set(order, pending.new_email, Actor.customer(pending.new_email))
        email_enqueue(
            to=order.email,
            template="confirmation",
            order=order,
            context={},
            dedupe_key=f"email-change:{pending.pk}:confirmation",
        )
    return order
