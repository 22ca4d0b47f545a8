from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.core.money import CurrencyMismatch, Money, quantize


def test_amounts_are_rounded_half_up_to_the_currency_minor_unit():
    assert Money(Decimal("10.005"), "USD").amount == Decimal("10.01")
    assert Money(Decimal("1234.5"), "JPY").amount == Decimal("1235")


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        Money(0.1, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(Decimal(1), "USD") * 1.5  # type: ignore[operator]


def test_different_currencies_never_combine():
    with pytest.raises(CurrencyMismatch):
        Money(Decimal(1), "USD") + Money(Decimal(1), "EUR")


def test_format_follows_the_locale():
    assert Money(Decimal("1234.5"), "EUR").format("de_DE") == "1.234,50\xa0€"
    assert Money(Decimal("1234.5"), "USD").format("en_US") == "$1,234.50"


def test_a_bad_amount_is_a_clear_error():
    with pytest.raises(ValueError, match="is not an amount"):
        quantize("twelve")


@given(st.lists(st.decimals(min_value=-10_000, max_value=10_000, places=2, allow_nan=False), max_size=20))
def test_sum_is_exact(values):
    total = sum((Money(value, "USD") for value in values), Money.zero("USD"))
    assert total.amount == sum(values, Decimal(0))
