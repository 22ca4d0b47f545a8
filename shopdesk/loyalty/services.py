"""Writes to the points ledger: one function per kind of entry, each idempotent by a key of its source.

    points_earn_for_order       earned on a delivered order, pending for the policy's days
    points_spend                a redemption by the store's checkout (refused when the balance is short)
    points_spend_for_order      the points an order used, as the store sent it (imports get an opening entry)
    points_spend_for_new_orders the same for many orders created together (a bulk import)
    points_return_for_cancel    points spent on cancelled items, back at once or with the refund (policy)
    points_revoke_for_cancel    points earned on cancelled items, taken back
    points_return_for_refund    points spent on returned items, back when the return is refunded (policy)
    points_revoke_for_return    points earned on returned items, taken back (never below zero)
    points_adjust               an agent adds or removes points, with the reason the customer reads

The release and expiry jobs live in `loyalty/jobs.py`. Every function runs inside the caller's transaction
when there is one; the entry and its balance change commit or roll back together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal

from django.db import transaction
from django.db.models import Case, F, Max, Sum, Value, When

from shopdesk.core.actors import Actor
from shopdesk.core.errors import Conflict, PermissionDenied
from shopdesk.core.sync.rows import rows_insert
from shopdesk.loyalty.errors import PointsInvalid
from shopdesk.loyalty.ledger import balance_available, balance_row_ensure, expiry_for, ledger_write
from shopdesk.loyalty.models import PointsBalance, PointsEntry, PointsEntryKind
from shopdesk.orders.models import Customer, Order
from shopdesk.policy import get_policy


def points_earnable(order: Order) -> int:
    """What an order earns: the policy's rate on what was paid for the goods (and shipping, if it says so)."""
    rules = get_policy().points
    base = order.subtotal - order.discount_total - order.points_value
    if rules.earn_on_shipping:
        base += order.shipping_total
    units = max(base, Decimal(0)).to_integral_value(rounding=ROUND_FLOOR)
    return int(units) * rules.earn_per_unit


def points_earn_for_order(*, order: Order, delivered_at: dt.datetime, now: dt.datetime) -> PointsEntry | None:
    """Points earned on a delivered order: pending until the policy's days after delivery, then usable."""
    points = points_earnable(order)
    if points <= 0:
        return None
    days = get_policy().points.available_after_days
    return ledger_write(
        customer_id=order.customer_id,
        order=order,
        kind=PointsEntryKind.EARNED,
        points=points,
        available_at=delivered_at + dt.timedelta(days=days),
        note=f"Earned on order {order.number}.",
        key=f"points:earned:order:{order.pk}",
        now=now,
    )


def points_spend(
    *,
    customer: Customer,
    points: int,
    key: str,
    now: dt.datetime,
    order: Order | None = None,
    actor: Actor | None = None,
) -> PointsEntry:
    """Spend available points (the store's checkout): refused with `insufficient_points` when short."""
    if points <= 0:
        raise PointsInvalid("Points to spend must be a whole number above zero.")
    minimum = get_policy().points.min_redeem
    if points < minimum:
        raise PointsInvalid(f"At least {minimum:,} points must be used at a time; {points:,} were asked for.")
    with transaction.atomic():
        entry = ledger_write(
            customer_id=customer.pk,
            order=order,
            kind=PointsEntryKind.SPENT,
            points=-points,
            available_at=now,
            note=f"Spent on order {order.number}." if order else "Spent at checkout.",
            key=f"points:spent:checkout:{customer.pk}:{key}",  # the store's key, per customer
            now=now,
            actor=actor,
        )
    if entry.points != -points:
        raise Conflict("That idempotency key was already used for a different number of points.")
    return entry


def points_spend_for_order(*, order: Order, now: dt.datetime) -> PointsEntry | None:
    """Record the points an order used, as the store sent it. The store already took them at checkout, so a
    shortfall (an order from before this history began) is covered by an opening entry, never refused.
    The store knows of this spend already: no `points.*` webhook, like `points_spend_for_new_orders`, and
    the same rows as it writes for the same order."""
    if order.points_used <= 0 or PointsEntry.objects.filter(order=order, kind=PointsEntryKind.SPENT).exists():
        return None
    with transaction.atomic():
        balance_row_ensure(customer_id=order.customer_id, now=now)
        PointsBalance.objects.select_for_update().filter(customer_id=order.customer_id).first()
        short = order.points_used - balance_available(customer_id=order.customer_id)
        if short > 0:
            ledger_write(
                customer_id=order.customer_id,
                order=order,
                kind=PointsEntryKind.OPENING,
                points=short,
                available_at=min(order.placed_at, now),
                note=_opening_note(order),
                key=f"points:opening:order:{order.pk}",
                now=now,
                created_at=order.placed_at,
                announce=False,
            )
        return ledger_write(
            customer_id=order.customer_id,
            order=order,
            kind=PointsEntryKind.SPENT,
            points=-order.points_used,
            available_at=min(order.placed_at, now),
            note=f"Spent on order {order.number}.",
            key=f"points:spent:order:{order.pk}",
            now=now,
            created_at=order.placed_at,
            announce=False,
        )


def points_spend_for_new_orders(*, orders: Sequence[Order], now: dt.datetime) -> None:
    """`points_spend_for_order` for many orders created in the caller's transaction (a bulk import), in a
    few statements: the same entries (an opening entry for a shortfall, then the spend) and balance moves."""
    spending = [order for order in orders if order.points_used > 0]
    if not spending:
        return
    customer_ids = sorted({order.customer_id for order in spending})
    with transaction.atomic():
        have = set(
            PointsBalance.objects.filter(customer_id__in=customer_ids).values_list("customer_id", flat=True)
        )
        missing = [cid for cid in customer_ids if cid not in have]
        with_history = set(
            PointsEntry.objects.filter(customer_id__in=missing).values_list("customer_id", flat=True)
        )
        for customer_id in sorted(with_history):  # entries from before the balance row: count them first
            balance_row_ensure(customer_id=customer_id, now=now)
        rows_insert(
            PointsBalance,
            [{"customer_id": cid, "updated_at": now} for cid in missing if cid not in with_history],
            returning=(),
            conflict_ignore=("customer_id",),  # a concurrent first spend built it: theirs stands
        )
        locked = (
            PointsBalance.objects.select_for_update()
            .filter(customer_id__in=customer_ids)
            .order_by("customer_id")
            .values_list("customer_id", "available")
        )
        available = dict(locked)
        moved = dict.fromkeys(customer_ids, 0)
        entries: list[dict[str, object]] = []
        for order in spending:
            customer_id, at = order.customer_id, min(order.placed_at, now)
            short = order.points_used - available[customer_id] - moved[customer_id]
            common = {"customer_id": customer_id, "order_id": order.pk, "available_at": at, "settled_at": now}
            if short > 0:
                entries.append(
                    common
                    | {
                        "kind": PointsEntryKind.OPENING,
                        "points": short,
                        "expires_at": expiry_for(at),
                        "note": _opening_note(order),
                        "idempotency_key": f"points:opening:order:{order.pk}",
                        "created_at": order.placed_at,
                    }
                )
                moved[customer_id] += short
            entries.append(
                common
                | {
                    "kind": PointsEntryKind.SPENT,
                    "points": -order.points_used,
                    "note": f"Spent on order {order.number}.",
                    "idempotency_key": f"points:spent:order:{order.pk}",
                    "created_at": order.placed_at,
                }
            )
            moved[customer_id] -= order.points_used
        rows_insert(PointsEntry, entries, returning=())
        PointsBalance.objects.filter(customer_id__in=customer_ids).update(
            available=F("available")
            + Case(*(When(customer_id=cid, then=Value(delta)) for cid, delta in moved.items()), default=0),
            updated_at=now,
        )


def _opening_note(order: Order) -> str:
    return f"Opening balance: points order {order.number} used before this history began."


def _give_back(
    *,
    order: Order,
    points: int,
    key: str,
    now: dt.datetime,
    when: str,
    refund_expected_at: dt.datetime | None,
    why: str,
) -> PointsEntry | None:
    if points <= 0:
        return None
    available_at = (
        now if when == "immediately" or refund_expected_at is None else max(refund_expected_at, now)
    )
    return ledger_write(
        customer_id=order.customer_id,
        order=order,
        kind=PointsEntryKind.RETURNED,
        points=points,
        available_at=available_at,
        note=f"Points spent on order {order.number}, given back after {why}.",
        key=key,
        now=now,
    )


def points_return_for_cancel(
    *, order: Order, points: int, key: str, now: dt.datetime, refund_expected_at: dt.datetime | None = None
) -> PointsEntry | None:
    """Give back points spent on cancelled items, when the policy says (at once, or with the refund)."""
    return _give_back(
        order=order,
        points=points,
        key=key,
        now=now,
        when=get_policy().points.returned_on_cancel,
        refund_expected_at=refund_expected_at,
        why="a cancellation",
    )


def points_return_for_refund(
    *, order: Order, points: int, key: str, now: dt.datetime, refund_expected_at: dt.datetime | None = None
) -> PointsEntry | None:
    """Give back points spent on returned items. Call it when the return's refund is made, inside that
    transaction, with a key of the refund (e.g. `points:returned:refund:<id>`): a retry adds nothing.
    The policy's `returned_on_return` says whether they are usable at once or on the refund's expected date."""
    return _give_back(
        order=order,
        points=points,
        key=key,
        now=now,
        when=get_policy().points.returned_on_return,
        refund_expected_at=refund_expected_at,
        why="a return",
    )


def _revoke(*, order: Order, points: int, key: str, now: dt.datetime, why: str) -> PointsEntry | None:
    """Take back earned points where they are: still pending (dated like them), or from the available balance,
    never more than it holds (points already spent stay spent)."""
    if points <= 0:
        return None
    earned = PointsEntry.objects.filter(order=order, kind=PointsEntryKind.EARNED)
    pending = earned.filter(settled_at__isnull=True).aggregate(at=Max("available_at"), total=Sum("points"))
    if pending["total"]:
        available_at = pending["at"]
        points = min(points, int(pending["total"]))
    else:
        with transaction.atomic():
            balance_row_ensure(customer_id=order.customer_id, now=now)
            PointsBalance.objects.select_for_update().filter(customer_id=order.customer_id).first()
            points = min(points, balance_available(customer_id=order.customer_id))
            if points <= 0:
                return None
            available_at = now
    return ledger_write(
        customer_id=order.customer_id,
        order=order,
        kind=PointsEntryKind.REVOKED,
        points=-points,
        available_at=available_at,
        note=f"Points earned on order {order.number}, taken back after {why}.",
        key=key,
        now=now,
    )


def points_revoke_for_cancel(*, order: Order, points: int, key: str, now: dt.datetime) -> PointsEntry | None:
    """Take back points earned on cancelled items."""
    return _revoke(order=order, points=points, key=key, now=now, why="a cancellation")


def points_revoke_for_return(*, order: Order, points: int, key: str, now: dt.datetime) -> PointsEntry | None:
    """Take back points earned on returned items (call with the return's refund, key of the refund)."""
    return _revoke(order=order, points=points, key=key, now=now, why="a return")


ADJUST_LIMIT = 1_000_000


def points_adjust(
    *, customer: Customer, points: int, note: str, actor: Actor, key: str, now: dt.datetime
) -> PointsEntry:
    """An agent adds points (a goodwill gesture) or removes them (a correction), usable at once. A removal is
    refused with `insufficient_points` when the available balance is short; the same key adds nothing."""
    if not actor.is_agent:
        raise PermissionDenied("Only an agent can adjust points.", code="agents_only")
    if points == 0 or abs(points) > ADJUST_LIMIT:
        raise PointsInvalid(f"An adjustment is a whole number of points, not zero, at most {ADJUST_LIMIT:,}.")
    reason = note.strip()
    if not reason:
        raise PointsInvalid("Say why the points are adjusted: the customer reads it.")
    with transaction.atomic():
        entry = ledger_write(
            customer_id=customer.pk,
            order=None,
            kind=PointsEntryKind.ADJUSTED,
            points=points,
            available_at=now,
            note=reason,
            key=f"points:adjusted:{customer.pk}:{key}",
            now=now,
            actor=actor,
        )
    if entry.points != points:
        raise Conflict("That idempotency key was already used for a different number of points.")
    return entry
