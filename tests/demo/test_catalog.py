"""The demo catalogue, customers and coupons: enough variety for every help-center answer."""

from __future__ import annotations

import datetime as dt

from shopdesk.catalog.models import Category, PriceChange, Product, Variant
from shopdesk.orders.models import Customer
from shopdesk.policy import get_policy
from shopdesk.promotions.models import Coupon
from tests.demo.conftest import ANCHOR


def test_catalogue_has_every_kind_of_item(loaded_demo_store_60: object) -> None:
    assert Variant.objects.count() >= 200
    assert set(Category.objects.filter(hygiene=True).values_list("slug", flat=True)) == {
        "underwear",
        "swimwear",
        "earrings",
    }
    for flag in ("final_sale", "custom_made", "gift_card"):
        assert Product.objects.filter(**{flag: True}).exists(), flag
    new_since = ANCHOR - dt.timedelta(days=get_policy().new_arrivals.days)
    assert Product.objects.filter(published_at__gt=new_since).count() >= 2
    assert Product.objects.filter(published_at__lte=new_since).count() >= 20


def test_price_history_has_drops_on_both_sides_of_the_adjustment_rules(loaded_demo_store_60: object) -> None:
    window = ANCHOR - dt.timedelta(days=get_policy().price_adjustment.window_days)
    recent = PriceChange.objects.filter(starts_at__gt=window)
    kinds = set(recent.values_list("kind", flat=True))
    assert {"regular", "sale", "flash_sale", "clearance"} <= kinds
    for variant in Variant.objects.prefetch_related("price_history")[:50]:
        history = list(variant.price_history.all())
        assert history and history[-1].price == variant.price and history[-1].kind == variant.price_kind


def test_customers_live_in_every_zone_with_example_emails(loaded_demo_store_60: object) -> None:
    policy = get_policy()
    zones = {policy.zone_for_country(c).code for c in Customer.objects.values_list("country", flat=True)}
    assert zones == {zone.code for zone in policy.shipping.zones}
    domains = {email.split("@")[1] for email in Customer.objects.values_list("email", flat=True)}
    assert domains <= {"example.com", "example.org", "example.net"}


def test_coupons_cover_the_promotion_rules(loaded_demo_store_60: object) -> None:
    coupons = Coupon.objects.all()
    assert {c.kind for c in coupons} == {"percent", "fixed", "free_shipping"}
    assert coupons.filter(exclusive=True).exists() and coupons.filter(first_order_only=True).exists()
    assert coupons.filter(min_subtotal__gt=0).exists() and coupons.filter(ends_at__lt=ANCHOR).exists()
    assert sum(c.times_used for c in coupons) > 0


def test_the_demo_has_codes_for_every_check_reason(loaded_demo_store_60: object) -> None:
    coupons = Coupon.objects.all()
    assert coupons.filter(code="FLASH40", exclusive=True, starts_at__lte=ANCHOR, ends_at__gt=ANCHOR).exists()
    used_up = coupons.get(code="LAUNCH25")
    assert used_up.usage_limit == used_up.times_used
    assert coupons.get(code="MAPLE15").countries == ["CA"] and coupons.get(code="TRIO10").min_quantity == 3
    assert coupons.filter(code="SPRING20", starts_at__gt=ANCHOR).exists()
    private = coupons.filter(public=False)
    assert private.count() == 5 and all(c.usage_limit == 1 and c.code.startswith("SORRY-") for c in private)
