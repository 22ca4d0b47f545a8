"""The order page's types: what the web page, the API, the assistant and the desk show of an order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from shopdesk.core.eligibility import Eligibility
from shopdesk.core.money import Money
from shopdesk.orders.enums import FulfilmentStatus
from shopdesk.orders.models import Order
from shopdesk.shipping.schedule import DeliveryWindow

if TYPE_CHECKING:
    from shopdesk.orderview.diagnoses.types import Diagnosis
    from shopdesk.payments.declines import DeclineExplanation
    from shopdesk.payments.verification_selectors import VerificationView
    from shopdesk.promotions.price_adjustment import LineAdjustment


@dataclass(frozen=True, slots=True)
class Price:
    """An amount with its display text, formatted by babel for the order's locale."""

    amount: Decimal
    currency: str
    display: str

    @classmethod
    def of(cls, amount: Decimal, currency: str, locale: str) -> Price:
        money = Money(amount, currency)
        return cls(money.amount, money.currency, money.format(locale))

    def as_dict(self) -> dict[str, str]:
        return {"amount": str(self.amount), "currency": self.currency, "display": self.display}


@dataclass(frozen=True, slots=True)
class LineView:
    id: int
    product_name: str
    sku: str
    size: str
    colour: str
    quantity: int
    quantity_cancelled: int
    quantity_returned: int
    quantity_shipped: int
    unit_price: Price
    amount: Price  # unit price × the quantity still ordered, before coupons and tax (sums to Totals.items)
    # The return window's last day for this item (None until it is delivered, or when it can't go back).
    last_return_day: dt.date | None = None
    # Units whose money went back (cancelled, returned or refunded by the care team), as the order's
    # refunds record them; a unit cancelled before anything was charged was never refunded.
    quantity_refunded: int = 0

    @property
    def quantity_active(self) -> int:
        return self.quantity - self.quantity_cancelled

    @property
    def quantity_unshipped(self) -> int:
        return max(self.quantity_active - self.quantity_shipped, 0)

    @property
    def variant_label(self) -> str:
        return " / ".join(part for part in (self.colour, self.size) if part)


@dataclass(frozen=True, slots=True)
class CouponView:
    """A code applied to the order, with what it saved (its kind from the store's coupon, when known)."""

    code: str
    kind: str  # percent | fixed | free_shipping, or "" for a code the store no longer has
    kind_label: str
    exclusive: bool
    saved: Price

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "kind": self.kind or None,
            "kind_label": self.kind_label,
            "exclusive": self.exclusive,
            "saved": self.saved.as_dict(),
        }


@dataclass(frozen=True, slots=True)
class PackageLine:
    line_id: int
    product_name: str
    size: str
    colour: str
    quantity: int


@dataclass(frozen=True, slots=True)
class TrackingEventView:
    occurred_at: dt.datetime
    status: str
    status_label: str
    location: str
    description: str


@dataclass(frozen=True, slots=True)
class CaseView:
    reference: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    shipment_id: int | None  # None: a case about a refund
    opened_at: dt.datetime


@dataclass(frozen=True, slots=True)
class PackageView:
    id: int
    position: int  # 1-based, "package 2 of 3"
    carrier: str
    carrier_name: str
    tracking_number: str
    tracking_url: str
    origin_warehouse: str
    origin_name: str
    status: str
    status_label: str
    shipped_at: dt.datetime | None
    delivered_at: dt.datetime | None
    delivered_on: dt.date | None
    last_event_at: dt.datetime | None
    created_at: dt.datetime
    lines: list[PackageLine]
    events: list[TrackingEventView]  # newest first
    window: DeliveryWindow | None
    cases: list[CaseView]


@dataclass(frozen=True, slots=True)
class Totals:
    """The order as it stands (orders.totals): every row sums, then what was paid and what came back."""

    items: Price
    discounts: Price
    shipping: Price
    tax: Price
    duties: Price
    adjustment: Price
    total: Price
    points_used: int
    points_value: Price
    points_returned: int  # given back with cancelled items
    paid_by_money: Price  # total − points_value
    charged: Price  # captured on the payment methods
    on_hold: Price  # authorised, not captured yet
    refunded: Price
    net_paid: Price  # charged − refunded


@dataclass(frozen=True, slots=True)
class PaymentSummary:
    method: str
    method_name: str
    card_brand: str
    card_last4: str
    status: str
    status_label: str
    refunded: Price
    decline_code: str


@dataclass
class OrderPage:
    order: Order
    number: str
    email: str
    placed_at: dt.datetime
    currency: str
    locale: str  # how money and dates are written: the page's language (the store's), one format per page
    time_zone: str  # the store's: every time on the page is written in it, with its abbreviation
    fulfilment_status: str
    fulfilment_label: str
    payment_status: str
    payment_label: str
    return_status: str
    lines: list[LineView]
    totals: Totals
    shipping_address: dict[str, str]
    billing_address: dict[str, str]
    payment: PaymentSummary | None
    packages: list[PackageView]
    shipping_method: str
    shipping_method_name: str
    zone_code: str
    ship_from_name: str  # where the unshipped items will leave from
    ship_by: dt.date | None  # latest date the unshipped items leave the warehouse
    expected: DeliveryWindow | None  # for what has not shipped yet
    cases: list[CaseView]
    today: dt.date
    now: dt.datetime
    summary: str = ""
    coupons: list[CouponView] = field(default_factory=list)  # in the order they were applied
    price_adjustments: list[LineAdjustment] = field(default_factory=list)  # every line's answer
    actions: dict[str, Eligibility] = field(default_factory=dict)
    diagnoses: list[Diagnosis] = field(default_factory=list)
    declined: DeclineExplanation | None = None  # the payment was declined and nothing else went through
    verification: VerificationView | None = None  # the payment check of this order, if any

    @property
    def package_count(self) -> int:
        """The packages the order comes in: those sent, plus one for what still waits in the warehouse."""
        waiting = self.ship_by is not None and any(line.quantity_unshipped for line in self.lines)
        return len(self.packages) + (1 if waiting and self.packages else 0)

    @property
    def is_cancelled(self) -> bool:
        return self.fulfilment_status == FulfilmentStatus.CANCELLED
