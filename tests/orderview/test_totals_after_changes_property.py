"""Property: whatever items are changed (another size at another price, fewer pieces) or cancelled before
dispatch, in any order, the order's figures add up and say what is still paid: the rows sum to the total,
the lines to the items row, and the total to what the payments still hold. Sizes may cost far less than
a line's coupon share (its kept units then cost nothing, docs/decisions/0035)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopdesk.core.errors import NotEligible
from shopdesk.orders.models import Order, OrderLine
from shopdesk.orders.totals import order_totals
from shopdesk.payments.models import Payment, Refund
from shopdesk.selfservice.services.cancel import order_cancel
from shopdesk.selfservice.services.change import order_line_change
from tests.selfservice.test_refund_lines_adjusted_property import (
    CHANGE_ERROR_CODES,
    CUSTOMER,
    _order_of,
    line_shapes,
    size_prices,
    sizes_priced,
)

steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("change"),
            st.integers(min_value=0, max_value=1),
            st.one_of(st.none(), st.integers(min_value=1, max_value=4)),
            st.sampled_from([None, "S", "L"]),
        ),
        st.tuples(st.just("cancel"), st.integers(min_value=0, max_value=1), st.just(None), st.just(None)),
        st.tuples(st.just("cancel all"), st.just(0), st.just(None), st.just(None)),
    ),
    min_size=1,
    max_size=6,
)


def _still_paid(order: Order) -> Decimal:
    payments = Payment.objects.filter(order=order)
    return sum((p.amount_captured - p.amount_refunded for p in payments), Decimal(0))


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    shapes=st.lists(line_shapes, min_size=2, max_size=2),
    sizes=st.lists(size_prices, min_size=2, max_size=2),
    credit_share=st.integers(min_value=0, max_value=100),
    plan=steps,
)
def test_the_figures_add_up_to_what_is_still_paid_after_any_changes_and_cancels(
    shapes, sizes, credit_share, plan
):
    order, lines, _ = _order_of(shapes, 0, credit_share)
    sizes_priced(lines, shapes, sizes)

    for kind, index, units, size in plan:
        line = OrderLine.objects.get(pk=lines[index].pk)
        refunds_before = Refund.objects.filter(order=order).count()
        try:
            if kind == "change":
                order_line_change(order=order, line_id=line.pk, actor=CUSTOMER, size=size, quantity=units)
            elif kind == "cancel":
                order_cancel(order=order, actor=CUSTOMER, line_ids=[line.pk], reason="Changed my mind")
            else:
                order_cancel(order=order, actor=CUSTOMER, reason="Changed my mind")
        except NotEligible as refused:
            assert refused.code in CHANGE_ERROR_CODES | {"order_cancelled"}, refused.code
            assert Refund.objects.filter(order=order).count() == refunds_before  # a refusal moves nothing

        order = Order.objects.get(pk=order.pk)
        totals = order_totals(order=order, lines=OrderLine.objects.filter(order=order))
        assert totals.rows_sum() == totals.total
        assert sum((line.amount for line in totals.lines), Decimal(0)) == totals.items
        assert totals.discounts <= totals.items
        assert totals.total == _still_paid(order)
