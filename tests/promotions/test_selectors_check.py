"""promo_check reads in a fixed number of queries, however many codes and lines are checked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shopdesk.promotions.models import Coupon
from shopdesk.promotions.selectors import promo_check
from tests.promotions.conftest import make_coupon


def queries(codes: list[str], items: list[tuple[str, int]], **extra: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        promo_check(codes=codes, items=items, country="US", **extra)
    return len(captured)


def test_query_count_does_not_grow_with_codes_or_lines(promo_shop: Any) -> None:
    few = queries(["SAVE15"], [("TEE-30", 1)], email="a@example.com")
    many = queries(
        ["SAVE15", "TAKE20", "FREESHIP", "TOPS10", "GONE10", "CANADA15"],
        [("TEE-30", 2), ("SOAP-12", 1), ("SCARF-SALE", 1)],
        email="a@example.com",
    )
    # variants with their price history, coupons with their excluded categories, earlier orders, redemptions
    assert few == many == 4


def test_public_codes_are_read_only_when_a_code_is_not_found(promo_shop: Any) -> None:
    assert queries(["SAVE15"], [("TEE-30", 1)]) == 2
    # The first code not found builds this process's index of public codes (the newest, then all);
    # the near codes are then read with the live rules.
    assert queries(["SAVE15", "SAVE51"], [("TEE-30", 1)]) == 2 + 3
    # Later checks reuse the index: the newest public code, and the near codes.
    assert queries(["SAVE15", "SAVE51"], [("TEE-30", 1)]) == 2 + 2
    # Nothing one slip away: no second read.
    assert queries(["SAVE15", "QQQQQQQQ"], [("TEE-30", 1)]) == 2 + 1


def _suggestion(typed: str) -> str | None:
    verdict = promo_check(codes=[typed], items=[("TEE-30", 1)], country="US").result.codes[0]
    return verdict.suggestion


def test_the_typo_index_follows_new_private_and_ended_codes(promo_shop: Any) -> None:
    assert _suggestion("SPRNG25") is None  # the index is built without SPRING25
    spring = make_coupon("SPRING25")
    assert _suggestion("SPRNG25") == "SPRING25"  # a newer public code rebuilds it
    Coupon.objects.filter(pk=spring.pk).update(public=False)
    assert _suggestion("SPRNG25") is None  # made private a moment ago: never suggested
    Coupon.objects.filter(pk=spring.pk).update(public=True, ends_at=timezone.now() - dt.timedelta(minutes=1))
    assert _suggestion("SPRNG25") is None  # ended: not live
    make_coupon("SECRET30", public=False)
    assert _suggestion("SECRT30") is None  # a private code is never suggested
