"""coupon_redeem: counted once per idempotency key, within the total and per-customer limits, re-checked."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from shopdesk.core.errors import Conflict, NotEligible, NotFound
from shopdesk.promotions.models import Coupon, CouponRedemption
from shopdesk.promotions.services import coupon_redeem
from tests import factories
from tests.promotions.conftest import make_coupon

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")


def test_a_redemption_counts_one_use(promo_shop: Any) -> None:
    result = coupon_redeem(code="save15", email="Ada@Example.com", country="US", idempotency_key="k1")
    assert not result.replayed and result.redemption.email == "ada@example.com"
    assert Coupon.objects.get(code="SAVE15").times_used == 1


def test_the_same_key_replays_without_counting_again(promo_shop: Any) -> None:
    first = coupon_redeem(code="SAVE15", email="ada@example.com", country="US", idempotency_key="k1")
    again = coupon_redeem(code="SAVE15", email="ada@example.com", country="US", idempotency_key="k1")
    assert again.replayed and again.redemption.pk == first.redemption.pk
    assert Coupon.objects.get(code="SAVE15").times_used == 1
    with pytest.raises(Conflict):
        coupon_redeem(code="TOPS10", email="ada@example.com", country="US", idempotency_key="k1")


def test_a_used_up_code_is_refused_and_nothing_changes(promo_shop: Any) -> None:
    with pytest.raises(NotEligible) as refused:
        coupon_redeem(code="GONE10", email="ada@example.com", country="US", idempotency_key="k1")
    assert refused.value.code == "usage_limit_reached" and "3 times" in refused.value.message
    assert Coupon.objects.get(code="GONE10").times_used == 3 and not CouponRedemption.objects.exists()


@pytest.mark.parametrize(
    ("code", "reason"),
    [("SUMMER30", "expired"), ("WINTER25", "not_started"), ("CANADA15", "country_not_eligible")],
)
def test_the_shoppers_rules_are_checked_again_and_roll_the_count_back(
    promo_shop: Any, code: str, reason: str
) -> None:
    with pytest.raises(NotEligible) as refused:
        coupon_redeem(code=code, email="ada@example.com", country="US", idempotency_key="k1")
    assert refused.value.code == reason
    assert Coupon.objects.get(code=code).times_used == 0 and not CouponRedemption.objects.exists()


def test_per_customer_limit(promo_shop: Any) -> None:
    coupon_redeem(code="ONCE5", email="ada@example.com", country="US", idempotency_key="k1")
    with pytest.raises(NotEligible) as refused:
        coupon_redeem(code="ONCE5", email="ADA@example.com", country="US", idempotency_key="k2")
    assert refused.value.code == "already_used_by_customer"
    coupon_redeem(code="ONCE5", email="bea@example.com", country="US", idempotency_key="k3")
    assert Coupon.objects.get(code="ONCE5").times_used == 2


def test_first_order_only_ignores_the_order_it_is_redeemed_on(promo_shop: Any) -> None:
    order = factories.OrderFactory(email="new@example.com")
    coupon_redeem(code="WELCOME10", email="new@example.com", country="US", idempotency_key="k1", order=order)
    factories.OrderFactory(email="old@example.com")
    with pytest.raises(NotEligible) as refused:
        coupon_redeem(code="WELCOME10", email="old@example.com", country="US", idempotency_key="k2")
    assert refused.value.code == "first_order_only"


def test_an_unknown_code(promo_shop: Any) -> None:
    with pytest.raises(NotFound):
        coupon_redeem(code="NOPE", email="ada@example.com", country="US", idempotency_key="k1")


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_redemptions_of_a_code_limited_to_ten_give_exactly_ten() -> None:
    make_coupon("RUSH10", usage_limit=10)
    start = threading.Barrier(50)
    outcomes: list[str] = []
    lock = threading.Lock()

    def redeem(index: int) -> None:
        try:
            start.wait()
            coupon_redeem(
                code="RUSH10",
                email=f"shopper{index}@example.com",
                country="US",
                idempotency_key=f"rush-{index}",
            )
            outcome = "redeemed"
        except NotEligible as refused:
            outcome = refused.code
        finally:
            connection.close()  # each thread has its own connection
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=redeem, args=(index,)) for index in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(set(outcomes)) == ["redeemed", "usage_limit_reached"]
    assert outcomes.count("redeemed") == 10 and len(outcomes) == 50
    assert Coupon.objects.get(code="RUSH10").times_used == 10
    assert CouponRedemption.objects.filter(coupon__code="RUSH10").count() == 10


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_customer_racing_themself_redeems_a_once_per_customer_code_once() -> None:
    make_coupon("ONCE-RACE", per_customer_limit=1)
    start = threading.Barrier(10)
    outcomes: list[str] = []
    lock = threading.Lock()

    def redeem(index: int) -> None:
        try:
            start.wait()
            coupon_redeem(
                code="ONCE-RACE", email="ada@example.com", country="US", idempotency_key=f"o-{index}"
            )
            outcome = "redeemed"
        except NotEligible as refused:
            outcome = refused.code
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=redeem, args=(index,)) for index in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcomes.count("redeemed") == 1 and outcomes.count("already_used_by_customer") == 9
    assert Coupon.objects.get(code="ONCE-RACE").times_used == 1
