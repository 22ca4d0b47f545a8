"""Reads of orders for customers: order-number normalisation and the order page (everything it shows).

`order_page` fetches with a fixed number of queries, whatever the number of lines and packages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.db import connection
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from shopdesk.core.eligibility import Eligibility
from shopdesk.core.locales import locale_or
from shopdesk.core.money import Money
from shopdesk.orders.enums import FulfilmentStatus, PaymentStatus
from shopdesk.orders.models import Order, OrderEvent, OrderLine
from shopdesk.orders.status import (
    LineQuantities,
    PaymentFacts,
    fulfilment_status,
    payment_status,
    return_status,
)
from shopdesk.orders.summary import (
    DeliveryWindow,
    delivery_window,
    local_date,
    ship_window,
    where_things_stand,
    zone_and_method,
)
from shopdesk.payments.enums import PaymentState
from shopdesk.payments.models import Payment
from shopdesk.policy import Policy, get_policy
from shopdesk.policy.schema import ShippingMethod
from shopdesk.shipping.enums import TrackingStatus
from shopdesk.shipping.models import Case, CaseKind, CaseStatus, Shipment, ShipmentLine, TrackingEvent

if TYPE_CHECKING:
    from shopdesk.shipping.diagnosis.types import Diagnosis

_NOISE = re.compile(r"[\s#\-_./]+")


def order_number_normalise(text: str) -> str | None:
    """`kw 1000-0001`, `#10000001`, `KW10000001` → `KW10000001`; None when it can't be an order number.

    Shorter digit runs are zero-padded, because people drop leading zeros when they read a number out.
    """
    store = get_policy().store
    cleaned = _NOISE.sub("", (text or "")[:64]).upper()
    prefix = store.order_number_prefix.upper()
    if prefix and cleaned.startswith(prefix):
        cleaned = cleaned[len(prefix) :]
    if not cleaned.isascii() or not cleaned.isdigit() or len(cleaned) > store.order_number_digits:
        return None
    if int(cleaned) == 0:
        return None
    return f"{prefix}{cleaned.zfill(store.order_number_digits)}"


# --- the order page ---------------------------------------------------------------------------------
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
    total: Price

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
    shipment_id: int
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
    subtotal: Price
    discounts: Price
    shipping: Price
    tax: Price
    duties: Price
    points_used: int
    points_value: Price
    total: Price
    paid_by_money: Price


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
    locale: str
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
    summary: str = ""
    actions: dict[str, Eligibility] = field(default_factory=dict)
    diagnoses: list[Diagnosis] = field(default_factory=list)

    @property
    def is_cancelled(self) -> bool:
        return self.fulfilment_status == FulfilmentStatus.CANCELLED


def _order_actions(order: Order, shipped: dict[int, int], now: dt.datetime) -> dict[str, Eligibility]:
    """The self-service actions' eligibility, from the rows this page already fetched (no extra read)."""
    from shopdesk.orders import eligibility  # imported late: eligibility reads models this module serves

    facts = eligibility.OrderFacts(
        order=order,
        lines=list(order.lines.all()),
        shipped=dict(shipped),
        shipments=list(order.shipments.all()),
        payments=list(order.payments.all()),
    )
    return eligibility.order_actions(order, now=now, facts=facts)


def order_page(*, order: Order, now: dt.datetime | None = None, with_actions: bool = True) -> OrderPage:
    """Everything the order page shows, in six queries (lines, packages, package lines, scans, payments, cases)."""
    now = now or timezone.now()
    policy = get_policy()
    prefetch_related_objects(
        [order],
        Prefetch("lines", queryset=OrderLine.objects.order_by("id")),
        Prefetch("shipments", queryset=Shipment.objects.order_by("id")),
        Prefetch("shipments__lines", queryset=ShipmentLine.objects.order_by("id")),
        Prefetch("shipments__events", queryset=TrackingEvent.objects.order_by("-occurred_at", "-id")),
        Prefetch("payments", queryset=Payment.objects.order_by("created_at", "id")),
        Prefetch("cases", queryset=Case.objects.order_by("opened_at", "id")),
    )
    locale, currency = locale_or(order.locale, policy.store.locale), order.currency
    shipments = list(order.shipments.all())
    shipped_by_line: dict[int, int] = defaultdict(int)
    for shipment in shipments:
        for shipment_line in shipment.lines.all():
            shipped_by_line[shipment_line.order_line_id] += shipment_line.quantity
    lines = [_line_view(line, shipped_by_line[line.pk], currency, locale) for line in order.lines.all()]
    lines_by_id = {line.id: line for line in lines}
    cases = [_case_view(case) for case in order.cases.all()]
    zone, method = zone_and_method(
        policy=policy, country=order.shipping_address.country, method_code=order.shipping_method
    )
    packages = [
        _package_view(shipment, index, lines_by_id, cases, policy, method, order)
        for index, shipment in enumerate(shipments, start=1)
    ]
    quantities = [
        LineQuantities(line.quantity, line.quantity_cancelled, line.quantity_returned, line.quantity_shipped)
        for line in lines
    ]
    payments = list(order.payments.all())
    fulfilment = fulfilment_status(quantities, [p.status for p in packages])
    paid = payment_status(
        PaymentFacts(p.state, p.verification_status, p.amount_captured, p.amount_refunded) for p in payments
    )
    unshipped = any(line.quantity_unshipped for line in lines) and not order.is_cancelled
    ship_from = policy.warehouse(zone.warehouses[0]) if zone else None
    page = OrderPage(
        order=order,
        number=order.number,
        email=order.email,
        placed_at=order.placed_at,
        currency=currency,
        locale=locale,
        fulfilment_status=fulfilment,
        fulfilment_label=FulfilmentStatus(fulfilment).label,
        payment_status=paid,
        payment_label=PaymentStatus(paid).label,
        return_status=return_status(quantities),
        lines=lines,
        totals=_totals(order, currency, locale),
        shipping_address=order.shipping_address.as_dict(),
        billing_address=order.billing_address.as_dict(),
        payment=_payment_summary(payments, policy, currency, locale),
        packages=packages,
        shipping_method=order.shipping_method,
        shipping_method_name=method.name if method else order.shipping_method,
        zone_code=zone.code if zone else "",
        ship_from_name=_short_place(ship_from.name) if ship_from else "",
        ship_by=ship_window(placed_at=order.placed_at, policy=policy)[1] if unshipped else None,
        expected=delivery_window(policy=policy, method=method, placed_at=order.placed_at)
        if unshipped
        else None,
        cases=cases,
        today=local_date(now, policy),
    )
    page.summary = where_things_stand(page=page, today=page.today)
    if with_actions:
        page.actions = _order_actions(order, dict(shipped_by_line), now)
    from shopdesk.shipping.diagnosis.order import order_diagnoses  # the diagnoses read this page

    page.diagnoses = order_diagnoses(page=page, now=now)
    return page


def _short_place(name: str) -> str:
    """'Venlo (Netherlands)' → 'Venlo': the sentence names the town, the package card the full name."""
    return name.split(" (")[0].split(",")[0]


def _line_view(line: OrderLine, shipped: int, currency: str, locale: str) -> LineView:
    return LineView(
        id=line.pk,
        product_name=line.product_name,
        sku=line.sku,
        size=line.size,
        colour=line.colour,
        quantity=line.quantity,
        quantity_cancelled=line.quantity_cancelled,
        quantity_returned=line.quantity_returned,
        quantity_shipped=shipped,
        unit_price=Price.of(line.unit_price, currency, locale),
        total=Price.of(line.total, currency, locale),
    )


def _case_view(case: Case) -> CaseView:
    return CaseView(
        reference=case.reference,
        kind=case.kind,
        kind_label=CaseKind(case.kind).label,
        status=case.status,
        status_label=CaseStatus(case.status).label,
        shipment_id=case.shipment_id,
        opened_at=case.opened_at,
    )


def _package_view(
    shipment: Shipment,
    position: int,
    lines_by_id: dict[int, LineView],
    cases: list[CaseView],
    policy: Policy,
    method: ShippingMethod | None,
    order: Order,
) -> PackageView:
    carrier = policy.carrier(shipment.carrier)
    warehouse = policy.warehouse(shipment.origin_warehouse)
    number = shipment.tracking_number
    events = [
        TrackingEventView(e.occurred_at, e.status, _status_label(e.status), e.location, e.description)
        for e in shipment.events.all()
    ]
    last_event_at = shipment.last_event_at or (events[0].occurred_at if events else None)
    package_lines = []
    for shipment_line in shipment.lines.all():
        line = lines_by_id.get(shipment_line.order_line_id)
        if line is not None:
            package_lines.append(
                PackageLine(line.id, line.product_name, line.size, line.colour, shipment_line.quantity)
            )
    return PackageView(
        id=shipment.pk,
        position=position,
        carrier=shipment.carrier,
        carrier_name=carrier.name if carrier else shipment.carrier.upper(),
        tracking_number=number,
        tracking_url=carrier.tracking_url.format(number=quote(number)) if carrier and number else "",
        origin_warehouse=shipment.origin_warehouse,
        origin_name=warehouse.name if warehouse else shipment.origin_warehouse,
        status=shipment.status,
        status_label=_status_label(shipment.status),
        shipped_at=shipment.shipped_at,
        delivered_at=shipment.delivered_at,
        delivered_on=local_date(shipment.delivered_at, policy) if shipment.delivered_at else None,
        last_event_at=last_event_at,
        created_at=shipment.created_at,
        lines=package_lines,
        events=events,
        window=delivery_window(
            policy=policy,
            method=method,
            placed_at=order.placed_at,
            shipped_at=shipment.shipped_at,
            delivered_at=shipment.delivered_at if shipment.status == TrackingStatus.DELIVERED else None,
        ),
        cases=[case for case in cases if case.shipment_id == shipment.pk],
    )


def _status_label(status: str) -> str:
    try:
        return TrackingStatus(status).label
    except ValueError:
        return status.replace("_", " ")


def _totals(order: Order, currency: str, locale: str) -> Totals:
    def price(amount: Decimal) -> Price:
        return Price.of(amount, currency, locale)

    return Totals(
        subtotal=price(order.subtotal),
        discounts=price(order.discount_total),
        shipping=price(order.shipping_total),
        tax=price(order.tax_total),
        duties=price(order.duties_total),
        points_used=order.points_used,
        points_value=price(order.points_value),
        total=price(order.total),
        paid_by_money=price(order.amount_paid_by_money),
    )


def _payment_summary(
    payments: list[Payment], policy: Policy, currency: str, locale: str
) -> PaymentSummary | None:
    if not payments:
        return None
    # The attempt that counts: the last one that was not declined, else the last attempt.
    live = [p for p in payments if p.state != PaymentState.DECLINED]
    payment = (live or payments)[-1]
    method = policy.payment_method(payment.method)
    state = PaymentState(payment.state) if payment.state in PaymentState.values else None
    return PaymentSummary(
        method=payment.method,
        method_name=method.name if method else payment.method,
        card_brand=payment.card_brand,
        card_last4=payment.card_last4,
        status=payment.state,
        status_label=state.label if state else payment.state,
        refunded=Price.of(sum((p.amount_refunded for p in payments), Decimal(0)), currency, locale),
        decline_code=payment.decline_code,
    )


# --- cache validation ------------------------------------------------------------------------------
def _version_sql() -> str:
    order, event = Order._meta.db_table, OrderEvent._meta.db_table
    shipment, scan = Shipment._meta.db_table, TrackingEvent._meta.db_table
    payment, case, line = Payment._meta.db_table, Case._meta.db_table, OrderLine._meta.db_table
    # Every state change of an order writes an event row, a scan or a package row, or touches an
    # `updated_at`: together they change whenever anything on the page could.
    return f"""
        SELECT o.updated_at,
          (SELECT MAX(id) FROM {event} WHERE order_id = o.id),
          (SELECT COUNT(*) FROM {shipment} WHERE order_id = o.id),
          (SELECT MAX(id) FROM {shipment} WHERE order_id = o.id),
          (SELECT MAX(last_event_at) FROM {shipment} WHERE order_id = o.id),
          (SELECT MAX(t.id) FROM {scan} t JOIN {shipment} s ON s.id = t.shipment_id WHERE s.order_id = o.id),
          (SELECT MAX(updated_at) FROM {payment} WHERE order_id = o.id),
          (SELECT MAX(id) FROM {case} WHERE order_id = o.id),
          (SELECT COUNT(*) FROM {case} WHERE order_id = o.id AND status = 'open'),
          (SELECT SUM(quantity_cancelled + quantity_returned) FROM {line} WHERE order_id = o.id)
        FROM {order} o WHERE o.id = %s
    """  # noqa: S608 - table names come from our models, the only parameter is bound


PAGE_VERSION_SECONDS = 60


def order_page_version(*, order_id: int, now: dt.datetime | None = None) -> str:
    """A key that changes whenever the order page could (one query): the page can then be cached.

    The current minute is part of it, since eligibility windows and diagnoses move with the clock.
    """
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_version_sql(), [order_id])
        row = cursor.fetchone()
    digest = hashlib.blake2b(repr(row).encode(), digest_size=12).hexdigest()
    return f"{digest}-{int(now.timestamp()) // PAGE_VERSION_SECONDS}"
