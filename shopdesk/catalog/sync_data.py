"""Products as the store sends them, in plain dataclasses: what `product_upsert` takes (integration/
converts its API schemas into these, so the catalog never imports the API)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class VariantData:
    """One variant of a product, as the store sent it."""

    sku: str
    price: Decimal
    size: str = ""
    colour: str = ""
    price_kind: str = "regular"
    stock: int = 0
    active: bool = True


@dataclass(frozen=True, slots=True)
class ProductData:
    """A product with its variants, as the store sent it."""

    name: str
    variants: list[VariantData]
    slug: str | None = None
    description: str = ""
    category: str = "uncategorised"
    category_name: str | None = None
    final_sale: bool = False
    hygiene: bool = False
    custom_made: bool = False
    gift_card: bool = False
    published_at: dt.datetime | None = None
    active: bool = True
    price_changed_at: dt.datetime | None = None
