"""One query that says whether an order's page could have changed, so the page can be cached."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import connection
from django.utils import timezone

from shopdesk.orders.models import Order, OrderEvent, OrderLine
from shopdesk.payments.models import Payment
from shopdesk.shipping.models import Case, Shipment, TrackingEvent


def _version_sql() -> str:
    order, event = Order._meta.db_table, OrderEvent._meta.db_table
    shipment, scan = Shipment._meta.db_table, TrackingEvent._meta.db_table
    payment, case, line = Payment._meta.db_table, Case._meta.db_table, OrderLine._meta.db_table
    # Every state change of an order writes an event row, a scan or a package row, or touches an
    # `updated_at`: together they change whenever anything on the page could.
    return f"""
        SELECT o.updated_at,
          (SELECT MAX(id) FROM {event} WHERE order_id = o.id),
          (SELECT COUNT(*) FROM {shipment} WHERE order_id = o.id),
          (SELECT MAX(id) FROM {shipment} WHERE order_id = o.id),
          (SELECT MAX(last_event_at) FROM {shipment} WHERE order_id = o.id),
          (SELECT MAX(t.id) FROM {scan} t JOIN {shipment} s ON s.id = t.shipment_id WHERE s.order_id = o.id),
          (SELECT MAX(updated_at) FROM {payment} WHERE order_id = o.id),
          (SELECT MAX(id) FROM {case} WHERE order_id = o.id),
          (SELECT COUNT(*) FROM {case} WHERE order_id = o.id AND status = 'open'),
          (SELECT SUM(quantity_cancelled + quantity_returned) FROM {line} WHERE order_id = o.id)
        FROM {order} o WHERE o.id = %s
    """  # noqa: S608 - table names come from our models, the only parameter is bound


PAGE_VERSION_SECONDS = 60


def order_page_version(*, order_id: int, now: dt.datetime | None = None) -> str:
    """A key that changes whenever the order page could (one query): the page can then be cached.

    The current minute is part of it, since eligibility windows and diagnoses move with the clock.
    """
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_version_sql(), [order_id])
        row = cursor.fetchone()
    digest = hashlib.blake2b(repr(row).encode(), digest_size=12).hexdigest()
    return f"{digest}-{int(now.timestamp()) // PAGE_VERSION_SECONDS}"
