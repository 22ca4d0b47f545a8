"""Customers and orders as the store sends them, in plain dataclasses: what the order upserts take
(integration/ converts its API schemas into these)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class CustomerData:
    """A customer, as the store sent it."""

    email: str
    name: str | None = None
    locale: str | None = None
    country: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class CustomerDetailsData:
    """The customer fields an order may carry; the email is the order's."""

    external_id: str | None = None
    name: str | None = None
    locale: str | None = None
    country: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class AddressData:
    """An address of an order."""

    name: str
    line1: str
    city: str
    country: str
    company: str = ""
    line2: str = ""
    region: str = ""
    postcode: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class OrderLineData:
    """One line of an order."""

    sku: str
    quantity: int
    external_id: str | None = None
    quantity_cancelled: int | None = None
    unit_price: Decimal | None = None
    discount_amount: Decimal = Decimal("0")
    tax_amount: Decimal = Decimal("0")
    product_name: str | None = None


@dataclass(frozen=True, slots=True)
class CouponData:
    """A code used on the order and what it took off."""

    code: str
    amount: Decimal = Decimal("0")


@dataclass(frozen=True, slots=True)
class OrderData:
    """An order as the store sent it (its payments are applied by the payments app)."""

    email: str
    placed_at: dt.datetime
    shipping_address: AddressData
    lines: list[OrderLineData]
    total: Decimal
    external_id: str | None = None
    customer: CustomerDetailsData | None = None
    currency: str | None = None
    locale: str | None = None
    shipping_method: str = "standard"
    billing_address: AddressData | None = None
    subtotal: Decimal | None = None
    discount_total: Decimal = Decimal("0")
    shipping_total: Decimal = Decimal("0")
    tax_total: Decimal = Decimal("0")
    duties_total: Decimal = Decimal("0")
    points_used: int = 0
    points_value: Decimal = Decimal("0")
    coupons: list[CouponData] = field(default_factory=list)
    cancelled_at: dt.datetime | None = None
    cancel_reason: str | None = None
    notes: str | None = None
    payment_url: str | None = None  # None: keep; "": no pay link any more
    updated_at: dt.datetime | None = None  # the store's version of the order
    revision: int | None = None
