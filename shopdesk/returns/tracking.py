"""The parcel of a return: its tracking number and the carrier's scans on the way back.

return_tracking_set(return_request=..., actor=..., number=..., carrier=...)   the customer's own carrier
                                                                            (or the prepaid label's number,
                                                                            from the store)
return_scans_record(rma=..., actor=..., scans=..., number=..., carrier=...)   carrier scans from the store;
                                                                            the first one moves an approved
                                                                            return to in transit

A number is checked like every tracking number the store shows (shipping/tracking_number_check.py): its
carrier's format and check digit. Lock order: the order row, then the return row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from shopdesk.core.actors import Actor, ActorKind
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import InvalidInput, NotEligible, NotFound
from shopdesk.core.overrides import RuleOverride
from shopdesk.orders.models import Order
from shopdesk.orders.services.idempotency import order_lock
from shopdesk.returns import events
from shopdesk.returns.enums import ReturnEventKind, ReturnMethod, ReturnStatus
from shopdesk.returns.models import ReturnRequest, ReturnTrackingScan
from shopdesk.returns.progress import TRACKABLE
from shopdesk.returns.services import ReturnCreated, ReturnLineRequest, return_create, return_transition
from shopdesk.shipping.enums import TrackingStatus
from shopdesk.shipping.tracking_number_check import TrackingNumberCheck, tracking_number_check

# Scans that mean the carrier has the parcel (a label created is not a scan of the parcel).
MOVING = frozenset(TrackingStatus.values) - {TrackingStatus.LABEL_CREATED}


@dataclass(frozen=True, slots=True)
class ReturnScan:
    occurred_at: dt.datetime
    status: str
    location: str = ""
    description: str = ""


def tracking_number_require(*, number: str, carrier: str | None = None) -> TrackingNumberCheck:
    """The checked number; 422 with the check's code and sentence when it isn't a valid one."""
    checked = tracking_number_check(number=number, carrier=carrier)
    if not checked.valid:
        raise InvalidInput(checked.message, code=checked.code)
    return checked


def _set_locked(
    locked: ReturnRequest, *, actor: Actor, checked: TrackingNumberCheck, now: dt.datetime
) -> bool:
    """Record the number on a locked return; False when it already holds this number."""
    if locked.tracking_number == checked.number and locked.tracking_carrier == checked.carrier:
        return False
    if locked.tracking_number and locked.scans.exists():
        raise NotEligible(
            Eligibility.no(
                "tracking_already_scanned",
                f"The carrier already scanned the parcel {locked.tracking_number}; its number can't change.",
            )
        )
    fields = {
        "tracking_number": checked.number,
        "tracking_carrier": checked.carrier,
        "tracking_added_at": now,
    }
    ReturnRequest.objects.filter(pk=locked.pk).update(**fields, updated_at=now)
    for name, value in fields.items():
        setattr(locked, name, value)
    events.return_event_record(
        ReturnEventKind.TRACKING_ADDED,
        return_request=locked,
        actor=actor,
        at=now,
        carrier_name=checked.carrier_name,
        number=checked.number,
    )
    return True


def return_tracking_set(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    number: str,
    carrier: str | None = None,
    now: dt.datetime | None = None,
) -> ReturnRequest:
    """The tracking number of the parcel, until the warehouse has it; the same number again changes nothing."""
    checked = tracking_number_require(number=number, carrier=carrier)
    now = now or timezone.now()
    with transaction.atomic():
        order_lock(order_id=return_request.order_id)
        locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
        if actor.kind == ActorKind.CUSTOMER and locked.method != ReturnMethod.OWN_CARRIER:
            raise NotEligible(
                Eligibility.no(
                    "return_uses_label",
                    "This return goes back with our prepaid label, which carries its own tracking number.",
                )
            )
        if locked.status not in TRACKABLE:
            raise NotEligible(
                Eligibility.no(
                    "return_not_trackable",
                    "A tracking number can be added until we receive the parcel; this return is "
                    f"{locked.get_status_display().lower()}.",
                )
            )
        _set_locked(locked, actor=actor, checked=checked, now=now)
    return locked


def return_scans_record(
    *,
    rma: str,
    actor: Actor,
    scans: list[ReturnScan],
    number: str | None = None,
    carrier: str | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Append the carrier's scans (the same scan twice is one row); a scan of the parcel means in transit."""
    for scan in scans:
        if scan.status not in TrackingStatus.values:
            raise InvalidInput(f"Unknown scan status {scan.status[:40]!r}.", code="bad_scan_status")
    checked = tracking_number_require(number=number, carrier=carrier) if number else None
    now = now or timezone.now()
    found = ReturnRequest.objects.filter(rma=rma.strip().upper()).values_list("pk", "order_id").first()
    if found is None:
        raise NotFound("There is no return with this RMA number.", code="unknown_return")
    with transaction.atomic():
        order_lock(order_id=found[1])
        locked = ReturnRequest.objects.select_for_update().get(pk=found[0])
        if checked is not None:
            _set_locked(locked, actor=actor, checked=checked, now=now)
        if scans and not locked.tracking_number:
            raise InvalidInput(
                "Send the parcel's tracking number with its first scans.", code="tracking_missing"
            )
        created = 0
        for scan in scans:
            _row, new = ReturnTrackingScan.objects.get_or_create(
                return_request=locked,
                occurred_at=scan.occurred_at,
                status=scan.status,
                defaults={
                    "location": scan.location[:200],
                    "description": scan.description[:500],
                    "recorded_at": now,
                },
            )
            created += int(new)
        if locked.status == ReturnStatus.APPROVED and any(scan.status in MOVING for scan in scans):
            return_transition(
                return_request=locked,
                to_status=ReturnStatus.IN_TRANSIT,
                actor=actor,
                now=now,
                note="The carrier scanned the parcel.",
            )
    return {
        "rma": locked.rma,
        "status": locked.status,
        "tracking_number": locked.tracking_number,
        "carrier": locked.tracking_carrier,
        "scans_recorded": created,
    }


def return_create_with_tracking(
    *,
    order: Order,
    actor: Actor,
    lines: list[ReturnLineRequest],
    method: str,
    idempotency_key: str | None = None,
    tracking_number: str | None = None,
    carrier: str | None = None,
    now: dt.datetime | None = None,
    override: RuleOverride | None = None,
) -> ReturnCreated:
    """Start a return; with the customer's own carrier, its tracking number too (checked first, one transaction)."""
    number = (tracking_number or "").strip()
    if number and method != ReturnMethod.OWN_CARRIER:
        raise InvalidInput(
            "A tracking number goes with your own carrier; the prepaid label carries its own.",
            code="tracking_needs_own_carrier",
        )
    if number:
        tracking_number_require(number=number, carrier=carrier)  # a bad number records nothing
    with transaction.atomic():
        done = return_create(
            order=order,
            actor=actor,
            lines=lines,
            method=method,
            idempotency_key=idempotency_key,
            now=now,
            override=override,
        )
        if number and not done.replayed:
            return_tracking_set(
                return_request=done.return_request, actor=actor, number=number, carrier=carrier, now=now
            )
    return done
