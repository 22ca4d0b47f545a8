"""The answer of every upsert: what happened to which row, and the retry that makes creation race-safe."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from django.db import IntegrityError, transaction

from shopdesk.core.errors import Conflict


class UpsertStatus(StrEnum):
    CREATED = "created"  # the row did not exist
    UPDATED = "updated"  # it existed and something changed (an audit event was written)
    UNCHANGED = "unchanged"  # it existed exactly like this: nothing written, no event
    STALE = (
        "stale"  # older than the version shopdesk has (the store's updated_at or revision): nothing written
    )


@dataclass(frozen=True, slots=True)
class Upserted:
    status: UpsertStatus
    kind: str  # product, customer, order, shipment, tracking_event, payment
    key: str  # the identifier the store used: external id, order number, email
    id: int

    def as_dict(self) -> dict[str, object]:
        return {"status": str(self.status), "type": self.kind, "key": self.key, "id": self.id}


def combine(*statuses: UpsertStatus) -> UpsertStatus:
    """The status of a row whose parts changed separately (an order and its payments)."""
    if UpsertStatus.CREATED in statuses:
        return UpsertStatus.CREATED
    if UpsertStatus.UPDATED in statuses:
        return UpsertStatus.UPDATED
    return UpsertStatus.UNCHANGED


Result = TypeVar("Result")


def atomic_with_retry(write: Callable[[], Result], *, what: str) -> Result:
    """Run `write` in a transaction; if a unique key was taken meanwhile, run it once more.

    Two requests for the same new order both find no row and both insert; the second insert fails on
    the unique key. Its second attempt, in a fresh transaction (or savepoint), finds the first one's
    row and updates it, so the store sees "unchanged" or "updated" instead of a 500.
    """
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:
        pass
    try:
        with transaction.atomic():
            return write()
    except IntegrityError as exc:
        raise Conflict(f"{what} was changed by another request at the same time; send it again.") from exc
