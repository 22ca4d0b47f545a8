"""Each item's last return day on the order page, counted as the return window is (orders/return_window.py).

From the packages already read for the page: an item's window starts at the latest delivery of a package
holding it (or at the order, when the policy counts from the order). No day for an item not delivered
yet, nor for one the policy never takes back (final sale, gift cards).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict

from shopdesk.core.calendar import local_date
from shopdesk.orders.models import Order
from shopdesk.orders.return_window import return_window_end
from shopdesk.orderview.types import LineView
from shopdesk.policy import Policy
from shopdesk.returns.eligibility import line_never_returnable
from shopdesk.shipping.models import Shipment


def line_return_days(
    *, order: Order, lines: list[LineView], shipments: list[Shipment], policy: Policy
) -> list[LineView]:
    delivered: dict[int, list[dt.datetime]] = defaultdict(list)
    for shipment in shipments:
        if shipment.delivered_at is None:
            continue
        for shipment_line in shipment.lines.all():
            delivered[shipment_line.order_line_id].append(shipment.delivered_at)
    rows = {line.pk: line for line in order.lines.all()}
    views = []
    for view in lines:
        day = None
        row = rows.get(view.id)
        if delivered.get(view.id) and row is not None and not line_never_returnable(row):
            end = return_window_end(placed_at=order.placed_at, delivered_at=delivered[view.id], policy=policy)
            day = local_date(end, policy) if end else None
        views.append(dataclasses.replace(view, last_return_day=day) if day else view)
    return views
