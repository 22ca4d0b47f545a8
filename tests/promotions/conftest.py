"""A small shop for promo-code checks: full-price tees, a scarf on sale, soap (beauty), a gift card, codes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from shopdesk.catalog.enums import PriceKind
from shopdesk.promotions.models import Coupon, CouponKind
from tests import factories


@dataclass
class PromoShop:
    tops: object
    beauty: object
    coupons: dict[str, Coupon]


def make_coupon(code: str, **fields: object) -> Coupon:
    defaults: dict[str, object] = {
        "description": code,
        "kind": CouponKind.PERCENT,
        "value": Decimal("10"),
        "starts_at": timezone.now() - dt.timedelta(days=30),
    }
    defaults.update(fields)
    return Coupon.objects.create(code=code, **defaults)


@pytest.fixture
def promo_shop(db: None) -> PromoShop:
    """SKUs TEE-30 ($30 regular), SCARF-SALE ($20 on sale), SOAP-12 ($12, beauty), GIFT-50 (gift card)."""
    tops = factories.CategoryFactory(slug="tops", name="Tops")
    beauty = factories.CategoryFactory(slug="beauty", name="Beauty")
    factories.VariantFactory(
        sku="TEE-30",
        price=Decimal("30.00"),
        product=factories.ProductFactory(name="Linen tee", category=tops),
    )
    factories.VariantFactory(
        sku="SCARF-SALE",
        price=Decimal("20.00"),
        price_kind=PriceKind.SALE,
        product=factories.ProductFactory(name="Silk scarf", category=tops),
    )
    factories.VariantFactory(
        sku="SOAP-12",
        price=Decimal("12.00"),
        size="",
        colour="",
        product=factories.ProductFactory(name="Olive soap", category=beauty),
    )
    factories.VariantFactory(
        sku="GIFT-50",
        price=Decimal("50.00"),
        size="",
        colour="",
        product=factories.ProductFactory(name="Gift card", category=tops, gift_card=True),
    )
    now = timezone.now()
    coupons = {
        "WELCOME10": make_coupon("WELCOME10", first_order_only=True),
        "SAVE15": make_coupon("SAVE15", value=Decimal("15")),
        "TAKE20": make_coupon(
            "TAKE20", kind=CouponKind.FIXED, value=Decimal("20"), min_subtotal=Decimal("100.00")
        ),
        "TRIO5": make_coupon("TRIO5", kind=CouponKind.FIXED, value=Decimal("5"), min_quantity=3),
        "FREESHIP": make_coupon("FREESHIP", kind=CouponKind.FREE_SHIPPING, value=Decimal("0")),
        "FLASH40": make_coupon("FLASH40", value=Decimal("40"), exclusive=True),
        "SUMMER30": make_coupon(
            "SUMMER30",
            value=Decimal("30"),
            starts_at=now - dt.timedelta(days=90),
            ends_at=now - dt.timedelta(days=3),
        ),
        "WINTER25": make_coupon("WINTER25", value=Decimal("25"), starts_at=now + dt.timedelta(days=5)),
        "CANADA15": make_coupon("CANADA15", value=Decimal("15"), countries=["CA"]),
        "GONE10": make_coupon("GONE10", usage_limit=3, times_used=3),
        "ONCE5": make_coupon("ONCE5", kind=CouponKind.FIXED, value=Decimal("5"), per_customer_limit=1),
        "SORRY-7Q2M": make_coupon(
            "SORRY-7Q2M", value=Decimal("20"), public=False, usage_limit=1, min_subtotal=Decimal("50.00")
        ),
    }
    tops_only = make_coupon("TOPS10")
    tops_only.excluded_categories.add(beauty)
    coupons["TOPS10"] = tops_only
    return PromoShop(tops=tops, beauty=beauty, coupons=coupons)
