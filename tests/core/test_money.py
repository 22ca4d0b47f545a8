from decimal import Decimal

import pytest
from babel.numbers import format_currency
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


def test_an_unusable_locale_falls_back_to_english():
    assert Money(Decimal("5"), "USD").format("xx_NOPE") == "$5.00"


def test_amounts_equal_as_numbers_keep_their_own_text():
    # Formatting is kept per amount: -0.00 == 0.00 as Decimals, yet each is written as Babel writes it.
    zero, negative_zero = Money(Decimal("0.00"), "USD"), Money(Decimal("-0.00"), "USD")
    assert zero.format() == format_currency(Decimal("0.00"), "USD", locale="en_US")
    assert negative_zero.format() == format_currency(Decimal("-0.00"), "USD", locale="en_US")
    assert Money(Decimal("3"), "JPY").format("ja_JP") == format_currency(Decimal("3"), "JPY", locale="ja_JP")


@given(
    st.decimals(min_value=-100_000, max_value=100_000, places=3, allow_nan=False),
    st.sampled_from(["USD", "EUR", "JPY", "KWD", "GBP"]),
    st.sampled_from(["en_US", "de_DE", "fr_FR", "ja_JP", "ar_KW"]),
)
def test_format_is_babels_whatever_was_formatted_before(value, currency, locale):
    money = Money(value, currency)
    assert money.format(locale) == format_currency(money.amount, currency, locale=locale)
