"""What a new imported order brings beside its rows: the points it used in the ledger, the codes it used
counted, a payment check when the store says one is needed. A bulk batch (new orders written a table at
a time) and the one-by-one path (`?atomic=true` sends every item through `order_upsert`) must agree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.integration.bulk import bulk_apply
from shopdesk.loyalty.ledger import ledger_write
from shopdesk.loyalty.models import PointsBalance, PointsEntry, PointsEntryKind
from shopdesk.orders.models import Customer, Order
from shopdesk.payments.models import PaymentVerification
from shopdesk.promotions.models import Coupon, CouponKind, CouponRedemption
from tests.integration import fixtures
from tests.integration.payloads import StoreClient, order_payload

store = fixtures.store
store_with_product = fixtures.store_with_product

ACTOR = Actor.integration("bulk-test")
ONE_BY_ONE = pytest.mark.parametrize("atomic", [False, True], ids=["bulk", "one_by_one"])


def _order(number: int, email: str, **overrides: Any) -> dict[str, Any]:
    payload = order_payload(email=email, total="49.00", lines=(("TS-100-M", 1),))
    payload["payments"][0]["external_id"] = f"pay-{number}"
    return payload | {"type": "order", "number": f"KW{number:08d}", "coupons": []} | overrides


def _ledger(email: str) -> list[tuple[str, int, str]]:
    entries = PointsEntry.objects.filter(customer__email=email).order_by("id")
    return [(e.kind, e.points, e.order.number if e.order else "") for e in entries]


def _balance(email: str) -> int:
    return PointsBalance.objects.get(customer__email=email).available


@ONE_BY_ONE
def test_points_used_on_imported_orders_are_spent_with_an_opening_for_the_shortfall(
    store_with_product: StoreClient, atomic: bool
) -> None:
    now = timezone.now()
    regular = Customer.objects.create(email="regular@example.com", name="Regular")
    ledger_write(
        customer_id=regular.pk,
        order=None,
        kind=PointsEntryKind.ADJUSTED,
        points=1000,
        available_at=now,
        note="Welcome points.",
        key="welcome:regular",
        now=now,
    )
    batch = [
        _order(1, "new@example.com", points_used=500, points_value="5.00"),
        _order(2, "new@example.com", points_used=300, points_value="3.00"),
        _order(3, "regular@example.com", points_used=700, points_value="7.00"),
        _order(4, "regular@example.com", points_used=600, points_value="6.00"),
        _order(5, "other@example.com"),  # no points: no entry, no balance row
    ]

    result = bulk_apply(batch=batch, actor=ACTOR, atomic=atomic)

    assert [r.status for r in result.results] == ["created"] * 5
    assert _ledger("new@example.com") == [
        ("opening", 500, "KW00000001"),
        ("spent", -500, "KW00000001"),
        ("opening", 300, "KW00000002"),
        ("spent", -300, "KW00000002"),
    ]
    # 1,000 cover the first order; the second finds 300 and opens the other 300.
    assert _ledger("regular@example.com") == [
        ("adjusted", 1000, ""),
        ("spent", -700, "KW00000003"),
        ("opening", 300, "KW00000004"),
        ("spent", -600, "KW00000004"),
    ]
    assert _balance("new@example.com") == _balance("regular@example.com") == 0
    assert not PointsEntry.objects.filter(customer__email="other@example.com").exists()
    spent = PointsEntry.objects.get(order__number="KW00000001", kind=PointsEntryKind.SPENT)
    opening = PointsEntry.objects.get(order__number="KW00000001", kind=PointsEntryKind.OPENING)
    placed = Order.objects.get(number="KW00000001").placed_at
    assert spent.created_at == opening.created_at == placed  # history reads in the order's time
    assert spent.settled_at is not None and opening.expires_at is not None
    assert spent.idempotency_key == f"points:spent:order:{spent.order_id}"

    # The same batch again writes nothing more.
    again = bulk_apply(batch=batch, actor=ACTOR, atomic=atomic)
    assert [r.status for r in again.results] == ["unchanged"] * 5
    assert PointsEntry.objects.count() == 8
    assert _balance("new@example.com") == _balance("regular@example.com") == 0


def _coupon(code: str, **fields: Any) -> Coupon:
    return Coupon.objects.create(
        code=code,
        description=code,
        kind=CouponKind.PERCENT,
        value=Decimal("10"),
        starts_at=timezone.now() - dt.timedelta(days=400),
        **fields,
    )


@ONE_BY_ONE
def test_codes_used_on_imported_orders_count_once_per_order(
    store_with_product: StoreClient, atomic: bool
) -> None:
    welcome = _coupon("WELCOME10")
    twice = _coupon("TWICE5", usage_limit=2)
    codes = [{"code": "welcome10", "amount": "4.90"}, {"code": "TWICE5", "amount": "2.45"}]
    batch = [
        _order(1, "ada@example.com", coupons=codes),
        _order(2, "ada@example.com", coupons=codes),
        _order(3, "bob@example.com", coupons=[*codes, {"code": "NOT-OURS", "amount": "1.00"}]),
        _order(4, "bob@example.com"),
    ]

    result = bulk_apply(batch=batch, actor=ACTOR, atomic=atomic)

    assert [r.status for r in result.results] == ["created"] * 4
    welcome.refresh_from_db()
    twice.refresh_from_db()
    assert welcome.times_used == 3
    # The store's history used TWICE5 three times; the count stops at its limit: it reads as used up.
    assert twice.times_used == 2
    uses = CouponRedemption.objects.filter(coupon=welcome)
    assert sorted(uses.values_list("email", flat=True)) == [
        "ada@example.com",
        "ada@example.com",
        "bob@example.com",
    ]
    first = uses.get(order__number="KW00000001")
    assert first.created_at == Order.objects.get(number="KW00000001").placed_at
    assert CouponRedemption.objects.filter(coupon=twice).count() == 3  # per customer: every use
    assert CouponRedemption.objects.count() == 6  # the unknown code is not counted

    again = bulk_apply(batch=batch, actor=ACTOR, atomic=atomic)
    assert [r.status for r in again.results] == ["unchanged"] * 4
    welcome.refresh_from_db()
    assert welcome.times_used == 3 and CouponRedemption.objects.count() == 6


def test_an_imported_use_counts_in_the_shoppers_code_check(
    store_with_product: StoreClient, client: Client
) -> None:
    _coupon("ONCE5", per_customer_limit=1)
    used = _order(1, "ada@example.com", coupons=[{"code": "once5", "amount": "2.45"}])
    assert bulk_apply(batch=[used], actor=ACTOR).results[0].status == "created"

    payload = {
        "codes": ["ONCE5"],
        "cart": {"lines": [{"sku": "TS-100-M", "quantity": 1}]},
        "country": "US",
        "email": "ada@example.com",
    }
    body = client.post("/api/v1/promotions/check", payload, content_type="application/json").json()

    assert body["codes"][0]["reason_code"] == "already_used_by_customer"


def test_an_order_sent_again_one_by_one_keeps_its_code_count(store_with_product: StoreClient) -> None:
    welcome = _coupon("WELCOME10")
    body = _order(1, "ada@example.com", coupons=[{"code": "WELCOME10", "amount": "4.90"}])
    assert bulk_apply(batch=[body], actor=ACTOR).results[0].status == "created"
    del body["type"], body["number"]

    assert store_with_product.put("/orders/KW00000001", body).status_code == 200
    assert store_with_product.put("/orders/KW00000001", body | {"notes": "Gift"}).status_code == 200

    welcome.refresh_from_db()
    assert welcome.times_used == 1 and CouponRedemption.objects.count() == 1


def test_a_payment_waiting_for_verification_opens_its_check(store_with_product: StoreClient) -> None:
    checked = _order(1, "ada@example.com")
    checked["payments"][0] |= {
        "state": "authorised",
        "amount_captured": "0",
        "verification_status": "required",
    }
    plain = _order(2, "bob@example.com")

    result = bulk_apply(batch=[checked, plain], actor=ACTOR)

    assert [r.status for r in result.results] == ["created", "created"]
    assert PaymentVerification.objects.get().order.number == "KW00000001"


def test_a_batch_of_new_orders_takes_the_same_statements_whatever_its_size(
    store_with_product: StoreClient,
) -> None:
    def statements(first: int, count: int) -> int:
        batch = [
            _order(
                n,
                f"buyer{n}@example.com",
                points_used=100,
                points_value="1.00",
                coupons=[{"code": "WELCOME10", "amount": "4.90"}],
            )
            for n in range(first, first + count)
        ]
        with CaptureQueriesContext(connection) as queries:
            result = bulk_apply(batch=batch, actor=ACTOR)
        assert result.summary["created"] == count
        return len(queries.captured_queries)

    _coupon("WELCOME10")
    assert statements(1, 5) == statements(100, 60)
