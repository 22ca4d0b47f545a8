"""`{{ amount|money:currency }}` gives an amount kept as text or a number in the store's money format."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template


def _render(amount: object, currency: str = "USD") -> str:
    return Template("{% load portal_money %}{{ amount|money:currency }}").render(
        Context({"amount": amount, "currency": currency})
    )


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("49.00", "USD", "$49.00"),
        ("-4.90", "USD", "-$4.90"),
        (Decimal("7.5"), "USD", "$7.50"),
        (12, "EUR", "€12.00"),
        ("1000", "JPY", "¥1,000"),
        ("", "USD", ""),
        (None, "USD", ""),
        ("n/a", "USD", "n/a"),  # not an amount: shown as it is rather than failing the page
    ],
)
def test_amounts_are_shown_in_the_store_format(amount: object, currency: str, shown: str) -> None:
    assert _render(amount, currency) == shown
