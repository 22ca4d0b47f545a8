"""The store integration under /api/v1/store/: idempotent upserts of products, customers, orders,
shipments, tracking and payment events, and a bulk endpoint. Bearer API token (`shopdesk token create`).

Each operation validates its input, calls one service and renders the outcome: no rule lives here.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from shopdesk.api.auth import IntegrationTokenAuth, integration_actor
from shopdesk.api.schemas.results import BulkOut, ErrorOut, TrackingEventsOut, UpsertOut
from shopdesk.core.sync.errors import FieldError
from shopdesk.core.sync.outcome import Upserted, UpsertStatus
from shopdesk.integration.bulk import bulk_apply
from shopdesk.integration.schemas.bulk import BulkIn
from shopdesk.integration.schemas.catalog import CustomerIn, ProductIn
from shopdesk.integration.schemas.common import ExternalId, order_number_validate
from shopdesk.integration.schemas.orders import OrderIn
from shopdesk.integration.schemas.payments import PaymentEventIn, StandalonePaymentIn
from shopdesk.integration.schemas.shipping import ShipmentIn, TrackingEventsIn
from shopdesk.integration.sync import (
    customer_upsert,
    order_upsert,
    payment_event_apply,
    payment_event_record,
    payment_upsert,
    product_upsert,
    shipment_upsert,
)
from shopdesk.orders.models import Order
from shopdesk.shipping.services.tracking import Scan, tracking_events_record

router = Router(tags=["store integration"], auth=IntegrationTokenAuth())

ERRORS = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
UPSERT_RESPONSES = {200: UpsertOut, 201: UpsertOut, **ERRORS}


def _render(outcome: Upserted) -> Status[dict[str, object]]:
    """201 when the row was created, 200 when it was updated or already like this."""
    return Status(201 if outcome.status == UpsertStatus.CREATED else 200, outcome.as_dict())


def _order_number(value: str, *, field: str = "number", existing_ok: bool = False) -> str:
    try:
        return order_number_validate(value)
    except ValueError as exc:
        # An exchange order created by shopdesk (`KW…-X1`) is outside the store's number format, yet the
        # store ships it and reports its packages: an existing order's number is accepted there.
        number = value.strip().upper()
        if existing_ok and Order.objects.filter(number=number).exists():
            return number
        raise FieldError(str(exc), field=field) from None


@router.put(
    "/products/{external_id}",
    response=UPSERT_RESPONSES,
    summary="Create or update a product",
    description="The product with its variants (SKU, size, colour, price). A new price appends a price "
    "history row; variants left out are deactivated.",
)
def put_product(
    request: HttpRequest, external_id: Path[ExternalId], payload: ProductIn
) -> Status[dict[str, object]]:
    return _render(product_upsert(external_id=external_id, data=payload, actor=integration_actor(request)))


@router.put(
    "/customers/{external_id}",
    response=UPSERT_RESPONSES,
    summary="Create or update a customer by external id",
    description="Links a customer first known by email (from an order) to the store's id.",
)
def put_customer(
    request: HttpRequest, external_id: Path[ExternalId], payload: CustomerIn
) -> Status[dict[str, object]]:
    return _render(customer_upsert(external_id=external_id, data=payload, actor=integration_actor(request)))


@router.put(
    "/customers/by-email/{email}", response=UPSERT_RESPONSES, summary="Create or update a customer by email"
)
def put_customer_by_email(request: HttpRequest, email: str, payload: CustomerIn) -> Status[dict[str, object]]:
    if payload.email != email.strip().lower():
        raise FieldError(
            f'The body\'s email "{payload.email}" differs from the path\'s "{email}".', field="email"
        )
    return _render(customer_upsert(external_id=None, data=payload, actor=integration_actor(request)))


@router.put(
    "/orders/{number}",
    response=UPSERT_RESPONSES,
    summary="Create or update an order",
    description="Customer by email, lines by SKU, addresses, totals, coupons, payments, points. Sending "
    "the same order again changes nothing; a change writes an `updated` event with before and after.",
)
def put_order(request: HttpRequest, number: str, payload: OrderIn) -> Status[dict[str, object]]:
    number = _order_number(number)
    return _render(order_upsert(number=number, data=payload, actor=integration_actor(request)))


@router.put(
    "/orders/{number}/shipments/{external_id}",
    response=UPSERT_RESPONSES,
    summary="Create or update a shipment (package) of an order",
    description="Carrier, service, tracking number, origin warehouse and lines by SKU and quantity; "
    "optional tracking events.",
)
def put_shipment(
    request: HttpRequest, number: str, external_id: Path[ExternalId], payload: ShipmentIn
) -> Status[dict[str, object]]:
    number = _order_number(number, existing_ok=True)
    outcome = shipment_upsert(
        order_number=number, external_id=external_id, data=payload, actor=integration_actor(request)
    )
    return _render(outcome)


@router.post(
    "/shipments/{external_id}/tracking-events",
    response={200: TrackingEventsOut, **ERRORS},
    summary="Append tracking events to a shipment",
    description="The same event (time and status) sent twice is stored once. The shipment's status, "
    "last event, shipped and delivered times follow the latest event.",
)
def post_tracking_events(
    request: HttpRequest, external_id: Path[ExternalId], payload: TrackingEventsIn
) -> dict[str, object]:
    scans = [Scan(e.occurred_at, e.status, e.location, e.description) for e in payload.events]
    recorded = tracking_events_record(
        shipment_external_id=external_id, scans=scans, actor=integration_actor(request)
    )
    return {
        "shipment": external_id,
        "status": recorded.shipment.status,
        "created": recorded.created,
        "unchanged": recorded.unchanged,
    }


@router.put(
    "/payments/{external_id}",
    response=UPSERT_RESPONSES,
    summary="Create or update a payment",
    description="A payment attempt of an order: method, amounts, state, decline code, verification.",
)
def put_payment(
    request: HttpRequest, external_id: Path[ExternalId], payload: StandalonePaymentIn
) -> Status[dict[str, object]]:
    if payload.external_id not in (None, external_id):
        raise FieldError(
            f"The body's external_id \"{payload.external_id}\" differs from the path's.", field="external_id"
        )
    data = payload.model_copy(update={"external_id": external_id})
    outcome = payment_upsert(
        external_id=external_id,
        order_number=payload.order_number,
        data=data,
        actor=integration_actor(request),
    )
    return _render(outcome)


@router.post(
    "/payments/{external_id}/events",
    response={200: UpsertOut, **ERRORS},
    summary="Record a payment event",
    description="authorised, captured (amounts are totals so far), declined (with a decline code), "
    "verification_required, verified, verification_failed, voided, chargeback_opened. With `event_id` "
    "the event is idempotent by that id and an out-of-order one is ignored (`outcome`).",
)
def post_payment_event(
    request: HttpRequest, external_id: Path[ExternalId], payload: PaymentEventIn
) -> dict[str, object]:
    actor = integration_actor(request)
    if payload.event_id:
        result = payment_event_apply(external_id=external_id, data=payload, actor=actor)
        return {
            "status": str(result.status),
            "type": "payment",
            "key": external_id,
            "id": result.payment.pk,
            "outcome": result.outcome,
            "replayed": result.replayed,
        }
    return payment_event_record(external_id=external_id, data=payload, actor=actor).as_dict()


BULK_EXAMPLE = {
    "items": [
        {
            "type": "product",
            "external_id": "p-100",
            "name": "Linen shirt",
            "variants": [{"sku": "TS-100-M", "size": "M", "price": "49.00"}],
        },
        {
            "type": "order",
            "number": "KW00012345",
            "email": "ada@example.com",
            "placed_at": "2026-03-02T10:15:00Z",
            "shipping_address": {
                "name": "Ada Lovelace",
                "line1": "12 Orchard Street",
                "city": "New York",
                "country": "US",
            },
            "lines": [{"sku": "TS-100-M", "quantity": 1}],
            "total": "49.00",
        },
        {
            "type": "shipment",
            "order_number": "KW00012345",
            "external_id": "ful-881",
            "carrier": "ups",
            "origin_warehouse": "us-nj",
            "lines": [{"sku": "TS-100-M", "quantity": 1}],
        },
        {
            "type": "tracking_event",
            "shipment_external_id": "ful-881",
            "occurred_at": "2026-03-03T18:02:00Z",
            "status": "picked_up",
        },
    ]
}


@router.post(
    "/bulk",
    response={200: BulkOut, 422: BulkOut, 401: ErrorOut},
    summary="Upsert a batch of mixed items",
    openapi_extra={"requestBody": {"content": {"application/json": {"example": BULK_EXAMPLE}}}},
    description="Up to 1000 items `{type: product|customer|order|payment|payment_event|shipment|"
    "tracking_event, ...}`, written in dependency order, each in its own transaction; results per item "
    "in the order sent. With `?atomic=true` the batch is one transaction: any error writes nothing (422).",
)
def post_bulk(
    request: HttpRequest, payload: BulkIn, atomic: Query[bool] = False
) -> Status[dict[str, object]]:
    result = bulk_apply(batch=payload.items, actor=integration_actor(request), atomic=atomic)
    return Status(200 if result.committed else 422, result.as_dict())
