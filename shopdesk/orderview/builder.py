"""Build the order page from the rows, in a fixed number of queries whatever the number of lines and packages."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from urllib.parse import quote

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.calendar import local_date
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.prepared import PreparedLookup, prefetched
from shopdesk.orders.enums import FulfilmentStatus, PaymentStatus
from shopdesk.orders.models import Order, OrderCoupon, OrderLine
from shopdesk.orders.totals import OrderTotals, order_totals
from shopdesk.orderview.case_offers import case_offers_from
from shopdesk.orderview.return_days import line_return_days
from shopdesk.orderview.status import (
    LineQuantities,
    PaymentFacts,
    fulfilment_status,
    payment_status,
    return_status,
)
from shopdesk.orderview.summary import ON_HOLD_FOR_PAYMENT, where_things_stand
from shopdesk.orderview.types import (
    CaseView,
    CouponView,
    LineView,
    OrderPage,
    PackageLine,
    PackageView,
    PaymentSummary,
    Price,
    Totals,
    TrackingEventView,
)
from shopdesk.payments.declines import decline_explain
from shopdesk.payments.enums import PaymentState
from shopdesk.payments.models import Payment
from shopdesk.payments.order_facts import OrderFacts
from shopdesk.payments.selectors import units_refunded_by_line
from shopdesk.payments.verification_selectors import verification_of_payments, verification_view
from shopdesk.policy import Policy, get_policy
from shopdesk.policy.schema import ShippingMethod
from shopdesk.promotions.models import CouponKind
from shopdesk.selfservice.cases import FactsWithOffers
from shopdesk.selfservice.eligibility import resends_in_last_hour
from shopdesk.selfservice.registry import order_actions
from shopdesk.selfservice.services.price_adjustment import order_price_adjustments
from shopdesk.shipping.enums import TrackingStatus
from shopdesk.shipping.models import Case, CaseKind, CaseStatus, Shipment, ShipmentLine, TrackingEvent
from shopdesk.shipping.schedule import delivery_window, ship_window, zone_and_method

# The rows the page reads, each relation in its order. For one order, each is read through a statement
# built once per process (`PreparedLookup`): building seven prefetch statements took the ORM about as
# long as the rest of the page.
_LINES = OrderLine.objects.order_by("id")
_PACKAGES = Shipment.objects.order_by("id")
_PACKAGE_LINES = ShipmentLine.objects.order_by("id")
_SCANS = TrackingEvent.objects.order_by("-occurred_at", "-id")
_PAYMENTS = Payment.objects.select_related("verification").order_by("created_at", "id")
_CASES = Case.objects.order_by("opened_at", "id")
_COUPONS = OrderCoupon.objects.select_related("coupon").order_by("id")
_PREFETCHES = (
    Prefetch("lines", queryset=_LINES),
    Prefetch("shipments", queryset=_PACKAGES),
    Prefetch("shipments__lines", queryset=_PACKAGE_LINES),
    Prefetch("shipments__events", queryset=_SCANS),
    Prefetch("payments", queryset=_PAYMENTS),
    Prefetch("cases", queryset=_CASES),
    Prefetch("coupons", queryset=_COUPONS),
)
_READ_LINES = PreparedLookup(lambda order: _LINES.filter(order_id=order))
_READ_PACKAGES = PreparedLookup(lambda order: _PACKAGES.filter(order_id=order))
_READ_PACKAGE_LINES = PreparedLookup(lambda order: _PACKAGE_LINES.filter(shipment__order_id=order))
_READ_SCANS = PreparedLookup(lambda order: _SCANS.filter(shipment__order_id=order))
_READ_PAYMENTS = PreparedLookup(lambda order: _PAYMENTS.filter(order_id=order))
_READ_CASES = PreparedLookup(lambda order: _CASES.filter(order_id=order))
_READ_COUPONS = PreparedLookup(lambda order: _COUPONS.filter(order_id=order))


def _page_rows(order: Order) -> None:
    """The order's lines, packages (with their lines and scans), payments, cases and coupons, left on it
    as `prefetch_related(*_PREFETCHES)` leaves them: seven reads, five without a package."""
    if getattr(order, "_prefetched_objects_cache", None):  # a caller's prefetches: the ORM merges them
        prefetch_related_objects([order], *_PREFETCHES)
        return
    packages = _READ_PACKAGES.all(order.pk)
    prefetched([order], "lines", _READ_LINES.all(order.pk), _LINES)
    prefetched([order], "shipments", packages, _PACKAGES)
    if packages:
        prefetched(packages, "lines", _READ_PACKAGE_LINES.all(order.pk), _PACKAGE_LINES)
        prefetched(packages, "events", _READ_SCANS.all(order.pk), _SCANS)
    prefetched([order], "payments", _READ_PAYMENTS.all(order.pk), _PAYMENTS)
    prefetched([order], "cases", _READ_CASES.all(order.pk), _CASES)
    prefetched([order], "coupons", _READ_COUPONS.all(order.pk), _COUPONS)


def _page_facts(order: Order, shipped: dict[int, int]) -> OrderFacts:
    """The rules' facts from the rows this page already fetched (no read)."""
    return OrderFacts(
        order=order,
        lines=list(order.lines.all()),
        shipped=dict(shipped),
        shipments=list(order.shipments.all()),
        payments=list(order.payments.all()),
    )


def _order_actions(
    order: Order, facts: OrderFacts, page: OrderPage, now: dt.datetime, actor: Actor
) -> dict[str, Eligibility]:
    """Every registered action's eligibility, from the rows, answers and diagnoses this page already has."""
    shared = FactsWithOffers(
        order=order,
        lines=facts.lines,
        shipped=facts.shipped,
        shipments=facts.shipments,
        payments=facts.payments,
        case_offers=case_offers_from(page.diagnoses),
        price_adjustments=tuple(page.price_adjustments),
        resent=resends_in_last_hour(order, now),  # one read for both emails' resend limits
    )
    return order_actions(order, actor, now=now, facts=shared)


def order_page(
    *,
    order: Order,
    now: dt.datetime | None = None,
    with_actions: bool = True,
    actor: Actor | None = None,
) -> OrderPage:
    """Everything the order page shows, in eight queries (lines, packages, package lines, scans, payments,
    cases, coupons, units refunded per line), plus two for the price-adjustment answers (prices now,
    adjustments made).

    The actions are answered for `actor`; by default for the order's customer, as the page shows them."""
    now = now or timezone.now()
    policy = get_policy()
    _page_rows(order)
    # One money format per page: the page's language (the store's), not the shopper's destination.
    locale, currency = policy.store.locale, order.currency
    shipments = list(order.shipments.all())
    shipped_by_line: dict[int, int] = defaultdict(int)
    for shipment in shipments:
        for shipment_line in shipment.lines.all():
            shipped_by_line[shipment_line.order_line_id] += shipment_line.quantity
    breakdown = order_totals(order=order, lines=order.lines.all())
    amounts = {line.line_id: line.amount for line in breakdown.lines}
    refunded_by_line = units_refunded_by_line(order_id=order.pk)
    lines = [
        _line_view(line, shipped_by_line[line.pk], amounts[line.pk], currency, locale, refunded_by_line)
        for line in order.lines.all()
    ]
    lines = line_return_days(order=order, lines=lines, shipments=shipments, policy=policy)
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
    # Nothing is prepared for an order whose payment hasn't gone through (or waits for its check).
    on_hold_for_payment = bool(payments) and paid in ON_HOLD_FOR_PAYMENT
    unshipped = (
        any(line.quantity_unshipped for line in lines) and not order.is_cancelled and not on_hold_for_payment
    )
    ship_from = policy.warehouse(zone.warehouses[0]) if zone else None
    page = OrderPage(
        order=order,
        number=order.number,
        email=order.email,
        placed_at=order.placed_at,
        currency=currency,
        locale=locale,
        time_zone=policy.store.timezone,
        fulfilment_status=fulfilment,
        fulfilment_label=FulfilmentStatus(fulfilment).label,
        payment_status=paid,
        payment_label=PaymentStatus(paid).label,
        return_status=return_status(quantities),
        lines=lines,
        totals=_totals(breakdown, payments, locale),
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
        now=now,
    )
    page.coupons = [_coupon_view(use, currency, locale) for use in order.coupons.all()]
    facts = _page_facts(order, shipped_by_line)
    page.price_adjustments = order_price_adjustments(order=order, facts=facts, now=now)
    page.declined = decline_explain(order=order, payments=payments, now=now, policy=policy)
    checked = verification_of_payments(payments)
    page.verification = verification_view(checked, now=now) if checked is not None else None
    page.summary = where_things_stand(page=page, today=page.today)
    from shopdesk.orderview.diagnoses.order import order_diagnoses  # the diagnoses read this page

    # Diagnoses first: they offer the cases `open_case` may open (and read no action).
    page.diagnoses = order_diagnoses(page=page, now=now)
    if with_actions:
        who = actor or Actor.customer(order.email)
        page.actions = _order_actions(order, facts, page, now, who)
    return page


def _short_place(name: str) -> str:
    """'Venlo (Netherlands)' → 'Venlo': the sentence names the town, the package card the full name."""
    return name.split(" (")[0].split(",")[0]


def _line_view(
    line: OrderLine, shipped: int, amount: Decimal, currency: str, locale: str, refunded: dict[int, int]
) -> LineView:
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
        amount=Price.of(amount, currency, locale),
        quantity_refunded=min(refunded.get(line.pk, 0), line.quantity),
    )


def _coupon_view(use: OrderCoupon, currency: str, locale: str) -> CouponView:
    coupon = use.coupon
    kind = coupon.kind if coupon is not None else ""
    return CouponView(
        code=use.code,
        kind=kind,
        kind_label=CouponKind(kind).label if kind in CouponKind.values else "Discount code",
        exclusive=bool(coupon and coupon.exclusive),
        saved=Price.of(use.amount, currency, locale),
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


def _totals(breakdown: OrderTotals, payments: list[Payment], locale: str) -> Totals:
    currency = breakdown.currency

    def price(amount: Decimal) -> Price:
        return Price.of(amount, currency, locale)

    live = [p for p in payments if p.state != PaymentState.DECLINED]
    on_hold = sum(
        (p.amount_authorised - p.amount_captured for p in live if p.state == PaymentState.AUTHORISED),
        Decimal(0),
    )
    charged = sum((p.amount_captured for p in live), Decimal(0))
    refunded = sum((p.amount_refunded for p in payments), Decimal(0))
    return Totals(
        items=price(breakdown.items),
        discounts=price(breakdown.discounts),
        shipping=price(breakdown.shipping),
        tax=price(breakdown.tax),
        duties=price(breakdown.duties),
        adjustment=price(breakdown.adjustment),
        total=price(breakdown.total),
        points_used=breakdown.points_used,
        points_value=price(breakdown.points_value),
        points_returned=breakdown.points_returned,
        paid_by_money=price(breakdown.by_money),
        charged=price(charged),
        on_hold=price(on_hold),
        refunded=price(refunded),
        net_paid=price(charged - refunded),
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
