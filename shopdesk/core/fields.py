"""Model fields shared by the domain apps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models

from shopdesk.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS

_TWO_PLACES = Decimal("0.01")


class MoneyField(models.DecimalField):
    """An amount in the currency of its row (the row carries a `currency` column)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", MONEY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_DECIMAL_PLACES)
        kwargs.setdefault("default", Decimal("0"))
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: Decimal | None, expression: Any, connection: Any) -> Decimal | None:
        """Drop the unused third decimal: 10.000 reads as 10.00, 9.995 (a KWD amount) stays as it is."""
        if value is None:
            return None
        two = value.quantize(_TWO_PLACES)
        return two if two == value else value

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


def currency_field() -> models.CharField:
    return models.CharField(max_length=3, default="USD")
