"""Webhooks out, end to end: a change writes its event in its own transaction, the worker signs and sends
it, a loopback receiver verifies it with `standardwebhooks`; retries, the log, disabling, rotation, replay."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from shopdesk.access.services import session_open_by_lookup
from shopdesk.core.actors import Actor
from shopdesk.notifications.delivery import outbox_deliver
from shopdesk.orders import events as order_events
from shopdesk.orders.models import Order
from shopdesk.webhooks.delivery import MAX_ATTEMPTS, RETRY_SCHEDULE, retry_delay, webhooks_deliver
from shopdesk.webhooks.enums import DeliveryStatus
from shopdesk.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from shopdesk.webhooks.services.endpoints import EndpointWithSecret, endpoint_secret_rotate
from shopdesk.webhooks.services.events import deliveries_replay
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.django_db


def _cancel_through_the_customer_api(client, order: Order):  # type: ignore[no-untyped-def]
    issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1")
    return client.post(
        f"/api/v1/customer/orders/{order.number}/cancel",
        {"reason": "Changed my mind"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issued.token}",
    )


def _address_change(order: Order) -> None:
    order_events.order_shipping_address_changed(
        order=order, actor=Actor.customer(order.email), before={"city": "Boston"}, after={"city": "New York"}
    )


def test_a_cancel_through_the_customer_api_gives_exactly_one_verified_order_cancelled(
    client, receiver: Receiver, endpoint_for_cancellations: EndpointWithSecret
) -> None:
    order = paid_order_of_shirt_and_scarf(external_id="shop-5012")
    response = _cancel_through_the_customer_api(client, order)
    assert response.status_code == 200, response.content
    assert receiver.received == []  # nothing is sent in the customer's request

    report = outbox_deliver(batch=10)
    assert outbox_deliver(batch=10).handled == 0  # nothing left: one delivery, not one per retry

    assert report.sent >= 1
    cancelled = [r for r in receiver.received if r.payload["type"] == "order.cancelled"]
    assert len(cancelled) == 1 and len(receiver.received) == 1  # the endpoint only wants cancellations
    delivery = cancelled[0]
    assert delivery.verified
    assert delivery.webhook_id == WebhookEvent.objects.get().public_id
    data = delivery.payload["data"]
    assert data["order"] == {
        "number": order.number,
        "external_id": "shop-5012",
        "customer_external_id": order.customer.external_id,
    }
    assert data["actor"] == {"kind": "customer", "label": order.email}
    assert data["after"] is not None
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_a_slow_receiver_never_blocks_the_customer_request(
    client, receiver: Receiver, endpoint_for_cancellations: EndpointWithSecret
) -> None:
    """The cancel answers before any request reaches the receiver: sending is the worker's job only."""
    receiver.delay = 30  # a receiver that would hold a request for half a minute
    response = _cancel_through_the_customer_api(client, paid_order_of_shirt_and_scarf())
    assert response.status_code == 200
    assert receiver.requests_started == 0
    assert WebhookDelivery.objects.get().status == DeliveryStatus.QUEUED


def test_an_event_is_written_with_the_change_and_rolled_back_with_it(
    endpoint_for_everything: EndpointWithSecret,
) -> None:
    order = paid_order_of_shirt_and_scarf()
    with pytest.raises(RuntimeError), transaction.atomic():
        _address_change(order)
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("the change fails after its event row")
    assert WebhookEvent.objects.count() == 0 and WebhookDelivery.objects.count() == 0


def test_an_endpoint_gets_only_the_types_it_asked_for(
    receiver: Receiver, endpoint_for_cancellations: EndpointWithSecret
) -> None:
    _address_change(paid_order_of_shirt_and_scarf())
    assert WebhookEvent.objects.count() == 0  # nobody wants it: nothing written
    assert webhooks_deliver(batch=10).delivered == 0


def test_a_disabled_endpoint_gets_nothing_new(endpoint_for_everything: EndpointWithSecret) -> None:
    WebhookEndpoint.objects.update(enabled=False)
    _address_change(paid_order_of_shirt_and_scarf())
    assert WebhookDelivery.objects.count() == 0


def test_the_retry_schedule_spans_about_three_days_with_jitter() -> None:
    total = sum(RETRY_SCHEDULE, dt.timedelta())
    assert dt.timedelta(days=2.5) < total < dt.timedelta(days=3.5)
    rng = random.Random(7)
    delays = [retry_delay(1, rng=rng) for _ in range(50)]
    assert len(set(delays)) > 40  # jittered, not one fixed value
    assert all(dt.timedelta(seconds=4.5) <= d <= dt.timedelta(seconds=5.5) for d in delays)


def test_a_failing_receiver_is_retried_on_schedule_then_the_endpoint_is_disabled(
    receiver: Receiver, endpoint_for_everything: EndpointWithSecret
) -> None:
    receiver.statuses = [500] * MAX_ATTEMPTS
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        _address_change(paid_order_of_shirt_and_scarf())
        for attempt in range(1, MAX_ATTEMPTS + 1):
            report = webhooks_deliver(batch=10)
            assert report.delivered == 0
            delivery = WebhookDelivery.objects.get()
            assert delivery.attempts == attempt
            if attempt < MAX_ATTEMPTS:
                assert delivery.status == DeliveryStatus.QUEUED
                wait = delivery.next_attempt_at - timezone.now()
                expected = RETRY_SCHEDULE[attempt - 1]
                assert expected * 0.9 <= wait <= expected * 1.1
                # Not due a moment before its time.
                traveller.shift(wait - dt.timedelta(seconds=1))
                assert webhooks_deliver(batch=10).retried == 0
                traveller.shift(dt.timedelta(seconds=2))
        elapsed = timezone.now() - start
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DEAD
    assert dt.timedelta(days=2.5) < elapsed < dt.timedelta(days=3.5)
    endpoint = WebhookEndpoint.objects.get()
    assert not endpoint.enabled and "Disabled after" in endpoint.disabled_reason
    assert len(receiver.received) == MAX_ATTEMPTS
    assert {r.webhook_id for r in receiver.received} == {delivery.event.public_id}  # the same id every time
    log = list(WebhookAttempt.objects.filter(delivery=delivery))
    assert len(log) == MAX_ATTEMPTS
    assert all(a.status_code == 500 and a.response_body == "receiver says no" for a in log)


def test_a_receiver_that_recovers_gets_the_event_and_the_log_shows_both_attempts(
    receiver: Receiver, endpoint_for_everything: EndpointWithSecret
) -> None:
    receiver.statuses = [503]
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _address_change(paid_order_of_shirt_and_scarf())
        assert webhooks_deliver(batch=10).retried == 1
        traveller.shift(dt.timedelta(seconds=6))
        assert webhooks_deliver(batch=10).delivered == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.delivered_at is not None
    assert [a.status_code for a in delivery.log.all()] == [503, 200]
    assert WebhookEndpoint.objects.get().enabled


def test_an_unreachable_receiver_is_a_failed_attempt_not_a_crash(
    allow_private: None, db: None, settings
) -> None:
    from shopdesk.webhooks.services.endpoints import endpoint_create

    settings.SHOPDESK_WEBHOOKS_TIMEOUT_SECONDS = 1
    endpoint_create(url="http://127.0.0.1:9/nobody-listens", events=["*"])
    _address_change(paid_order_of_shirt_and_scarf())
    assert webhooks_deliver(batch=10).retried == 1
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and attempt.error


def test_during_a_rotation_both_secrets_sign_and_each_verifies(
    receiver: Receiver, endpoint_for_everything: EndpointWithSecret
) -> None:
    old_secret = endpoint_for_everything.secret
    rotated = endpoint_secret_rotate(endpoint_id=endpoint_for_everything.endpoint.pk, overlap=24)
    assert rotated.secret != old_secret and rotated.secret.startswith("whsec_")
    _address_change(paid_order_of_shirt_and_scarf())
    webhooks_deliver(batch=10)
    (received,) = receiver.received
    assert len(received.headers["webhook-signature"].split(" ")) == 2
    receiver.secrets = [old_secret]
    assert receiver.verify(received.headers, received.body)
    receiver.secrets = [rotated.secret]
    assert receiver.verify(received.headers, received.body)

    # After the overlap only the new secret signs.
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25), tick=False):
        deliveries_replay(endpoint_id=endpoint_for_everything.endpoint.pk, event_id=received.webhook_id)
        webhooks_deliver(batch=10)
    later = receiver.received[-1]
    assert len(later.headers["webhook-signature"].split(" ")) == 1
    receiver.secrets = [old_secret]
    assert not receiver.verify(later.headers, later.body)


def test_replay_of_one_event_and_of_a_range_resends_with_the_same_webhook_id(
    receiver: Receiver, endpoint_for_everything: EndpointWithSecret
) -> None:
    order = paid_order_of_shirt_and_scarf()
    _address_change(order)
    _address_change(order)
    webhooks_deliver(batch=10)
    first_ids = [r.webhook_id for r in receiver.received]
    assert len(first_ids) == 2

    endpoint_id = endpoint_for_everything.endpoint.pk
    assert deliveries_replay(endpoint_id=endpoint_id, event_id=first_ids[0]) == 1
    webhooks_deliver(batch=10)
    assert receiver.received[-1].webhook_id == first_ids[0] and len(receiver.received) == 3

    now = timezone.now()
    queued = deliveries_replay(
        endpoint_id=endpoint_id, since=now - dt.timedelta(hours=1), until=now + dt.timedelta(hours=1)
    )
    assert queued == 2
    webhooks_deliver(batch=10)
    assert sorted(r.webhook_id for r in receiver.received[3:]) == sorted(first_ids)
    assert all(r.verified for r in receiver.received)


def test_an_endpoint_deleted_mid_send_does_not_stop_the_worker(
    receiver: Receiver, endpoint_for_everything: EndpointWithSecret, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shopdesk.webhooks import delivery as webhook_delivery
    from shopdesk.webhooks.services.endpoints import endpoint_delete

    _address_change(paid_order_of_shirt_and_scarf())
    real_post = webhook_delivery._post

    def post_then_delete(*args, **kwargs):  # type: ignore[no-untyped-def]
        answer = real_post(*args, **kwargs)
        endpoint_delete(endpoint_id=endpoint_for_everything.endpoint.pk)
        return answer

    monkeypatch.setattr(webhook_delivery, "_post", post_then_delete)
    report = webhooks_deliver(batch=10)
    assert report.delivered == 0 and len(receiver.received) == 1
    assert WebhookDelivery.objects.count() == 0 and WebhookAttempt.objects.count() == 0


def test_a_receiver_slower_than_the_timeout_is_a_failed_attempt(
    receiver: Receiver, endpoint_for_everything: EndpointWithSecret, settings
) -> None:
    settings.SHOPDESK_WEBHOOKS_TIMEOUT_SECONDS = 1
    receiver.delay = 3
    _address_change(paid_order_of_shirt_and_scarf())
    assert webhooks_deliver(batch=10).retried == 1
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and "timed out" in attempt.error
    assert WebhookDelivery.objects.get().status == DeliveryStatus.QUEUED
