"""Packages and scans as the store sends them, in plain dataclasses: what `shipment_upsert` takes
(integration/ converts its API schemas into these)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ShipmentLineData:
    """Units of one order line in a package."""

    sku: str
    quantity: int
    line_external_id: str | None = None


@dataclass(frozen=True, slots=True)
class TrackingEventData:
    """One scan of a package."""

    occurred_at: dt.datetime
    status: str
    location: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class ShipmentData:
    """A package, as the store sent it."""

    carrier: str
    origin_warehouse: str
    lines: list[ShipmentLineData]
    service: str = ""
    tracking_number: str = ""
    shipped_at: dt.datetime | None = None
    events: list[TrackingEventData] = field(default_factory=list)
