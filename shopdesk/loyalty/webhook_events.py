"""The `points.*` webhooks: one per ledger entry (written by `ledger_write`, the ledger's one append) and one
per entry the release job makes usable, in the same transaction, through the webhooks outbox.

The payload names the customer (email and the store's id), the entry, its order when there is one, and the
customer's balance before and after the change.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from shopdesk.core.actors import Actor
from shopdesk.loyalty.models import PointsBalance, PointsEntry, PointsEntryKind
from shopdesk.orders.models import Customer, Order
from shopdesk.webhooks.services.events import webhook_event_emit

# Opening entries are bookkeeping for history from before the ledger began: not news to the store.
KIND_TYPES: dict[str, str] = {
    PointsEntryKind.EARNED: "points.earned",
    PointsEntryKind.SPENT: "points.spent",
    PointsEntryKind.RETURNED: "points.returned",
    PointsEntryKind.REVOKED: "points.revoked",
    PointsEntryKind.EXPIRED: "points.expired",
    PointsEntryKind.ADJUSTED: "points.adjusted",
}
AVAILABLE_TYPE = "points.available"


def _stamp(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _entry_block(entry: PointsEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "points": entry.points,
        "available_at": _stamp(entry.available_at),
        "expires_at": _stamp(entry.expires_at),
        "note": entry.note,
    }


def _customer_block(customer_id: int) -> dict[str, Any]:
    customer = Customer.objects.filter(pk=customer_id).only("email", "external_id").first()
    if customer is None:
        return {"email": None, "external_id": None}
    return {"email": customer.email, "external_id": customer.external_id}


def _balance(customer_id: int) -> dict[str, int]:
    row = PointsBalance.objects.filter(customer_id=customer_id).values("available", "pending").first()
    return {"available": int(row["available"]), "pending": int(row["pending"])} if row else {}


def points_webhook_emit(
    *, entry: PointsEntry, order: Order | None, actor: Actor, change: dict[str, int], at: dt.datetime
) -> None:
    """After the entry and its balance change are written: `change` is what moved, per bucket."""
    type_name = KIND_TYPES.get(entry.kind)
    if type_name is None:
        return

    balances: list[dict[str, int]] = []  # read once, when some endpoint wants the event

    def after() -> dict[str, int]:
        if not balances:
            balances.append(_balance(entry.customer_id))
        return balances[0]

    def before() -> dict[str, int]:
        return {bucket: after().get(bucket, 0) - change.get(bucket, 0) for bucket in ("available", "pending")}

    webhook_event_emit(
        type_name=type_name,
        order=order,
        actor=actor,
        before=before,
        after=after,
        message=entry.note,
        subject=partial(_subject_of, entry),
        at=at,
    )


def points_available_emit(
    *, entries: list[PointsEntry], before: dict[str, int], after: dict[str, int], at: dt.datetime
) -> None:
    """The release job made these pending entries (of one customer) usable; `before`/`after` are the
    customer's balance around the whole release."""
    for entry in entries:
        if entry.points <= 0:
            continue  # a pending take-back settling is not points becoming usable
        webhook_event_emit(
            type_name=AVAILABLE_TYPE,
            order=partial(_order_of, entry),
            actor=Actor.system(),
            before=before,
            after=after,
            message=entry.note,
            subject=partial(_subject_of, entry),
            at=at,
        )


def _order_of(entry: PointsEntry) -> Order | None:
    return entry.order


def _subject_of(entry: PointsEntry) -> dict[str, Any]:
    return {"customer": _customer_block(entry.customer_id), "entry": _entry_block(entry)}
