"""Property: any sequence of earn, spend, return, revoke, release and expire keeps the balance row equal to
the ledger's sums, and both of its buckets at zero or above."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopdesk.loyalty.errors import InsufficientPoints, PointsInvalid
from shopdesk.loyalty.jobs import points_expire_due, points_release_due
from shopdesk.loyalty.models import PointsBalance, PointsEntry
from shopdesk.loyalty.services import (
    points_earn_for_order,
    points_return_for_cancel,
    points_return_for_refund,
    points_revoke_for_return,
    points_spend,
)
from tests import factories

pytestmark = pytest.mark.django_db
START = dt.datetime(2027, 1, 5, 9, 0, tzinfo=dt.UTC)

steps = st.lists(
    st.one_of(
        st.tuples(st.just("earn"), st.integers(1, 3000), st.integers(-60, 5)),  # subtotal, delivered (days)
        st.tuples(st.just("spend"), st.integers(1, 3000)),
        st.tuples(st.just("return_cancel"), st.integers(1, 1000)),
        st.tuples(st.just("return_refund"), st.integers(1, 1000), st.integers(0, 20)),
        st.tuples(st.just("revoke"), st.integers(1, 3000)),
        st.tuples(st.just("wait"), st.integers(1, 400)),  # days
        st.just(("release",)),
        st.just(("expire",)),
    ),
    max_size=18,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_balance_equals_the_ledger_and_never_goes_below_zero(db, steps):
    customer = factories.CustomerFactory()
    now = START
    orders = []
    for index, step in enumerate(steps):
        kind = step[0]
        try:
            if kind == "earn":
                order = factories.OrderFactory(
                    customer=customer, subtotal=Decimal(step[1]), total=Decimal(step[1]), placed_at=now
                )
                orders.append(order)
                points_earn_for_order(order=order, delivered_at=now + dt.timedelta(days=step[2]), now=now)
            elif kind == "spend":
                points_spend(customer=customer, points=step[1], key=f"s{index}", now=now)
            elif kind == "return_cancel" and orders:
                points_return_for_cancel(order=orders[-1], points=step[1], key=f"c{index}", now=now)
            elif kind == "return_refund" and orders:
                points_return_for_refund(
                    order=orders[0],
                    points=step[1],
                    key=f"r{index}",
                    now=now,
                    refund_expected_at=now + dt.timedelta(days=step[2]),
                )
            elif kind == "revoke" and orders:
                points_revoke_for_return(order=orders[-1], points=step[1], key=f"v{index}", now=now)
            elif kind == "wait":
                now += dt.timedelta(days=step[1])
            elif kind == "release":
                points_release_due(now=now)
            elif kind == "expire":
                points_release_due(now=now)
                points_expire_due(now=now)
        except (InsufficientPoints, PointsInvalid):
            pass  # a refused spend writes nothing; the invariant below still holds
        row = PointsBalance.objects.filter(customer=customer).first()
        entries = list(PointsEntry.objects.filter(customer=customer))
        settled = sum(e.points for e in entries if e.settled_at is not None)
        pending = sum(e.points for e in entries if e.settled_at is None)
        if row is None:
            assert entries == []
            continue
        assert (row.available, row.pending) == (settled, pending)
        assert row.available >= 0 and row.pending >= 0
