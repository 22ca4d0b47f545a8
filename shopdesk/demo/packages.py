"""An order's packages: which lines go in which box, the shipment rows, their tracking events."""

from __future__ import annotations

import random
from dataclasses import dataclass

from shopdesk.demo.carrier_numbers import tracking_number
from shopdesk.demo.classify import PackageFacts
from shopdesk.demo.lines import LineDraft
from shopdesk.demo.rows import KeyAllocator, RowBuffer
from shopdesk.demo.timeline import DUTIES_PLACEHOLDER, Journey
from shopdesk.notifications.models import OutboxMessage
from shopdesk.notifications.services import email_history_row
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import Order, OrderEvent, OrderLine
from shopdesk.policy.schema import Policy, ShippingMethod
from shopdesk.shipping.enums import TrackingStatus
from shopdesk.shipping.models import Shipment, ShipmentLine, TrackingEvent


@dataclass(slots=True)
class PackedOrder:
    facts: list[PackageFacts]
    shipped: dict[int, int]  # order line id -> units in packages
    delivered_lines: list[tuple[OrderLine, LineDraft, Journey]]  # lines whose package arrived


def split_lines(rng: random.Random, count: int, packages: int, *, partial: bool) -> list[list[int]]:
    """Line indexes per package; with `partial`, the last lines stay in the warehouse."""
    if packages == 0:
        return []
    if partial:
        return [list(range(rng.randrange(1, count)))]
    cuts = sorted(rng.sample(range(1, count), packages - 1)) if packages > 1 else []
    bounds = [0, *cuts, count]
    return [list(range(bounds[i], bounds[i + 1])) for i in range(packages)]


def add_packages(
    *,
    rng: random.Random,
    keys: KeyAllocator,
    buffer: RowBuffer,
    policy: Policy,
    order: Order,
    rows: list[tuple[OrderLine, LineDraft]],
    journeys: list[tuple[str, Journey]],
    method: ShippingMethod,
    carrier_name: str,
    partial: bool,
    duties_due_text: str,
) -> PackedOrder:
    packed = PackedOrder(facts=[], shipped={}, delivered_lines=[])
    groups = split_lines(rng, len(rows), len(journeys), partial=partial)
    for (warehouse_code, journey), indexes in zip(journeys, groups, strict=True):
        last_at, last_stop = journey.last
        shipment = Shipment(
            id=keys(Shipment),
            order_id=order.id,
            carrier=method.carrier,
            service=method.code,
            tracking_number=tracking_number(method.carrier, rng),
            origin_warehouse=warehouse_code,
            status=last_stop.status,
            shipped_at=journey.shipped_at,
            delivered_at=journey.delivered_at,
            last_event_at=last_at,
        )
        buffer.add(shipment)
        # The platform's shipping and delivery emails, so "why didn't I get an email" has a history.
        for template, sent_at in (("shipped", journey.shipped_at), ("delivered", journey.delivered_at)):
            if sent_at is not None:
                buffer.add(
                    email_history_row(
                        pk=keys(OutboxMessage),
                        order=order,
                        template=template,
                        to=order.email,
                        at=sent_at,
                        shipment=shipment,
                    )
                )
        for at, stop in journey.events:
            description = stop.description.replace(DUTIES_PLACEHOLDER, duties_due_text)
            buffer.add(
                TrackingEvent(
                    id=keys(TrackingEvent),
                    shipment_id=shipment.id,
                    occurred_at=at,
                    status=stop.status,
                    location=stop.location,
                    description=description,
                )
            )
        warehouse = policy.warehouse(warehouse_code)
        for index in indexes:
            row, draft = rows[index]
            buffer.add(
                ShipmentLine(
                    id=keys(ShipmentLine),
                    shipment_id=shipment.id,
                    order_line_id=row.id,
                    quantity=row.quantity,
                )
            )
            packed.shipped[row.id] = packed.shipped.get(row.id, 0) + row.quantity
            if last_stop.status == TrackingStatus.DELIVERED:
                packed.delivered_lines.append((row, draft, journey))
        where = warehouse.name if warehouse else warehouse_code
        buffer.add(
            OrderEvent(
                id=keys(OrderEvent),
                order_id=order.id,
                kind=OrderEventKind.SHIPMENT_CREATED,
                actor_kind="system",
                actor_label="demo",
                created_at=journey.label_at,
                message=f"Package shipped from {where} with {carrier_name}, tracking number {shipment.tracking_number}.",
            )
        )
        packed.facts.append(
            PackageFacts(
                status=last_stop.status,
                warehouse=warehouse_code,
                warehouse_country=warehouse.country if warehouse else "",
                label_at=journey.label_at,
                shipped_at=journey.shipped_at,
                last_event_at=last_at,
                delivered_at=journey.delivered_at,
            )
        )
    return packed
