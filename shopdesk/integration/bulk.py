"""Apply a batch of mixed items (products, orders, shipments…) in dependency order, each on its own.

Each item is validated with its schema and written in its own transaction: a bad item is reported
with its field path and never half-written, the good ones are kept. In atomic mode the whole batch
is one transaction and any error rolls everything back. The API's POST /store/bulk and
`shopdesk import` both come through here.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone
from pydantic import BaseModel, ValidationError

from shopdesk.core.actors import Actor
from shopdesk.core.errors import DomainError
from shopdesk.core.sync.outcome import Upserted, UpsertStatus
from shopdesk.integration.schemas import bulk as items
from shopdesk.integration.sync import (
    as_data,
    customer_upsert,
    order_upsert,
    payment_event_record,
    payment_upsert,
    product_upsert,
    shipment_upsert,
)
from shopdesk.loyalty.services import points_spend_for_new_orders
from shopdesk.orders.models import Order
from shopdesk.orders.services.create_many import NewOrders, orders_create_many
from shopdesk.orders.sync_data import OrderData
from shopdesk.payments.models import Payment
from shopdesk.payments.services.create_many import (
    needs_one_by_one,
    new_payment_problem,
    payments_create_many,
)
from shopdesk.payments.sync_data import PaymentData
from shopdesk.promotions.services import coupon_uses_record_for_orders
from shopdesk.shipping.services.tracking import Scan, tracking_events_record

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class ItemResult:
    index: int
    type: str | None
    key: str | None
    status: str  # created, updated, unchanged, stale, error, rolled_back
    id: int | None = None
    error: dict[str, Any] | None = None

    @property
    def fields(self) -> list[dict[str, str]]:
        return list((self.error or {}).get("fields", []))

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "type": self.type,
            "key": self.key,
            "status": self.status,
            "id": self.id,
            "error": self.error,
        }


@dataclass(slots=True)
class BatchResult:
    committed: bool
    results: list[ItemResult] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        counts = Counter(result.status for result in self.results)
        return {
            status: counts.get(status, 0)
            for status in ("created", "updated", "unchanged", "stale", "error", "rolled_back")
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "committed": self.committed,
            "summary": self.summary,
            "results": [result.as_dict() for result in self.results],
        }


def validation_fields(error: ValidationError) -> list[dict[str, str]]:
    """Pydantic errors as {field, message}, the field a dotted path like `lines.0.quantity`."""
    fields = []
    for item in error.errors(include_url=False):
        path = ".".join(str(part) for part in item.get("loc", ()))
        message = item.get("msg", "invalid")
        # A model-level rule has no location; its message names the fields itself.
        fields.append({"field": path, "message": message.removeprefix("Value error, ")})
    return fields


def domain_error_body(error: DomainError) -> dict[str, Any]:
    body = error.as_dict()
    if "fields" not in body:
        # Errors that point at one field (an unknown order, a taken key) carry it as .field.
        field_path = getattr(error, "field", None)
        body["fields"] = [{"field": field_path, "message": error.message}] if field_path else []
    body.pop("details", None)
    return body


def item_key(raw: Any) -> tuple[str | None, str | None]:
    """The type and identifier the store used, read leniently so even a bad item can be named."""
    if not isinstance(raw, dict):
        return None, None
    kind = raw.get("type") if isinstance(raw.get("type"), str) else None
    for name in ("number", "external_id", "shipment_external_id", "email"):
        value = raw.get(name)
        if isinstance(value, str | int) and value != "":
            return kind, str(value)
    return kind, None


class ItemShapeError(ValueError):
    """The item is not an object, or its `type` is missing or unknown."""

    def __init__(self, field_path: str, message: str):
        super().__init__(message)
        self.field = field_path
        self.message = message


def item_parse(raw: Any) -> BaseModel:
    """The item's schema by its `type`; raises ValidationError with paths relative to the item."""
    if not isinstance(raw, dict):
        raise ItemShapeError("", "Each item must be a JSON object.")
    kind = raw.get("type")
    model = items.ITEM_MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise ItemShapeError("type", f"Input should be one of: {', '.join(items.ITEM_TYPES)}.")
    return model.model_validate(raw)


def item_apply(item: BaseModel, *, actor: Actor) -> Upserted:
    """Write one validated item through its service (each service owns its transaction)."""
    if isinstance(item, items.ProductItem):
        return product_upsert(external_id=item.external_id, data=item, actor=actor)
    if isinstance(item, items.CustomerItem):
        return customer_upsert(external_id=item.external_id, data=item, actor=actor)
    if isinstance(item, items.OrderItem):
        return order_upsert(number=item.number, data=item, actor=actor)
    if isinstance(item, items.PaymentItem):
        return payment_upsert(
            external_id=item.external_id, order_number=item.order_number, data=item, actor=actor
        )
    if isinstance(item, items.PaymentEventItem):
        return payment_event_record(external_id=item.external_id, data=item, actor=actor)
    if isinstance(item, items.ShipmentItem):
        return shipment_upsert(
            order_number=item.order_number, external_id=item.external_id, data=item, actor=actor
        )
    if isinstance(item, items.TrackingEventItem):
        recorded = tracking_events_record(
            shipment_external_id=item.shipment_external_id,
            scans=[Scan(item.occurred_at, item.status, item.location, item.description)],
            actor=actor,
        )
        status = UpsertStatus.CREATED if recorded.created else UpsertStatus.UNCHANGED
        return Upserted(
            status=status, kind="tracking_event", key=item.shipment_external_id, id=recorded.shipment.pk
        )
    raise TypeError(f"no service for {type(item).__name__}")


def _run_one(index: int, raw: Any, *, actor: Actor) -> ItemResult:
    kind, key = item_key(raw)
    try:
        item = item_parse(raw)
    except ValidationError as exc:
        fields = validation_fields(exc)
        error = {"code": "invalid_input", "message": "Some fields are not valid.", "fields": fields}
        return ItemResult(index=index, type=kind, key=key, status="error", error=error)
    except ItemShapeError as exc:
        fields = [{"field": exc.field, "message": exc.message}]
        error = {"code": "invalid_input", "message": exc.message, "fields": fields}
        return ItemResult(index=index, type=kind, key=key, status="error", error=error)
    try:
        outcome = item_apply(item, actor=actor)
    except DomainError as exc:
        return ItemResult(index=index, type=kind, key=key, status="error", error=domain_error_body(exc))
    except DatabaseError as exc:
        # The item's transaction was rolled back; report it and keep the batch going.
        logger.warning("bulk item %s (%s %s) refused by the database: %s", index, kind, key, exc)
        error = {"code": "database_error", "message": "The database refused this item.", "fields": []}
        return ItemResult(index=index, type=kind, key=key, status="error", error=error)
    return ItemResult(index=index, type=kind, key=outcome.key, status=str(outcome.status), id=outcome.id)


def _rank(raw: Any) -> int:
    kind = raw.get("type") if isinstance(raw, dict) else None
    # Unknown types go first: they fail validation without touching the database.
    return items.ITEM_TYPES.index(kind) if kind in items.ITEM_TYPES else -1


def _new_orders_apply(indices: list[int], batch: Sequence[Any], *, actor: Actor) -> dict[int, ItemResult]:
    """The batch's orders: the new ones written a table at a time (orders/services/create_many), each
    with the result and the error `_run_one` would give; the others (and all of them, if the database
    refuses the batch) one by one through `_run_one`."""
    results: dict[int, ItemResult] = {}
    parsed: dict[int, items.OrderItem] = {}
    for index in indices:
        try:
            item = item_parse(batch[index])
        except (ValidationError, ItemShapeError):
            results[index] = _run_one(index, batch[index], actor=actor)  # reports the same error
            continue
        assert isinstance(item, items.OrderItem)
        parsed[index] = item
    paid = {index: [as_data(p, PaymentData) for p in item.payments] for index, item in parsed.items()}
    payment_ids = [p.external_id for payments in paid.values() for p in payments]
    taken = set(Payment.objects.filter(external_id__in=payment_ids).values_list("external_id", flat=True))
    seen: set[str] = set()

    def precheck(index: int, order: Order) -> DomainError | bool | None:
        ids = [p.external_id for p in paid[index]]
        if any(i in taken or i in seen for i in ids) or len(set(ids)) != len(ids):
            return True  # the one-by-one path says whose payment it is
        if any(needs_one_by_one(payment) for payment in paid[index]):
            return True  # a payment check to open, with its emails
        for number, payment in enumerate(paid[index]):
            if problem := new_payment_problem(order=order, data=payment, field_prefix=f"payments.{number}."):
                return problem
        seen.update(ids)
        return None

    rows = [(index, item.number, as_data(item, OrderData)) for index, item in parsed.items()]
    try:
        with transaction.atomic():
            created = orders_create_many(orders=rows, actor=actor, precheck=precheck)
            payments_create_many(
                payments=[(order, p) for index, order in created.created.items() for p in paid[index]]
            )
            new_orders = list(created.created.values())
            # What order_upsert does after a new order's payments, for all of them at once.
            points_spend_for_new_orders(orders=new_orders, now=timezone.now())
            coupon_uses_record_for_orders(orders=new_orders)
    except DatabaseError as exc:
        logger.info("bulk orders written one by one: the batch insert was refused (%s)", exc)
        created = NewOrders(deferred=list(parsed))
    for index, order in created.created.items():
        results[index] = ItemResult(
            index=index, type="order", key=order.number, status="created", id=order.pk
        )
    for index, error in created.refused.items():
        kind, key = item_key(batch[index])
        results[index] = ItemResult(
            index=index, type=kind, key=key, status="error", error=domain_error_body(error)
        )
    for index in sorted(created.deferred):
        results[index] = _run_one(index, batch[index], actor=actor)
    return results


def bulk_apply(*, batch: Sequence[Any], actor: Actor, atomic: bool = False) -> BatchResult:
    """Results in the order of `batch`; writes in dependency order (products before the orders using them).

    Outside atomic mode, new orders are inserted together (`_new_orders_apply`): the same results,
    errors and rows as one by one, in far fewer statements."""
    order = sorted(
        range(len(batch)), key=lambda index: _rank(batch[index])
    )  # stable: keeps the store's order
    results: dict[int, ItemResult] = {}
    if not atomic:
        orders = [index for index in order if _rank(batch[index]) == items.ITEM_TYPES.index("order")]
        for index in order:
            if index in results:
                continue
            if orders and index == orders[0]:
                results |= _new_orders_apply(orders, batch, actor=actor)
                continue
            results[index] = _run_one(index, batch[index], actor=actor)
        return BatchResult(committed=True, results=[results[i] for i in range(len(batch))])
    with transaction.atomic():
        for index in order:
            results[index] = _run_one(index, batch[index], actor=actor)
        failed = any(result.status == "error" for result in results.values())
        if failed:
            transaction.set_rollback(True)
            for result in results.values():
                if result.status != "error":
                    result.status = "rolled_back"
    return BatchResult(committed=not failed, results=[results[i] for i in range(len(batch))])
