"""POST /api/v1/promotions/check: every reason code, each with the figure its message promises."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from shopdesk.access.services import session_open_by_lookup
from shopdesk.policy import get_policy
from shopdesk.promotions import selectors
from shopdesk.promotions.models import CouponRedemption
from tests import factories
from tests.promotions.conftest import PromoShop

URL = "/api/v1/promotions/check"


def check(
    client: Client, codes: list[str], lines: dict[str, int], country: str = "US", **extra: Any
) -> dict[str, Any]:
    headers = extra.pop("headers", {})
    payload = {
        "codes": codes,
        "cart": {"lines": [{"sku": sku, "quantity": quantity} for sku, quantity in lines.items()]},
        "country": country,
        **extra,
    }
    response = client.post(URL, payload, content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    return response.json()


def verdict(body: dict[str, Any], code: str) -> dict[str, Any]:
    return next(item for item in body["codes"] if item["code"] == code)


def signed_in_customer_with_an_order(email: str = "regular@example.com") -> dict[str, str]:
    order = factories.OrderFactory(customer=factories.CustomerFactory(email=email), email=email)
    issued = session_open_by_lookup(order_number=order.number, email=email, client_ip="127.0.0.1")
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}


def test_a_valid_code_applies_with_its_saving_and_the_total(promo_shop: PromoShop, client: Client) -> None:
    body = check(client, ["welcome10"], {"TEE-30": 2})
    item = verdict(body, "welcome10")
    assert item["applied"] and item["reason_code"] == "applied"
    assert item["saving"] == {"amount": "6.00", "currency": "USD", "display": "$6.00"}
    assert "$6.00" in item["message"]
    assert body["best_combination"] == ["WELCOME10"]
    # $60.00 − $6.00 + $5.95 standard shipping
    assert body["total"]["amount"] == "59.95" and body["saving"]["amount"] == "6.00"


def test_not_found_names_the_code(promo_shop: PromoShop, client: Client) -> None:
    item = verdict(check(client, ["ZZTOP99"], {"TEE-30": 1}), "ZZTOP99")
    assert item["reason_code"] == "not_found" and '"ZZTOP99"' in item["message"] and not item["applied"]


def test_a_typo_of_a_public_code_suggests_it(promo_shop: PromoShop, client: Client) -> None:
    item = verdict(check(client, ["WELCOM10"], {"TEE-30": 1}), "WELCOM10")
    assert item["reason_code"] == "case_or_typo"
    assert item["suggestion"] == "WELCOME10" and "Did you mean WELCOME10?" in item["message"]


def test_a_case_slip_is_named_when_the_store_matches_case(
    promo_shop: PromoShop, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = get_policy()
    strict = policy.model_copy(
        update={"promotions": policy.promotions.model_copy(update={"case_sensitive": True})}
    )
    monkeypatch.setattr(selectors, "get_policy", lambda: strict)
    item = verdict(check(client, ["Save15"], {"TEE-30": 1}), "Save15")
    assert item["reason_code"] == "case_or_typo" and item["suggestion"] == "SAVE15"
    assert "case-sensitive" in item["message"] and "SAVE15" in item["message"]


def test_a_typo_of_a_private_code_is_never_suggested(promo_shop: PromoShop, client: Client) -> None:
    item = verdict(check(client, ["SORRY-7Q2N"], {"TEE-30": 1}), "SORRY-7Q2N")
    assert item["reason_code"] == "not_found" and item["suggestion"] is None
    assert "SORRY-7Q2M" not in item["message"]


def test_not_started_gives_the_start_date(promo_shop: PromoShop, client: Client) -> None:
    item = verdict(check(client, ["WINTER25"], {"TEE-30": 1}), "WINTER25")
    # The message gives the day in the store's time zone, whatever the hour of the run.
    starts = promo_shop.coupons["WINTER25"].starts_at.astimezone(ZoneInfo(get_policy().store.timezone))
    assert item["reason_code"] == "not_started"
    assert f"{starts:%B} {starts.day}, {starts.year}" in item["message"]


def test_expired_gives_the_end_date(promo_shop: PromoShop, client: Client) -> None:
    item = verdict(check(client, ["SUMMER30"], {"TEE-30": 1}), "SUMMER30")
    ended = promo_shop.coupons["SUMMER30"].ends_at
    assert ended is not None and item["reason_code"] == "expired"
    ended = ended.astimezone(ZoneInfo(get_policy().store.timezone))
    assert f"{ended:%B} {ended.day}, {ended.year}" in item["message"]


def test_minimum_not_met_says_how_much_is_missing(promo_shop: PromoShop, client: Client) -> None:
    item = verdict(check(client, ["TAKE20"], {"TEE-30": 2}), "TAKE20")
    assert item["reason_code"] == "minimum_not_met"
    assert item["missing"]["amount"] == "40.00"
    assert (
        "$100.00" in item["message"] and "$60.00" in item["message"] and "Add $40.00 more" in item["message"]
    )


def test_minimum_quantity_not_met_says_how_many_items_are_missing(
    promo_shop: PromoShop, client: Client
) -> None:
    item = verdict(check(client, ["TRIO5"], {"TEE-30": 2}), "TRIO5")
    assert item["reason_code"] == "minimum_not_met" and item["missing_quantity"] == 1
    assert "needs 3 items" in item["message"] and "Add 1 more" in item["message"]


def test_the_minimum_counts_only_items_the_code_applies_to(promo_shop: PromoShop, client: Client) -> None:
    # $90 of tees plus a $20 sale scarf: $110 in the cart, but only $90 can take a code.
    item = verdict(check(client, ["TAKE20"], {"TEE-30": 3, "SCARF-SALE": 1}), "TAKE20")
    assert item["reason_code"] == "minimum_not_met" and item["missing"]["amount"] == "10.00"
    assert "items this code applies to" in item["message"] and item["excluded_skus"] == ["SCARF-SALE"]


def test_no_eligible_items_names_each_item_and_why(promo_shop: PromoShop, client: Client) -> None:
    item = verdict(check(client, ["SAVE15"], {"SCARF-SALE": 1, "GIFT-50": 1}), "SAVE15")
    assert item["reason_code"] == "no_eligible_items"
    assert "Silk scarf" in item["message"] and "sale price" in item["message"]
    assert "Gift card" in item["message"] and "gift cards take no codes" in item["message"]
    assert sorted(item["excluded_skus"]) == ["GIFT-50", "SCARF-SALE"]


def test_no_eligible_items_names_an_excluded_category(promo_shop: PromoShop, client: Client) -> None:
    item = verdict(check(client, ["TOPS10"], {"SOAP-12": 2}), "TOPS10")
    assert item["reason_code"] == "no_eligible_items"
    assert "Olive soap (SOAP-12): Beauty is excluded from this code" in item["message"]


def test_country_not_eligible_names_both_countries(promo_shop: PromoShop, client: Client) -> None:
    item = verdict(check(client, ["CANADA15"], {"TEE-30": 1}), "CANADA15")
    assert item["reason_code"] == "country_not_eligible"
    assert "Canada" in item["message"] and "United States" in item["message"]
    assert verdict(check(client, ["CANADA15"], {"TEE-30": 1}, country="CA"), "CANADA15")["applied"]


def test_first_order_only_for_a_returning_customer(promo_shop: PromoShop, client: Client) -> None:
    headers = signed_in_customer_with_an_order()
    item = verdict(check(client, ["WELCOME10"], {"TEE-30": 1}, headers=headers), "WELCOME10")
    assert item["reason_code"] == "first_order_only" and "WELCOME10" in item["message"]
    fresh = verdict(check(client, ["WELCOME10"], {"TEE-30": 1}, email="new@example.com"), "WELCOME10")
    assert fresh["applied"]


def test_already_used_by_customer_says_how_often(promo_shop: PromoShop, client: Client) -> None:
    CouponRedemption.objects.create(
        coupon=promo_shop.coupons["ONCE5"],
        email="regular@example.com",
        idempotency_key="once5-1",
        created_at=timezone.now(),
    )
    item = verdict(check(client, ["ONCE5"], {"TEE-30": 1}, email="Regular@example.com"), "ONCE5")
    assert item["reason_code"] == "already_used_by_customer"
    assert "1 time" in item["message"] and "once per customer" in item["message"]


def test_usage_limit_reached_gives_the_limit(promo_shop: PromoShop, client: Client) -> None:
    item = verdict(check(client, ["GONE10"], {"TEE-30": 1}), "GONE10")
    assert item["reason_code"] == "usage_limit_reached" and "3 times" in item["message"]


def test_an_exclusive_code_names_the_codes_it_pushed_out(promo_shop: PromoShop, client: Client) -> None:
    body = check(client, ["FREESHIP", "FLASH40"], {"TEE-30": 2})
    assert body["best_combination"] == ["FLASH40"]  # $24.00 off beats $5.95 of shipping
    item = verdict(body, "FREESHIP")
    assert item["reason_code"] == "not_combinable" and item["conflicts_with"] == ["FLASH40"]
    assert "FLASH40 can't be combined" in item["message"] and "$5.95" in item["message"]


def test_two_discount_codes_conflict_and_the_better_one_stays(promo_shop: PromoShop, client: Client) -> None:
    body = check(client, ["SAVE15", "TAKE20", "FREESHIP"], {"TEE-30": 4})
    # $120: SAVE15 takes $18.00, TAKE20 $20.00; each combines with FREESHIP, but not with each other.
    assert body["best_combination"] == ["TAKE20", "FREESHIP"] or body["best_combination"] == ["TAKE20"]
    item = verdict(body, "SAVE15")
    assert item["reason_code"] == "not_combinable" and item["conflicts_with"] == ["TAKE20"]
    assert "SAVE15 can't be combined with TAKE20" in item["message"] and "$18.00" in item["message"]


def test_too_many_codes_when_the_kinds_combine_but_the_count_is_over(
    promo_shop: PromoShop, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = get_policy()
    one_group = policy.promotions.model_copy(
        update={"combinable_groups": [["percent", "fixed", "free_shipping"]], "max_codes_per_order": 2}
    )
    monkeypatch.setattr(selectors, "get_policy", lambda: policy.model_copy(update={"promotions": one_group}))
    # $120 of tees ship free: SAVE15 ($18.00) and TRIO5 ($5.00) beat anything with FREESHIP in it.
    body = check(client, ["SAVE15", "TRIO5", "FREESHIP"], {"TEE-30": 4})
    assert sorted(body["best_combination"]) == ["SAVE15", "TRIO5"]
    assert body["total"]["amount"] == "97.00" and body["saving"]["amount"] == "23.00"
    item = verdict(body, "FREESHIP")
    assert item["reason_code"] == "too_many_codes"
    assert "Up to 2 codes" in item["message"] and "$23.00 together" in item["message"]


def test_two_codes_that_pull_the_cart_under_free_shipping_lose_to_one(
    promo_shop: PromoShop, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = get_policy()
    one_group = policy.promotions.model_copy(update={"combinable_groups": [["percent", "fixed"]]})
    monkeypatch.setattr(selectors, "get_policy", lambda: policy.model_copy(update={"promotions": one_group}))
    # $90 ships free (over $75). SAVE15 leaves $76.50: still free. SAVE15 + TRIO5 leave $71.50 + $5.95.
    body = check(client, ["SAVE15", "TRIO5"], {"TEE-30": 3})
    assert body["best_combination"] == ["SAVE15"]
    assert body["total"]["amount"] == "76.50" and body["saving"]["amount"] == "13.50"
    item = verdict(body, "TRIO5")
    assert item["reason_code"] == "no_extra_saving" and not item["applied"]
    assert "$77.45 with it and $76.50 without it" in item["message"]


def test_private_code_refusals_read_as_not_found_without_a_bearer_token(
    promo_shop: PromoShop, client: Client
) -> None:
    anonymous = verdict(check(client, ["SORRY-7Q2M"], {"TEE-30": 1}), "SORRY-7Q2M")
    with_email = verdict(
        check(client, ["SORRY-7Q2M"], {"TEE-30": 1}, email="regular@example.com"), "SORRY-7Q2M"
    )
    missing = verdict(check(client, ["SORRY-0000"], {"TEE-30": 1}), "SORRY-0000")
    assert anonymous["reason_code"] == with_email["reason_code"] == "not_found"
    assert anonymous["message"].replace("SORRY-7Q2M", "X") == missing["message"].replace("SORRY-0000", "X")
    signed_in = verdict(
        check(client, ["SORRY-7Q2M"], {"TEE-30": 1}, headers=signed_in_customer_with_an_order()), "SORRY-7Q2M"
    )
    assert signed_in["reason_code"] == "minimum_not_met" and "Add $20.00 more" in signed_in["message"]


def test_a_valid_private_code_applies_for_whoever_holds_it(promo_shop: PromoShop, client: Client) -> None:
    item = verdict(check(client, ["sorry-7q2m"], {"TEE-30": 2}), "sorry-7q2m")
    assert item["applied"] and item["saving"]["amount"] == "12.00"


def test_a_bad_token_is_refused_rather_than_ignored(promo_shop: PromoShop, client: Client) -> None:
    response = client.post(
        URL,
        {"codes": ["SAVE15"], "cart": {"lines": [{"sku": "TEE-30", "quantity": 1}]}, "country": "US"},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer nope",
    )
    assert response.status_code == 401 and response.json()["error"]["code"] == "token_invalid"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"codes": [], "cart": {"lines": [{"sku": "TEE-30", "quantity": 1}]}, "country": "US"}, "codes"),
        (
            {"codes": ["A"] * 11, "cart": {"lines": [{"sku": "TEE-30", "quantity": 1}]}, "country": "US"},
            "codes",
        ),
        (
            {"codes": ["SAVE15"], "cart": {"lines": [{"sku": "TEE-30", "quantity": 0}]}, "country": "US"},
            "cart",
        ),
        ({"codes": ["SAVE15"], "cart": {"lines": []}, "country": "US"}, "cart"),
        (
            {"codes": ["SAVE15"], "cart": {"lines": [{"sku": "TEE-30", "quantity": 1}]}, "country": "USA"},
            "country",
        ),
        (
            {
                "codes": ["SAVE15"],
                "cart": {"lines": [{"sku": "TEE-30", "quantity": 1}]},
                "country": "US",
                "x": 1,
            },
            "x",
        ),
    ],
)
def test_malformed_input_is_a_422_naming_the_field(
    promo_shop: PromoShop, client: Client, payload: dict[str, Any], field: str
) -> None:
    response = client.post(URL, payload, content_type="application/json")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input" and any(f["field"].startswith(field) for f in error["fields"])


@pytest.mark.parametrize(
    ("lines", "country", "words"),
    [
        ([{"sku": "NO-SUCH-SKU", "quantity": 1}], "US", "NO-SUCH-SKU"),
        ([{"sku": "TEE-30", "quantity": 1}], "ZZ", "ZZ"),
    ],
)
def test_an_unknown_sku_or_country_is_a_422_that_says_which(
    promo_shop: PromoShop, client: Client, lines: list[dict[str, Any]], country: str, words: str
) -> None:
    response = client.post(
        URL,
        {"codes": ["SAVE15"], "cart": {"lines": lines}, "country": country},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert (
        response.json()["error"]["code"] == "invalid_input" and words in response.json()["error"]["message"]
    )


def test_an_automatic_sale_price_applies_by_itself_and_takes_no_code(
    promo_shop: PromoShop, client: Client
) -> None:
    now = timezone.now()
    jacket = factories.VariantFactory(sku="JACKET", price=Decimal("80.00"))
    factories.PriceChangeFactory(
        variant=jacket, price=Decimal("80.00"), starts_at=now - dt.timedelta(days=60)
    )
    factories.PriceChangeFactory(
        variant=jacket, price=Decimal("56.00"), kind="sale", starts_at=now - dt.timedelta(days=2)
    )
    factories.PriceChangeFactory(variant=jacket, price=Decimal("80.00"), starts_at=now + dt.timedelta(days=5))
    body = check(client, ["SAVE15"], {"JACKET": 1})
    line = body["lines"][0]
    assert line["unit_price"]["amount"] == "56.00" and line["price_kind"] == "sale"
    assert line["regular_price"]["amount"] == "80.00"
    item = verdict(body, "SAVE15")
    assert item["reason_code"] == "no_eligible_items" and "already reduced (sale price)" in item["message"]


def test_a_sale_scheduled_for_later_is_not_applied_yet(promo_shop: PromoShop, client: Client) -> None:
    now = timezone.now()
    boots = factories.VariantFactory(sku="BOOTS", price=Decimal("120.00"))
    factories.PriceChangeFactory(
        variant=boots, price=Decimal("120.00"), starts_at=now - dt.timedelta(days=60)
    )
    factories.PriceChangeFactory(
        variant=boots, price=Decimal("90.00"), kind="sale", starts_at=now + dt.timedelta(days=1)
    )
    body = check(client, ["SAVE15"], {"BOOTS": 1})
    assert body["lines"][0]["unit_price"]["amount"] == "120.00" and body["lines"][0]["regular_price"] is None
    assert verdict(body, "SAVE15")["saving"]["amount"] == "18.00"
