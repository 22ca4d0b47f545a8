"""What the store sends for a shipment (a package of an order) and for its tracking events."""

from __future__ import annotations

from pydantic import Field, model_validator

from shopdesk.integration.schemas.common import (
    CarrierCode,
    ExternalId,
    Quantity,
    Sku,
    Strict,
    Text40,
    Text200,
    Text500,
    Timestamp,
    WarehouseCode,
    fields_disagree,
)
from shopdesk.shipping.enums import TrackingStatus


class ShipmentLineIn(Strict):
    sku: Sku = Field(description="The SKU of one of the order's lines.")
    quantity: Quantity
    line_external_id: ExternalId | None = Field(
        default=None, description="The order line's external_id: needed when its SKU is on two lines."
    )


class TrackingEventIn(Strict):
    occurred_at: Timestamp
    status: TrackingStatus
    location: Text200 = ""
    description: Text500 = ""


class ShipmentIn(Strict):
    carrier: CarrierCode
    service: Text40 = ""
    tracking_number: Text40 = ""
    origin_warehouse: WarehouseCode
    shipped_at: Timestamp | None = None
    lines: list[ShipmentLineIn] = Field(min_length=1, max_length=500)
    events: list[TrackingEventIn] = Field(default_factory=list, max_length=500)

    @model_validator(mode="after")
    def _skus_once(self) -> ShipmentIn:
        skus = [(line.sku, line.line_external_id) for line in self.lines]
        if len(set(skus)) != len(skus):
            raise fields_disagree(
                "a SKU appears on two shipment lines; send one line with the total quantity"
            )
        return self


class TrackingEventsIn(Strict):
    events: list[TrackingEventIn] = Field(min_length=1, max_length=1000)
