"""Reads of the notifications app: what was emailed about an order, for the portal, the desk and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shopdesk.notifications.enums import OutboxStatus
from shopdesk.notifications.models import OutboxMessage

if TYPE_CHECKING:
    from shopdesk.orders.models import Order

# Customers see three states: the worker's SENDING is still "queued" for them, DEAD is "failed".
_PUBLIC_STATUS = {
    OutboxStatus.QUEUED: "queued",
    OutboxStatus.SENDING: "queued",
    OutboxStatus.SENT: "sent",
    OutboxStatus.DEAD: "failed",
}


@dataclass(frozen=True, slots=True)
class EmailRecord:
    template: str
    subject: str
    to: str
    status: str  # queued | sent | failed
    created_at: dt.datetime
    sent_at: dt.datetime | None

    def as_dict(self) -> dict[str, object]:
        return {
            "template": self.template,
            "subject": self.subject,
            "to": self.to,
            "status": self.status,
            "created_at": self.created_at.isoformat(),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
        }


def emails_for_order(order: Order) -> list[EmailRecord]:
    """Every email about the order, oldest first (one query)."""
    rows = OutboxMessage.objects.filter(order=order).only(
        "template", "subject", "to", "status", "created_at", "sent_at"
    )
    return [
        EmailRecord(
            template=row.template,
            subject=row.subject,
            to=row.to,
            status=_PUBLIC_STATUS.get(row.status, "queued"),  # type: ignore[call-overload]
            created_at=row.created_at,
            sent_at=row.sent_at,
        )
        for row in rows.order_by("created_at", "id")
    ]
