"""Writes of customer access: open a session by order lookup or magic link, send a link, revoke.

Lookups do the same work whether the number or the email is wrong (one query, one constant-time
compare, one rate-limit write), so neither the answer nor its timing tells which one was wrong.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shopdesk.access.errors import LookupFailed, TokenInvalid
from shopdesk.access.models import CustomerSession, MagicLink, SessionOrigin
from shopdesk.access.rate_limits import (
    LOOKUP_FAILURES_PER_IP,
    LOOKUP_FAILURES_PER_IP_AND_ORDER,
    LOOKUP_FAILURES_PER_ORDER,
    MAGIC_LINK_PER_EMAIL,
    MAGIC_LINK_PER_IP,
    rate_limit_hit,
    rate_limit_take,
    rate_limits_check,
)
from shopdesk.access.selectors import access_forget, order_by_number
from shopdesk.access.tokens import token_hash, token_new
from shopdesk.access.types import CustomerAccess
from shopdesk.core.errors import InvalidInput
from shopdesk.orders.models import Order
from shopdesk.orders.selectors import order_number_normalise
from shopdesk.policy import get_policy

SESSION_LIFETIME = dt.timedelta(hours=2)


def magic_link_lifetime() -> dt.timedelta:
    """How long a sign-in link works: a store decision (policy orders.magic_link_minutes)."""
    return dt.timedelta(minutes=get_policy().orders.magic_link_minutes)


def magic_link_sent_message() -> str:
    """The same answer whether or not the email has orders (the page and the API show it)."""
    minutes = get_policy().orders.magic_link_minutes
    return (
        "If we have orders for that email address, a sign-in link is on its way. "
        f"It works once, for {minutes} minute{'s' if minutes != 1 else ''}."
    )


# Compared against when no order has the number, so a wrong number costs what a wrong email costs.
_NO_SUCH_ORDER_EMAIL = "no-such-order@invalid.invalid"


@dataclass(frozen=True, slots=True)
class IssuedSession:
    token: str  # shown once to the customer, never stored
    expires_at: dt.datetime
    access: CustomerAccess


def email_normalise(text: str) -> str:
    return (text or "").strip().lower()


def _session_create(*, email: str, order_number: str, origin: SessionOrigin) -> IssuedSession:
    token = token_new()
    now = timezone.now()
    session = CustomerSession.objects.create(
        token_hash=token_hash(token),
        email=email,
        order_number=order_number,
        origin=origin,
        created_at=now,
        expires_at=now + SESSION_LIFETIME,
    )
    return IssuedSession(token=token, expires_at=session.expires_at, access=session.access())


def session_open_by_lookup(*, order_number: str, email: str, client_ip: str) -> IssuedSession:
    """Verify order number + email; raise LookupFailed (same for both mistakes) or RateLimited."""
    number = order_number_normalise(order_number)
    if number is None:
        raise InvalidInput(
            f"That does not look like an order number. Ours look like "
            f"{get_policy().format_order_number(12345)}.",
            code="order_number_invalid",
        )
    # Every limit is checked before the credentials: a correct answer never bypasses a limit, or a 429
    # would mean "wrong" and guessing would go on at full speed. Each 429 points to the magic link.
    pair = f"{client_ip}|{number}"
    rate_limits_check(
        (LOOKUP_FAILURES_PER_IP, client_ip),
        (LOOKUP_FAILURES_PER_IP_AND_ORDER, pair),
        (LOOKUP_FAILURES_PER_ORDER, number),
    )
    if not order_lookup_matches(number=number, email=email):
        rate_limit_hit(limit=LOOKUP_FAILURES_PER_IP, subject=client_ip)
        rate_limit_hit(limit=LOOKUP_FAILURES_PER_IP_AND_ORDER, subject=pair)
        rate_limit_hit(limit=LOOKUP_FAILURES_PER_ORDER, subject=number)
        raise LookupFailed()
    return _session_create(email=email_normalise(email), order_number=number, origin=SessionOrigin.LOOKUP)


def order_lookup_matches(*, number: str, email: str) -> bool:
    """Whether `email` is the email of order `number` (a normalised number): the lookup's own check, with
    the same work whether the order exists or not. It counts nothing: callers apply the limits."""
    return order_for_lookup(number=number, email=email) is not None


def order_for_lookup(*, number: str, email: str) -> Order | None:
    """The order `number` (normalised) when `email` is its email, else None: `order_lookup_matches`
    with the order it read (without its addresses), for a caller that goes on to show it."""
    order = order_by_number(number)  # one indexed read whose statement is built once per process
    stored = order.email if order is not None else None
    given = email_normalise(email)
    matches = hmac.compare_digest((stored or _NO_SUCH_ORDER_EMAIL).lower().encode(), given.encode())
    return order if stored and matches else None


def magic_link_request(*, email: str, client_ip: str) -> None:
    """Email a sign-in link when orders exist for the address; say nothing either way.

    The link is built from SHOPDESK_BASE_URL, never from the request's Host header (a forged Host
    would otherwise mail the customer a link to the attacker's site).

    Both cases do the same work: a link row is written and the email is rendered; only an address
    with orders gets the email queued. So neither the answer nor its timing says which it was.
    """
    from shopdesk.notifications.rendering import email_render
    from shopdesk.notifications.services import email_enqueue  # the partner app's outbox

    given = email_normalise(email)
    rate_limit_take(limit=MAGIC_LINK_PER_IP, subject=client_ip)
    rate_limit_take(limit=MAGIC_LINK_PER_EMAIL, subject=given)
    token = token_new()
    now = timezone.now()
    link = f"{settings.SHOPDESK_BASE_URL.rstrip('/')}{reverse('portal:magic', args=[token])}"
    context = {
        "link": link,
        "expires_minutes": get_policy().orders.magic_link_minutes,
        "store": get_policy().store.name,
    }
    with transaction.atomic():
        MagicLink.objects.create(
            token_hash=token_hash(token), email=given, created_at=now, expires_at=now + magic_link_lifetime()
        )
        if Order.objects.filter(email=given).exists():
            email_enqueue(to=given, template="magic_link", context=context)
        else:
            email_render(template="magic_link", context=context, order=None)


def magic_link_check(*, token: str) -> MagicLink:
    """The live link behind a token, without using it (the page that asks 'continue?')."""
    link = MagicLink.objects.filter(token_hash=token_hash(token or "")).first()
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        raise TokenInvalid()
    return link


def magic_link_consume(*, token: str) -> IssuedSession:
    """Exchange a link for a session covering every order of its email. Works once, within the policy's lifetime."""
    if not token or len(token) > 200:
        raise TokenInvalid()
    now = timezone.now()
    with transaction.atomic():
        link = MagicLink.objects.filter(token_hash=token_hash(token)).first()
        if link is None:
            raise TokenInvalid()
        # Compare-and-set: of two clicks racing, exactly one updates the row and gets a session.
        used = MagicLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now).update(
            used_at=now
        )
        if used != 1:
            raise TokenInvalid()
        return _session_create(email=link.email, order_number="", origin=SessionOrigin.MAGIC_LINK)


def session_revoke(*, session_id: int) -> bool:
    revoked = CustomerSession.objects.filter(pk=session_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    digest = CustomerSession.objects.filter(pk=session_id).values_list("token_hash", flat=True).first()
    access_forget(session_id=session_id, token_hash_value=digest or "")
    return revoked == 1
