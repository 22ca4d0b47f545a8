"""The one place that writes ledger entries and moves the balance row with them, in one transaction.

    ledger_write(...)        an entry and its change to the balance row (a retry with the same key adds nothing)
    balance_row_ensure(...)  the customer's balance row, built from the ledger the first time it's needed
    balance_rebuild(...)     recount a customer's row from the ledger (after a bulk load)

An entry whose `available_at` has come is settled at once and moves `available`; a later one moves
`pending` until the release job settles it. A removal is a conditional update (`available >= n`), so two
spends of the same points can never both pass, and the CHECK constraints stand behind it.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from shopdesk.core.actors import Actor
from shopdesk.loyalty.errors import InsufficientPoints
from shopdesk.loyalty.models import PointsBalance, PointsEntry, PointsEntryKind
from shopdesk.loyalty.webhook_events import points_webhook_emit
from shopdesk.orders.models import Order
from shopdesk.policy import get_policy


def months_add(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day `months` later (the month's last day when it is shorter)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def expiry_for(available_at: dt.datetime) -> dt.datetime | None:
    months = get_policy().points.expire_after_months
    return months_add(available_at, months) if months else None


def _sums(customer_id: int) -> tuple[int, int]:
    rows = PointsEntry.objects.filter(customer_id=customer_id)
    settled = rows.filter(settled_at__isnull=False).aggregate(total=Sum("points"))["total"] or 0
    pending = rows.filter(settled_at__isnull=True).aggregate(total=Sum("points"))["total"] or 0
    return int(settled), int(pending)


def balance_rebuild(*, customer_id: int, now: dt.datetime) -> PointsBalance:
    """Recount the row from the ledger. Entries written straight to the table (the demo's bulk load, rows from
    before the balance existed) are settled when due; a shortfall gets an opening entry, never a negative."""
    with transaction.atomic():
        PointsBalance.objects.select_for_update().filter(customer_id=customer_id).first()
        PointsEntry.objects.filter(
            customer_id=customer_id, settled_at__isnull=True, available_at__lte=now
        ).update(settled_at=now)
        available, pending = _sums(customer_id)
        if pending < 0:  # takings-back of points that were never pending: count them now
            PointsEntry.objects.filter(customer_id=customer_id, settled_at__isnull=True, points__lt=0).update(
                settled_at=now
            )
            available, pending = _sums(customer_id)
        if available < 0:
            PointsEntry.objects.create(
                customer_id=customer_id,
                kind=PointsEntryKind.OPENING,
                points=-available,
                available_at=now,
                settled_at=now,
                note="Opening balance: points spent before this history began.",
                created_at=_first_entry_at(customer_id) or now,
            )
            available = 0
        balance, _ = PointsBalance.objects.update_or_create(
            customer_id=customer_id,
            defaults={"available": available, "pending": pending, "updated_at": now},
        )
        return balance


def _first_entry_at(customer_id: int) -> dt.datetime | None:
    first = PointsEntry.objects.filter(customer_id=customer_id).order_by("created_at", "id").first()
    return first.created_at - dt.timedelta(seconds=1) if first else None


def balance_row_ensure(*, customer_id: int, now: dt.datetime) -> None:
    if not PointsBalance.objects.filter(customer_id=customer_id).exists():
        try:
            with transaction.atomic():
                balance_rebuild(customer_id=customer_id, now=now)
        except IntegrityError:  # another request built it at the same moment: theirs stands
            pass


def ledger_write(
    *,
    customer_id: int,
    order: Order | None,
    kind: PointsEntryKind,
    points: int,
    available_at: dt.datetime,
    note: str,
    key: str,
    now: dt.datetime,
    created_at: dt.datetime | None = None,
    actor: Actor | None = None,
    announce: bool = True,
) -> PointsEntry:
    """Write one entry and move the balance with it; raise InsufficientPoints (writing nothing) when a
    removal is more than the bucket holds. The same key again answers the entry already written.

    The entry's `points.*` webhook is written in the same savepoint: a refused write sends nothing.
    `announce=False` writes none: history the store itself sent (an imported order's points) is not news
    to it, as with the bulk import, which writes its rows without this function."""
    existing = PointsEntry.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    balance_row_ensure(customer_id=customer_id, now=now)
    settled = available_at <= now
    bucket = "available" if settled else "pending"
    try:
        with (
            transaction.atomic()
        ):  # savepoint: a refused or lost write leaves the caller's transaction intact
            entry = PointsEntry.objects.create(
                customer_id=customer_id,
                order=order,
                kind=kind,
                points=points,
                available_at=available_at,
                expires_at=expiry_for(available_at) if points > 0 else None,
                settled_at=now if settled else None,
                note=note[:200],
                idempotency_key=key,
                created_at=created_at or now,
            )
            rows = PointsBalance.objects.filter(customer_id=customer_id)
            if points < 0:
                rows = rows.filter(**{f"{bucket}__gte": -points})
            changed = rows.update(**{bucket: F(bucket) + points, "updated_at": now})
            if not changed:
                raise InsufficientPoints(
                    f"Only {balance_available(customer_id=customer_id):,} points are available; "
                    f"{-points:,} were asked for.",
                    details={"requested": -points},
                )
            if announce:
                points_webhook_emit(
                    entry=entry, order=order, actor=actor or Actor.system(), change={bucket: points}, at=now
                )
            return entry
    except IntegrityError:
        replay = PointsEntry.objects.filter(idempotency_key=key).first()
        if replay is None:
            raise
        return replay


def balance_available(*, customer_id: int) -> int:
    row = PointsBalance.objects.filter(customer_id=customer_id).values_list("available", flat=True).first()
    return int(row or 0)
