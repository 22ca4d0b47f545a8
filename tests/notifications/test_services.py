"""Queueing emails in the caller's transaction, deduplication, recorded history and the email list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from shopdesk.notifications.enums import OutboxStatus
from shopdesk.notifications.models import OutboxMessage
from shopdesk.notifications.selectors import emails_for_order
from shopdesk.notifications.services import email_enqueue, email_record_sent
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf

pytestmark = pytest.mark.django_db


def test_enqueue_renders_and_queues():
    order = paid_order_of_shirt_and_scarf()
    message = email_enqueue(to=" Ada@Example.COM ", template="confirmation", context={}, order=order)
    assert message.status == OutboxStatus.QUEUED and message.to == "ada@example.com"
    assert message.next_attempt_at <= timezone.now() and order.number in message.subject
    assert message.body_text and message.body_html


def test_a_dedupe_key_mails_once():
    order = paid_order_of_shirt_and_scarf()
    first = email_enqueue(to=order.email, template="confirmation", context={}, order=order, dedupe_key="k")
    second = email_enqueue(to=order.email, template="confirmation", context={}, order=order, dedupe_key="k")
    assert first.pk == second.pk and OutboxMessage.objects.count() == 1


def test_a_rolled_back_change_leaves_no_email():
    order = paid_order_of_shirt_and_scarf()
    with pytest.raises(RuntimeError), transaction.atomic():
        email_enqueue(to=order.email, template="confirmation", context={}, order=order)
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()


def test_recorded_emails_are_history_only_and_recorded_once():
    order = paid_order_of_shirt_and_scarf()
    at = timezone.now() - dt.timedelta(days=1)
    first = email_record_sent(order=order, template="confirmation", to=order.email, at=at)
    again = email_record_sent(order=order, template="confirmation", to=order.email, at=at)
    assert first.pk == again.pk and first.status == OutboxStatus.SENT and first.sent_at == at


def test_emails_for_order_lists_what_was_sent_in_one_query(django_assert_num_queries):
    order = paid_order_of_shirt_and_scarf()
    at = timezone.now() - dt.timedelta(days=1)
    email_record_sent(order=order, template="confirmation", to=order.email, at=at)
    email_enqueue(to=order.email, template="shipped", context={}, order=order)
    dead = email_enqueue(to=order.email, template="delivered", context={}, order=order)
    OutboxMessage.objects.filter(pk=dead.pk).update(status=OutboxStatus.DEAD)
    with django_assert_num_queries(1):
        emails = emails_for_order(order)
    assert [(e.template, e.status) for e in emails] == [
        ("confirmation", "sent"),
        ("shipped", "queued"),
        ("delivered", "failed"),
    ]
    assert emails[0].as_dict()["sent_at"] == at.isoformat()
