"""Money: an exact Decimal amount with its ISO 4217 currency, and locale-aware formatting.

Never a float. Amounts are quantised to the currency's minor unit when created.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel import UnknownLocaleError
from babel.numbers import format_currency, get_currency_precision

# Columns hold up to three decimals (KWD, BHD, OMR…); an amount in a two-decimal currency reads back
# with two (see MoneyField.from_db_value), so 10.00 stays 10.00 everywhere it is shown or sent.
MONEY_MAX_DIGITS = 13
MONEY_DECIMAL_PLACES = 3


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined."""


def quantize(amount: Decimal | int | str, currency: str = "USD") -> Decimal:
    """Round half-up to the currency's minor unit (2 places for USD, 0 for JPY)."""
    try:
        value = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
    except InvalidOperation as exc:
        raise ValueError(f"{amount!r} is not an amount") from exc
    return value.quantize(_minor_unit(currency), rounding=ROUND_HALF_UP)


@functools.lru_cache(maxsize=256)
def _minor_unit(currency: str) -> Decimal:
    """The currency's smallest amount (0.01 for USD, 1 for JPY); Babel's table, looked up once."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def amount_places_validate(amount: Decimal, currency: str) -> Decimal:
    """The amount unchanged, or a ValueError when it has more decimals than `currency` allows.

    Rounding silently would record money nobody paid (JPY has no minor unit: 10.5 JPY is refused).
    """
    places = get_currency_precision(currency)
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        unit = "no decimals" if places == 0 else f"at most {places} decimal{'s' if places > 1 else ''}"
        raise ValueError(f"{amount} has more decimals than {currency.upper()} allows ({unit})")
    return amount


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, float):
            raise TypeError("Money takes a Decimal, int or str, never a float")
        object.__setattr__(self, "currency", self.currency.upper())
        object.__setattr__(self, "amount", quantize(self.amount, self.currency))

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def _check(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        if isinstance(factor, float):
            raise TypeError("multiply Money by an int or Decimal, never a float")
        return Money(self.amount * factor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._check(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._check(other)
        return self.amount >= other.amount

    def __bool__(self) -> bool:
        return bool(self.amount)

    def format(self, locale: str = "en_US") -> str:
        # The text of the amount as written (-0.00 and 0.00 are equal Decimals, not the same text).
        return _formatted(str(self.amount), self.currency, locale)

    def __str__(self) -> str:
        return self.format()

    def as_dict(self) -> dict[str, str]:
        return {"amount": str(self.amount), "currency": self.currency}


@functools.lru_cache(maxsize=4096)
def _formatted(amount: str, currency: str, locale: str) -> str:
    """The amount in the locale's way of writing money, formatted once per (amount, currency, locale):
    Babel reads the locale's pattern and the currency's names on every call, several times the cost of
    the page's other work per amount (an order page shows a few dozen)."""
    try:
        return format_currency(Decimal(amount), currency, locale=locale)
    except (UnknownLocaleError, ValueError, TypeError):
        # Stored data must never break a page: an unusable locale falls back to English.
        return format_currency(Decimal(amount), currency, locale="en_US")


def format_money(amount: Decimal, currency: str, locale: str = "en_US") -> str:
    return Money(amount, currency).format(locale)
