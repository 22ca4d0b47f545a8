"""Turn order event rows into webhook events and deliveries (in the change's transaction), and replays."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from shopdesk.core.errors import InvalidInput, NotFound
from shopdesk.webhooks.catalogue import EVENT_TYPES, event_type_for
from shopdesk.webhooks.enums import DeliveryStatus
from shopdesk.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from shopdesk.webhooks.services.endpoints import endpoint_get

if TYPE_CHECKING:
    from shopdesk.orders.models import OrderEvent

REPLAY_MAX_EVENTS = 1000


def _public_id() -> str:
    return "evt_" + secrets.token_urlsafe(18)


def _payload(event: OrderEvent, *, public_id: str, type_name: str, at: dt.datetime) -> dict[str, Any]:
    order = event.order
    customer = order.customer
    return {
        "id": public_id,
        "type": type_name,
        "version": EVENT_TYPES[type_name].version,
        "timestamp": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": {
            "order": {
                "number": order.number,
                "external_id": order.external_id,
                "customer_external_id": customer.external_id if customer is not None else None,
            },
            "actor": {"kind": event.actor_kind, "label": event.actor_label},
            "message": event.message,
            "before": event.before,
            "after": event.after,
        },
    }


def webhook_events_publish(event: OrderEvent) -> WebhookEvent | None:
    """The order-event listener: a row of a kind we send becomes one event and a delivery per endpoint.

    It runs inside the transaction that wrote the row, so the change and its deliveries commit together
    (or not at all). Nothing is written when no enabled endpoint wants the type: one query.
    """
    type_name = event_type_for(kind=event.kind, after=event.after)
    if type_name is None:
        return None
    endpoints = [e for e in WebhookEndpoint.objects.filter(enabled=True) if e.wants(type_name)]
    if not endpoints:
        return None
    now = timezone.now()
    public_id = _public_id()
    webhook_event = WebhookEvent.objects.create(
        public_id=public_id,
        type=type_name,
        version=EVENT_TYPES[type_name].version,
        order_id=event.order_id,
        payload=_payload(event, public_id=public_id, type_name=type_name, at=event.created_at or now),
        created_at=now,
    )
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(event=webhook_event, endpoint=endpoint, next_attempt_at=now, created_at=now)
            for endpoint in endpoints
        ]
    )
    return webhook_event


def deliveries_replay(
    *,
    endpoint_id: int,
    event_id: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> int:
    """Queue again one event (by its webhook-id) or every event of a time range the endpoint wants.

    A replay carries the same webhook-id as the first delivery, so a receiver that already handled
    it can tell. Returns how many deliveries were queued.
    """
    endpoint = endpoint_get(endpoint_id=endpoint_id)
    if event_id is not None and (since is not None or until is not None):
        raise InvalidInput("Replay one event_id, or a since/until range, not both.", code="replay_invalid")
    if event_id is not None:
        events = list(WebhookEvent.objects.filter(public_id=event_id))
        if not events:
            raise NotFound("No webhook event has this id.", code="webhook_event_not_found")
    elif since is not None and until is not None:
        if since >= until:
            raise InvalidInput("`since` must be before `until`.", code="replay_invalid")
        events = list(
            WebhookEvent.objects.filter(created_at__gte=since, created_at__lt=until).order_by(
                "created_at", "id"
            )[: REPLAY_MAX_EVENTS + 1]
        )
        if len(events) > REPLAY_MAX_EVENTS:
            raise InvalidInput(
                f"At most {REPLAY_MAX_EVENTS} events per replay: narrow the range.", code="replay_too_large"
            )
    else:
        raise InvalidInput("Send an event_id, or both since and until.", code="replay_invalid")
    wanted = [e for e in events if endpoint.wants(e.type)]
    now = timezone.now()
    with transaction.atomic():
        for event in wanted:
            delivery, created = WebhookDelivery.objects.get_or_create(
                event=event,
                endpoint=endpoint,
                defaults={"next_attempt_at": now, "created_at": now},
            )
            if not created:
                # A delivery being sent right now finishes first; it is not queued twice.
                WebhookDelivery.objects.filter(pk=delivery.pk).exclude(status=DeliveryStatus.SENDING).update(
                    status=DeliveryStatus.QUEUED,
                    attempts=0,
                    next_attempt_at=now,
                    first_attempt_at=None,
                    claimed_until=None,
                    last_error="",
                )
    return len(wanted)
