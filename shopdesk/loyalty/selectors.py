"""Reads of the points ledger: the balance, what is pending and when, the history, the next expiry, what an
order's entries are, and what points can pay of a cart.

Old figures (`points_balance`, sums of entries) stay for callers that ask "at a moment"; the shopper's
summary reads the balance row, which is what a spend checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Sum
from django.utils import timezone

from shopdesk.core.calendar import local_date
from shopdesk.core.money import format_money, quantize
from shopdesk.loyalty.models import PointsBalance, PointsEntry, PointsEntryKind
from shopdesk.orders.models import Customer, Order
from shopdesk.policy import get_policy
from shopdesk.policy.dates import day_text

HISTORY_PAGE_SIZE = 20


def points_balance(*, customer: Customer, at: dt.datetime | None = None) -> int:
    """Points the customer can spend at `at` (entries not yet available do not count)."""
    at = at or timezone.now()
    total = PointsEntry.objects.filter(customer=customer, available_at__lte=at).aggregate(total=Sum("points"))
    return int(total["total"] or 0)


def points_entries_for_order(order: Order) -> list[PointsEntry]:
    return list(PointsEntry.objects.filter(order=order).order_by("created_at", "id"))


def points_earned_outstanding(order: Order) -> int:
    """Points earned on the order and not yet revoked (what a full cancellation takes back)."""
    totals = PointsEntry.objects.filter(
        order=order, kind__in=[PointsEntryKind.EARNED, PointsEntryKind.REVOKED]
    ).aggregate(total=Sum("points"))
    return max(int(totals["total"] or 0), 0)


def points_returned_for_order(order: Order) -> int:
    totals = PointsEntry.objects.filter(order=order, kind=PointsEntryKind.RETURNED).aggregate(
        total=Sum("points")
    )
    return int(totals["total"] or 0)


@dataclass(frozen=True, slots=True)
class PointsBatch:
    """Points added by one entry and what is left of them (the oldest points are used first)."""

    entry: PointsEntry
    remaining: int

    @property
    def expires_at(self) -> dt.datetime | None:
        return self.entry.expires_at


def points_batches(*, customer_id: int) -> list[PointsBatch]:
    """Every settled addition, oldest first, with what is left of it once the removals used the oldest first."""
    entries = list(
        PointsEntry.objects.filter(customer_id=customer_id, settled_at__isnull=False)
        .select_related("order")
        .order_by("available_at", "id")
    )
    used = -sum(e.points for e in entries if e.points < 0)
    batches = []
    for entry in entries:
        if entry.points <= 0:
            continue
        taken = min(entry.points, used)
        used -= taken
        batches.append(PointsBatch(entry, entry.points - taken))
    return batches


@dataclass(frozen=True, slots=True)
class PendingPoints:
    points: int
    available_at: dt.datetime
    order_number: str | None


@dataclass(frozen=True, slots=True)
class NextExpiry:
    points: int
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class PointsSummary:
    name: str
    available: int
    available_value: Decimal
    pending_total: int
    pending: list[PendingPoints]
    next_expiry: NextExpiry | None
    currency: str


def points_summary(*, customer: Customer) -> PointsSummary:
    """The balance row, pending points with their dates, and the next expiry (3 queries)."""
    policy = get_policy()
    row = PointsBalance.objects.filter(customer=customer).first()
    pending = [
        PendingPoints(e.points, e.available_at, e.order.number if e.order else None)
        for e in PointsEntry.objects.filter(customer=customer, settled_at__isnull=True)
        .select_related("order")
        .order_by("available_at", "id")
    ]
    if row is None:  # never touched by a service: the ledger's own sums
        available = points_balance(customer=customer)
        pending_total = sum(p.points for p in pending if p.available_at > timezone.now())
    else:
        available, pending_total = row.available, row.pending
    next_expiry = points_next_expiry(customer=customer)
    return PointsSummary(
        name=policy.points.name,
        available=available,
        available_value=policy.points_value(available),
        pending_total=pending_total,
        pending=pending,
        next_expiry=next_expiry,
        currency=policy.store.currency,
    )


def points_next_expiry(*, customer: Customer) -> NextExpiry | None:
    """The points of the customer's balance that expire first, and when (None when none expire)."""
    expiring = [b for b in points_batches(customer_id=customer.pk) if b.remaining > 0 and b.expires_at]
    if not expiring:
        return None
    first = min(b.expires_at for b in expiring if b.expires_at)
    return NextExpiry(sum(b.remaining for b in expiring if b.expires_at == first), first)


def points_history(*, customer: Customer, page: int = 1, per_page: int = HISTORY_PAGE_SIZE) -> Page:
    """The ledger, newest first, a page at a time (a page past the end gives the last page)."""
    entries = (
        PointsEntry.objects.filter(customer=customer).select_related("order").order_by("-created_at", "-id")
    )
    return Paginator(entries, per_page).get_page(page)


@dataclass(frozen=True, slots=True)
class RedeemQuote:
    """What points can pay of a cart: `points` worth `value`, or 0 with the reason."""

    cart_total: Decimal
    currency: str
    balance: int
    max_points: int  # the policy's share of this cart, in points
    points: int
    value: Decimal
    min_redeem: int
    share_percent: int
    reason: str  # "ok", "below_minimum", "cart_too_small"
    message: str


def points_redeem_quote(*, balance: int, cart_total: Decimal, currency: str) -> RedeemQuote:
    """'Pay with points': the most points can pay of `cart_total`, capped by the policy's share and minimum."""
    policy = get_policy()
    rules = policy.points
    cap_value = quantize(cart_total * rules.max_order_share_percent / 100, currency)
    max_points = int((cap_value * 100 / rules.value_per_100).to_integral_value(rounding=ROUND_FLOOR))
    points = min(balance, max_points)
    name = rules.name
    if max_points < rules.min_redeem:
        reason, points = "cart_too_small", 0
        message = (
            f"Points can pay up to {rules.max_order_share_percent}% of an order, and at least "
            f"{rules.min_redeem:,} points must be used: this cart allows {max_points:,}."
        )
    elif points < rules.min_redeem:
        reason, points = "below_minimum", 0
        message = f"You have {balance:,} {name}; at least {rules.min_redeem:,} are needed to pay with points."
    else:
        reason = "ok"
        message = f"You can use {points:,} {name}, worth {format_money(policy.points_value(points), currency)}, on this cart."
    value = policy.points_value(points)
    return RedeemQuote(
        cart_total=cart_total,
        currency=currency,
        balance=balance,
        max_points=max_points,
        points=points,
        value=value,
        min_redeem=rules.min_redeem,
        share_percent=rules.max_order_share_percent,
        reason=reason,
        message=message,
    )


def points_customer(*, email: str) -> Customer | None:
    """The customer whose points a verified mailbox may see (emails are stored lower-case)."""
    return Customer.objects.filter(email=email.strip().lower()).first()


@dataclass(frozen=True, slots=True)
class EntryState:
    code: str  # "pending", "available", "done"
    message: str  # a sentence with the date, in the store's calendar


def points_day(moment: dt.datetime) -> str:
    """A date as the shopper reads it: the store's calendar day, e.g. 'December 29, 2026'."""
    return day_text(local_date(moment, get_policy()))


def points_entry_state(entry: PointsEntry, now: dt.datetime) -> EntryState:
    """'When do I get my points (back)?': one sentence per entry, with its date."""
    if entry.points > 0:
        if entry.settled_at is None or entry.available_at > now:
            return EntryState("pending", f"Usable from {points_day(entry.available_at)}.")
        expiry = f" They expire on {points_day(entry.expires_at)} if not used." if entry.expires_at else ""
        return EntryState("available", f"Usable since {points_day(entry.available_at)}.{expiry}")
    if entry.settled_at is None:
        return EntryState(
            "pending", f"Taken back on {points_day(entry.available_at)}, with the points they cancel."
        )
    verbs = {
        PointsEntryKind.SPENT: "Spent",
        PointsEntryKind.EXPIRED: "Expired",
        PointsEntryKind.REVOKED: "Taken back",
    }
    return EntryState(
        "done", f"{verbs.get(PointsEntryKind(entry.kind), 'Taken')} on {points_day(entry.created_at)}."
    )
