"""Points given back and taken back on a cancellation: an append-only ledger with idempotency keys."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from shopdesk.loyalty.models import PointsBalance, PointsEntry, PointsEntryKind
from shopdesk.loyalty.selectors import points_balance, points_earned_outstanding, points_entries_for_order
from shopdesk.loyalty.services import points_return_for_cancel, points_revoke_for_cancel
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, paid_partly_with_points

pytestmark = pytest.mark.django_db


def test_points_come_back_once_and_at_once_by_default():
    order = paid_order_of_shirt_and_scarf()
    paid_partly_with_points(order, points=500)
    now = timezone.now()
    first = points_return_for_cancel(order=order, points=500, key="k", now=now)
    again = points_return_for_cancel(order=order, points=500, key="k", now=now)
    assert first.pk == again.pk and first.kind == PointsEntryKind.RETURNED
    # The 500 spent before the ledger saw them earned got an opening entry; the 500 back are usable now.
    opening = PointsEntry.objects.get(customer=order.customer, kind=PointsEntryKind.OPENING)
    assert opening.points == 500
    assert PointsBalance.objects.get(customer=order.customer).available == 500
    assert points_balance(customer=order.customer, at=now) == 500


def test_points_come_back_with_the_refund_when_the_policy_says_so(monkeypatch):
    from shopdesk.loyalty import services
    from shopdesk.policy import get_policy

    policy = get_policy()
    changed = policy.model_copy(
        update={"points": policy.points.model_copy(update={"returned_on_cancel": "when_refunded"})}
    )
    monkeypatch.setattr(services, "get_policy", lambda: changed)
    order = paid_order_of_shirt_and_scarf()
    later = timezone.now() + dt.timedelta(days=10)
    entry = points_return_for_cancel(
        order=order, points=100, key="k", now=timezone.now(), refund_expected_at=later
    )
    assert entry.available_at == later


def test_earned_points_are_revoked_without_the_balance_ever_going_negative():
    order = paid_order_of_shirt_and_scarf()
    paid_partly_with_points(order, points=500)
    assert points_earned_outstanding(order) == 123
    now = timezone.now()
    revoked = points_revoke_for_cancel(order=order, points=123, key="r", now=now)
    earned = PointsEntry.objects.get(order=order, kind=PointsEntryKind.EARNED)
    assert revoked.points == -123 and revoked.available_at == earned.available_at
    assert points_earned_outstanding(order) == 0
    # Spent only (covered by an opening entry, never below zero); the revoke waits with the earn.
    assert points_balance(customer=order.customer, at=now) == 0
    row = PointsBalance.objects.get(customer=order.customer)
    assert (row.available, row.pending) == (0, 0)
    assert [e.kind for e in points_entries_for_order(order)] == ["spent", "earned", "revoked"]


def test_zero_points_write_nothing():
    order = paid_order_of_shirt_and_scarf()
    assert points_return_for_cancel(order=order, points=0, key="k", now=timezone.now()) is None
    assert points_revoke_for_cancel(order=order, points=0, key="k2", now=timezone.now()) is None
