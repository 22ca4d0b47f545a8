"""Each kind of ledger entry through its service, with the balance row moving in step and never below zero."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from shopdesk.core.errors import Conflict
from shopdesk.loyalty.errors import InsufficientPoints, PointsInvalid
from shopdesk.loyalty.ledger import months_add
from shopdesk.loyalty.models import PointsBalance, PointsEntry, PointsEntryKind
from shopdesk.loyalty.services import (
    points_earn_for_order,
    points_return_for_cancel,
    points_return_for_refund,
    points_revoke_for_return,
    points_spend,
    points_spend_for_order,
)
from shopdesk.orders.models import Customer
from tests import factories
from tests.loyalty.conftest import balance, delivered_order, ledger_sums

pytestmark = pytest.mark.django_db


def test_earned_points_wait_the_policys_days_after_delivery():
    customer = factories.CustomerFactory()
    order = delivered_order(customer, subtotal="98.40")
    delivered = timezone.now() - dt.timedelta(days=2)
    entry = points_earn_for_order(order=order, delivered_at=delivered, now=timezone.now())
    assert entry.kind == PointsEntryKind.EARNED and entry.points == 98  # 1 point per whole unit
    assert entry.available_at == delivered + dt.timedelta(days=30) and entry.settled_at is None
    assert entry.expires_at == months_add(entry.available_at, 24)
    assert balance(customer) == (0, 98)
    again = points_earn_for_order(order=order, delivered_at=delivered, now=timezone.now())
    assert again.pk == entry.pk and balance(customer) == (0, 98)  # never issued twice


def test_a_spend_takes_available_points_and_refuses_more(customer_with_available_points: Customer):
    customer = customer_with_available_points
    now = timezone.now()
    spent = points_spend(customer=customer, points=600, key="checkout-1", now=now)
    assert spent.points == -600 and balance(customer) == (400, 0)
    with pytest.raises(InsufficientPoints) as refused:
        points_spend(customer=customer, points=600, key="checkout-2", now=now)
    assert refused.value.code == "insufficient_points" and "Only 400 points" in refused.value.message
    assert not PointsEntry.objects.filter(idempotency_key__endswith=":checkout-2").exists()  # nothing written
    assert balance(customer) == (400, 0)


def test_a_spend_retry_spends_nothing_more_and_a_different_body_is_a_conflict(customer_with_available_points):
    customer = customer_with_available_points
    now = timezone.now()
    first = points_spend(customer=customer, points=500, key="same", now=now)
    again = points_spend(customer=customer, points=500, key="same", now=now)
    assert first.pk == again.pk and balance(customer) == (500, 0)
    with pytest.raises(Conflict):
        points_spend(customer=customer, points=501, key="same", now=now)


@pytest.mark.parametrize("points", [0, -5, 499])
def test_a_spend_below_the_minimum_is_refused_clearly(customer_with_available_points, points):
    with pytest.raises(PointsInvalid) as refused:
        points_spend(customer=customer_with_available_points, points=points, key="k", now=timezone.now())
    assert refused.value.http_status == 422
    assert balance(customer_with_available_points) == (1000, 0)


def test_an_imported_order_that_used_points_gets_an_opening_entry(db):
    customer = factories.CustomerFactory()
    placed = timezone.now() - dt.timedelta(days=400)
    order = factories.OrderFactory(
        customer=customer, placed_at=placed, points_used=1500, points_value=Decimal(15)
    )
    spent = points_spend_for_order(order=order, now=timezone.now())
    opening = PointsEntry.objects.get(customer=customer, kind=PointsEntryKind.OPENING)
    assert (opening.points, spent.points) == (1500, -1500)
    assert opening.created_at == spent.created_at == placed  # history reads in the order's time
    assert balance(customer) == (0, 0)
    assert points_spend_for_order(order=order, now=timezone.now()) is None  # once per order
    assert PointsEntry.objects.filter(customer=customer).count() == 2


def test_an_imported_order_covered_by_the_balance_needs_no_opening(customer_with_available_points):
    customer = customer_with_available_points
    order = factories.OrderFactory(customer=customer, points_used=700, points_value=Decimal(7))
    points_spend_for_order(order=order, now=timezone.now())
    assert not PointsEntry.objects.filter(customer=customer, kind=PointsEntryKind.OPENING).exists()
    assert balance(customer) == (300, 0)


def test_cancel_gives_points_back_at_once(customer_with_available_points):
    customer = customer_with_available_points
    order = factories.OrderFactory(customer=customer, points_used=600, points_value=Decimal(6))
    points_spend_for_order(order=order, now=timezone.now())
    returned = points_return_for_cancel(order=order, points=600, key="cancel:1", now=timezone.now())
    assert returned.kind == PointsEntryKind.RETURNED and returned.settled_at is not None
    assert balance(customer) == (1000, 0)
    points_return_for_cancel(order=order, points=600, key="cancel:1", now=timezone.now())
    assert balance(customer) == (1000, 0)  # never returned twice


def test_return_gives_points_back_when_refunded(customer_with_available_points):
    """The policy says `when_refunded`: pending until the refund's expected date."""
    customer = customer_with_available_points
    order = factories.OrderFactory(customer=customer, points_used=600, points_value=Decimal(6))
    points_spend_for_order(order=order, now=timezone.now())
    expected = timezone.now() + dt.timedelta(days=5)
    returned = points_return_for_refund(
        order=order, points=600, key="refund:9", now=timezone.now(), refund_expected_at=expected
    )
    assert returned.available_at == expected and returned.settled_at is None
    assert balance(customer) == (400, 600)


def test_revoke_takes_pending_earned_points_back_with_them(db):
    customer = factories.CustomerFactory()
    order = delivered_order(customer)
    earned = points_earn_for_order(order=order, delivered_at=timezone.now(), now=timezone.now())
    revoked = points_revoke_for_return(order=order, points=50, key="return:1", now=timezone.now())
    assert revoked.points == -50 and revoked.available_at == earned.available_at
    assert balance(customer) == (0, 70)


def test_revoke_after_the_points_were_spent_never_goes_below_zero(customer_with_available_points):
    customer = customer_with_available_points
    order = PointsEntry.objects.get(customer=customer, kind=PointsEntryKind.EARNED).order
    points_spend(customer=customer, points=900, key="spend", now=timezone.now())
    revoked = points_revoke_for_return(order=order, points=1000, key="return:2", now=timezone.now())
    assert revoked.points == -100  # the rest was already spent and stays spent
    assert balance(customer) == (0, 0)
    assert points_revoke_for_return(order=order, points=1000, key="return:3", now=timezone.now()) is None


def test_the_balance_row_refuses_a_negative_value_in_the_database(customer_with_available_points):
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsBalance.objects.filter(customer=customer_with_available_points).update(available=-1)


def test_the_balance_row_always_equals_the_ledger(customer_with_available_points):
    customer = customer_with_available_points
    order = factories.OrderFactory(customer=customer, points_used=800, points_value=Decimal(8))
    points_spend_for_order(order=order, now=timezone.now())
    points_return_for_cancel(order=order, points=300, key="c", now=timezone.now())
    assert balance(customer) == ledger_sums(customer) == (500, 0)


def test_months_add_keeps_the_day_or_the_months_last():
    jan31 = dt.datetime(2027, 1, 31, 12, tzinfo=dt.UTC)
    assert months_add(jan31, 1) == dt.datetime(2027, 2, 28, 12, tzinfo=dt.UTC)
    assert months_add(jan31, 24) == dt.datetime(2029, 1, 31, 12, tzinfo=dt.UTC)
