"""An order's figures as they stand now, after cancelled items: the one breakdown the page, the API and emails show.

Every row is a plain amount and the rows sum: items − discounts + shipping + tax + duties (+ adjustment) = total,
and total − points = what is paid by money. Items are before tax and coupons, so a line's amount adds up to
the items row. Cancelled units leave the figures with their own coupon share and tax (the same shares the
refund breakdown gives back); a whole cancel also takes shipping and duties out. Units moved to a cheaper
variant count at their new price, and their coupon share never makes them cost less than nothing (the
part above their price, `OrderLine.coupon_capped`, is off the discounts, as it was off the refund).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.core.money import quantize
from shopdesk.orders.models import Order, OrderLine


@dataclass(frozen=True, slots=True)
class LineAmount:
    line_id: int
    quantity: int  # still ordered (cancelled units left out)
    amount: Decimal  # unit price × quantity, before coupons and tax


@dataclass(frozen=True, slots=True)
class OrderTotals:
    currency: str
    lines: tuple[LineAmount, ...]
    items: Decimal
    discounts: Decimal  # a positive amount, shown with a minus
    shipping: Decimal
    tax: Decimal
    duties: Decimal
    adjustment: Decimal  # what the store's own figures add beyond the rows (0 when they add up)
    total: Decimal
    points_used: int
    points_value: Decimal  # a positive amount, shown with a minus
    points_returned: int  # points given back with cancelled items
    by_money: Decimal  # total − points_value: what the payment method pays

    def rows_sum(self) -> Decimal:
        return self.items - self.discounts + self.shipping + self.tax + self.duties + self.adjustment


def _share(amount: Decimal, units: int, quantity: int, currency: str) -> Decimal:
    return quantize(amount * units / quantity, currency) if quantity else Decimal(0)


def _price_ordered(line: OrderLine) -> Decimal:
    return line.unit_price if line.unit_price_ordered is None else line.unit_price_ordered


def coupon_on_kept_units(line: OrderLine, kept: int, currency: str) -> Decimal:
    """The line's coupon share still taken off its `kept` units. The units gone took their share back
    (cumulatively, as the refund breakdown counts it); of the part capped when units moved to a cheaper
    variant (`OrderLine.coupon_capped`, over the line's last `coupon_capped_units` units), the kept ones
    among those don't take theirs off."""
    coupon = line.discount_amount - _share(
        line.discount_amount, line.quantity - kept, line.quantity, currency
    )
    covered = line.coupon_capped_units
    if line.coupon_capped > 0 and covered > 0:
        gone = covered - min(kept, covered)
        coupon -= line.coupon_capped - _share(line.coupon_capped, gone, covered, currency)
    return coupon


def order_totals(*, order: Order, lines: Iterable[OrderLine]) -> OrderTotals:
    """The breakdown of `order` as it stands, from the order's stored figures and its lines."""
    currency = order.currency
    lines = list(lines)
    whole = order.is_cancelled
    amounts: list[LineAmount] = []
    ordered_items = discounts_gone = tax_gone = Decimal(0)
    for line in lines:
        cancelled = line.quantity if whole else line.quantity_cancelled
        kept = line.quantity - cancelled
        amounts.append(LineAmount(line.pk, kept, quantize(line.unit_price * kept, currency)))
        ordered_items += quantize(_price_ordered(line) * line.quantity, currency)
        discounts_gone += line.discount_amount - max(coupon_on_kept_units(line, kept, currency), Decimal(0))
        tax_gone += _share(line.tax_amount, cancelled, line.quantity, currency)
    # A store may send an order whose own figures don't add up (an order-level fee, a rounding rule of its
    # own): the difference is one row of its own, so the breakdown still sums to what was charged.
    adjustment = order.total - (
        ordered_items - order.discount_total + order.shipping_total + order.tax_total + order.duties_total
    )
    # The kept units at their price now: cancelled units are gone, and units moved to a cheaper variant
    # count at its price.
    items = sum((amount.amount for amount in amounts), Decimal(0))
    discounts = max(order.discount_total - discounts_gone, Decimal(0))
    tax = max(order.tax_total - tax_gone, Decimal(0))
    shipping = Decimal(0) if whole else order.shipping_total
    duties = Decimal(0) if whole else order.duties_total
    if whole:
        adjustment = Decimal(0)
    total = items - discounts + shipping + tax + duties + adjustment
    points_used, points_value = order.points_used, order.points_value
    if points_used and order.total > 0:
        if whole:
            points_used, points_value = 0, Decimal(0)
        elif total < order.total:
            # Points go back with cancelled items at the order's own rate (points_value / points_used).
            back = quantize((order.total - total) * order.points_value / order.total, currency)
            points_value = order.points_value - back
            points_used = int(
                (Decimal(order.points_used) * points_value / order.points_value).to_integral_value()
            )
    points_value = min(points_value, total)
    return OrderTotals(
        currency=currency,
        lines=tuple(amounts),
        items=items,
        discounts=discounts,
        shipping=shipping,
        tax=tax,
        duties=duties,
        adjustment=adjustment,
        total=total,
        points_used=points_used,
        points_value=points_value,
        points_returned=order.points_used - points_used,
        by_money=total - points_value,
    )
