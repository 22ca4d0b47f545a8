"""Follow a return: its steps (requested → approved → label or tracking → on its way → received → inspected
→ refunded), the carrier's scans when the parcel has a tracking number, and the answer to "have you
received my return?" with the day the refund is expected on each payment method (the policy's days).

return_follow_up(return_request, payments=...)   what the return's page and GET …/returns/{rma} add to
                                                 the return: steps, tracking, received, photos

Pure reads of rows already fetched (the selectors prefetch events, scans and photos).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from shopdesk.core.calendar import business_days_add, local_date
from shopdesk.payments.breakdown import STORE_CREDIT_METHODS
from shopdesk.payments.breakdown_rows import payment_method_label
from shopdesk.payments.enums import PaymentState
from shopdesk.policy import get_policy
from shopdesk.policy.dates import day_text
from shopdesk.returns.enums import OPEN_STATUSES, ReturnEventKind, ReturnMethod, ReturnStatus
from shopdesk.returns.models import ReturnRequest
from shopdesk.returns.photos import MAX_PHOTOS, return_takes_photos
from shopdesk.shipping.enums import TrackingStatus
from shopdesk.shipping.tracking_number_check import tracking_url

if TYPE_CHECKING:
    from shopdesk.payments.models import Payment

# Until the warehouse has the parcel, the customer may add (or correct) its tracking number.
TRACKABLE = frozenset(
    {ReturnStatus.REQUESTED, ReturnStatus.PENDING_APPROVAL, ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT}
)
DONE, CURRENT, UPCOMING, SKIPPED = "done", "current", "upcoming", "skipped"
# Where each status sits on the way: a return in status S has every step up to ORDER[S] behind it.
_REACHED = {
    ReturnStatus.REQUESTED: 0,
    ReturnStatus.PENDING_APPROVAL: 0,
    ReturnStatus.REJECTED: 0,
    ReturnStatus.CANCELLED: 0,
    ReturnStatus.APPROVED: 2,
    ReturnStatus.IN_TRANSIT: 3,
    ReturnStatus.RECEIVED: 4,
    ReturnStatus.INSPECTED: 5,
    ReturnStatus.REFUNDED: 6,
    ReturnStatus.CLOSED: 6,
}


@dataclass(frozen=True, slots=True)
class RefundWindow:
    """When the money should be back on one payment method, by the policy's refund days."""

    method: str
    payment_label: str
    days_min: int
    days_max: int
    expected_by: dt.date | None


def _status_times(return_request: ReturnRequest) -> dict[str, dt.datetime]:
    """The first time the return reached each status, from its events."""
    reached: dict[str, dt.datetime] = {}
    for event in return_request.events.all():
        if event.kind == ReturnEventKind.STATUS_CHANGED and event.to_status:
            reached.setdefault(event.to_status, event.created_at)
    return reached


def return_steps(return_request: ReturnRequest) -> list[dict[str, Any]]:
    """Seven steps, each done, current, upcoming or skipped, with when it happened and what it means."""
    status = ReturnStatus(return_request.status)
    at = _status_times(return_request)
    scans = sorted(return_request.scans.all(), key=lambda scan: (scan.occurred_at, scan.pk))
    label = return_request.method == ReturnMethod.LABEL
    own_number = return_request.tracking_number
    reached = _REACHED[status]
    ended = status in (ReturnStatus.REJECTED, ReturnStatus.CANCELLED)
    first_scan = scans[0].occurred_at if scans else None
    detail_tracking = (
        f"Tracking number {own_number}." if own_number else "Add the tracking number the carrier gave you."
    )
    rows: list[tuple[str, str, dt.datetime | None, str]] = [
        ("requested", "Requested", return_request.created_at, ""),
        (
            "approved",
            "Approved",
            at.get(ReturnStatus.APPROVED),
            "Waiting for our team to approve it." if status == ReturnStatus.PENDING_APPROVAL else "",
        ),
        (
            (
                "label_issued",
                "Label issued",
                at.get(ReturnStatus.APPROVED),
                "Print the slip: it carries the label.",
            )
            if label
            else (
                "tracking_added",
                "Tracking number added",
                return_request.tracking_added_at,
                detail_tracking,
            )
        ),
        (
            "in_transit",
            "On its way back",
            at.get(ReturnStatus.IN_TRANSIT) or first_scan,
            f"Last scan: {_scan_sentence(scans[-1])}" if scans else "",
        ),
        ("received", "Received", return_request.received_at, ""),
        ("inspected", "Inspected", return_request.inspected_at, ""),
        (
            ("closed", "Closed: nothing to refund", at.get(ReturnStatus.CLOSED), "")
            if status == ReturnStatus.CLOSED and ReturnStatus.REFUNDED not in at
            else (
                "refunded",
                "Refunded",
                at.get(ReturnStatus.REFUNDED),
                "Every refund went through." if status == ReturnStatus.CLOSED else "",
            )
        ),
    ]
    steps = []
    for index, (code, title, when, detail) in enumerate(rows):
        if index == 2 and not label:
            done = bool(own_number) or reached >= 3
        else:
            done = index <= reached or (index == 3 and bool(scans))
        if index == 1 and status == ReturnStatus.PENDING_APPROVAL:
            state = CURRENT
        elif done and not (ended and index > 0):
            state = DONE
        elif ended:
            state = SKIPPED
        else:
            state = UPCOMING
        steps.append(
            {
                "step": code,
                "label": title,
                "state": state,
                "at": when.isoformat() if when and state == DONE else None,
                # The day in the store's calendar, as every date the customer reads.
                "on": local_date(when, get_policy()).isoformat() if when and state == DONE else None,
                "detail": detail if state != SKIPPED else "",
            }
        )
    first_open = next((step for step in steps if step["state"] == UPCOMING), None)
    if first_open is not None and not any(step["state"] == CURRENT for step in steps):
        first_open["state"] = CURRENT
    if ended:
        steps.append(
            {
                "step": str(status),
                "label": status.label,
                "state": DONE,
                "at": at[status].isoformat() if status in at else None,
                "on": local_date(at[status], get_policy()).isoformat() if status in at else None,
                "detail": "",
            }
        )
    return steps


def _scan_sentence(scan: Any) -> str:
    label = TrackingStatus(scan.status).label if scan.status in TrackingStatus.values else scan.status
    where = f", {scan.location}" if scan.location else ""
    return f"{label}{where} ({day_text(local_date(scan.occurred_at, get_policy()))})."


def return_tracking(return_request: ReturnRequest) -> dict[str, Any] | None:
    if not return_request.tracking_number:
        return None
    carrier = get_policy().carrier(return_request.tracking_carrier)
    scans = sorted(return_request.scans.all(), key=lambda scan: (scan.occurred_at, scan.pk), reverse=True)
    return {
        "carrier": return_request.tracking_carrier,
        "carrier_name": carrier.name if carrier else return_request.tracking_carrier.upper(),
        "number": return_request.tracking_number,
        "url": tracking_url(carrier=return_request.tracking_carrier, number=return_request.tracking_number),
        "scans": [
            {
                "occurred_at": scan.occurred_at.isoformat(),
                "status": scan.status,
                "status_label": TrackingStatus(scan.status).label
                if scan.status in TrackingStatus.values
                else scan.status,
                "location": scan.location,
                "description": scan.description,
            }
            for scan in scans
        ],
    }


def refund_windows(*, payments: Iterable[Payment], start: dt.date | None) -> list[RefundWindow]:
    """Each payment that holds money, with the policy's refund days counted from `start` (business days)."""
    policy = get_policy()
    windows = []
    for payment in payments:
        if payment.state == PaymentState.DECLINED or payment.amount_captured <= payment.amount_refunded:
            continue
        method = policy.payment_method(payment.method)
        low, high = (method.refund_days_min, method.refund_days_max) if method else (0, 10)
        windows.append(
            RefundWindow(
                method=payment.method,
                payment_label=payment_method_label(payment),
                days_min=low,
                days_max=high,
                # Store credit is the customer's the moment the return is refunded: nothing to wait for.
                expected_by=business_days_add(start, high)
                if start and payment.method not in STORE_CREDIT_METHODS
                else None,
            )
        )
    return windows


def return_received_answer(
    return_request: ReturnRequest, *, payments: Iterable[Payment], now: dt.datetime | None = None
) -> dict[str, Any]:
    """ "Have you received my return?": yes or not yet, and when the refund should be back."""
    policy = get_policy()
    now = now or timezone.now()
    today = local_date(now, policy)
    status = ReturnStatus(return_request.status)
    inspection_days = policy.returns.inspection_days
    refund = ((return_request.inspection_result or {}).get("result") or {}).get("refund") or {}
    received_on = local_date(return_request.received_at, policy) if return_request.received_at else None
    windows: list[RefundWindow] = []
    expected: dt.date | None = None
    if status in (ReturnStatus.REJECTED, ReturnStatus.CANCELLED):
        message = (
            "This return was cancelled, so nothing is on its way back to us."
            if status == ReturnStatus.CANCELLED
            else "This return was not approved, so we are not expecting the items back."
        )
    elif status == ReturnStatus.REFUNDED:
        expected = dt.date.fromisoformat(refund["expected_by"]) if refund.get("expected_by") else None
        windows = refund_windows(
            payments=payments, start=local_date(return_request.inspected_at or now, policy)
        )
        message = f"Yes: we received your return on {day_text(received_on or today)} and refunded it"
        message += f"; expect the money by {day_text(expected)}." if expected else "."
    elif status == ReturnStatus.CLOSED and ReturnStatus.REFUNDED in _status_times(return_request):
        message = (
            f"Yes: we received your return on {day_text(received_on or today)} and refunded it; every refund "
            "has gone through."
        )
    elif status == ReturnStatus.CLOSED:
        message = (
            f"Yes: we received your return on {day_text(received_on or today)}. After inspection there was "
            "nothing to refund."
        )
    elif received_on is not None:
        # Received, not inspected yet: inspection within the policy's days, then each method's days.
        inspected_by = (
            local_date(return_request.inspected_at, policy)
            if return_request.inspected_at
            else business_days_add(received_on, inspection_days)
        )
        windows = refund_windows(payments=payments, start=max(inspected_by, today))
        expected = max((w.expected_by for w in windows if w.expected_by), default=None)
        message = (
            f"Yes: we received your return on {day_text(received_on)}. We inspect returns within "
            f"{inspection_days} business days"
        )
        message += f", so expect your refund by {day_text(expected)}." if expected else "."
    else:
        on_way = status == ReturnStatus.IN_TRANSIT or bool(return_request.scans.all())
        windows = refund_windows(payments=payments, start=None)
        message = (
            "Not yet: your parcel is on its way back to us."
            if on_way
            else "Not yet: we haven't received the parcel."
        )
        if status == ReturnStatus.PENDING_APPROVAL:
            message += " Our team approves the return first; then you send the items back."
        days = "; ".join(
            f"{w.payment_label} straight away"
            if w.days_max == 0
            else f"{w.payment_label} within {w.days_min}–{w.days_max} business days"
            for w in windows
        )
        message += (
            f" Once it arrives we inspect it within {inspection_days} business days, then the refund "
            f"reaches you ({days})."
            if days
            else f" Once it arrives we inspect it within {inspection_days} business days."
        )
    return {
        "received": received_on is not None,
        "received_on": received_on.isoformat() if received_on else None,
        "message": message,
        "refund_expected_by": expected.isoformat() if expected else None,
        "methods": [
            {
                "method": window.method,
                "payment": window.payment_label,
                "refund_days": [window.days_min, window.days_max],
                "expected_by": window.expected_by.isoformat() if window.expected_by else None,
            }
            for window in windows
        ],
    }


def return_follow_up(
    return_request: ReturnRequest, *, payments: Iterable[Payment], now: dt.datetime | None = None
) -> dict[str, Any]:
    payments = list(payments)
    photos = list(return_request.photos.all())
    status = return_request.status
    return {
        # What the customer can still do: add photos (damaged, faulty, wrong items) or the tracking number.
        "photos_allowed": status in OPEN_STATUSES
        and len(photos) < MAX_PHOTOS
        and return_takes_photos(return_request),
        "photos_left": max(MAX_PHOTOS - len(photos), 0),
        "tracking_allowed": return_request.method == ReturnMethod.OWN_CARRIER
        and status in TRACKABLE
        and not return_request.scans.all(),
        "tracking_number": return_request.tracking_number or None,
        "tracking": return_tracking(return_request),
        "steps": return_steps(return_request),
        "received": return_received_answer(return_request, payments=payments, now=now),
        "photos": [
            {
                "key": photo.storage_key,
                "content_type": photo.content_type,
                "size": photo.size,
                "created_at": photo.created_at.isoformat(),
            }
            for photo in photos
        ],
    }
