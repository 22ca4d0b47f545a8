"""The entities the assistant extracts: one frozen dataclass per kind, all sharing the same base fields.

``value`` is the canonical form (``KW10023456``, ``jane@example.com``, ``DE``, ``2025-03-03``);
``text`` is what the customer typed and ``start``/``end`` its span in the message.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, kw_only=True)
class Entity:
    type: str
    value: str
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (decimals and dates as strings)."""
        return {k: (str(v) if isinstance(v, Decimal | datetime.date) else v) for k, v in asdict(self).items()}


@dataclass(frozen=True, kw_only=True)
class OrderNumber(Entity):
    type: str = "order_number"
    # False when the customer clearly gave an order reference that is not in the store's format.
    valid: bool = True


@dataclass(frozen=True, kw_only=True)
class Email(Entity):
    type: str = "email"


@dataclass(frozen=True, kw_only=True)
class TrackingNumber(Entity):
    type: str = "tracking_number"
    carrier: str | None = None
    # False when the number has a carrier's shape but fails its check digit (or matches no carrier).
    valid: bool = True


@dataclass(frozen=True, kw_only=True)
class Country(Entity):
    type: str = "country"
    name: str = ""


@dataclass(frozen=True, kw_only=True)
class PromoCode(Entity):
    type: str = "promo_code"


@dataclass(frozen=True, kw_only=True)
class Amount(Entity):
    type: str = "amount"
    amount: Decimal = Decimal(0)
    currency: str | None = None  # ISO 4217, None when only "kr" or a bare number was given


@dataclass(frozen=True, kw_only=True)
class Date(Entity):
    type: str = "date"
    date: datetime.date = datetime.date.min


@dataclass(frozen=True, kw_only=True)
class Size(Entity):
    type: str = "size"


@dataclass(frozen=True, kw_only=True)
class Quantity(Entity):
    type: str = "quantity"
    count: int = 0


@dataclass(frozen=True, kw_only=True)
class Reference(Entity):
    """An identifier the customer typed that fits no known format (an account id, a foreign order id)."""

    type: str = "reference"
    label: str | None = None  # "account", "customer", ... when the customer said what it is
