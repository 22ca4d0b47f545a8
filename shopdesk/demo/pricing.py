"""An order's money: line prices, coupons shared over lines, US sales tax, shipping, duties and the total.

    total = subtotal - discount_total + shipping_total + tax_total + duties_total

`discount_total` is the sum of the lines' coupon shares. A free-shipping code does not discount lines:
its OrderCoupon amount is the fee it waived and `shipping_total` is then zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from shopdesk.catalog.enums import PriceKind
from shopdesk.demo.catalog_builder import VariantInfo
from shopdesk.demo.coupons import CouponInfo
from shopdesk.policy.schema import ShippingMethod, Zone
from shopdesk.promotions.models import CouponKind
from shopdesk.shipping.rules import duties_amount, shipping_fee

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(slots=True)
class LineDraft:
    variant: VariantInfo
    quantity: int
    unit_price: Decimal
    price_kind: str
    discount: Decimal = ZERO
    tax: Decimal = ZERO

    @property
    def gross(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def net(self) -> Decimal:
        """What the customer paid for the line: after its coupon share, with its tax."""
        return self.gross - self.discount + self.tax

    @property
    def takes_codes(self) -> bool:
        return self.price_kind == PriceKind.REGULAR and "gift_card" not in self.variant.flags


@dataclass(slots=True)
class CouponUse:
    coupon: CouponInfo
    amount: Decimal


@dataclass(slots=True)
class Totals:
    subtotal: Decimal
    discount_total: Decimal
    shipping_total: Decimal
    tax_total: Decimal
    duties_total: Decimal
    duties_due_on_delivery: Decimal
    coupons: list[CouponUse] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount_total + self.shipping_total + self.tax_total + self.duties_total


def share(amount: Decimal, lines: list[LineDraft]) -> list[Decimal]:
    """Split an amount over lines in proportion to their price, to the cent, the rest on the largest line."""
    base = sum((line.gross for line in lines), ZERO)
    if not lines or base <= 0:
        return [ZERO for _ in lines]
    parts = [cents(amount * line.gross / base) for line in lines]
    largest = max(range(len(lines)), key=lambda i: lines[i].gross)
    parts[largest] += amount - sum(parts, ZERO)
    return parts


def coupon_amount(coupon: CouponInfo, eligible_total: Decimal) -> Decimal:
    if coupon.kind == CouponKind.PERCENT:
        return cents(eligible_total * coupon.value / 100)
    if coupon.kind == CouponKind.FIXED:
        return min(coupon.value, eligible_total)
    return ZERO


def duties_for(zone: Zone, base: Decimal, currency: str = "USD") -> Decimal:
    return duties_amount(zone=zone, goods=base, currency=currency)


def price_order(
    *,
    lines: list[LineDraft],
    coupons: list[CouponInfo],
    zone: Zone,
    method: ShippingMethod,
    tax_percent: Decimal,
) -> Totals:
    subtotal = sum((line.gross for line in lines), ZERO)
    eligible = [line for line in lines if line.takes_codes]
    eligible_total = sum((line.gross for line in eligible), ZERO)
    uses: list[CouponUse] = []
    for line in lines:
        line.discount = ZERO
    for coupon in coupons:
        if coupon.kind == CouponKind.FREE_SHIPPING:
            continue
        amount = coupon_amount(coupon, eligible_total - sum((u.amount for u in uses), ZERO))
        if amount <= 0:
            continue
        for line, part in zip(eligible, share(amount, eligible), strict=True):
            line.discount += part
        uses.append(CouponUse(coupon, amount))
    discount_total = sum((line.discount for line in lines), ZERO)
    goods = subtotal - discount_total
    fee = shipping_fee(method=method, goods=goods)
    shipping_total = fee
    for coupon in coupons:
        if coupon.kind == CouponKind.FREE_SHIPPING and fee > 0:
            uses.append(CouponUse(coupon, fee))
            shipping_total = ZERO
    for line in lines:
        line.tax = cents((line.gross - line.discount) * tax_percent / 100)
    tax_total = sum((line.tax for line in lines), ZERO)
    duties = duties_for(zone, goods)
    paid_at_checkout = duties if zone.duties == "store_pays" else ZERO
    due_on_delivery = duties if zone.duties == "collected_on_delivery" else ZERO
    # Codes come back in the order they were entered, free shipping last, as the checkout shows them.
    return Totals(
        subtotal=subtotal,
        discount_total=discount_total,
        shipping_total=shipping_total,
        tax_total=tax_total,
        duties_total=paid_at_checkout,
        duties_due_on_delivery=due_on_delivery,
        coupons=uses,
    )
