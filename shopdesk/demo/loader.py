"""Load the demo store: catalogue and coupons first, then orders in batches, each batch one transaction
with one bulk insert per table. Progress is reported through a callback so the command owns the display.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Count
from django.utils import timezone

from shopdesk.catalog.models import Category
from shopdesk.demo.catalog_builder import build_catalog
from shopdesk.demo.catalog_data import CATEGORIES
from shopdesk.demo.coupons import CHECK_TABLE, COUPON_TABLE, build_check_coupons, build_coupons, private_codes
from shopdesk.demo.customers import ShopperPool
from shopdesk.demo.models import DemoOrder, DemoStore
from shopdesk.demo.order_builder import OrderBuilder
from shopdesk.demo.points import demo_points_finish
from shopdesk.demo.return_situations import build_return_situations
from shopdesk.demo.rows import TABLES, KeyAllocator, RowBuffer
from shopdesk.notifications.enums import OutboxStatus
from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.models import OrderCoupon
from shopdesk.policy import get_policy
from shopdesk.promotions.models import Coupon
from shopdesk.webhooks.services.events import webhook_events_as_history

FIRST_SERIAL = 10023001
BATCH_ORDERS = 500


@dataclass(slots=True)
class LoadSummary:
    orders: int
    seconds: float = 0.0
    rows: Counter[str] = field(default_factory=Counter)
    situations: Counter[str] = field(default_factory=Counter)
    private_codes: list[str] = field(default_factory=list)


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _record(summary: LoadSummary, written: dict[type[models.Model], int]) -> None:
    for model, count in written.items():
        summary.rows[_label(model)] += count


# The demo's returns, points and refunds are its past, not news: a store's endpoints see them as history.
@webhook_events_as_history()
def load_demo_store(
    *,
    orders: int,
    seed: int,
    anchor: dt.datetime,
    on_progress: Callable[[int], None] | None = None,
    batch_orders: int = BATCH_ORDERS,
) -> LoadSummary:
    """Write a complete demo store; the DemoStore row is marked complete only at the very end."""
    policy = get_policy()
    started = time.perf_counter()
    summary = LoadSummary(orders=orders, private_codes=private_codes(seed))
    buffer = RowBuffer()
    with transaction.atomic():
        keys = KeyAllocator()
        store = DemoStore.objects.create(seed=seed, orders=orders, anchor=anchor, started_at=timezone.now())
        existing_slugs = set(
            Category.objects.filter(slug__in=[c.slug for c in CATEGORIES]).values_list("slug", flat=True)
        )
        demo_codes = [row[0] for row in (*COUPON_TABLE, *CHECK_TABLE)] + private_codes(seed)
        existing_codes = set(Coupon.objects.filter(code__in=demo_codes).values_list("code", flat=True))
        catalog = build_catalog(
            policy=policy,
            anchor=anchor,
            rng=random.Random(f"{seed}:catalog"),
            keys=keys,
            buffer=buffer,
            existing_category_slugs=existing_slugs,
        )
        coupons = build_coupons(anchor=anchor, keys=keys, buffer=buffer, existing_codes=existing_codes)
        check_codes = build_check_coupons(
            anchor=anchor, seed=seed, keys=keys, buffer=buffer, existing_codes=existing_codes
        )
        store.created = {
            "categories": catalog.category_slugs,
            "coupons": [c.code for c in coupons] + check_codes,
            "keys_from": {model._meta.label_lower: key for model, key in keys.snapshot(first=True).items()},
        }
        store.save(update_fields=["created"])
        _record(summary, buffer.flush())

    shoppers = ShopperPool(rng=random.Random(f"{seed}:customers"), keys=keys, buffer=buffer)
    builder = OrderBuilder(
        policy=policy,
        anchor=anchor,
        seed=seed,
        catalog=catalog,
        coupons=coupons,
        shoppers=shoppers,
        keys=keys,
        buffer=buffer,
    )
    for start in range(0, orders, batch_orders):
        stop = min(start + batch_orders, orders)
        with transaction.atomic():
            for index in range(start, stop):
                built = builder.build(index, FIRST_SERIAL + index)
                summary.situations.update(built.situations)
            _record(summary, buffer.flush())
        if on_progress is not None:
            on_progress(stop - start)

    with transaction.atomic():
        # Keys were assigned in Python: move PostgreSQL's sequences past them (SQLite follows by itself).
        statements = connection.ops.sequence_reset_sql(no_style(), list(TABLES))
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        # Points need the sequences above: their balance rows and the expiring batches are written by the ledger.
        order_ids = list(DemoOrder.objects.filter(seed=seed).values_list("order_id", flat=True))
        summary.situations.update(demo_points_finish(order_ids=order_ids, seed=seed, anchor=anchor))
        used = dict(
            OrderCoupon.objects.filter(coupon_id__in=[c.id for c in coupons])
            .values_list("coupon_id")
            .annotate(n=Count("id"))
            .values_list("coupon_id", "n")
        )
        for coupon_id, count in used.items():
            Coupon.objects.filter(id=coupon_id).update(times_used=count)
        store.created = {**store.created, "keys": keys.ranges()}
    # Returns in every stage, through the services (after the sequences moved: they insert rows).
    summary.situations.update(build_return_situations(anchor=anchor))
    # Their emails are history, like the rest of the demo's mail: the worker never mails made-up customers.
    OutboxMessage.objects.filter(order__demo__seed=seed, status=OutboxStatus.QUEUED).update(
        status=OutboxStatus.SENT, sent_at=timezone.now()
    )
    with transaction.atomic():
        store.completed_at = timezone.now()
        store.save(update_fields=["created", "completed_at"])
    summary.seconds = time.perf_counter() - started
    return summary
