"""Entity extraction: order numbers, emails, tracking numbers, countries, promo codes, amounts, dates,
sizes and quantities, as typed dataclasses with their span in the message."""

from .extract import extract_entities, store_order_format, without_order_details
from .types import (
    Amount,
    Country,
    Date,
    Email,
    Entity,
    OrderNumber,
    PromoCode,
    Quantity,
    Reference,
    Size,
    TrackingNumber,
)

__all__ = [
    "Amount",
    "Country",
    "Date",
    "Email",
    "Entity",
    "OrderNumber",
    "PromoCode",
    "Quantity",
    "Reference",
    "Size",
    "TrackingNumber",
    "extract_entities",
    "store_order_format",
    "without_order_details",
]
