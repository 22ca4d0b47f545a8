"""Real `shopdesk worker` processes against a slow webhook receiver on loopback: `kill -9` of a worker
between the commit and the send loses no event, and any copy carries the same webhook-id (and verifies).

The workers are real processes on the test database, so the test commits its rows (transaction=True).
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from pathlib import Path

import pytest

from shopdesk.core.actors import Actor
from shopdesk.orders import events as order_events
from shopdesk.webhooks.enums import DeliveryStatus
from shopdesk.webhooks.models import WebhookDelivery, WebhookEvent
from shopdesk.webhooks.services.endpoints import endpoint_create
from tests.notifications import test_worker_processes as email_workers
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf
from tests.webhooks.conftest import Receiver

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("outbox-processes")]


def _start_workers(count: int, data_dir: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    # The email worker test's launcher, with webhook settings in the environment the children inherit.
    monkeypatch.setenv("SHOPDESK_WEBHOOKS_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("SHOPDESK_WEBHOOKS_TIMEOUT_SECONDS", "1")
    return email_workers._start_workers(count, email_workers._free_port(), data_dir)


def _all_delivered() -> bool:
    return not WebhookDelivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists()


def test_kill_9_between_commit_and_send_loses_no_event_and_copies_share_a_webhook_id(
    receiver: Receiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPDESK_WEBHOOKS_ALLOW_PRIVATE", "1")
    receiver.delay = 0.15  # a busy receiver: a worker spends its time mid-send
    created = endpoint_create(url=receiver.url, events=["*"])
    receiver.secrets.append(created.secret)
    order = paid_order_of_shirt_and_scarf()
    for n in range(20):
        order_events.order_email_changed(
            order=order,
            actor=Actor.agent("sam"),
            old_email=f"a{n}@example.com",
            new_email=f"b{n}@example.com",
        )
    events = {e.public_id for e in WebhookEvent.objects.all()}
    assert len(events) == 20

    victim, *survivors = _start_workers(3, tmp_path, monkeypatch)
    try:
        email_workers._wait_until(
            lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count() >= 3
        )
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(10)
        email_workers._wait_until(_all_delivered)  # the survivors take its delivery once the lease ends
    finally:
        email_workers._stop([victim, *survivors])
    copies = Counter(r.webhook_id for r in receiver.received)
    print(
        f"kill -9: {len(events)} events, {len(receiver.received)} delivered, "
        f"duplicates {sum(n - 1 for n in copies.values())}"
    )
    assert set(copies) == events  # 0 lost
    assert sum(n - 1 for n in copies.values()) <= 1  # at most the one in flight
    assert all(r.verified and r.payload["id"] == r.webhook_id for r in receiver.received)
