"""`shopdesk demo`: loading, listing, re-running, resetting and refusing to mix with real orders."""

from __future__ import annotations

import re

import pytest
from django.core.management.base import CommandError

from shopdesk.catalog.models import Variant
from shopdesk.demo.models import DemoOrder, DemoStore
from shopdesk.demo.return_situations import ReturnSituation
from shopdesk.demo.situations import Situation
from shopdesk.orders.models import Customer, Order
from shopdesk.policy import get_policy
from shopdesk.promotions.models import Coupon
from tests import factories
from tests.demo.conftest import ANCHOR_ISO, listed, run_demo


def test_every_situation_appears_in_sixty_orders(demo_store_60: list[dict[str, object]]) -> None:
    seen = {name for row in demo_store_60 for name in row["situations"]}  # type: ignore[attr-defined]
    assert seen == set(Situation.values) | set(ReturnSituation.values)


def test_small_stores_still_cover_the_main_situations(db: None) -> None:
    run_demo("--orders", "15", "--now", ANCHOR_ISO, "--quiet")
    seen = {name for row in listed() for name in row["situations"]}  # type: ignore[attr-defined]
    assert {
        "unfulfilled",
        "recent_changeable",
        "in_transit",
        "delivered",
        "split_shipment",
        "partially_shipped",
        "returned_to_sender",
        "stale_tracking",
        "lost",
        "late",
        "tracking_not_active",
        "held_at_customs",
        "payment_declined",
        "payment_verification",
        "declined_with_pay_link",
    } <= seen


def test_list_prints_one_json_object_per_order_ordered_by_number(
    demo_store_60: list[dict[str, object]],
) -> None:
    policy = get_policy()
    numbers = [row["number"] for row in demo_store_60]
    assert len(demo_store_60) == 60 and numbers == sorted(numbers)
    assert numbers[0] == policy.format_order_number(10023001)
    for row in demo_store_60:
        assert set(row) == {"number", "email", "situations"}
        assert re.fullmatch(r"KW\d{8}", str(row["number"]))
        assert re.fullmatch(r"[a-z0-9.]+@example\.(com|org|net)", str(row["email"]))
        assert row["situations"] and set(row["situations"]) <= set(Situation.values) | set(
            ReturnSituation.values
        )  # type: ignore[arg-type]
        assert Order.objects.get(number=row["number"]).email == row["email"]


def test_list_filters_by_situation(demo_store_60: list[dict[str, object]]) -> None:
    declined = listed("--situation", "payment_declined")
    expected = [row for row in demo_store_60 if "payment_declined" in row["situations"]]  # type: ignore[operator]
    assert declined == expected and len(declined) >= 3


def test_running_again_says_it_is_loaded_and_changes_nothing(demo_store_60: list[dict[str, object]]) -> None:
    counts = (
        Order.objects.count(),
        Customer.objects.count(),
        Variant.objects.count(),
        DemoStore.objects.count(),
    )
    output = run_demo("--orders", "60", "--seed", "7")
    assert "already loaded" in output
    assert counts == (
        Order.objects.count(),
        Customer.objects.count(),
        Variant.objects.count(),
        DemoStore.objects.count(),
    )


def test_reset_replaces_the_demo_store(demo_store_60: list[dict[str, object]]) -> None:
    run_demo("--reset", "--orders", "20", "--seed", "8", "--now", ANCHOR_ISO, "--quiet")
    assert Order.objects.count() == DemoOrder.objects.count() == 20
    assert DemoStore.objects.get().seed == 8
    assert Variant.objects.count() == 372  # the catalogue once, not twice
    assert Coupon.objects.count() == 17  # 7 the orders used, 5 for the check, 5 private
    assert Customer.objects.count() == Customer.objects.filter(orders__isnull=False).distinct().count()


def test_reset_keeps_what_the_store_made_itself(demo_store_60: list[dict[str, object]]) -> None:
    own = factories.OrderFactory(number="SHOP-1")
    run_demo("--reset", "--orders", "10", "--now", ANCHOR_ISO, "--quiet", "--force")
    assert Order.objects.filter(pk=own.pk).exists()
    assert DemoOrder.objects.count() == 10


def test_refuses_a_database_with_other_orders_unless_forced(db: None) -> None:
    factories.OrderFactory(number="SHOP-1")
    with pytest.raises(CommandError, match="orders that the demo did not make"):
        run_demo("--orders", "5", "--now", ANCHOR_ISO, "--quiet")
    assert not DemoStore.objects.exists()
    run_demo("--orders", "5", "--now", ANCHOR_ISO, "--quiet", "--force")
    assert DemoOrder.objects.count() == 5


def test_list_without_a_demo_store_explains(db: None) -> None:
    with pytest.raises(CommandError, match="No demo store is loaded"):
        run_demo("--list")


def test_an_interrupted_load_is_cleaned_up_on_the_next_run(demo_store_60: list[dict[str, object]]) -> None:
    DemoStore.objects.update(completed_at=None)
    run_demo("--orders", "12", "--now", ANCHOR_ISO, "--quiet")
    assert Order.objects.count() == 12 and Variant.objects.count() == 372
