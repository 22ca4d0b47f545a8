"""Webhook events and their deliveries, written in the change's transaction: from order event rows (the
listener) and from the apps above this layer (`webhook_event_emit`); and replays."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from django.db import transaction
from django.utils import timezone

from shopdesk.core.errors import InvalidInput, NotFound
from shopdesk.webhooks.catalogue import EVENT_TYPES, event_type_for
from shopdesk.webhooks.enums import DeliveryStatus
from shopdesk.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from shopdesk.webhooks.services.endpoints import endpoint_get

if TYPE_CHECKING:
    from shopdesk.core.actors import Actor
    from shopdesk.orders.models import Order, OrderEvent

REPLAY_MAX_EVENTS = 1000
HISTORY_NOTE = "Recorded as history (the demo store): not sent."
_as_history: ContextVar[bool] = ContextVar("webhook_events_as_history", default=False)


def _public_id() -> str:
    return "evt_" + secrets.token_urlsafe(18)


def _order_block(order: Order | None) -> dict[str, Any] | None:
    if order is None:
        return None
    customer = order.customer
    return {
        "number": order.number,
        "external_id": order.external_id,
        "customer_external_id": customer.external_id if customer is not None else None,
    }


def _endpoints_wanting(type_name: str) -> list[WebhookEndpoint]:
    return [e for e in WebhookEndpoint.objects.filter(enabled=True) if e.wants(type_name)]


def _event_write(
    *,
    type_name: str,
    order: Order | None,
    actor_kind: str,
    actor_label: str,
    message: str,
    before: Any,
    after: Any,
    subject: Mapping[str, Any],
    at: dt.datetime,
    endpoints: list[WebhookEndpoint],
) -> WebhookEvent:
    now = timezone.now()
    public_id = _public_id()
    data: dict[str, Any] = {
        "order": _order_block(order),
        "actor": {"kind": actor_kind, "label": actor_label},
        "message": message,
        "before": before,
        "after": after,
    }
    data.update(subject)
    history = _as_history.get()
    webhook_event = WebhookEvent.objects.create(
        public_id=public_id,
        type=type_name,
        version=EVENT_TYPES[type_name].version,
        order=order,
        payload={
            "id": public_id,
            "type": type_name,
            "version": EVENT_TYPES[type_name].version,
            "timestamp": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "data": data,
        },
        history=history,
        created_at=now,
    )
    # History (the demo store's past) is recorded as already handled: the worker never posts it, and a
    # replay is still the way to send it on purpose.
    status = DeliveryStatus.DELIVERED if history else DeliveryStatus.QUEUED
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                event=webhook_event,
                endpoint=endpoint,
                status=status,
                next_attempt_at=now,
                delivered_at=now if history else None,
                last_error=HISTORY_NOTE if history else "",
                created_at=now,
            )
            for endpoint in endpoints
        ]
    )
    return webhook_event


T = TypeVar("T")
Lazy: TypeAlias = T | Callable[[], T]  # a value, or a function that builds it only when it is needed


def _resolved(value: Lazy[T]) -> T:
    return value() if callable(value) else value


def webhook_event_emit(
    *,
    type_name: str,
    order: Lazy[Order | None],
    actor: Actor,
    before: Lazy[Any] = None,
    after: Lazy[Any] = None,
    message: str = "",
    subject: Lazy[Mapping[str, Any] | None] = None,
    at: dt.datetime | None = None,
) -> WebhookEvent | None:
    """The outbox call of the apps above this layer (returns, loyalty, payments, the desk…): one event
    of a catalogue type and a delivery per endpoint that wants it, in the caller's transaction.

    `subject` adds the family's own blocks to `data` (`return`, `entry` and `customer`, `ticket`,
    `payment`). `order`, `before`, `after` and `subject` may be given as functions that build them: they
    are called only when some endpoint wants the type, so a store without endpoints pays one query per
    change and nothing else. A type missing from the catalogue is a programming error, raised before
    anything is written.
    """
    if type_name not in EVENT_TYPES:
        raise ValueError(f"{type_name!r} is not in the webhook event catalogue")
    endpoints = _endpoints_wanting(type_name)
    if not endpoints:
        return None
    return _event_write(
        type_name=type_name,
        order=_resolved(order),
        actor_kind=actor.kind,
        actor_label=actor.label[:254],
        message=message[:500],
        before=_resolved(before),
        after=_resolved(after),
        subject=(subject() if callable(subject) else subject) or {},
        at=at or timezone.now(),
        endpoints=endpoints,
    )


def webhook_events_publish(event: OrderEvent) -> WebhookEvent | None:
    """The order-event listener: a row of a kind we send becomes one event and a delivery per endpoint.

    It runs inside the transaction that wrote the row, so the change and its deliveries commit together
    (or not at all). Nothing is written when no enabled endpoint wants the type: one query.
    """
    type_name = event_type_for(kind=event.kind, before=event.before, after=event.after)
    if type_name is None:
        return None
    endpoints = _endpoints_wanting(type_name)
    if not endpoints:
        return None
    return _event_write(
        type_name=type_name,
        order=event.order,
        actor_kind=event.actor_kind,
        actor_label=event.actor_label,
        message=event.message,
        before=event.before,
        after=event.after,
        subject={},
        at=event.created_at or timezone.now(),
        endpoints=endpoints,
    )


@contextmanager
def webhook_events_as_history() -> Iterator[None]:
    """Inside it, events are recorded as history (the demo store's past): written, never posted."""
    token = _as_history.set(True)
    try:
        yield
    finally:
        _as_history.reset(token)


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
