"""Is a demo store loaded, are there orders it did not make, and deleting exactly what it made."""

from __future__ import annotations

from django.db import transaction

from shopdesk.demo.models import DemoOrder, DemoStore
from shopdesk.demo.rows import TABLES
from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.models import Order
from shopdesk.payments.models import Refund, StoreCreditEntry
from shopdesk.returns.models import ReturnRequest
from shopdesk.webhooks.models import InboundEvent


def demo_store_current() -> DemoStore | None:
    return DemoStore.objects.order_by("-started_at", "-id").first()


def foreign_order_count() -> int:
    """Orders the demo loader did not make (the store's real orders, or another import)."""
    return Order.objects.filter(demo__isnull=True).count()


def demo_store_delete() -> int:
    """Delete every row the demo loaded, newest tables first; returns how many demo orders went.

    Each load records the primary-key range it used per table, so a reset never touches a row the
    store made itself. Orders are deleted through Django's collector, so rows other apps attach to an
    order (tickets, returns, outbox messages) follow their own on_delete rules.
    """
    removed = DemoOrder.objects.count()
    with transaction.atomic():
        # The desk's tickets first, while their orders still say they are the demo's.
        from shopdesk.demo.desk import demo_desk_delete

        demo_desk_delete()
        # Refunds made after the load (a cancel tried out on a demo order) are outside the recorded
        # ranges, and a refund protects its payment: remove them first, or the payments can't go.
        # Returns hold their order lines, and store credit its refund: they go before both.
        ReturnRequest.objects.filter(order__demo__isnull=False).delete()
        # Emails the services sent about demo orders after the load (its returns) are demo rows too.
        OutboxMessage.objects.filter(order__demo__isnull=False).delete()
        StoreCreditEntry.objects.filter(order__demo__isnull=False).delete()
        # The demo provider's answers to those refunds, kept by event id.
        demo_refunds = Refund.objects.filter(order__demo__isnull=False).values_list("pk", flat=True)
        InboundEvent.objects.filter(source="refund", object_id__in=list(demo_refunds)).delete()
        Refund.objects.filter(order__demo__isnull=False).delete()
        for store in DemoStore.objects.all():
            ranges: dict[str, list[int]] = store.created.get("keys", {})
            # An interrupted load never recorded where it stopped: everything from its first keys is its.
            starts: dict[str, int] = store.created.get("keys_from", {})
            for model in reversed(TABLES):
                label = model._meta.label_lower
                rows = model._default_manager.all()
                if label in ranges:
                    rows = rows.filter(pk__gte=ranges[label][0], pk__lte=ranges[label][1])
                elif label in starts and store.completed_at is None:
                    rows = rows.filter(pk__gte=starts[label])
                else:
                    continue
                rows.delete()
        Order.objects.filter(demo__isnull=False).delete()
        DemoStore.objects.all().delete()
    return removed


__all__ = ["demo_store_current", "demo_store_delete", "foreign_order_count"]
