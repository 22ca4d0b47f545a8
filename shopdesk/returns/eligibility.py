"""Which items of an order can go back, and why not: one answer per line with a stable code and a sentence.

    final_sale, hygiene, custom_made, gift_card   the policy's non-returnable flags, with its reason
    not_delivered                                 the item hasn't arrived yet
    window_expired                                the return window closed on its last day
    already_returned                              every unit came back already
    return_in_progress                            the units left are in a return that is still open
    needs_approval                                returnable; an agent approves (policy threshold)

The portal, the API, the registry action and the service all read these answers; the service asks again
inside its transaction, with the order locked.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from shopdesk.core.calendar import local_date
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.prepared import PreparedLookup, PreparedValues
from shopdesk.orders.models import Order, OrderLine
from shopdesk.orders.return_window import return_window_end
from shopdesk.policy import get_policy
from shopdesk.policy.dates import day_text
from shopdesk.returns.enums import OPEN_STATUSES
from shopdesk.returns.models import ReturnLine
from shopdesk.shipping.models import ShipmentLine

NON_RETURNABLE_CODES = ("gift_card", "final_sale", "custom_made", "hygiene")


@dataclass(frozen=True, slots=True)
class LineReturnability:
    """One line's answer: how many units can go back now, until which day, and why (not)."""

    line: OrderLine
    eligibility: Eligibility
    units: int  # units that can be returned now (0 when refused)
    last_day: dt.date | None  # the last day of the window (None until the item is delivered)
    origin_warehouse: str
    # Refused by a flag the policy lets through when the item arrived faulty (approval needed).
    faulty_only: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "line_id": self.line.pk,
            "name": self.line.product_name,
            "returnable": self.eligibility.allowed,
            "code": self.eligibility.code,
            "message": self.eligibility.message,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "units": self.units,
            "faulty_only": self.faulty_only,
        }


@dataclass(frozen=True, slots=True)
class _Delivery:
    units: int
    delivered_at: dt.datetime | None
    warehouse: str


def _deliveries(order: Order) -> dict[int, _Delivery]:
    """Units delivered per line, the latest delivery of the line and its warehouse (one query)."""
    found: dict[int, _Delivery] = {}
    for line_id, quantity, delivered_at, warehouse in _READ_DELIVERIES.all(order.pk):
        before = found.get(line_id, _Delivery(0, None, warehouse))
        if delivered_at is None:
            found[line_id] = _Delivery(before.units, before.delivered_at, before.warehouse or warehouse)
            continue
        latest = max(before.delivered_at, delivered_at) if before.delivered_at else delivered_at
        found[line_id] = _Delivery(before.units + quantity, latest, warehouse)
    return found


def units_in_open_returns(order: Order) -> dict[int, int]:
    return defaultdict(int, {line_id: int(units or 0) for line_id, units in _READ_OPEN_UNITS.all(order.pk)})


# The three reads of an order's answers, each built once per process (`core.prepared`): the chat asks
# for them on most return questions, and building them took the ORM longer than running them.
_READ_LINES = PreparedLookup(lambda order: OrderLine.objects.filter(order_id=order))
_READ_DELIVERIES = PreparedValues(
    lambda order: ShipmentLine.objects.filter(shipment__order_id=order).values_list(
        "order_line_id", "quantity", "shipment__delivered_at", "shipment__origin_warehouse"
    )
)
_READ_OPEN_UNITS = PreparedValues(
    lambda order: (
        ReturnLine.objects.filter(order_line__order_id=order, return_request__status__in=OPEN_STATUSES)
        .values("order_line_id")
        .annotate(units=Sum("quantity"))
        .values_list("order_line_id", "units")
    )
)


def _order_lines(order: Order) -> list[OrderLine]:
    """`order.lines.all()`: the rows a caller prefetched, else one prepared read, each line knowing its order."""
    if "lines" in getattr(order, "_prefetched_objects_cache", {}):
        return list(order.lines.all())
    lines = _READ_LINES.all(order.pk)
    for line in lines:
        OrderLine.order.field.set_cached_value(line, order)
    return lines


def last_return_day(order: Order, delivered_at: dt.datetime | None) -> dt.date | None:
    """The window's last day in the store's calendar (orders/return_window.py, as the order page shows it)."""
    policy = get_policy()
    end = return_window_end(
        placed_at=order.placed_at, delivered_at=[delivered_at] if delivered_at else [], policy=policy
    )
    return local_date(end, policy) if end else None


def _flag_refusal(line: OrderLine) -> tuple[str, str, bool] | None:
    """The first non-returnable flag of the line the policy lists: (code, reason, faulty_returnable)."""
    policy = get_policy().returns
    flags = set(line.return_flags or [])
    for code in NON_RETURNABLE_CODES:
        rule = policy.non_returnable_rule(code) if code in flags else None
        if rule is not None:
            return code, rule.reason, rule.faulty_returnable
    return None


def line_never_returnable(line: OrderLine) -> bool:
    """The line carries a flag the policy refuses outright (not even when the item arrived faulty)."""
    flagged = _flag_refusal(line)
    return flagged is not None and not flagged[2]


def line_returnability(
    *,
    order: Order,
    line: OrderLine,
    delivery: _Delivery | None,
    in_open_returns: int,
    now: dt.datetime,
    waive: frozenset[str] = frozenset(),
) -> LineReturnability:
    policy = get_policy()
    name = line.product_name
    warehouse = delivery.warehouse if delivery else ""
    delivered_at = delivery.delivered_at if delivery else None
    last_day = last_return_day(order, delivered_at) if delivered_at else None

    def refused(code: str, message: str, units: int = 0, faulty_only: bool = False) -> LineReturnability:
        return LineReturnability(line, Eligibility.no(code, message), units, last_day, warehouse, faulty_only)

    flagged = _flag_refusal(line)
    if flagged is not None and not flagged[2]:
        return refused(flagged[0], f"The {name} can't be returned: {flagged[1]}")
    delivered_units = delivery.units if delivery else 0
    refusal: LineReturnability | None = None
    units = 0
    if not delivered_units:
        refusal = refused(
            "not_delivered",
            f"The {name} hasn't been delivered yet; you can start a return once it arrives.",
        )
    elif last_day is not None and local_date(now, policy) > last_day and "window_expired" not in waive:
        refusal = refused(
            "window_expired",
            f"The return window for the {name} closed on {day_text(last_day)} "
            f"({policy.returns.window_days} days after delivery).",
        )
    else:
        kept = min(delivered_units, line.quantity_active) - line.quantity_returned - line.quantity_refunded
        units = kept - in_open_returns
        if kept <= 0:
            gone = "refunded" if line.quantity_refunded and not line.quantity_returned else "returned"
            refusal = refused("already_returned", f"The {name} has already been {gone}.")
        elif units <= 0:
            refusal = refused(
                "return_in_progress",
                f"The {name} is already in a return that is on its way; you can follow it on the return's page.",
            )
    if flagged is not None:
        # Returnable only if it arrived faulty: the request names a faulty reason and an agent approves.
        faulty = refusal is None
        hint = " If it arrived faulty, you can still send it back: choose that reason." if faulty else ""
        return refused(flagged[0], f"The {name} can't be returned: {flagged[1]}{hint}", units, faulty)
    if refusal is not None:
        return refusal
    until = f"You can return the {name} until {day_text(last_day)}." if last_day else ""
    if last_day is not None and local_date(now, policy) > last_day:  # only here when the window is waived
        until = f"The return window for the {name} closed on {day_text(last_day)}; our team set it aside."
    threshold = policy.returns.approval_above
    if threshold is not None and line.unit_price * units > Decimal(threshold):
        return LineReturnability(
            line,
            Eligibility.approval(
                "needs_approval",
                f"{until} Our team approves returns of this value before you send them; "
                "we usually answer within one business day.".strip(),
            ),
            units,
            last_day,
            warehouse,
        )
    return LineReturnability(line, Eligibility.yes(until, code="returnable"), units, last_day, warehouse)


def order_returnability(
    *,
    order: Order,
    now: dt.datetime | None = None,
    lines: list[OrderLine] | None = None,
    waive: frozenset[str] = frozenset(),
) -> list[LineReturnability]:
    """Every active line of the order with its answer, from three reads (lines, deliveries, open returns).

    `waive` holds the refusal codes an agent set aside (only "window_expired" can be; see the action)."""
    now = now or timezone.now()
    lines = lines if lines is not None else _order_lines(order)
    deliveries = _deliveries(order)
    open_units = units_in_open_returns(order)
    return [
        line_returnability(
            order=order,
            line=line,
            delivery=deliveries.get(line.pk),
            in_open_returns=open_units[line.pk],
            now=now,
            waive=waive,
        )
        for line in lines
        if line.quantity_active > 0
    ]


def return_start_eligibility(
    *, order: Order, now: dt.datetime | None = None, answers: list[LineReturnability] | None = None
) -> Eligibility:
    """The order as a whole: allowed when at least one line can go back, else the first line's reason."""
    if order.is_cancelled:
        return Eligibility.no("order_cancelled", "This order was cancelled, so there is nothing to return.")
    answers = answers if answers is not None else order_returnability(order=order, now=now)
    allowed = [answer for answer in answers if answer.eligibility.allowed]
    if allowed:
        count = len(allowed)
        days = [a.last_day for a in allowed if a.last_day]
        until = f" The earliest window closes on {day_text(min(days))}." if days else ""
        message = f"{count} item{'s' if count != 1 else ''} of this order can be returned.{until}"
        if any(a.eligibility.needs_approval for a in allowed):
            return Eligibility.approval("needs_approval", message)
        return Eligibility.yes(message, code="returnable")
    if any(answer.faulty_only for answer in answers):
        return Eligibility.approval(
            "needs_approval",
            "The items of this order can only be returned if they arrived faulty; our team approves those returns.",
        )
    if not answers:
        return Eligibility.no("not_delivered", "This order has no items to return.")
    first = answers[0].eligibility
    if len(answers) == 1:
        return first
    return Eligibility.no(first.code, f"None of the items of this order can be returned now. {first.message}")
