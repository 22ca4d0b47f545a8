"""The order read model, cached: one query says whether anything the view reads could have changed.

    order_view_version(number=..., email=...)  -> (order id, version) or None    one indexed query
    order_view_cached(order_id=, version=, kind=, build=)                         bytes/text per version

The version covers every table the order view reads: the order (and through its `updated_at`, its
addresses and email), lines, packages and their lines, scans, payments, refunds, cases, the order's
events (which also count resends), and its returns (a return in progress changes what can go back). A
refund (a cancel, a return, an agent's item refund: the units refunded per line come from its lines)
writes a refund row and moves the lines' unit counters; a price adjustment writes a refund and an event; the codes applied come with the order (its `updated_at`).
Catalogue prices (the `price_dropped` panel) are the one read outside the order: a price change shows
within the minute the version carries. Rendered views are kept per (kind, order, version): in this
process first (a dict lookup, no I/O), then in Django's cache, shared by every worker.

    order_page_cached(order=, actor=)  -> OrderPage    the built page per version and actor (the assistant)
    order_page_warm(order=, actor=)                    the same page built into the cache, nothing returned

The built page is kept pickled: every caller gets its own copy, so nothing one turn changes on it (or on
its order) reaches the next.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.orders.models import Order, OrderEvent, OrderLine
from shopdesk.orderview.builder import order_page
from shopdesk.orderview.types import OrderPage
from shopdesk.payments.enums import RefundStatus
from shopdesk.payments.models import Payment, Refund
from shopdesk.returns.models import ReturnRequest
from shopdesk.shipping.models import Case, Shipment, TrackingEvent

# Eligibility windows and diagnoses move with the clock: the order's current minute is part of the version.
VERSION_SECONDS = 60
CACHE_SECONDS = 300
LOCAL_ENTRIES = 512

Rendered = TypeVar("Rendered", bytes, str)


def _version_sql(*, by: str) -> str:
    order, event = Order._meta.db_table, OrderEvent._meta.db_table
    shipment, scan = Shipment._meta.db_table, TrackingEvent._meta.db_table
    payment, case, line = Payment._meta.db_table, Case._meta.db_table, OrderLine._meta.db_table
    refund, returns = Refund._meta.db_table, ReturnRequest._meta.db_table
    # Every state change of an order writes an event row, a scan, a package or refund row, or touches an
    # `updated_at`: together they change whenever anything in the view could.
    where = {"id": "o.id = %s", "number": "o.number = %s", "number_email": "o.number = %s AND o.email = %s"}
    sql = f"""
        SELECT o.id, o.updated_at,
          (SELECT MAX(id) FROM {event} WHERE order_id = o.id),
          (SELECT COUNT(*) FROM {shipment} WHERE order_id = o.id),
          (SELECT MAX(id) FROM {shipment} WHERE order_id = o.id),
          (SELECT MAX(last_event_at) FROM {shipment} WHERE order_id = o.id),
          (SELECT MAX(t.id) FROM {scan} t JOIN {shipment} s ON s.id = t.shipment_id WHERE s.order_id = o.id),
          (SELECT MAX(updated_at) FROM {payment} WHERE order_id = o.id),
          (SELECT MAX(id) FROM {refund} WHERE order_id = o.id),
          (SELECT COUNT(*) FROM {refund} WHERE order_id = o.id AND status = '{RefundStatus.SUCCEEDED}'),
          (SELECT COUNT(*) FROM {refund} WHERE order_id = o.id AND status = '{RefundStatus.FAILED}'),
          (SELECT MAX(completed_at) FROM {refund} WHERE order_id = o.id),
          (SELECT MAX(id) FROM {case} WHERE order_id = o.id),
          (SELECT COUNT(*) FROM {case} WHERE order_id = o.id AND status = 'open'),
          (SELECT SUM(quantity_cancelled + quantity_returned + quantity_refunded) FROM {line} WHERE order_id = o.id),
          (SELECT MAX(updated_at) FROM {returns} WHERE order_id = o.id)
        FROM {order} o WHERE {where[by]}
    """  # noqa: S608 - table names and statuses come from our models; values are bound
    # One line: the driver's placeholder rewrite runs over the text on every request.
    return " ".join(sql.split())


_SQL: dict[str, str] = {}


def _version_sql_cached(by: str) -> str:
    if by not in _SQL:
        _SQL[by] = _version_sql(by=by)
    return _SQL[by]


def order_view_version(
    *,
    order_id: int | None = None,
    number: str | None = None,
    email: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[int, str] | None:
    """The order's id and a key that changes whenever its view could (one query), or None when there is
    no such order (by number; with `email`, only when the order belongs to it)."""
    params: list[int | str | None]
    if order_id is not None:
        by, params = "id", [order_id]
    elif email is not None:
        by, params = "number_email", [number, email]
    else:
        by, params = "number", [number]
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_version_sql_cached(by), params)
        row = cursor.fetchone()
    if row is None:
        return None
    digest = hashlib.blake2b(repr(row[1:]).encode(), digest_size=12).hexdigest()
    return row[0], f"{digest}-{version_minute(row[0], now)}"


def version_minute(order_id: int, now: dt.datetime) -> int:
    """The clock's part of an order's version: a new one every VERSION_SECONDS, each order's minute
    starting at its own second (`order_id` modulo the minute). Were every order's minute to start at
    once, every page read in the seconds after it would be built again together, a burst of builds
    on every server at the turn of each minute; staggered, as many are built, spread over the minute."""
    return (int(now.timestamp()) + order_id % VERSION_SECONDS) // VERSION_SECONDS


_local: OrderedDict[str, bytes | str] = OrderedDict()
_local_lock = threading.Lock()


def order_view_cached(*, order_id: int, version: str, kind: str, build: Callable[[], Rendered]) -> Rendered:
    """The rendered view `kind` of the order at `version`, built once per version.

    A version never changes meaning, so a copy kept in this process can't go stale: it is only dropped
    to stay small."""
    key = f"shopdesk:orderview:{kind}:{order_id}:{version}"
    with _local_lock:
        found = _local.get(key)
    if found is None:
        found = cache.get(key)
        if found is None:
            found = build()
            cache.set(key, found, CACHE_SECONDS)
        with _local_lock:
            _local[key] = found
            while len(_local) > LOCAL_ENTRIES:
                _local.popitem(last=False)
    return found  # type: ignore[return-value]


def order_page_cached(*, order: Order, actor: Actor) -> OrderPage:
    """`order_page(order=order, actor=actor)`, built once per version of the order and actor (one query
    when it is kept). The page's clock (`now`, `today`) is the one it was built at, within the minute
    of its version, as for the pages above."""
    data = _order_page_data(order=order, actor=actor)
    if data is None:
        return order_page(order=order, actor=actor)
    return pickle.loads(data)  # noqa: S301 - written by _order_page_data's build()


def order_page_warm(*, order: Order, actor: Actor) -> None:
    """Build the page `order_page_cached` will return into the cache, without a copy for the caller."""
    _order_page_data(order=order, actor=actor)


def _order_page_data(*, order: Order, actor: Actor) -> bytes | None:
    found = order_view_version(order_id=order.pk)
    if found is None:
        return None
    order_id, version = found
    who = hashlib.blake2b(f"{actor.kind}:{actor.role}:{actor.label}".encode(), digest_size=12).hexdigest()

    def build() -> bytes:
        return pickle.dumps(order_page(order=order, actor=actor), protocol=pickle.HIGHEST_PROTOCOL)

    return order_view_cached(order_id=order_id, version=version, kind=f"page:{who}", build=build)


def order_view_forget() -> None:
    """Drop this process's copies (tests that change the policy or the clock use it)."""
    with _local_lock:
        _local.clear()
