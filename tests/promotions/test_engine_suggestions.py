"""Typo suggestions: one slip from a live public code, never further, never a private code."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shopdesk.promotions.engine import typo_candidates


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("WELCOM10", "WELCOME10"),
        ("SAEV15", "SAVE15"),
        ("save 15", "SAVE15"),
        ("FREESHIPP", "FREESHIP"),
        ("SAVE1S", "SAVE15"),
    ],
)
def test_one_slip_away_is_a_candidate(typed: str, meant: str) -> None:
    assert meant in typo_candidates(typed)


def test_two_slips_away_is_not() -> None:
    assert "WELCOME10" not in typo_candidates("WELCM01")


def test_the_api_suggests_across_a_swap_and_stays_quiet_when_far(promo_shop: Any, client: Client) -> None:
    def reason(code: str) -> dict[str, Any]:
        body = client.post(
            "/api/v1/promotions/check",
            {"codes": [code], "cart": {"lines": [{"sku": "TEE-30", "quantity": 1}]}, "country": "US"},
            content_type="application/json",
        ).json()
        return body["codes"][0]

    assert reason("SAEV15")["suggestion"] == "SAVE15"
    far = reason("TOTALLYDIFFERENT")
    assert far["reason_code"] == "not_found" and far["suggestion"] is None
    # SUMMER30 has ended: an expired code is not offered as the one meant.
    assert reason("SUMER30")["reason_code"] == "not_found"
