"""Every demo situation shows on the order view: the label the demo gives is what the product diagnoses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shopdesk.demo.situations import Situation
from shopdesk.orders.models import Order
from shopdesk.orderview.builder import order_page
from shopdesk.orderview.serialise import order_page_as_dict
from tests.demo.conftest import ANCHOR


def _codes(view: dict[str, Any]) -> set[str]:
    return {diagnosis["code"] for diagnosis in view["diagnoses"]}


def _diagnosed(*codes: str) -> Callable[[dict[str, Any]], bool]:
    return lambda view: bool(_codes(view) & set(codes))


def _status(axis: str, value: str) -> Callable[[dict[str, Any]], bool]:
    return lambda view: view["status"][axis] == value


# What the order view shows for each situation: a diagnosis code, or the status or figure it is about.
SHOWN: dict[str, Callable[[dict[str, Any]], bool]] = {
    Situation.UNFULFILLED: _status("fulfilment", "unfulfilled"),
    Situation.RECENT_CHANGEABLE: lambda view: view["actions"]["change_items"]["allowed"],
    Situation.PARTIALLY_SHIPPED: _status("fulfilment", "partially_shipped"),
    Situation.SPLIT_SHIPMENT: _diagnosed("split_warehouses", "split_ready_times"),
    Situation.IN_TRANSIT: _diagnosed("package_not_yet_due", "tracking_recent"),
    Situation.DELIVERED: _status("fulfilment", "delivered"),
    Situation.DELIVERY_ATTEMPTED: _diagnosed("delivery_attempted"),
    Situation.RETURNED_TO_SENDER: _diagnosed("returned_to_sender"),
    Situation.STALE_TRACKING: _diagnosed("tracking_stale"),
    Situation.LOST: _diagnosed("package_lost"),
    Situation.LATE: _diagnosed("package_late"),
    Situation.TRACKING_NOT_ACTIVE: _diagnosed("tracking_not_active_yet"),
    Situation.HELD_AT_CUSTOMS: _diagnosed("held_at_customs"),
    Situation.PAYMENT_DECLINED: _status("payment", "declined"),
    Situation.PAYMENT_VERIFICATION: _status("payment", "awaiting_verification"),
    Situation.DECLINED_WITH_PAY_LINK: lambda view: (
        view["payment_issue"]["declined"]["can_pay_again"] and view["actions"]["pay_again"]["allowed"]
    ),
    Situation.VERIFICATION_OVERDUE: lambda view: view["payment_issue"]["verification"]["overdue"],
    Situation.PAID_WITH_POINTS: lambda view: (
        view["totals"]["points_used"] + view["totals"]["points_returned"] > 0
    ),
    Situation.CANCELLED: _status("fulfilment", "cancelled"),
    Situation.REFUNDED_PARTIALLY: _status("payment", "partially_refunded"),
    Situation.DUTIES_PAID_BY_STORE: _diagnosed("duties_paid_by_store"),
    Situation.DUTIES_ON_DELIVERY: _diagnosed(
        "duties_on_delivery", "duties_under_threshold", "held_at_customs"
    ),
    Situation.RETURN_WINDOW_OPEN: _diagnosed("return_window_open"),
    Situation.RETURN_WINDOW_CLOSED: _diagnosed("return_window_closed"),
    Situation.STACKED_COUPONS: _diagnosed("coupons_stacked"),
    Situation.PRICE_DROPPED: _diagnosed("price_dropped"),
    Situation.FINAL_SALE_ITEM: _diagnosed("final_sale_item"),
    Situation.NON_RETURNABLE_ITEM: _diagnosed("non_returnable_item"),
    Situation.PRICE_ADJUSTMENT_ELIGIBLE: lambda view: (
        view["actions"]["price_adjustment"]["allowed"] and "price_dropped" in _codes(view)
    ),
    Situation.PRICE_ADJUSTMENT_INELIGIBLE: lambda view: any(
        not item["allowed"]
        for diagnosis in view["diagnoses"]
        if diagnosis["code"] == "price_dropped"
        for item in diagnosis["facts"]["items"]
    ),
    Situation.INTERNATIONAL: _diagnosed(
        "duties_none",
        "duties_paid_by_store",
        "duties_on_delivery",
        "duties_under_threshold",
        "held_at_customs",
    ),
}
# Situations the order view has nothing to say about. Points are the customer's, not the order view's:
# the points page and the order page's points section show them (tests/loyalty).
NOT_DIAGNOSED = {Situation.POINTS_PENDING, Situation.POINTS_EXPIRING}


def test_every_situation_is_either_shown_or_listed_as_not_diagnosed() -> None:
    assert set(SHOWN) | NOT_DIAGNOSED == set(Situation)
    assert not set(SHOWN) & NOT_DIAGNOSED


@pytest.mark.django_db
def test_every_demo_situation_shows_on_its_order_view(loaded_demo_store_60: list[dict[str, Any]]) -> None:
    missing: list[str] = []
    seen: set[str] = set()
    for row in loaded_demo_store_60:
        order = Order.objects.get(number=row["number"])
        view = order_page_as_dict(order_page(order=order, now=ANCHOR))
        for situation in row["situations"]:  # type: ignore[attr-defined]
            if situation in SHOWN:
                seen.add(situation)
                if not SHOWN[situation](view):
                    missing.append(f"{row['number']} {situation}: {sorted(_codes(view))} {view['status']}")
    assert not missing, "\n".join(missing)
    assert seen == set(SHOWN)  # the 60-order store covers every situation
