"""The one refund breakdown (pure): lines, points at the order's rate, the split over payments, exponents."""

from __future__ import annotations

from decimal import Decimal

from shopdesk.payments.breakdown import (
    BreakdownRequest,
    Charge,
    LinePart,
    PaymentHeld,
    PointsPaid,
    ShareOutcome,
    refund_breakdown,
    refund_drafts,
)
from shopdesk.payments.enums import RefundLineKind

D = Decimal


def _card(pk: int, captured: str, refunded: str = "0", method: str = "card") -> PaymentHeld:
    return PaymentHeld(pk, method, f"{method} {pk}", D(captured), D(refunded), D(captured))


def _hold(pk: int, authorised: str) -> PaymentHeld:
    return PaymentHeld(pk, "card", f"card {pk}", D(0), D(0), D(authorised))


def _shirt(units: int, *, before: int = 0, quantity: int = 3) -> LinePart:
    return LinePart(
        1, "Shirt", quantity, D("10.00"), discount=D("1.00"), tax=D("2.00"), units=units, units_before=before
    )


def test_tax_is_its_own_line_kind_not_duties() -> None:
    breakdown = refund_breakdown(BreakdownRequest("USD", D("33.00"), lines=(_shirt(3),)))
    kinds = {line.kind: line.amount for line in breakdown.lines}
    assert kinds[RefundLineKind.TAX] == D("2.00")
    assert RefundLineKind.DUTIES not in kinds


def test_shares_of_coupon_and_tax_add_up_over_steps() -> None:
    steps = [_shirt(1, before=0), _shirt(1, before=1), _shirt(1, before=2)]
    totals = [refund_breakdown(BreakdownRequest("USD", D("31.00"), lines=(s,))).total for s in steps]
    assert sum(totals) == D("31.00")  # 30 − 1 + 2, whatever the rounding of thirds


def test_whole_order_split_gives_each_method_what_it_paid() -> None:
    # $50 store credit + $73.95 card, whole order: every method gets back exactly what it paid.
    request = BreakdownRequest(
        "USD",
        D("123.95"),
        lines=(LinePart(1, "Coat", 1, D("118.00"), D(0), D(0), units=1),),
        charges=(Charge(RefundLineKind.SHIPPING, D("5.95"), "Shipping"),),
        payments=(_card(1, "50.00", method="store_credit"), _card(2, "73.95")),
        whole_order=True,
    )
    breakdown = refund_breakdown(request)
    assert breakdown.total == D("123.95")
    assert {s.payment_id: s.amount for s in breakdown.shares} == {1: D("50.00"), 2: D("73.95")}
    drafts = refund_drafts(breakdown)
    assert [d.share.payment_id for d in drafts] == [2, 1]  # card first, store credit last
    for draft in drafts:
        assert sum(line.amount for line in draft.lines) == draft.share.amount


def test_partial_refund_goes_to_the_card_before_store_credit() -> None:
    request = BreakdownRequest(
        "USD",
        D("123.95"),
        lines=(LinePart(1, "Coat", 2, D("40.00"), D(0), D(0), units=2),),
        payments=(_card(1, "50.00", method="store_credit"), _card(2, "73.95", refunded="30.00")),
    )
    shares = {s.payment_id: s.amount for s in refund_breakdown(request).shares}
    assert shares == {2: D("43.95"), 1: D("36.05")}


def test_a_hold_is_lowered_before_captured_money_moves() -> None:
    request = BreakdownRequest(
        "USD",
        D("100.00"),
        lines=(LinePart(1, "Coat", 1, D("30.00"), D(0), D(0), units=1),),
        payments=(_card(1, "60.00"), _hold(2, "40.00")),
    )
    [share] = refund_breakdown(request).shares
    assert (share.payment_id, share.amount, share.outcome) == (2, D("30.00"), ShareOutcome.RELEASE)


def test_points_are_valued_at_the_orders_own_rate() -> None:
    # 2,000 points paid $30.00 on this order (1.5 cents each), whatever today's policy rate is.
    request = BreakdownRequest(
        "USD",
        D("100.00"),
        lines=(LinePart(1, "Coat", 1, D("100.00"), D(0), D(0), units=1),),
        points=PointsPaid(2000, D("30.00")),
        payments=(_card(1, "70.00"),),
        whole_order=True,
    )
    breakdown = refund_breakdown(request)
    assert (breakdown.points, breakdown.points_value, breakdown.total) == (2000, D("30.00"), D("70.00"))
    partial = refund_breakdown(
        BreakdownRequest(
            "USD",
            D("100.00"),
            lines=(LinePart(1, "Coat", 2, D("50.00"), D(0), D(0), units=1),),
            points=PointsPaid(2000, D("30.00")),
            payments=(_card(1, "70.00"),),
        )
    )
    assert (partial.points, partial.points_value, partial.total) == (1000, D("15.00"), D("35.00"))


def test_never_more_than_the_payments_hold_and_the_difference_is_a_line() -> None:
    request = BreakdownRequest(
        "USD",
        D("100.00"),
        lines=(LinePart(1, "Coat", 1, D("100.00"), D(0), D(0), units=1),),
        payments=(_card(1, "60.00"),),
    )
    breakdown = refund_breakdown(request)
    assert breakdown.total == D("60.00") == sum(line.amount for line in breakdown.lines)


def test_yen_has_no_decimals_and_dinar_three() -> None:
    yen = refund_breakdown(
        BreakdownRequest(
            "JPY", D("10000"), lines=(LinePart(1, "Coat", 3, D("3000"), D("1000"), D("1000"), units=1),)
        )
    )
    assert all(line.amount == line.amount.to_integral_value() for line in yen.lines)
    assert yen.total == D("3000")  # 3000 − 333 + 333
    dinar = refund_breakdown(
        BreakdownRequest(
            "KWD",
            D("30.000"),
            lines=(LinePart(1, "Coat", 3, D("9.995"), D("1.000"), D("0.500"), units=1),),
            payments=(_card(1, "30.000"),),
        )
    )
    coupon = next(line for line in dinar.lines if line.kind == RefundLineKind.COUPON_SHARE)
    assert coupon.amount == D("-0.333")
    assert dinar.total == D("9.995") - D("0.333") + D("0.167")


def test_fees_are_deducted_but_never_below_zero_and_not_paid_with_points() -> None:
    request = BreakdownRequest(
        "USD",
        D("20.00"),
        lines=(LinePart(1, "Socks", 1, D("10.00"), D(0), D(0), units=1),),
        charges=(Charge(RefundLineKind.RESTOCKING_FEE, D("-15.00"), "Restocking fee"),),
        payments=(_card(1, "20.00"),),
    )
    breakdown = refund_breakdown(request)
    assert breakdown.total == D(0) == sum(line.amount for line in breakdown.lines)
