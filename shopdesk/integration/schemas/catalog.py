"""What the store sends for a product (with its variants) and for a customer."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from shopdesk.catalog.enums import PriceKind
from shopdesk.core.money import amount_places_validate
from shopdesk.integration.schemas.common import (
    Amount,
    CountryCode,
    Email,
    ExternalId,
    LocaleCode,
    Name,
    Sku,
    Strict,
    Text20,
    Text32,
    Text40,
    Text120,
    Timestamp,
    amount_document,
    amounts_in_currency,
    fields_disagree,
)
from shopdesk.policy.loader import get_policy

Slug = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[a-z0-9_-]+$", max_length=80)
]


class VariantIn(Strict):
    sku: Sku
    size: Text20 = ""
    colour: Text40 = ""
    price: Amount = Field(
        description='Current price in the store currency, as a string or a number: "49.00".',
        json_schema_extra=amount_document(places=None),
    )
    price_kind: PriceKind = PriceKind.REGULAR
    stock: int = Field(default=0, ge=0, le=2_147_483_647)
    active: bool = True

    @field_validator("price")
    @classmethod
    def _price_in_store_currency(cls, price: Decimal) -> Decimal:
        # Checked here rather than on the product, so each bad price is named at once with the others.
        return amount_places_validate(price, get_policy().store.currency)


class ProductIn(Strict):
    name: Name
    slug: (
        Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9_-]+$", max_length=160)]
        | None
    ) = Field(default=None, description="Defaults to the name and external id, slugified.")
    description: str = Field(default="", max_length=20_000)
    category: Slug = Field(default="uncategorised", description="Category slug; created when new.")
    category_name: Text120 | None = Field(
        default=None, description="Name of a new category (defaults to the slug)."
    )
    final_sale: bool = False
    hygiene: bool = False
    custom_made: bool = False
    gift_card: bool = False
    published_at: Timestamp | None = Field(default=None, description="When it went on sale; defaults to now.")
    active: bool = True
    price_changed_at: Timestamp | None = Field(
        default=None, description="When a new price took effect (price history); defaults to now."
    )
    variants: list[VariantIn] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _skus_once(self) -> ProductIn:
        seen: set[str] = set()
        for variant in self.variants:
            if variant.sku in seen:
                raise fields_disagree(f"SKU {variant.sku!r} appears twice in variants")
            seen.add(variant.sku)
        amounts_in_currency(self, get_policy().store.currency)
        return self


class CustomerIn(Strict):
    email: Email
    name: Text120 | None = None
    locale: LocaleCode | None = None
    country: CountryCode | None = None
    phone: Text32 | None = None


class CustomerDetailsIn(Strict):
    """The customer fields an order may carry; the email is the order's."""

    external_id: ExternalId | None = None
    name: Text120 | None = None
    locale: LocaleCode | None = None
    country: CountryCode | None = None
    phone: Text32 | None = None
