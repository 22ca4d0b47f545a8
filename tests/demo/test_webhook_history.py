"""A store that already has a webhook endpoint and loads the demo: the demo's returns, points, refunds and
tickets are recorded as history (handled, never posted), and a reset deletes them."""

from __future__ import annotations

import pytest

from shopdesk.webhooks.delivery import webhooks_deliver
from shopdesk.webhooks.enums import DeliveryStatus
from shopdesk.webhooks.models import WebhookDelivery, WebhookEvent
from shopdesk.webhooks.services.endpoints import endpoint_create
from tests.demo.conftest import ANCHOR_ISO, run_demo


@pytest.fixture
def endpoint_for_everything(db: None, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("SHOPDESK_WEBHOOKS_ALLOW_PRIVATE", "1")
    # Port 9 (discard) on loopback: a send would be a failed attempt in the log, which the test rules out.
    return endpoint_create(url="http://127.0.0.1:9/hooks", events=["*"]).endpoint.pk


def test_the_demo_s_events_are_history_and_a_reset_removes_them(endpoint_for_everything: int) -> None:
    run_demo("--orders", "60", "--seed", "7", "--now", ANCHOR_ISO, "--quiet")
    events = WebhookEvent.objects.all()
    types = set(events.values_list("type", flat=True))
    assert {"return.created", "ticket.created", "points.earned"} <= types
    assert set(events.values_list("history", flat=True)) == {True}
    deliveries = WebhookDelivery.objects.filter(endpoint_id=endpoint_for_everything)
    assert deliveries.count() == events.count()
    assert set(deliveries.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    report = webhooks_deliver(batch=500)
    assert (report.delivered, report.retried, report.dead) == (0, 0, 0)
    assert not deliveries.filter(log__isnull=False).exists()
    first_load = set(events.values_list("pk", flat=True))

    run_demo("--reset", "--orders", "5", "--seed", "1", "--now", ANCHOR_ISO, "--quiet")
    assert not WebhookEvent.objects.filter(pk__in=first_load).exists()
    # Whatever the smaller demo made is history too: still nothing queued for the endpoint.
    assert not WebhookDelivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists()


def test_reloading_the_demo_desk_replaces_its_ticket_history(endpoint_for_everything: int) -> None:
    from shopdesk.demo.desk import load_demo_desk

    run_demo("--orders", "60", "--seed", "7", "--now", ANCHOR_ISO, "--quiet")
    tickets = WebhookEvent.objects.filter(type__startswith="ticket.")
    first = set(tickets.values_list("pk", flat=True))
    assert first
    load_demo_desk()
    second = set(tickets.values_list("pk", flat=True))
    assert second and not first & second
    assert len(second) == len(first)
