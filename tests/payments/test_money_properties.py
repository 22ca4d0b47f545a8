"""Properties of the money engine, over orders with 1–3 payments (card, wallet, store credit; held or
captured), points, coupons, tax and duties, in dollars and in yen.

- the pure breakdown: its lines always sum to its total, and its split to the same total;
- the real services on the database, through sequences of partial cancels, quantity cuts and a final
  whole cancel: refunds never exceed what was captured (per payment and per order), every refund's lines
  sum to it, a whole cancel gives every method back exactly what it paid, and points are conserved.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopdesk.core.actors import Actor
from shopdesk.core.errors import DomainError
from shopdesk.core.money import quantize
from shopdesk.loyalty.models import PointsEntry, PointsEntryKind
from shopdesk.orders.models import Order
from shopdesk.payments.breakdown import (
    BreakdownRequest,
    Charge,
    LinePart,
    PaymentHeld,
    PointsPaid,
    refund_breakdown,
    refund_drafts,
)
from shopdesk.payments.enums import PaymentState, RefundLineKind
from shopdesk.payments.models import Payment, Refund
from shopdesk.selfservice.services.cancel import order_cancel
from shopdesk.selfservice.services.change import order_line_change
from tests import factories

CUSTOMER = Actor.customer("shopper@example.com")
METHODS = ("card", "google_pay", "store_credit")
EXPONENT = {"USD": 2, "JPY": 0}


def _amount(currency: str, minor_units: int) -> Decimal:
    return Decimal(minor_units).scaleb(-EXPONENT[currency])


line_spec = st.tuples(
    st.integers(1, 3),  # quantity
    st.integers(0, 20_000),  # unit price, in minor units
    st.integers(0, 60),  # coupon, % of the line
    st.integers(0, 25),  # tax, % of the line
)
payment_spec = st.tuples(
    st.sampled_from(METHODS), st.booleans(), st.integers(1, 100)
)  # method, captured, weight
operation = st.one_of(
    st.tuples(st.just("cancel"), st.integers(0, 2)),
    st.tuples(st.just("cut"), st.integers(0, 2)),
)


@settings(max_examples=200, deadline=None, database=None)
@given(
    currency=st.sampled_from(sorted(EXPONENT)),
    lines=st.lists(line_spec, min_size=1, max_size=3),
    units=st.lists(st.integers(0, 3), min_size=3, max_size=3),
    extras=st.tuples(st.integers(0, 3000), st.integers(0, 3000), st.integers(-2000, 2000)),
    points_percent=st.integers(0, 50),
    held=st.lists(st.tuples(st.sampled_from(METHODS), st.booleans(), st.integers(0, 30_000)), max_size=3),
    whole=st.booleans(),
)
def test_every_breakdown_sums_to_its_total(currency, lines, units, extras, points_percent, held, whole):
    parts = []
    for index, (quantity, price, coupon, tax) in enumerate(lines):
        gross = _amount(currency, price) * quantity
        parts.append(
            LinePart(
                index,
                f"Item {index}",
                quantity,
                _amount(currency, price),
                quantize(gross * coupon / 100, currency),
                quantize(gross * tax / 100, currency),
                units=min(units[index], quantity),
                units_before=quantity - min(units[index], quantity),
            )
        )
    shipping, duties, fee = (_amount(currency, n) for n in extras)
    total = (
        sum((p.unit_price * p.quantity - p.discount + p.tax for p in parts), Decimal(0)) + shipping + duties
    )
    points_value = quantize(total * points_percent / 100, currency)
    payments = tuple(
        PaymentHeld(
            pk,
            method,
            method,
            _amount(currency, n) if captured else Decimal(0),
            Decimal(0),
            _amount(currency, n),
        )
        for pk, (method, captured, n) in enumerate(held)
    )
    charges = [
        Charge(RefundLineKind.SHIPPING, shipping, "Shipping"),
        Charge(RefundLineKind.DUTIES, duties, "Duties"),
        Charge(RefundLineKind.RESTOCKING_FEE, -abs(fee), "Restocking fee"),
    ]
    breakdown = refund_breakdown(
        BreakdownRequest(
            currency,
            total,
            lines=tuple(parts),
            charges=tuple(charges),
            points=PointsPaid(points_percent * 10, points_value) if points_value else None,
            payments=payments,
            whole_order=whole,
        )
    )
    assert sum((line.amount for line in breakdown.lines), Decimal(0)) == breakdown.total >= 0
    assert all(line.amount == quantize(line.amount, currency) for line in breakdown.lines)
    if payments:
        assert sum((s.amount for s in breakdown.shares), Decimal(0)) == breakdown.total
        by_id = {p.id: p for p in payments}
        assert all(0 < s.amount <= by_id[s.payment_id].held for s in breakdown.shares)
    for draft in refund_drafts(breakdown):
        assert sum((line.amount for line in draft.lines), Decimal(0)) == draft.share.amount


class Rollback(Exception):
    pass


def _order(
    currency: str, lines: list, shipping: int, duties: int, points_percent: int, payments: list
) -> Order:
    order = factories.OrderFactory(currency=currency, subtotal=Decimal(0), total=Decimal(0))
    total = subtotal = discount_total = tax_total = Decimal(0)
    for quantity, price, coupon, tax in lines:
        unit = _amount(currency, price)
        gross = unit * quantity
        discount, line_tax = quantize(gross * coupon / 100, currency), quantize(gross * tax / 100, currency)
        factories.OrderLineFactory(
            order=order, quantity=quantity, unit_price=unit, discount_amount=discount, tax_amount=line_tax
        )
        subtotal += gross
        discount_total += discount
        tax_total += line_tax
    shipping_total, duties_total = _amount(currency, shipping), _amount(currency, duties)
    total = subtotal - discount_total + tax_total + shipping_total + duties_total
    points_value = quantize(total * points_percent / 100, currency)
    points_used = int(points_value.scaleb(EXPONENT[currency]))  # one point per minor unit here
    Order.objects.filter(pk=order.pk).update(
        subtotal=subtotal,
        discount_total=discount_total,
        tax_total=tax_total,
        shipping_total=shipping_total,
        duties_total=duties_total,
        total=total,
        points_used=points_used,
        points_value=points_value,
    )
    # What money paid, split by weight over the payments; the last one takes the rest.
    by_money, weights = total - points_value, sum(weight for _, _, weight in payments)
    left = by_money
    for index, (method, captured, weight) in enumerate(payments):
        amount = left if index == len(payments) - 1 else quantize(by_money * weight / weights, currency)
        left -= amount
        captured = captured or method == "store_credit"  # store credit is taken at checkout
        factories.PaymentFactory(
            order=order,
            method=method,
            currency=currency,
            amount=amount,
            amount_authorised=amount,
            amount_captured=amount if captured else Decimal(0),
            state=PaymentState.CAPTURED if captured else PaymentState.AUTHORISED,
            card_last4="4242" if method == "card" else "",
        )
    order.refresh_from_db()
    return order


def _check_invariants(order: Order) -> None:
    payments = list(Payment.objects.filter(order=order))
    for payment in payments:
        refunds = Refund.objects.filter(payment=payment).aggregate(total=Sum("amount"))["total"] or 0
        assert payment.amount_refunded == refunds <= payment.amount_captured
        assert payment.amount_authorised >= 0
    for refund in Refund.objects.filter(order=order).prefetch_related("lines"):
        assert refund.amount >= 0
        assert sum((line.amount for line in refund.lines.all()), Decimal(0)) == refund.amount
    returned = PointsEntry.objects.filter(order=order, kind=PointsEntryKind.RETURNED).aggregate(
        p=Sum("points")
    )
    assert 0 <= (returned["p"] or 0) <= order.points_used


@pytest.mark.django_db
@settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    currency=st.sampled_from(sorted(EXPONENT)),
    lines=st.lists(line_spec, min_size=1, max_size=3),
    shipping=st.integers(0, 2000),
    duties=st.integers(0, 2000),
    points_percent=st.sampled_from([0, 0, 10, 35]),
    payments=st.lists(payment_spec, min_size=1, max_size=3),
    operations=st.lists(operation, max_size=4),
)
def test_cancels_and_cuts_never_overpay_and_a_whole_cancel_pays_back_each_method(
    currency, lines, shipping, duties, points_percent, payments, operations
):
    try:
        with transaction.atomic():
            order = _order(currency, lines, shipping, duties, points_percent, payments)
            line_ids = list(order.lines.order_by("pk").values_list("pk", flat=True))
            for kind, index in operations:
                line_id = line_ids[index % len(line_ids)]
                try:
                    if kind == "cancel":
                        order_cancel(order=order, actor=CUSTOMER, line_ids=[line_id])
                    else:
                        active = order.lines.get(pk=line_id).quantity_active
                        order_line_change(
                            order=order, line_id=line_id, actor=CUSTOMER, quantity=max(active - 1, 1)
                        )
                except DomainError:
                    pass  # refused (line already cancelled, nothing to cut): nothing may have moved
                order.refresh_from_db()
                _check_invariants(order)
            if not order.is_cancelled:
                order_cancel(order=order, actor=CUSTOMER)
            order.refresh_from_db()
            _check_invariants(order)
            assert order.is_cancelled
            for payment in Payment.objects.filter(order=order):
                if payment.amount_captured:
                    assert payment.amount_refunded == payment.amount_captured  # each method, exactly
                else:
                    assert payment.state == PaymentState.VOIDED or payment.amount_authorised == 0
            returned = PointsEntry.objects.filter(order=order, kind=PointsEntryKind.RETURNED).aggregate(
                p=Sum("points")
            )
            assert (returned["p"] or 0) == order.points_used  # every point spent comes back, once
            raise Rollback
    except Rollback:
        pass
