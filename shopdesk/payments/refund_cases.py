"""Cases about a refund, for the care team: the customer questions lines of it, or the provider keeps
refusing it. One open case per refund and kind (a partial unique constraint): asking twice, or two tabs,
give the case already open. The case carries the refund's lines, so the agent sees what the customer saw.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.events import order_event_record
from shopdesk.payments.models import Refund
from shopdesk.shipping.models import Case, CaseKind, CaseStatus

# The references of every case share one shape (CS- and six characters without 0/O, 1/I/L).
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


@dataclass(frozen=True, slots=True)
class RefundCaseOpened:
    case: Case
    created: bool


def refund_lines_snapshot(refund: Refund) -> list[dict[str, Any]]:
    return [
        {"index": index, "kind": line.kind, "description": line.description, "amount": str(line.amount)}
        for index, line in enumerate(refund.lines.order_by("id"))
    ]


def refund_case_open(
    *,
    refund: Refund,
    kind: str,
    actor: Actor,
    reason: str,
    details: dict[str, Any],
    note: str = "",
    now: dt.datetime | None = None,
) -> RefundCaseOpened:
    """Open the case (or return the open one), inside one transaction, with an order event."""
    assert kind in (CaseKind.REFUND_DISPUTE, CaseKind.REFUND_FAILED)
    now = now or timezone.now()
    with transaction.atomic():
        existing = Case.objects.filter(refund=refund, kind=kind, status=CaseStatus.OPEN).first()
        if existing is not None:
            return RefundCaseOpened(existing, created=False)
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    case = Case.objects.create(
                        reference="CS-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6)),
                        kind=kind,
                        order_id=refund.order_id,
                        refund=refund,
                        status=CaseStatus.OPEN,
                        reason=reason[:60],
                        opened_at=now,
                        opened_by_kind=actor.kind,
                        opened_by_label=actor.label[:254],
                        notes=note[:2000],
                        details={
                            **details,
                            "refund": {
                                "id": refund.pk,
                                "amount": str(refund.amount),
                                "lines": refund_lines_snapshot(refund),
                            },
                        },
                    )
                break
            except IntegrityError:
                existing = Case.objects.filter(refund=refund, kind=kind, status=CaseStatus.OPEN).first()
                if existing is not None:
                    return RefundCaseOpened(existing, created=False)
        else:  # pragma: no cover - five reference collisions in a row are practically impossible
            raise RuntimeError("could not allocate a case reference")
        order_event_record(
            order=refund.order,
            kind=OrderEventKind.CASE_OPENED,
            actor=actor,
            at=now,
            message=f"{CaseKind(kind).label} {case.reference} opened for the refund of "
            f"{refund.amount} {refund.currency}.",
            after={"reference": case.reference, "kind": kind, "refund": refund.pk, "reason": reason},
        )
    return RefundCaseOpened(case, created=True)
