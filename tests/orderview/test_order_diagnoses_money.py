"""The order view's panels about money and item rules: codes applied, final-sale and non-returnable items,
prices that dropped, and the customs panel of every cross-border order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.orders.models import OrderCoupon, OrderLine
from shopdesk.orderview.builder import order_page
from shopdesk.orderview.serialise import order_page_as_dict
from shopdesk.promotions.models import CouponKind
from shopdesk.shipping.enums import TrackingStatus
from tests import factories
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, scarf_line, shirt_line
from tests.selfservice.price_adjustment_fixtures import price_set
from tests.situations import order_with_lines, ship

pytestmark = pytest.mark.django_db


def _view(order):
    return order_page_as_dict(order_page(order=order))


def _diagnosis(view, code):
    return next(d for d in view["diagnoses"] if d["code"] == code)


def _coupon(code: str, kind: str, **fields: object):
    from django.utils import timezone

    from shopdesk.promotions.models import Coupon

    return Coupon.objects.create(
        code=code, description=code, kind=kind, value=Decimal("10"), starts_at=timezone.now(), **fields
    )


def test_two_codes_used_together_show_what_each_saved_and_the_stacking_rule():
    order = paid_order_of_shirt_and_scarf()
    OrderCoupon.objects.create(
        order=order, code="SAVE15", coupon=_coupon("SAVE15", CouponKind.PERCENT), amount=Decimal("10.00")
    )
    OrderCoupon.objects.create(
        order=order,
        code="FREESHIP",
        coupon=_coupon("FREESHIP", CouponKind.FREE_SHIPPING),
        amount=Decimal("5.95"),
    )
    view = _view(order)
    assert [c["code"] for c in view["coupons"]] == ["SAVE15", "FREESHIP"]
    assert view["coupons"][0]["saved"] == {"amount": "10.00", "currency": "USD", "display": "$10.00"}
    assert view["coupons"][1]["kind"] == "free_shipping"
    stacked = _diagnosis(view, "coupons_stacked")
    assert stacked["topic"] == "coupon_stacking" and stacked["facts"]["combinable"] is True
    assert "SAVE15 saved $10.00 and FREESHIP saved $5.95 ($15.95 in all)" in stacked["message"]
    assert "can be used together, up to 2 per order" in stacked["message"]


def test_codes_the_rules_would_not_combine_today_say_so():
    order = paid_order_of_shirt_and_scarf()
    for code in ("TENOFF", "FIVEOFF"):
        OrderCoupon.objects.create(
            order=order, code=code, coupon=_coupon(code, CouponKind.FIXED), amount=Decimal("5.00")
        )
    stacked = _diagnosis(_view(order), "coupons_stacked")
    assert stacked["facts"]["combinable"] is False
    assert "under today's rules they would not combine" in stacked["message"]


def test_one_code_and_a_code_the_store_deleted():
    order = paid_order_of_shirt_and_scarf()
    OrderCoupon.objects.create(order=order, code="GONE5", coupon=None, amount=Decimal("5.00"))
    view = _view(order)
    assert view["coupons"][0]["kind"] is None and view["coupons"][0]["kind_label"] == "Discount code"
    assert (
        _diagnosis(view, "coupons_applied")["message"]
        == "One code was applied to this order: GONE5 saved $5.00."
    )


def test_no_codes_no_panel():
    view = _view(paid_order_of_shirt_and_scarf())
    assert view["coupons"] == []
    assert not {"coupons_applied", "coupons_stacked"} & {d["code"] for d in view["diagnoses"]}


def test_final_sale_and_hygiene_items_carry_the_returns_answer():
    order = paid_order_of_shirt_and_scarf()
    OrderLine.objects.filter(pk=scarf_line(order).pk).update(return_flags=["final_sale"])
    OrderLine.objects.filter(pk=shirt_line(order).pk).update(return_flags=["hygiene"])
    view = _view(order)
    final_sale = _diagnosis(view, "final_sale_item")
    assert final_sale["topic"] == "non_returnable"
    assert final_sale["message"].startswith("The Wool scarf can't be returned: Items marked Final Sale")
    assert "don't get price adjustments either" in final_sale["message"]
    assert final_sale["facts"]["items"][0]["code"] == "final_sale"
    hygiene = _diagnosis(view, "non_returnable_item")
    assert hygiene["facts"]["items"][0]["code"] == "hygiene"
    assert "For hygiene reasons" in hygiene["message"]


def test_a_price_drop_names_the_prices_and_offers_the_action():
    order = paid_order_of_shirt_and_scarf()
    price_set(shirt_line(order), "39.00")
    price_set(scarf_line(order), "20.00", kind="flash_sale")
    dropped = _diagnosis(_view(order), "price_dropped")
    assert dropped["facts"]["eligible"] == [shirt_line(order).pk]
    assert "we can refund $20.00 ($10.00 each)" in dropped["message"]
    assert "flash sale prices don't count" in dropped["message"]
    assert [a["params"] for a in dropped["actions"]] == [{"line_id": shirt_line(order).pk}]


def test_a_cross_border_order_without_duties_gets_a_true_customs_panel():
    pr = factories.AddressFactory(country="PR", city="San Juan", region="", postcode="00901")
    order = order_with_lines(1, placed_days_ago=3, shipping_address=pr, billing_address=pr)
    ship(order, shipped_days_ago=1)
    customs = _diagnosis(_view(order), "duties_none")
    assert customs["facts"]["crosses_border"] is True
    assert customs["message"].startswith("Your order ships from United States to Puerto Rico")
    assert "does not cross" not in customs["message"]


def test_a_domestic_order_shows_no_customs_panel():
    order = order_with_lines(1, placed_days_ago=3)
    ship(order, status=TrackingStatus.IN_TRANSIT, shipped_days_ago=1)
    assert "duties_none" not in {d["code"] for d in _view(order)["diagnoses"]}
