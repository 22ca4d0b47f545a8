"""What the store sends for an order: customer by email, lines by SKU, addresses, totals, coupons, payments."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, Field, model_validator

from shopdesk.integration.schemas.catalog import CustomerDetailsIn
from shopdesk.integration.schemas.common import (
    Amount,
    CountryCode,
    CurrencyCode,
    Email,
    ExternalId,
    LocaleCode,
    Name,
    Quantity,
    ShippingMethodCode,
    Sku,
    Strict,
    Text20,
    Text32,
    Text40,
    Text100,
    Text200,
    Timestamp,
    amounts_in_currency,
    fields_disagree,
)
from shopdesk.integration.schemas.payments import PaymentIn
from shopdesk.payments.pay_link import payment_url_validate
from shopdesk.policy.loader import get_policy


class OrderAddressIn(Strict):
    name: Name
    company: Text200 = ""
    line1: Name
    line2: Text200 = ""
    city: Name
    region: Text100 = ""
    postcode: Text20 = ""
    country: CountryCode
    phone: Text32 = ""


class OrderLineIn(Strict):
    external_id: ExternalId | None = Field(
        default=None,
        description="The store's id of the line: lines are matched by it when given (else by SKU), so the "
        "same SKU may be on two lines.",
    )
    sku: Sku = Field(description="A SKU the store sent before with PUT /products/{external_id}.")
    quantity: Quantity
    quantity_cancelled: int | None = Field(
        default=None, ge=0, le=100_000, description="Units cancelled by the store; kept when omitted."
    )
    unit_price: Amount | None = Field(
        default=None, description="Price paid per unit; defaults to the variant's price."
    )
    discount_amount: Amount = Decimal("0")
    tax_amount: Amount = Decimal("0")
    product_name: Text200 | None = Field(default=None, description="Defaults to the product's name.")

    @model_validator(mode="after")
    def _cancelled_within_quantity(self) -> OrderLineIn:
        if self.quantity_cancelled is not None and self.quantity_cancelled > self.quantity:
            raise fields_disagree("quantity_cancelled is more than quantity")
        return self


class CouponIn(Strict):
    code: Text40 = Field(min_length=1)
    amount: Amount = Decimal("0")


# The published form of a pay link (payment_url_validate checks the same, and takes http too in DEBUG).
PAYMENT_URL_SCHEMA: dict[str, Any] = {
    "pattern": r"^(https://[^\s@/?#:\[\]]+(:[0-9]{1,5})?([/?#][^\s]*)?)?$",
    "maxLength": 500,
}


class OrderIn(Strict):
    external_id: ExternalId | None = None
    email: Email
    customer: CustomerDetailsIn | None = None
    currency: CurrencyCode | None = Field(default=None, description="Defaults to the store currency.")
    locale: LocaleCode | None = None
    placed_at: Timestamp
    shipping_method: ShippingMethodCode = "standard"
    shipping_address: OrderAddressIn
    billing_address: OrderAddressIn | None = Field(
        default=None, description="Defaults to the shipping address."
    )
    lines: list[OrderLineIn] = Field(min_length=1, max_length=500)
    subtotal: Amount | None = Field(default=None, description="Defaults to the sum of unit price × quantity.")
    discount_total: Amount = Decimal("0")
    shipping_total: Amount = Decimal("0")
    tax_total: Amount = Decimal("0")
    duties_total: Amount = Decimal("0")
    total: Amount
    points_used: int = Field(default=0, ge=0, le=2_147_483_647)
    points_value: Amount = Decimal("0")
    coupons: list[CouponIn] = Field(default_factory=list, max_length=20)
    payments: list[PaymentIn] = Field(default_factory=list, max_length=20)
    cancelled_at: Timestamp | None = Field(
        default=None, description="A cancellation made in the store; kept when omitted."
    )
    cancel_reason: Text200 | None = None
    notes: str | None = Field(default=None, max_length=5000)
    payment_url: (
        Annotated[str, Field(json_schema_extra=PAYMENT_URL_SCHEMA), AfterValidator(payment_url_validate)]
        | None
    ) = Field(
        default=None,
        description="Where the customer can pay again after a declined payment (https); kept when omitted, "
        '"" removes it. Shown only to the order\'s own customer.',
    )
    updated_at: Timestamp | None = Field(
        default=None,
        description="The store's last change of the order: an update older than the one shopdesk has is "
        "answered `stale` and writes nothing.",
    )
    revision: int | None = Field(
        default=None,
        ge=0,
        le=9_223_372_036_854_775_807,
        description="The store's revision of the order, compared like updated_at.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> OrderIn:
        skus: set[str] = set()
        duplicated: set[str] = set()
        line_ids: set[str] = set()
        for index, line in enumerate(self.lines):
            if line.external_id is not None:
                if line.external_id in line_ids:
                    raise fields_disagree(f"lines.{index}.external_id: {line.external_id!r} is on two lines")
                line_ids.add(line.external_id)
        for line in self.lines:
            if line.sku in skus:
                duplicated.add(line.sku)
            skus.add(line.sku)
        for index, line in enumerate(self.lines):
            if line.sku in duplicated and line.external_id is None:
                raise fields_disagree(
                    f"lines.{index}: SKU {line.sku!r} appears on two lines; give each line its external_id, "
                    "or send one line with the total quantity"
                )
        codes = [coupon.code.upper() for coupon in self.coupons]
        if len(set(codes)) != len(codes):
            raise fields_disagree("a coupon code appears twice")
        if self.points_value > self.total:
            raise fields_disagree("points_value is more than total")
        currency = self.currency or get_policy().store.currency
        for index, payment in enumerate(self.payments):
            if payment.currency is not None and payment.currency != currency:
                raise fields_disagree(
                    f"payments.{index}.currency: {payment.currency} is not the order's currency ({currency})"
                )
        amounts_in_currency(self, currency)
        return self
