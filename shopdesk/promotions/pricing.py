"""The order arithmetic: line prices, codes shared over lines, sales tax, shipping, duties and the total.

    total = subtotal - discount_total + shipping_total + tax_total + duties_total

Pure: no database, no clock. `discount_total` is the sum of the lines' code shares. A free-shipping code
does not discount lines: its amount is the fee it waived and `shipping_total` is then zero. Amounts are
rounded to the currency's own exponent (2 places for USD, 0 for JPY).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Generic, Protocol, TypeVar

from shopdesk.catalog.enums import PriceKind
from shopdesk.core.money import quantize
from shopdesk.policy.schema import Promotions, ShippingMethod, Zone
from shopdesk.shipping import rules as shipping_rules

ZERO = Decimal("0.00")
PERCENT = "percent"
FIXED = "fixed"
FREE_SHIPPING = "free_shipping"


def cents(amount: Decimal, currency: str = "USD") -> Decimal:
    """Round half-up to the currency's minor unit (the name stays from the two-decimal days)."""
    return quantize(amount, currency)


@dataclass(slots=True, kw_only=True)
class PricedLine:
    """One cart or order line while it is priced; `discount` and `tax` are filled in by `price_order`."""

    quantity: int
    unit_price: Decimal
    price_kind: str
    category: str = ""
    gift_card: bool = False
    discount: Decimal = ZERO
    tax: Decimal = ZERO

    @property
    def gross(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def net(self) -> Decimal:
        """What the customer paid for the line: after its code share, with its tax."""
        return self.gross - self.discount + self.tax

    def takes_codes(self, rules: Promotions | None = None) -> bool:
        """Gift cards never take codes; sale prices take them only when the policy says so."""
        if self.gift_card:
            return False
        if self.price_kind == PriceKind.REGULAR:
            return True
        return rules is not None and rules.codes_on_sale_items


class PricedCode(Protocol):
    """What the arithmetic needs of a code: its kind, its value, and which lines it accepts."""

    @property
    def kind(self) -> str: ...

    @property
    def value(self) -> Decimal: ...

    def accepts(self, line: PricedLine) -> bool: ...


CodeT = TypeVar("CodeT", bound=PricedCode)


@dataclass(slots=True)
class CouponUse(Generic[CodeT]):
    coupon: CodeT
    amount: Decimal


@dataclass(slots=True)
class Totals(Generic[CodeT]):
    subtotal: Decimal
    discount_total: Decimal
    shipping_total: Decimal
    tax_total: Decimal
    duties_total: Decimal
    duties_due_on_delivery: Decimal
    coupons: list[CouponUse[CodeT]] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount_total + self.shipping_total + self.tax_total + self.duties_total

    @property
    def saving(self) -> Decimal:
        """What the codes saved: line discounts and any shipping fee waived."""
        return sum((use.amount for use in self.coupons), ZERO)


def share(amount: Decimal, lines: Sequence[PricedLine], currency: str = "USD") -> list[Decimal]:
    """Split an amount over lines in proportion to their price, rounded, the rest on the largest line."""
    base = sum((line.gross for line in lines), ZERO)
    if not lines or base <= 0:
        return [ZERO for _ in lines]
    parts = [cents(amount * line.gross / base, currency) for line in lines]
    largest = max(range(len(lines)), key=lambda i: lines[i].gross)
    parts[largest] += amount - sum(parts, ZERO)
    return parts


def coupon_amount(coupon: PricedCode, eligible_total: Decimal, currency: str = "USD") -> Decimal:
    """What a line-discount code takes off `eligible_total`; never more than it."""
    if eligible_total <= 0:
        return ZERO
    if coupon.kind == PERCENT:
        return min(cents(eligible_total * coupon.value / 100, currency), eligible_total)
    if coupon.kind == FIXED:
        return min(cents(coupon.value, currency), eligible_total)
    return ZERO


def shipping_fee(method: ShippingMethod, goods: Decimal) -> Decimal:
    """The method's fee, or nothing once the goods (after discounts) reach its free-shipping threshold."""
    return shipping_rules.shipping_fee(method=method, goods=goods)


def duties_for(zone: Zone, base: Decimal, currency: str = "USD") -> Decimal:
    return shipping_rules.duties_amount(zone=zone, goods=base, currency=currency)


def price_order(
    *,
    lines: Sequence[PricedLine],
    coupons: Sequence[CodeT],
    zone: Zone,
    method: ShippingMethod,
    tax_percent: Decimal,
    currency: str = "USD",
    rules: Promotions | None = None,
) -> Totals[CodeT]:
    """Price lines with codes applied in the order given (each on what the previous ones left)."""
    subtotal = sum((line.gross for line in lines), ZERO)
    uses: list[CouponUse[CodeT]] = []
    for line in lines:
        line.discount = ZERO
    for coupon in coupons:
        if coupon.kind == FREE_SHIPPING:
            continue
        eligible = [line for line in lines if line.takes_codes(rules) and coupon.accepts(line)]
        left = sum((line.gross - line.discount for line in eligible), ZERO)
        amount = coupon_amount(coupon, left, currency)
        if amount <= 0:
            continue
        for line, part in zip(eligible, share(amount, eligible, currency), strict=True):
            line.discount += part
        uses.append(CouponUse(coupon, amount))
    discount_total = sum((line.discount for line in lines), ZERO)
    goods = subtotal - discount_total
    fee = shipping_fee(method, goods)
    shipping_total = fee
    for coupon in coupons:
        if coupon.kind == FREE_SHIPPING and fee > 0:
            uses.append(CouponUse(coupon, fee))
            shipping_total = ZERO
            break  # a fee is waived once, however many free-shipping codes are entered
    for line in lines:
        line.tax = cents((line.gross - line.discount) * tax_percent / 100, currency)
    tax_total = sum((line.tax for line in lines), ZERO)
    duties = duties_for(zone, goods, currency)
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
