"""The one refund breakdown: what goes back line by line, the points share, and the split over payments.

Pure functions over plain dataclasses, no database. Cancel (whole and partial), item changes, the
returned-to-sender estimate and the demo build a `BreakdownRequest` from their rows and call
`refund_breakdown`; returns, price adjustments and desk refunds pass their units, extra charges and fees.

The split rule (docs/decisions/0006-refund-split-over-payments.md): money goes first to lower holds
that were never captured, then back to captured card, wallet and other payments, and to store credit
last; payments of the same rank in the order they were made. No payment gets more than it still holds
(captured minus refunded, or the authorised hold). A whole-order refund gives every payment back all it
still holds, so each method gets exactly what it paid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from shopdesk.core.money import quantize
from shopdesk.payments.enums import PaymentOutcome, RefundLineKind

ZERO = Decimal(0)
STORE_CREDIT_METHODS = frozenset({"store_credit", "gift_card"})
# Deductions charged in money, never paid with points: they are left out of the points share.
FEE_KINDS = frozenset({RefundLineKind.RESTOCKING_FEE, RefundLineKind.RETURN_LABEL})


ShareOutcome = PaymentOutcome  # a share is a refund, a void or a release, never NOTHING


@dataclass(frozen=True, slots=True)
class LinePart:
    """Units of one order line that go back. Shares of the line's coupon and tax are cumulative
    (units_before counts units already refunded or cancelled), so refunding every unit in any number
    of steps gives back exactly the line's total."""

    line_id: int | None
    name: str
    quantity: int  # units bought
    unit_price: Decimal
    discount: Decimal  # the line's coupon share, all units
    tax: Decimal  # the line's tax, all units
    units: int
    units_before: int = 0
    # A price adjustment already paid back on this line: its amount over the units it covered (the units
    # kept when it was made). Each of those units leaving later takes its share off, so the line never
    # gives back more than it cost, however its units and the adjustment are split.
    adjusted: Decimal = Decimal(0)
    adjusted_units: int = 0
    # The coupon share above the price of the units kept when they moved to a cheaper variant, over those
    # units (the line's last ones): they cost nothing, never less, so the change took only what they cost
    # after their coupon, and each of them leaving later takes its share of this back off its coupon.
    coupon_capped: Decimal = Decimal(0)
    coupon_capped_units: int = 0


@dataclass(frozen=True, slots=True)
class Charge:
    """Any other amount: shipping, duties, a price difference (positive) or a fee (negative)."""

    kind: RefundLineKind
    amount: Decimal
    description: str
    line_id: int | None = None
    quantity: int = 0


@dataclass(frozen=True, slots=True)
class PaymentHeld:
    """One live payment: what it still holds. `captured` zero means a hold that was never captured."""

    id: int
    method: str
    label: str
    captured: Decimal
    refunded: Decimal
    authorised: Decimal

    @property
    def is_hold(self) -> bool:
        return self.captured == 0

    @property
    def held(self) -> Decimal:
        return self.authorised if self.is_hold else self.captured - self.refunded


@dataclass(frozen=True, slots=True)
class PointsPaid:
    used: int  # points spent on the order
    value: Decimal  # what they paid: the order's own rate is value / used
    returned_before: int = 0  # points already given back


@dataclass(frozen=True, slots=True)
class BreakdownRequest:
    currency: str
    order_total: Decimal  # what the order cost, points included: the base of the points share
    lines: tuple[LinePart, ...] = ()
    charges: tuple[Charge, ...] = ()
    points: PointsPaid | None = None
    payments: tuple[PaymentHeld, ...] = ()
    # Everything left goes back: each payment gives back all it still holds, and the points left.
    whole_order: bool = False


@dataclass(frozen=True, slots=True)
class BreakdownLine:
    kind: RefundLineKind
    amount: Decimal  # positive: paid back; negative: a deduction
    description: str
    order_line_id: int | None = None
    quantity: int = 0


@dataclass(frozen=True, slots=True)
class PaymentShare:
    payment_id: int
    method: str
    label: str
    amount: Decimal
    outcome: ShareOutcome


@dataclass(frozen=True, slots=True)
class RefundBreakdown:
    currency: str
    lines: tuple[BreakdownLine, ...]
    total: Decimal  # the sum of the lines: money back (refunds and lowered holds together)
    points: int  # points given back
    points_value: Decimal  # what those points paid, at the order's rate
    shares: tuple[PaymentShare, ...] = field(default=())  # sum == total when any payment holds money

    @property
    def refunded(self) -> Decimal:
        return sum((s.amount for s in self.shares if s.outcome == ShareOutcome.REFUND), ZERO)


def _share(amount: Decimal, part: int, whole: int, currency: str) -> Decimal:
    return quantize(amount * part / whole, currency) if whole else ZERO


def _cumulative(amount: Decimal, before: int, units: int, whole: int, currency: str) -> Decimal:
    """This step's share of `amount`, so that the steps always add up to the whole amount."""
    return _share(amount, before + units, whole, currency) - _share(amount, before, whole, currency)


def line_parts(part: LinePart, currency: str) -> list[BreakdownLine]:
    """The item, its coupon share and its tax, for `part.units` units of one line."""
    lines = [
        BreakdownLine(
            RefundLineKind.ITEM,
            quantize(part.unit_price * part.units, currency),
            f"{part.units} × {part.name}",
            part.line_id,
            part.units,
        )
    ]
    coupon = _cumulative(part.discount, part.units_before, part.units, part.quantity, currency)
    coupon -= _coupon_capped_share(part, currency)
    if coupon:
        lines.append(
            BreakdownLine(
                RefundLineKind.COUPON_SHARE,
                -coupon,
                f"Coupon discount on {part.name}",
                part.line_id,
                part.units,
            )
        )
    tax = _cumulative(part.tax, part.units_before, part.units, part.quantity, currency)
    if tax:
        lines.append(BreakdownLine(RefundLineKind.TAX, tax, f"Tax on {part.name}", part.line_id, part.units))
    adjusted = _adjustment_paid_back(part, currency)
    if adjusted:
        lines.append(
            BreakdownLine(
                RefundLineKind.PRICE_ADJUSTMENT,
                -adjusted,
                f"Price adjustment already paid back on {part.name}",
                part.line_id,
                part.units,
            )
        )
    return lines


def _adjustment_paid_back(part: LinePart, currency: str) -> Decimal:
    """The share of the line's price adjustment these units already got back. The adjustment covered the
    units kept when it was made, so the units gone before it (the line's units less those it covered) had
    none; every unit leaving after it is one it covered."""
    if part.adjusted <= 0 or part.adjusted_units <= 0:
        return ZERO
    since, units = _units_since(part, part.adjusted_units)
    return _cumulative(part.adjusted, since, units, part.adjusted_units, currency)


def _units_since(part: LinePart, covered: int) -> tuple[int, int]:
    """Of the line's last `covered` units, how many left before this step and how many leave in it."""
    gone_before = part.quantity - covered
    since = min(max(part.units_before - gone_before, 0), covered)
    return since, min(part.units, covered - since)


def _coupon_capped_share(part: LinePart, currency: str) -> Decimal:
    """The share of the line's capped coupon (`LinePart.coupon_capped`) these units don't take off."""
    if part.coupon_capped <= 0 or part.coupon_capped_units <= 0:
        return ZERO
    since, units = _units_since(part, part.coupon_capped_units)
    return _cumulative(part.coupon_capped, since, units, part.coupon_capped_units, currency)


@dataclass(frozen=True, slots=True)
class CouponCap:
    """The coupon share of units moving to a cheaper variant, capped at their new price."""

    share: Decimal  # their coupon share still on them (the part already capped left out)
    over: Decimal  # what of it is above their new price: not taken from what goes back
    capped: Decimal  # the line's `coupon_capped` from then on, over the units kept
    capped_units: int


def coupon_cap(part: LinePart, new_price: Decimal, currency: str) -> CouponCap:
    """`part.units` units (the line's last ones, after `part.units_before`) moving to `new_price`: their
    coupon share never makes them cost less than nothing. The part above the new price is not taken off
    what goes back now, and joins what the units leaving later don't take off either."""
    gross = _cumulative(part.discount, part.units_before, part.units, part.quantity, currency)
    already = _coupon_capped_share(part, currency)
    share = gross - already
    over = max(share - quantize(new_price * part.units, currency), ZERO)
    return CouponCap(share=share, over=over, capped=already + over, capped_units=part.units)


def repriced_units(part: LinePart, new_price: Decimal, description: str, currency: str) -> tuple[Charge, ...]:
    """`part.units` units of a line that stay but move to `new_price` (another variant before dispatch):
    the difference per unit × those units, less the share of the line's price adjustment they already got
    back (counted like units leaving after `part.units_before`), less the part of their coupon share above
    the new price (`coupon_cap`: they then cost nothing, never less). Their sum is what goes back: below
    zero, the change costs more than was paid for them. The line is at the new price from then on, so its
    adjustment is settled and no later refund takes it off again (`breakdown_rows.line_part`), and its
    capped coupon is stored (`LinePart.coupon_capped`) so the units leaving later give back exactly what
    they still cost."""
    difference = quantize((part.unit_price - new_price) * part.units, currency)
    adjusted = _adjustment_paid_back(part, currency)
    over = coupon_cap(part, new_price, currency).over
    charges = []
    if difference:
        charges.append(
            Charge(RefundLineKind.PRICE_ADJUSTMENT, difference, description, part.line_id, part.units)
        )
    if over:
        charges.append(
            Charge(
                RefundLineKind.COUPON_SHARE,
                -over,
                f"Coupon discount on {part.name} above its new price",
                part.line_id,
                part.units,
            )
        )
    if adjusted:
        charges.append(
            Charge(
                RefundLineKind.PRICE_ADJUSTMENT,
                -adjusted,
                f"Price adjustment already paid back on {part.name}",
                part.line_id,
                part.units,
            )
        )
    return tuple(charges)


def _points_value_of(points: PointsPaid, count: int, currency: str) -> Decimal:
    return _share(points.value, count, points.used, currency)


def _points_part(request: BreakdownRequest, gross: Decimal) -> tuple[int, Decimal]:
    """Points given back and what they paid, always at the order's own rate (value / used)."""
    points = request.points
    if points is None or points.used <= 0 or points.value <= 0 or gross <= 0:
        return 0, ZERO
    left = max(points.used - points.returned_before, 0)
    value_left = points.value - _points_value_of(points, points.returned_before, request.currency)
    if request.whole_order:
        return left, min(max(value_left, ZERO), gross)
    if request.order_total <= 0:
        return 0, ZERO
    value = min(quantize(gross * points.value / request.order_total, request.currency), value_left, gross)
    count = int((Decimal(points.used) * value / points.value).to_integral_value(rounding=ROUND_HALF_UP))
    return min(count, left), max(value, ZERO)


def split_rank(payment: PaymentHeld) -> tuple[int, int]:
    """Holds first (nothing moves), then card, wallet and other payments, store credit last."""
    if payment.is_hold:
        return (0, payment.id)
    return (2 if payment.method in STORE_CREDIT_METHODS else 1, payment.id)


def _split(payments: tuple[PaymentHeld, ...], total: Decimal, whole_order: bool) -> list[PaymentShare]:
    shares, left = [], total
    for payment in sorted(payments, key=split_rank):
        amount = payment.held if whole_order else min(payment.held, left)
        if amount <= 0:
            continue
        left -= amount
        if payment.is_hold:
            outcome = ShareOutcome.VOID if amount == payment.held else ShareOutcome.RELEASE
        else:
            outcome = ShareOutcome.REFUND
        shares.append(PaymentShare(payment.id, payment.method, payment.label, amount, outcome))
    return shares


def refund_breakdown(request: BreakdownRequest) -> RefundBreakdown:
    """Lines, points share and split over payments; the lines always sum to `total`."""
    currency = request.currency
    lines: list[BreakdownLine] = [bl for part in request.lines for bl in line_parts(part, currency)]
    lines += [
        BreakdownLine(c.kind, quantize(c.amount, currency), c.description, c.line_id, c.quantity)
        for c in request.charges
        if c.amount
    ]
    gross = sum((line.amount for line in lines if line.kind not in FEE_KINDS), ZERO)
    points, points_value = _points_part(request, gross)
    if points_value:
        lines.append(
            BreakdownLine(RefundLineKind.POINTS, -points_value, f"Paid with points ({points:,} points)")
        )
    money = sum((line.amount for line in lines), ZERO)
    if money < 0:
        lines.append(BreakdownLine(RefundLineKind.OTHER, -money, "Fees never exceed the refund"))
        money = ZERO
    held = sum((p.held for p in request.payments if p.held > 0), ZERO)
    if request.payments:
        target = held if request.whole_order else min(money, held)
        if target != money:
            # A whole order gives back all that was paid; otherwise never more than the payments hold
            # (an earlier refund, or store data that doesn't add up). The difference is its own line.
            description = (
                "Limited to the amount still held on your payments"
                if target < money
                else "The rest of what you paid"
            )
            lines.append(BreakdownLine(RefundLineKind.OTHER, target - money, description))
            money = target
    shares = _split(request.payments, money, request.whole_order) if request.payments else []
    return RefundBreakdown(
        currency=currency,
        lines=tuple(lines),
        total=money,
        points=points,
        points_value=points_value,
        shares=tuple(shares),
    )


@dataclass(frozen=True, slots=True)
class RefundDraft:
    """One refund to record: a payment share with lines that sum to it."""

    share: PaymentShare
    lines: tuple[BreakdownLine, ...]
    points: int


def refund_drafts(breakdown: RefundBreakdown) -> list[RefundDraft]:
    """One refund per payment that gets money back, each with lines that sum to its amount.

    The first refund carries the whole breakdown, less one line per other payment ("paid back to your
    store credit"); each other payment's refund is that one line. So every refund sums to its amount,
    and all refunds of the order read line by line still add up. Lowered holds get no refund row.
    """
    refunds = [s for s in breakdown.shares if s.outcome == ShareOutcome.REFUND]
    if not refunds:
        return []
    first, others = refunds[0], refunds[1:]
    moved = [s for s in breakdown.shares if s is not first]
    lines = list(breakdown.lines) + [
        BreakdownLine(
            RefundLineKind.PAYMENT_SPLIT,
            -s.amount,
            f"Paid back to your {s.label}"
            if s.outcome == ShareOutcome.REFUND
            else f"Taken off the hold on your {s.label}",
        )
        for s in moved
    ]
    drafts = [RefundDraft(first, tuple(lines), breakdown.points)]
    drafts += [
        RefundDraft(
            s,
            (
                BreakdownLine(
                    RefundLineKind.PAYMENT_SPLIT, s.amount, f"Your share paid back to your {s.label}"
                ),
            ),
            0,
        )
        for s in others
    ]
    return drafts


def store_credit_bonus(lines: tuple[BreakdownLine, ...], percent: Decimal, currency: str) -> Decimal:
    """The bonus for choosing store credit: `percent` of what the items give back (items, their coupon
    share and tax), never of the fees."""
    base = sum((line.amount for line in lines if line.kind not in FEE_KINDS), ZERO)
    if base <= 0 or percent <= 0:
        return ZERO
    return quantize(base * percent / 100, currency)


def exchange_breakdown(
    *, currency: str, parts: tuple[LinePart, ...], replacements: tuple[Charge, ...]
) -> RefundBreakdown:
    """What the returned units were paid (item, coupon share, tax) less the price of what replaces them.

    Unlike a refund the total may be negative: the customer owes that much for the new items. No payment
    split: a positive total joins the return's refund as one line, a negative one is paid on the platform.
    """
    lines: list[BreakdownLine] = [bl for part in parts for bl in line_parts(part, currency)]
    lines += [
        BreakdownLine(c.kind, quantize(c.amount, currency), c.description, c.line_id, c.quantity)
        for c in replacements
        if c.amount
    ]
    total = sum((line.amount for line in lines), ZERO)
    return RefundBreakdown(currency=currency, lines=tuple(lines), total=total, points=0, points_value=ZERO)
