"""Not at the address: change it before dispatch, the carrier's options after, and what follows a missed delivery."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shopdesk.orderview.diagnoses.types import Diagnosis, DiagnosisAction, Severity
from shopdesk.policy import get_policy
from shopdesk.shipping.enums import TrackingStatus

if TYPE_CHECKING:
    from shopdesk.orderview.types import OrderPage, PackageView

_MOVING = {
    TrackingStatus.PICKED_UP,
    TrackingStatus.IN_TRANSIT,
    TrackingStatus.OUT_FOR_DELIVERY,
    TrackingStatus.HELD_AT_CUSTOMS,
    TrackingStatus.EXCEPTION,
    TrackingStatus.LABEL_CREATED,
}


def delivery_attempted_diagnose(*, page: OrderPage, package: PackageView) -> Diagnosis | None:
    if package.status not in (TrackingStatus.DELIVERY_ATTEMPTED, TrackingStatus.AVAILABLE_FOR_PICKUP):
        return None
    carrier = get_policy().carrier(package.carrier)
    attempt = next((e for e in package.events if e.status == package.status), None)
    said = (
        f" The carrier's note: \u201c{attempt.description}\u201d." if attempt and attempt.description else ""
    )
    hold = get_policy().shipping.returned_to_sender.hold_days
    if package.status == TrackingStatus.AVAILABLE_FOR_PICKUP:
        title, first = (
            "Waiting for you at a pickup point",
            f"Package {package.position} waits for you at a pickup point.",
        )
    else:
        title, first = (
            "The carrier missed you",
            f"{package.carrier_name} tried to deliver package {package.position} but nobody was there.",
        )
    return Diagnosis(
        code="delivery_attempted"
        if package.status == TrackingStatus.DELIVERY_ATTEMPTED
        else "awaiting_pickup",
        topic="not_at_address",
        title=title,
        message=(
            f"{first}{said} {carrier.not_home_options if carrier else ''} If nobody collects it, the parcel "
            f"comes back to us; we then hold it for {hold} days and offer a new delivery or a refund."
        ).replace("  ", " "),
        severity=Severity.WARN,
        shipment_id=package.id,
        facts={
            "carrier": package.carrier,
            "attempted_at": attempt.occurred_at if attempt else None,
            "carrier_options": carrier.not_home_options if carrier else "",
            "hold_days": hold,
        },
        actions=(
            DiagnosisAction(
                kind="link",
                label=f"Manage the delivery with {package.carrier_name}",
                url=package.tracking_url,
            ),
        )
        if package.tracking_url
        else (),
    )


def not_at_address_diagnose(*, page: OrderPage) -> Diagnosis:
    """Before dispatch: change the address. After: what the carrier offers. Asked in chat or the API."""
    for package in page.packages:
        attempted = delivery_attempted_diagnose(page=page, package=package)
        if attempted is not None:
            return attempted
    address_change = page.actions.get("shipping_address")
    if any(line.quantity_unshipped for line in page.lines) and not page.is_cancelled:
        allowed = bool(address_change) if address_change is not None else True
        message = (
            "Nothing has left our warehouse yet, so you can still send it to another address "
            "(a friend, your office, a pickup point)."
        )
        if address_change is not None and not address_change.allowed:
            message += f" {address_change.message}"
        return Diagnosis(
            code="address_changeable",
            topic="not_at_address",
            title="Not at home? Change the address",
            message=message,
            severity=Severity.INFO,
            facts={"address_change_allowed": allowed},
            actions=(DiagnosisAction.of("shipping_address", "Change the shipping address"),)
            if allowed
            else (),
        )
    moving = [p for p in page.packages if p.status in _MOVING]
    if not moving:
        return Diagnosis(
            code="nothing_in_transit",
            topic="not_at_address",
            title="Nothing on the way",
            message="None of your packages is on its way right now.",
            severity=Severity.OK,
        )
    package = moving[0]
    carrier = get_policy().carrier(package.carrier)
    return Diagnosis(
        code="carrier_options",
        topic="not_at_address",
        title="Not at home when it arrives?",
        message=(
            f"Your package has left our warehouse, so the carrier handles the delivery now. "
            f"{carrier.not_home_options if carrier else ''}"
        ).strip(),
        severity=Severity.INFO,
        shipment_id=package.id,
        facts={"carrier": package.carrier, "carrier_options": carrier.not_home_options if carrier else ""},
        actions=(
            DiagnosisAction(
                kind="link", label=f"Track with {package.carrier_name}", url=package.tracking_url
            ),
        )
        if package.tracking_url
        else (),
    )
