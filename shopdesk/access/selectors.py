"""Which orders a verified customer may see. Every customer-facing read goes through here.

A missing order and another customer's order give the same NotFound, so nobody can probe numbers.
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from shopdesk.access.models import CustomerSession
from shopdesk.access.tokens import token_hash
from shopdesk.access.types import CustomerAccess
from shopdesk.core.errors import NotFound
from shopdesk.core.prepared import PreparedLookup
from shopdesk.orders.models import Order

ORDER_NOT_FOUND_MESSAGE = "We could not find that order among the orders you signed in for."


def orders_for_access(*, access: CustomerAccess) -> QuerySet[Order]:
    """The orders this customer may see, newest first."""
    orders = Order.objects.select_related("shipping_address", "billing_address")
    if access.order_numbers is None:
        # A magic link proves the mailbox, so it covers every order placed with that email.
        return orders.filter(email=access.email)
    # A lookup session proves one order: it keeps working after the order's email is changed.
    return orders.filter(number__in=sorted(access.order_numbers))


def order_for_access(*, access: CustomerAccess, number: str, addresses: bool = True) -> Order:
    """The order `number` if this customer may see it (NotFound otherwise). `addresses=False` leaves its
    addresses to load when read: a lighter query for callers that rarely need them."""
    if not access.allows(number=number):
        raise NotFound(ORDER_NOT_FOUND_MESSAGE)
    if not addresses:
        # The number is unique: no ordering, no joins, and the statement built once per process.
        if access.order_numbers is None:
            order = _ORDER_BY_NUMBER_AND_EMAIL.first(number, access.email)
        else:
            order = order_by_number(number)
        if order is None:
            raise NotFound(ORDER_NOT_FOUND_MESSAGE)
        return order
    order = orders_for_access(access=access).filter(number=number).first()
    if order is None:
        raise NotFound(ORDER_NOT_FOUND_MESSAGE)
    return order


_ORDER_BY_NUMBER = PreparedLookup(lambda number: Order.objects.filter(number=number))
_ORDER_BY_NUMBER_AND_EMAIL = PreparedLookup(
    lambda number, email: Order.objects.filter(number=number, email=email)
)


def order_by_number(number: str) -> Order | None:
    """The order with this (normalised) number, without its addresses: one indexed read whose statement
    is built once per process. It checks no access: callers have verified the customer's right to it."""
    return _ORDER_BY_NUMBER.first(number)


def order_id_for_access(*, access: CustomerAccess, number: str) -> int | None:
    """Just the id of an order this customer may see (one indexed query): enough to check a cached page."""
    if not access.allows(number=number):
        return None
    table = Order._meta.db_table
    sql = f"SELECT id FROM {table} WHERE number = %s"  # noqa: S608 - our table name, bound parameters
    params = [number]
    if access.order_numbers is None:
        sql += " AND email = %s"
        params.append(access.email)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


# Live sessions are remembered in the cache for a minute at most; revoking one forgets it at once.
ACCESS_CACHE_SECONDS = 60


def _access_cache_key(kind: str, value: str | int) -> str:
    return f"shopdesk:access:{kind}:{value}"


def _cached_access(key: str, lookup: dict[str, object]) -> CustomerAccess | None:
    now = timezone.now()
    cached = cache.get(key)
    if cached is not None:
        email, number, session_id, expires = cached
        if expires > now.timestamp():
            return CustomerAccess(
                email=email, order_numbers=frozenset({number}) if number else None, session_id=session_id
            )
    session = (
        CustomerSession.objects.filter(revoked_at__isnull=True, expires_at__gt=now, **lookup)
        .only("id", "email", "order_number", "expires_at")
        .first()
    )
    if session is None:
        return None
    _access_keep(key, session.email, session.order_number, session.pk, session.expires_at, now)
    return session.access()


def _access_keep(
    key: str, email: str, number: str, session_id: int, expires_at: dt.datetime, now: dt.datetime
) -> None:
    expires = expires_at.timestamp()
    timeout = min(ACCESS_CACHE_SECONDS, int(expires - now.timestamp()))
    if timeout > 0:
        cache.set(key, (email, number, session_id, expires), timeout)


def access_remember(*, access: CustomerAccess, expires_at: dt.datetime) -> None:
    """Keep a session just opened where `access_for_session_id` looks first, once its transaction
    commits (a session rolled back must not be found): its first use by id then reads no row. For a
    caller that holds the session by its id (a chat), not by its token."""
    numbers = sorted(access.order_numbers or ())
    number = numbers[0] if len(numbers) == 1 else ""
    if access.order_numbers is not None and not number:
        return  # not a session of one order or of every order: left to the lookup

    def keep() -> None:
        key = _access_cache_key("session", access.session_id)
        _access_keep(key, access.email, number, access.session_id, expires_at, timezone.now())

    transaction.on_commit(keep)


def access_for_token(*, token: str) -> CustomerAccess | None:
    """The live session behind a bearer token, or None (unknown, expired or revoked)."""
    if not token or len(token) > 200:
        return None
    digest = token_hash(token)
    return _cached_access(_access_cache_key("token", digest), {"token_hash": digest})


def access_for_session_id(*, session_id: int) -> CustomerAccess | None:
    return _cached_access(_access_cache_key("session", session_id), {"pk": session_id})


def access_forget(*, session_id: int, token_hash_value: str) -> None:
    """Drop a session from the cache (after revoking it), so it stops working on the next request."""
    cache.delete_many(
        [_access_cache_key("session", session_id), _access_cache_key("token", token_hash_value)]
    )
