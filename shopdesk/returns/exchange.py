"""The order that ships an exchange: created here, or reported created by the store platform (store API).

return_exchange_order(rma=..., actor=..., order_number=None)   create it: the new items, already paid by the
                                                               returned ones (price difference on the platform)
return_exchange_order(rma=..., actor=..., order_number="…")    record the platform's order
return_exchange_package_shipped(order, shipment)               the exchange order's first package shipped:
                                                               the "exchange shipped" email, once

Once per return: a repeat with the same answer replays it, another number is 409 `exchange_already_recorded`.
Lock order: the order of the return, then the return, then the variants by id.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from shopdesk.catalog.models import Variant
from shopdesk.catalog.stock import stock_reserve
from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import Conflict, InvalidInput, NotEligible
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.events import order_event_record
from shopdesk.orders.models import Address, Order, OrderLine
from shopdesk.returns import events, notices
from shopdesk.returns.enums import InspectionOutcome, ReturnEventKind, ReturnResolution, ReturnStatus
from shopdesk.returns.exchange_stock import exchange_stock_consume
from shopdesk.returns.models import ReturnLine, ReturnRequest
from shopdesk.returns.resolutions import variant_label
from shopdesk.returns.warehouse import WarehouseResult, _return_locked
from shopdesk.shipping.models import Shipment

EXCHANGEABLE = frozenset({ReturnStatus.INSPECTED, ReturnStatus.REFUNDED, ReturnStatus.CLOSED})
ADDRESS_FIELDS = ("name", "company", "line1", "line2", "city", "region", "postcode", "country", "phone")


def _exchange_data(return_request: ReturnRequest) -> dict[str, Any]:
    return {
        "rma": return_request.rma,
        "status": return_request.status,
        "exchange_order_number": return_request.exchange_order_number or None,
        "to_pay": str(return_request.exchange_due),
    }


def _copy(address: Address) -> Address:
    return Address.objects.create(**{name: getattr(address, name) for name in ADDRESS_FIELDS})


def _order_create(original: Order, lines: list[ReturnLine], rma: str, now: dt.datetime) -> Order:
    """The exchange order: the new items at their price, fully discounted (the returned items paid them)."""
    variants = {
        v.sku: v
        for v in Variant.objects.select_for_update()
        .select_related("product")
        .filter(sku__in=[line.exchange_sku for line in lines])
        .order_by("pk")
    }
    subtotal = sum((line.exchange_price * line.quantity for line in lines), Decimal(0))
    number = f"{original.number}-X{ReturnRequest.objects.filter(order=original).exclude(exchange_order_number='').count() + 1}"
    order = Order.objects.create(
        number=number[:32],
        customer=original.customer,
        email=original.email,
        currency=original.currency,
        locale=original.locale,
        placed_at=now,
        shipping_method=original.shipping_method,
        shipping_address=_copy(original.shipping_address),
        billing_address=_copy(original.billing_address),
        subtotal=subtotal,
        discount_total=subtotal,
        total=Decimal(0),
        notes=f"Exchange for return {rma} of order {original.number}.",
    )
    for line in lines:
        variant = variants.get(line.exchange_sku)
        if variant is None:
            raise Conflict(f"The item {line.exchange_sku} is no longer sold.", code="exchange_sku_gone")
        # Held since the return accepted the line; a line recorded before stock was held takes it now,
        # and may find it sold out since the return was asked.
        held = exchange_stock_consume(line=line)
        if not held and not stock_reserve(variant_id=variant.pk, quantity=line.quantity):
            raise Conflict(
                f"The {variant.product.name} in {variant_label(variant)} is out of stock now; "
                "refund the item instead or wait for new stock.",
                code="exchange_out_of_stock",
            )
        OrderLine.objects.create(
            order=order,
            variant=variant,
            product_name=variant.product.name,
            sku=variant.sku,
            size=variant.size,
            colour=variant.colour,
            quantity=line.quantity,
            unit_price=line.exchange_price,
            price_kind=variant.price_kind,
            discount_amount=line.exchange_price * line.quantity,
        )
    return order


def return_exchange_order(
    *, rma: str, actor: Actor, order_number: str | None = None, now: dt.datetime | None = None
) -> WarehouseResult:
    now = now or timezone.now()
    wanted = (order_number or "").strip()
    if len(wanted) > 32:
        raise InvalidInput("An order number has at most 32 characters.", code="bad_order_number")
    with transaction.atomic():
        locked = _return_locked(rma)
        if locked.exchange_order_number:
            if wanted and wanted != locked.exchange_order_number:
                raise Conflict(
                    f"Exchange order {locked.exchange_order_number} is already recorded for this return.",
                    code="exchange_already_recorded",
                )
            return WarehouseResult(locked, _exchange_data(locked), replayed=True)
        lines = [
            line
            for line in locked.lines.all()
            if line.resolution == ReturnResolution.EXCHANGE and line.outcome != InspectionOutcome.REJECTED
        ]
        if not lines:
            raise NotEligible(Eligibility.no("no_exchange", "This return exchanges no item."))
        if locked.status not in EXCHANGEABLE:
            raise NotEligible(
                Eligibility.no(
                    "return_not_inspected", "Record the inspection before the exchange order is sent."
                )
            )
        created_here = not wanted
        if created_here:
            wanted = _order_create(locked.order, lines, locked.rma, now).number
        else:  # the platform's order took the items from the platform's stock: the hold is spent
            for line in lines:
                exchange_stock_consume(line=line)
        ReturnRequest.objects.filter(pk=locked.pk).update(
            exchange_order_number=wanted, exchange_recorded_at=now
        )
        locked.exchange_order_number, locked.exchange_recorded_at = wanted, now
        events.return_event_record(
            ReturnEventKind.EXCHANGE_ORDER,
            return_request=locked,
            actor=actor,
            at=now,
            order_number=wanted,
            created_here=created_here,
        )
        order_event_record(
            order=locked.order,
            kind=OrderEventKind.NOTE,
            actor=actor,
            at=now,
            message=f"Exchange order {wanted} for return {locked.rma}.",
            after={"rma": locked.rma, "exchange_order_number": wanted},
        )
    return WarehouseResult(locked, _exchange_data(locked), replayed=False)


def return_exchange_package_shipped(order: Order, shipment: Shipment) -> None:
    """A package of `order` shipped (called by shipping, inside the transaction that shipped it, with the
    order or the shipment locked). When `order` is a return's exchange order, its first shipped package
    queues the "exchange shipped" email and an event; later packages and repeated upserts add nothing."""
    return_request = (
        ReturnRequest.objects.select_related("order").filter(exchange_order_number=order.number).first()
    )
    if return_request is None or return_request.events.filter(kind=ReturnEventKind.EXCHANGE_SHIPPED).exists():
        return
    lines = return_request.lines.filter(resolution=ReturnResolution.EXCHANGE).exclude(
        outcome=InspectionOutcome.REJECTED
    )
    items = [{"quantity": line.quantity, "name": line.exchange_label} for line in lines.order_by("id")]
    at = shipment.shipped_at or timezone.now()
    events.return_event_record(
        ReturnEventKind.EXCHANGE_SHIPPED,
        return_request=return_request,
        actor=Actor.system(),
        at=at,
        order_number=order.number,
        tracking_number=shipment.tracking_number,
    )
    notices.return_exchange_shipped_notice(
        return_request=return_request,
        items=items,
        tracking_number=shipment.tracking_number,
        carrier=shipment.carrier,
    )
