"""Webhook endpoints and refund events under /api/v1/store/ (the store's API token).

POST/GET/DELETE /webhook-endpoints, POST …/{id}/enable and …/{id}/disable, POST …/{id}/rotate-secret, GET …/{id}/deliveries, POST …/{id}/replay;
POST /refunds/{id}/events. Each operation validates, calls one service or selector, and renders.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from shopdesk.api.auth import IntegrationTokenAuth, integration_actor
from shopdesk.api.schemas.results import ErrorOut
from shopdesk.payments.services.refund_events import refund_event_apply
from shopdesk.webhooks.models import WebhookEndpoint
from shopdesk.webhooks.selectors import deliveries_of_endpoint, endpoints_list
from shopdesk.webhooks.services.endpoints import (
    endpoint_create,
    endpoint_delete,
    endpoint_disable,
    endpoint_enable,
    endpoint_get,
    endpoint_secret_rotate,
)
from shopdesk.webhooks.services.events import deliveries_replay

router = Router(tags=["store webhooks"], auth=IntegrationTokenAuth())
ERRORS = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class EndpointIn(Schema):
    url: str = Field(max_length=500, examples=["https://shop.example.com/hooks/shopdesk"])
    events: list[str] = Field(min_length=1, max_length=50, examples=[["order.cancelled", "refund.succeeded"]])
    description: str = Field("", max_length=200)


class EndpointOut(Schema):
    id: int
    url: str
    events: list[str]
    description: str
    enabled: bool
    disabled_reason: str
    created_at: dt.datetime


class EndpointSecretOut(Schema):
    id: int
    secret: str = Field(description="The signing secret, `whsec_…`: shown once, keep it now.")


class RotateIn(Schema):
    overlap_hours: int | None = Field(None, ge=0, le=168, description="How long the old secret still signs.")


class AttemptOut(Schema):
    at: dt.datetime
    status_code: int | None
    response_ms: int
    response_body: str
    error: str


class DeliveryOut(Schema):
    id: int
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    delivered_at: dt.datetime | None
    last_status_code: int | None
    last_error: str
    log: list[AttemptOut]


class ReplayIn(Schema):
    event_id: str | None = Field(None, max_length=40)
    since: dt.datetime | None = None
    until: dt.datetime | None = None


class ReplayOut(Schema):
    queued: int


class RefundEventIn(Schema):
    event_id: str = Field(min_length=1, max_length=120)
    kind: Literal["processing", "succeeded", "failed"]
    reason: str = Field("", max_length=200)


class RefundEventOut(Schema):
    refund_id: int
    status: str
    outcome: Literal["applied", "ignored"]
    replayed: bool


def _endpoint_out(endpoint: WebhookEndpoint) -> EndpointOut:
    return EndpointOut(
        id=endpoint.pk,
        url=endpoint.url,
        events=list(endpoint.events),
        description=endpoint.description,
        enabled=endpoint.enabled,
        disabled_reason=endpoint.disabled_reason,
        created_at=endpoint.created_at,
    )


@router.post(
    "/webhook-endpoints",
    response={201: EndpointSecretOut, **ERRORS},
    summary="Add a webhook endpoint",
    description="Returns the endpoint id and its signing secret (Standard Webhooks, `whsec_…`), shown once. "
    "The URL may not point at a private or loopback address.",
)
def post_endpoint(request: HttpRequest, payload: EndpointIn) -> Status[EndpointSecretOut]:
    created = endpoint_create(url=payload.url, events=payload.events, description=payload.description)
    return Status(201, EndpointSecretOut(id=created.endpoint.pk, secret=created.secret))


@router.get(
    "/webhook-endpoints", response={200: list[EndpointOut], **ERRORS}, summary="List webhook endpoints"
)
def get_endpoints(request: HttpRequest) -> list[EndpointOut]:
    return [_endpoint_out(endpoint) for endpoint in endpoints_list()]


@router.get(
    "/webhook-endpoints/{endpoint_id}", response={200: EndpointOut, **ERRORS}, summary="One webhook endpoint"
)
def get_endpoint(request: HttpRequest, endpoint_id: int) -> EndpointOut:
    return _endpoint_out(endpoint_get(endpoint_id=endpoint_id))


@router.delete(
    "/webhook-endpoints/{endpoint_id}", response={204: None, **ERRORS}, summary="Delete a webhook endpoint"
)
def delete_endpoint(request: HttpRequest, endpoint_id: int) -> Status[None]:
    endpoint_delete(endpoint_id=endpoint_id)
    return Status(204, None)


DISABLED_BY_API = "Disabled through the store API."


class DisableIn(Schema):
    reason: str = Field(DISABLED_BY_API, max_length=300)


@router.post(
    "/webhook-endpoints/{endpoint_id}/disable",
    response={200: EndpointOut, **ERRORS},
    summary="Disable a webhook endpoint",
    description="Nothing is sent to it until it is enabled again; its events still queue.",
)
def post_disable(request: HttpRequest, endpoint_id: int, payload: DisableIn | None = None) -> EndpointOut:
    endpoint_get(endpoint_id=endpoint_id)
    reason = payload.reason if payload else DISABLED_BY_API
    endpoint_disable(endpoint_id=endpoint_id, reason=reason, now=timezone.now())
    return _endpoint_out(endpoint_get(endpoint_id=endpoint_id))


@router.post(
    "/webhook-endpoints/{endpoint_id}/enable",
    response={200: EndpointOut, **ERRORS},
    summary="Enable a webhook endpoint",
    description="Also after shopdesk disabled it for repeated failures; replay what it missed.",
)
def post_enable(request: HttpRequest, endpoint_id: int) -> EndpointOut:
    endpoint_enable(endpoint_id=endpoint_id)
    return _endpoint_out(endpoint_get(endpoint_id=endpoint_id))


@router.post(
    "/webhook-endpoints/{endpoint_id}/rotate-secret",
    response={200: EndpointSecretOut, **ERRORS},
    summary="Rotate an endpoint's signing secret",
    description="The new secret signs from now on; the old one signs beside it (two signatures in "
    "`webhook-signature`) for `overlap_hours` (default 24).",
)
def post_rotate(request: HttpRequest, endpoint_id: int, payload: RotateIn | None = None) -> EndpointSecretOut:
    rotated = endpoint_secret_rotate(
        endpoint_id=endpoint_id, overlap=payload.overlap_hours if payload else None
    )
    return EndpointSecretOut(id=rotated.endpoint.pk, secret=rotated.secret)


@router.get(
    "/webhook-endpoints/{endpoint_id}/deliveries",
    response={200: list[DeliveryOut], **ERRORS},
    summary="An endpoint's delivery log",
    description="The latest 100 deliveries, newest first, each with its attempts (status, response time, "
    "the first 1,000 characters of the answer).",
)
def get_deliveries(request: HttpRequest, endpoint_id: int) -> list[DeliveryOut]:
    endpoint_get(endpoint_id=endpoint_id)
    return [
        DeliveryOut(
            id=d.pk,
            event_id=d.event.public_id,
            event_type=d.event.type,
            status=d.status,
            attempts=d.attempts,
            next_attempt_at=d.next_attempt_at,
            delivered_at=d.delivered_at,
            last_status_code=d.last_status_code,
            last_error=d.last_error,
            log=[
                AttemptOut(
                    at=a.at,
                    status_code=a.status_code,
                    response_ms=a.response_ms,
                    response_body=a.response_body,
                    error=a.error,
                )
                for a in d.log.all()
            ],
        )
        for d in deliveries_of_endpoint(endpoint_id=endpoint_id)
    ]


@router.post(
    "/webhook-endpoints/{endpoint_id}/replay",
    response={202: ReplayOut, **ERRORS},
    summary="Send events again",
    description="`{event_id}` (the `webhook-id`) or `{since, until}`: the events of that range the endpoint "
    "subscribes to are queued again, with their original `webhook-id`.",
)
def post_replay(request: HttpRequest, endpoint_id: int, payload: ReplayIn) -> Status[ReplayOut]:
    queued = deliveries_replay(
        endpoint_id=endpoint_id, event_id=payload.event_id, since=payload.since, until=payload.until
    )
    return Status(202, ReplayOut(queued=queued))


@router.post(
    "/refunds/{refund_id}/events",
    response={200: RefundEventOut, **ERRORS},
    summary="Record a refund event from the payment provider",
    description="`processing`, `succeeded` or `failed` (with a reason) moves the refund through its state "
    "table. Idempotent by `event_id`; an out-of-order event is recorded as `ignored` and changes nothing.",
)
def post_refund_event(request: HttpRequest, refund_id: int, payload: RefundEventIn) -> RefundEventOut:
    result = refund_event_apply(
        refund_id=refund_id,
        event_id=payload.event_id,
        kind=payload.kind,
        reason=payload.reason,
        actor=integration_actor(request),
    )
    return RefundEventOut(
        refund_id=result.refund.pk,
        status=result.refund.status,
        outcome=result.outcome,
        replayed=result.replayed,
    )
