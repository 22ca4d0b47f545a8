"""What the integration endpoints answer: the upsert outcome, per-item bulk results, errors."""

from __future__ import annotations

from typing import Literal

from ninja import Schema

# stale: an order update older than the version shopdesk has; nothing was written.
Status = Literal["created", "updated", "unchanged", "stale"]


class UpsertOut(Schema):
    status: Status
    type: str
    key: str
    id: int
    # Payment events sent with an event_id: applied or ignored (too late to count), and whether the
    # event id was seen before.
    outcome: Literal["applied", "ignored"] | None = None
    replayed: bool | None = None


class FieldMessage(Schema):
    field: str
    message: str


class ErrorDetail(Schema):
    code: str
    message: str
    fields: list[FieldMessage] = []


class ErrorOut(Schema):
    error: ErrorDetail


class TrackingEventsOut(Schema):
    shipment: str
    status: str  # the shipment's tracking status after these events
    created: int
    unchanged: int


class BulkItemOut(Schema):
    index: int  # position in `items`
    type: str | None
    key: str | None
    status: Literal["created", "updated", "unchanged", "stale", "error", "rolled_back"]
    id: int | None = None
    error: ErrorDetail | None = None


class BulkSummary(Schema):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    error: int = 0
    rolled_back: int = 0


class BulkOut(Schema):
    committed: bool  # false only in atomic mode when an item failed: nothing was written
    summary: BulkSummary
    results: list[BulkItemOut]
