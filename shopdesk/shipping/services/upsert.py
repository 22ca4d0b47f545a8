"""Shipments (packages) sent by the store: carrier, tracking number, warehouse and lines by SKU.

A package never holds more units of a line than the order still has to ship (ordered minus cancelled,
counting the other packages), so split shipments add up.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Sum

from shopdesk.core.actors import Actor
from shopdesk.core.sync.changes import changes
from shopdesk.core.sync.errors import FieldError, KeyConflict, OrderNotFound, UnknownReference
from shopdesk.core.sync.outcome import Upserted, UpsertStatus, atomic_with_retry, combine
from shopdesk.orders import events
from shopdesk.orders.models import Order, OrderLine
from shopdesk.shipping.models import Shipment, ShipmentLine
from shopdesk.shipping.services.tracking import Scan, shipment_scans_apply
from shopdesk.shipping.sync_data import ShipmentData

SHIPMENT_FIELDS = ("carrier", "service", "tracking_number", "origin_warehouse")


def shipment_upsert(*, order_number: str, external_id: str, data: ShipmentData, actor: Actor) -> Upserted:
    return atomic_with_retry(
        lambda: _shipment_upsert(order_number=order_number, external_id=external_id, data=data, actor=actor),
        what=f'Shipment "{external_id}"',
    )


def _wanted_lines(*, order: Order, data: ShipmentData) -> dict[int, int]:
    """order_line id → quantity in this package; names an unknown SKU with its field path."""
    order_lines = list(OrderLine.objects.filter(order=order))
    wanted: dict[int, int] = {}
    for index, line in enumerate(data.lines):
        if line.line_external_id:
            order_line = next((ol for ol in order_lines if ol.external_id == line.line_external_id), None)
            if order_line is None or order_line.sku != line.sku:
                raise UnknownReference(
                    f'Unknown line "{line.line_external_id}" with SKU "{line.sku}" in lines.{index}.line_external_id: '
                    f"order {order.number} has no such line.",
                    field=f"lines.{index}.line_external_id",
                )
        else:
            # A SKU on two lines of the order needs the line's id; on one, the SKU names it.
            of_sku = [ol for ol in order_lines if ol.sku == line.sku]
            if len(of_sku) > 1:
                raise UnknownReference(
                    f'SKU "{line.sku}" is on {len(of_sku)} lines of order {order.number}; send '
                    f"lines.{index}.line_external_id to say which.",
                    field=f"lines.{index}.line_external_id",
                )
            if not of_sku:
                raise UnknownReference(
                    f'Unknown SKU "{line.sku}" in lines.{index}.sku: order {order.number} has no line with it.',
                    field=f"lines.{index}.sku",
                )
            order_line = of_sku[0]
        if order_line.pk in wanted:
            raise UnknownReference(
                f"lines.{index}: this order line is already in the package.", field=f"lines.{index}.sku"
            )
        wanted[order_line.pk] = line.quantity
    return wanted


def _check_quantities(*, order: Order, shipment: Shipment | None, wanted: dict[int, int]) -> None:
    """`wanted` keeps the order of the input lines, so its index is the field path's."""
    others = ShipmentLine.objects.filter(order_line__order=order)
    if shipment is not None:
        others = others.exclude(shipment=shipment)
    elsewhere = dict(
        others.values("order_line").annotate(units=Sum("quantity")).values_list("order_line", "units")
    )
    lines = {line.pk: line for line in OrderLine.objects.filter(pk__in=wanted)}
    for index, (line_id, quantity) in enumerate(wanted.items()):
        line = lines[line_id]
        room = line.quantity - line.quantity_cancelled - elsewhere.get(line_id, 0)
        if quantity > room:
            raise FieldError(
                f'lines.{index}.quantity: {quantity} unit(s) of "{line.sku}" in this package, but only {room} of '
                f"order {order.number} are left to ship.",
                field=f"lines.{index}.quantity",
                code="quantity_exceeds_order",
            )


def _shipment_upsert(*, order_number: str, external_id: str, data: ShipmentData, actor: Actor) -> Upserted:
    order = Order.objects.select_for_update().filter(number=order_number).order_by().first()
    if order is None:
        raise OrderNotFound(order_number)
    shipment = Shipment.objects.select_for_update().filter(external_id=external_id).order_by().first()
    if shipment is not None and shipment.order_id != order.pk:
        other = Order.objects.filter(pk=shipment.order_id).values_list("number", flat=True).first()
        raise KeyConflict(
            f'Shipment "{external_id}" belongs to order {other}, not {order_number}.', field="external_id"
        )
    wanted_lines = _wanted_lines(order=order, data=data)
    _check_quantities(order=order, shipment=shipment, wanted=wanted_lines)
    wanted: dict[str, Any] = {name: getattr(data, name) for name in SHIPMENT_FIELDS}
    if data.shipped_at:
        wanted["shipped_at"] = data.shipped_at
    scans = [Scan(e.occurred_at, e.status, e.location, e.description) for e in data.events]

    if shipment is None:
        shipment = Shipment.objects.create(order=order, external_id=external_id, **wanted)
        ShipmentLine.objects.bulk_create(
            ShipmentLine(shipment=shipment, order_line_id=line_id, quantity=quantity)
            for line_id, quantity in wanted_lines.items()
        )
        events.order_shipment_created(order=order, actor=actor, shipment=shipment)
        shipment_scans_apply(shipment=shipment, scans=scans, actor=actor)
        return Upserted(status=UpsertStatus.CREATED, kind="shipment", key=external_id, id=shipment.pk)

    current_lines = {sl.order_line_id: sl.quantity for sl in ShipmentLine.objects.filter(shipment=shipment)}
    sku_of = {
        pk: f"{sku}[{external_id}]" if external_id else sku
        for pk, sku, external_id in OrderLine.objects.filter(
            pk__in=current_lines.keys() | wanted_lines.keys()
        ).values_list("pk", "sku", "external_id")
    }
    current = {name: getattr(shipment, name) for name in wanted}
    current |= {f"lines.{sku_of[pk]}": quantity for pk, quantity in current_lines.items()}
    desired = dict(wanted) | {f"lines.{sku_of[pk]}": quantity for pk, quantity in wanted_lines.items()}
    before, after = changes(current, desired)
    if after or before:
        fields = [name for name in wanted if name in after]
        for name in fields:
            setattr(shipment, name, wanted[name])
        if fields:
            shipment.save(update_fields=fields)
        if current_lines != wanted_lines:
            ShipmentLine.objects.filter(shipment=shipment).exclude(order_line_id__in=wanted_lines).delete()
            for line_id, quantity in wanted_lines.items():
                ShipmentLine.objects.update_or_create(
                    shipment=shipment, order_line_id=line_id, defaults={"quantity": quantity}
                )
        events.order_shipment_updated(order=order, actor=actor, shipment=shipment, before=before, after=after)
    recorded = shipment_scans_apply(shipment=shipment, scans=scans, actor=actor)
    status = UpsertStatus.UPDATED if (after or before) else UpsertStatus.UNCHANGED
    scans_status = UpsertStatus.UPDATED if recorded.created else UpsertStatus.UNCHANGED
    return Upserted(status=combine(status, scans_status), kind="shipment", key=external_id, id=shipment.pk)
