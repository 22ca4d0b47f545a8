"""rows_insert: many rows of one table in few statements, filled as Model() would fill them, ids in order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from shopdesk.core.sync.rows import instances_insert, rows_insert, rows_insert_ids
from shopdesk.orders.models import Customer, OrderEvent
from shopdesk.promotions.models import Coupon, CouponKind, CouponRedemption
from tests import factories


@pytest.mark.django_db
def test_rows_come_back_in_order_with_defaults_and_auto_dates_filled() -> None:
    now = timezone.now()
    ids = rows_insert_ids(
        Customer, [{"email": f"buyer{n}@example.com", "name": f"Buyer {n}"} for n in range(1200)], now=now
    )

    assert len(ids) == 1200 and len(set(ids)) == 1200
    last = Customer.objects.get(pk=ids[-1])
    assert (last.email, last.locale, last.phone, last.external_id) == (
        "buyer1199@example.com",
        "en_US",
        "",
        None,
    )
    assert last.created_at == now  # auto_now_add, as save() sets it
    assert Customer.objects.get(pk=ids[0]).email == "buyer0@example.com"


@pytest.mark.django_db
def test_json_and_dates_are_written_as_the_orm_writes_them() -> None:
    order = factories.OrderFactory()
    at = timezone.now() - dt.timedelta(days=3)
    (event_id,) = rows_insert_ids(
        OrderEvent,
        [
            {
                "order_id": order.pk,
                "kind": "updated",
                "actor_kind": "system",
                "after": {"total": "9.50"},
                "created_at": at,
            }
        ],
    )

    event = OrderEvent.objects.get(pk=event_id)
    assert event.after == {"total": "9.50"} and event.before is None and event.created_at == at


@pytest.mark.django_db
def test_conflicting_rows_are_skipped_and_only_new_ones_answered() -> None:
    coupon = Coupon.objects.create(
        code="WELCOME10",
        description="Welcome",
        kind=CouponKind.PERCENT,
        value=Decimal(10),
        starts_at=timezone.now(),
    )
    row = {"coupon_id": coupon.pk, "email": "ada@example.com", "created_at": timezone.now()}
    first = rows_insert(CouponRedemption, [row | {"idempotency_key": "a"}], returning=("idempotency_key",))

    again = rows_insert(
        CouponRedemption,
        [row | {"idempotency_key": "a"}, row | {"idempotency_key": "b"}],
        returning=("idempotency_key",),
        conflict_ignore=("idempotency_key",),
    )

    assert first == [("a",)] and again == [("b",)]
    assert CouponRedemption.objects.count() == 2


@pytest.mark.django_db
def test_instances_get_their_ids_like_bulk_create() -> None:
    customers = [Customer(email="one@example.com"), Customer(email="two@example.com")]

    instances_insert(customers)

    assert [Customer.objects.get(pk=c.pk).email for c in customers] == ["one@example.com", "two@example.com"]
    assert not customers[0]._state.adding and customers[0].created_at is not None
