"""Items of POST /store/bulk and of `shopdesk import`: each upsert's input plus its `type` and its key."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from shopdesk.integration.schemas.catalog import CustomerIn, ProductIn
from shopdesk.integration.schemas.common import ExternalId, OrderNumber, Strict
from shopdesk.integration.schemas.orders import OrderIn
from shopdesk.integration.schemas.payments import PaymentEventIn, PaymentIn
from shopdesk.integration.schemas.shipping import ShipmentIn, TrackingEventIn


class ProductItem(ProductIn):
    type: Literal["product"]
    external_id: ExternalId


class CustomerItem(CustomerIn):
    type: Literal["customer"]
    external_id: ExternalId | None = None


class OrderItem(OrderIn):
    type: Literal["order"]
    number: OrderNumber


class PaymentItem(PaymentIn):
    type: Literal["payment"]
    order_number: OrderNumber


class PaymentEventItem(PaymentEventIn):
    type: Literal["payment_event"]
    external_id: ExternalId = Field(description="The payment's external id.")


class ShipmentItem(ShipmentIn):
    type: Literal["shipment"]
    order_number: OrderNumber
    external_id: ExternalId


class TrackingEventItem(TrackingEventIn):
    type: Literal["tracking_event"]
    shipment_external_id: ExternalId


# Dependency order: an order needs its products, a shipment its order, a scan its shipment.
ITEM_MODELS: dict[str, type[BaseModel]] = {
    "product": ProductItem,
    "customer": CustomerItem,
    "order": OrderItem,
    "payment": PaymentItem,
    "payment_event": PaymentEventItem,
    "shipment": ShipmentItem,
    "tracking_event": TrackingEventItem,
}
ITEM_TYPES = tuple(ITEM_MODELS)

BulkItem = Annotated[
    ProductItem
    | CustomerItem
    | OrderItem
    | PaymentItem
    | PaymentEventItem
    | ShipmentItem
    | TrackingEventItem,
    Field(discriminator="type"),
]

MAX_BULK_ITEMS = 1000


class BulkIn(Strict):
    # Items are checked one by one (a bad item must not refuse the good ones), so the body only
    # promises a list of objects here; each object is one of the item schemas (see BulkItem).
    items: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_BULK_ITEMS)
