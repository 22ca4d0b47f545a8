"""Model fields shared by the domain apps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models

from shopdesk.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS


class MoneyField(models.DecimalField):
    """An amount in the currency of its row (the row carries a `currency` column)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", MONEY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_DECIMAL_PLACES)
        kwargs.setdefault("default", Decimal("0"))
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


def currency_field() -> models.CharField:
    return models.CharField(max_length=3, default="USD")
