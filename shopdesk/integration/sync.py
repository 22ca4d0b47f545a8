"""The store-sync writes as the API and the importer call them: API schemas in, plain dataclasses to the
domain upserts, which never see a schema. An order's payments are written in the order's transaction.

    product_upsert, customer_upsert, order_upsert, shipment_upsert, payment_upsert, payment_event_record
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any, TypeVar, cast

from django.utils import timezone
from pydantic import BaseModel

from shopdesk.catalog import services as catalog
from shopdesk.catalog.sync_data import ProductData
from shopdesk.core.actors import Actor
from shopdesk.core.sync.outcome import Upserted, UpsertStatus
from shopdesk.integration.schemas.catalog import CustomerIn, ProductIn
from shopdesk.integration.schemas.orders import OrderIn
from shopdesk.integration.schemas.payments import PaymentEventIn, PaymentIn
from shopdesk.integration.schemas.shipping import ShipmentIn
from shopdesk.loyalty.services import points_spend_for_order
from shopdesk.orders.models import Order
from shopdesk.orders.services import upsert as orders
from shopdesk.orders.sync_data import CustomerData, OrderData
from shopdesk.payments.services import payment_events
from shopdesk.payments.services import upsert as payments
from shopdesk.payments.services.payment_events import PaymentEventResult
from shopdesk.payments.sync_data import PaymentData, PaymentEventData
from shopdesk.promotions.services import coupon_uses_record_for_orders
from shopdesk.shipping.services import upsert as shipping
from shopdesk.shipping.sync_data import ShipmentData

Data = TypeVar("Data")


def as_data(model: BaseModel, cls: type[Data]) -> Data:
    """The dataclass `cls` with the same-named fields of `model`; nested models become nested dataclasses."""
    values = {name: _value(getattr(model, name), hint) for name, hint in _field_hints(cast(type, cls))}
    return cls(**values)


@functools.cache
def _field_hints(cls: type) -> tuple[tuple[str, Any], ...]:
    # Resolving the string annotations costs more than the rest of a conversion: once per class.
    hints = typing.get_type_hints(cls)
    return tuple((field.name, hints[field.name]) for field in dataclasses.fields(cls))


def _value(value: Any, hint: Any) -> Any:
    if isinstance(value, BaseModel):
        return as_data(value, _dataclass_in(hint))
    if isinstance(value, list):
        (item,) = typing.get_args(hint) or (Any,)
        return [_value(element, item) for element in value]
    return value


@functools.cache
def _dataclass_in(hint: Any) -> type:
    """The dataclass a hint names, through `X | None`."""
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return hint
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        for option in typing.get_args(hint):
            if dataclasses.is_dataclass(option) and isinstance(option, type):
                return option
    raise TypeError(f"no dataclass for {hint!r}")


def product_upsert(*, external_id: str, data: ProductIn, actor: Actor) -> Upserted:
    return catalog.product_upsert(external_id=external_id, data=as_data(data, ProductData), actor=actor)


def customer_upsert(*, external_id: str | None, data: CustomerIn, actor: Actor) -> Upserted:
    return orders.customer_upsert(external_id=external_id, data=as_data(data, CustomerData), actor=actor)


def order_upsert(*, number: str, data: OrderIn, actor: Actor) -> Upserted:
    paid = [as_data(payment, PaymentData) for payment in data.payments]

    def with_payments(order: Order, created: bool) -> list[UpsertStatus]:
        # A new order's `imported` event says it all: its payments write no event of their own.
        statuses = [
            payments.payment_apply(
                order=order, data=payment, actor=actor, audit=not created, field_prefix=f"payments.{index}."
            )
            for index, payment in enumerate(paid)
        ]
        # The points the order used go in the ledger once (an opening entry covers points from before it).
        points_spend_for_order(order=order, now=timezone.now())
        # And its codes count as used, once per order and code (an order imported again adds nothing).
        coupon_uses_record_for_orders(orders=[order])
        return statuses

    return orders.order_upsert(
        number=number, data=as_data(data, OrderData), actor=actor, with_order=with_payments
    )


def shipment_upsert(*, order_number: str, external_id: str, data: ShipmentIn, actor: Actor) -> Upserted:
    return shipping.shipment_upsert(
        order_number=order_number, external_id=external_id, data=as_data(data, ShipmentData), actor=actor
    )


def payment_upsert(*, external_id: str, order_number: str, data: PaymentIn, actor: Actor) -> Upserted:
    return payments.payment_upsert(
        external_id=external_id, order_number=order_number, data=_payment(data, external_id), actor=actor
    )


def _payment(data: PaymentIn, external_id: str) -> PaymentData:
    # A standalone payment takes its id from the path; its own field may be empty.
    return as_data(data.model_copy(update={"external_id": external_id}), PaymentData)


def payment_event_record(*, external_id: str, data: PaymentEventIn, actor: Actor) -> Upserted:
    if data.event_id:
        result = payment_event_apply(external_id=external_id, data=data, actor=actor)
        return Upserted(status=result.status, kind="payment", key=external_id, id=result.payment.pk)
    return payments.payment_event_record(
        external_id=external_id, data=as_data(data, PaymentEventData), actor=actor
    )


def payment_event_apply(*, external_id: str, data: PaymentEventIn, actor: Actor) -> PaymentEventResult:
    """A provider event with its id: idempotent by the id, late events ignored (payments/services)."""
    return payment_events.payment_provider_event_apply(
        external_id=external_id, data=as_data(data, PaymentEventData), actor=actor
    )
