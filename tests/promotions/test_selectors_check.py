"""promo_check reads in a fixed number of queries, however many codes and lines are checked."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from shopdesk.promotions.selectors import promo_check


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
    # variants, their price history, coupons, their excluded categories, earlier orders, redemptions
    assert few == many == 6


def test_public_codes_are_read_only_when_a_code_is_not_found(promo_shop: Any) -> None:
    assert queries(["SAVE15"], [("TEE-30", 1)]) == 4
    assert queries(["SAVE15", "SAVE51"], [("TEE-30", 1)]) == 5
