"""The outbox worker against a real SMTP server on loopback: delivery, retries with backoff, giving up."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from shopdesk.notifications.delivery import (
    BACKOFF_BASE_SECONDS,
    MAX_ATTEMPTS,
    WIPED_BODY,
    outbox_claim,
    outbox_deliver,
    retry_delay,
)
from shopdesk.notifications.enums import OutboxStatus
from shopdesk.notifications.models import OutboxMessage
from shopdesk.notifications.services import email_enqueue
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf

pytestmark = pytest.mark.django_db


def _queue(template: str = "confirmation", **context: object) -> OutboxMessage:
    order = paid_order_of_shirt_and_scarf()
    return email_enqueue(to=order.email, template=template, context=dict(context), order=order)


def test_the_worker_delivers_text_and_html_over_smtp(smtp_server):
    message = _queue()
    report = outbox_deliver(batch=10)
    assert report.sent == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.sent_at and message.attempts == 1
    [received] = smtp_server.received
    assert received["To"] == message.to and received["Subject"] == message.subject
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in received.walk()
        if not part.is_multipart()
    }
    assert "Thank you for your order" in parts["text/plain"] and "<h1" in parts["text/html"]


def test_a_failed_attempt_is_retried_later_with_backoff(smtp_server):
    smtp_server.fail_next = 1
    message = _queue()
    now = timezone.now()
    report = outbox_deliver(batch=10, now=now, rng=random.Random(1))
    assert report.retried == 1 and not smtp_server.received
    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED and message.attempts == 1
    delay = (message.next_attempt_at - now).total_seconds()
    assert BACKOFF_BASE_SECONDS / 2 <= delay <= BACKOFF_BASE_SECONDS
    assert "451" in message.last_error

    assert outbox_deliver(batch=10, now=now).handled == 0  # not due yet
    report = outbox_deliver(batch=10, now=message.next_attempt_at + dt.timedelta(seconds=1))
    assert report.sent == 1 and len(smtp_server.received) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 2


def test_the_worker_gives_up_after_the_last_attempt(smtp_server):
    smtp_server.fail_next = MAX_ATTEMPTS
    message = _queue()
    moment = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        outbox_deliver(batch=10, now=moment)
        message.refresh_from_db()
        moment = message.next_attempt_at + dt.timedelta(seconds=1)
    assert message.status == OutboxStatus.DEAD and message.attempts == MAX_ATTEMPTS
    assert outbox_deliver(batch=10, now=moment + dt.timedelta(days=1)).handled == 0


def test_backoff_grows_exponentially_with_jitter_and_a_ceiling():
    rng = random.Random(7)
    ceilings = [BACKOFF_BASE_SECONDS * 2 ** (n - 1) for n in range(1, 6)]
    for attempts, ceiling in enumerate(ceilings, start=1):
        seconds = retry_delay(attempts, rng=rng).total_seconds()
        assert ceiling / 2 <= seconds <= ceiling
    assert retry_delay(50, rng=rng) <= dt.timedelta(hours=6)


def test_links_with_tokens_are_wiped_after_sending(smtp_server):
    link = "https://care.example/orders/email-change/SECRET-TOKEN-VALUE/"
    message = _queue("email_change_confirm", link=link, new_email="new@example.com", expires_hours=24)
    outbox_deliver(batch=10)
    message.refresh_from_db()
    assert message.body_text == WIPED_BODY and message.body_html == ""
    assert "SECRET-TOKEN-VALUE" in smtp_server.received[0].as_string()


def test_a_claimed_message_is_not_claimed_again_until_its_claim_expires():
    _queue()
    now = timezone.now()
    assert len(outbox_claim(batch=10, now=now)) == 1
    assert outbox_claim(batch=10, now=now) == []  # another worker gets nothing
    assert len(outbox_claim(batch=10, now=now + dt.timedelta(minutes=5))) == 1  # the first worker died


def test_the_worker_command_runs_one_batch(smtp_server, capsys):
    _queue()
    _queue()
    call_command("worker", "--once", "--batch", "1")
    assert "sent 1" in capsys.readouterr().out
    call_command("worker", "--once")
    assert len(smtp_server.received) == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_claim_the_same_message():
    import threading

    from django.db import connection

    for _ in range(12):
        _queue()
    claimed: dict[str, list[int]] = {}
    start = threading.Barrier(2)

    def worker(name: str) -> None:
        try:
            start.wait()
            claimed[name] = [m.pk for m in outbox_claim(batch=8)]
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not set(claimed["a"]) & set(claimed["b"])
    assert len(claimed["a"]) + len(claimed["b"]) == 12
