"""Where is my package? Tracking not updated, not yet due, late, lost, or delivered but not received.

tracking_not_updated_diagnose   age of the last scan vs the stale threshold → reassure, or inquire
package_not_received_diagnose   not due yet / late / lost → investigation; delivered → what to check
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from shopdesk.orderview.diagnoses.types import Diagnosis, DiagnosisAction, Severity, format_date
from shopdesk.policy import get_policy
from shopdesk.shipping.enums import TrackingStatus
from shopdesk.shipping.rules import ScanAge, delivered_wait_over, is_late, late_after, scan_age

if TYPE_CHECKING:
    from shopdesk.orderview.types import CaseView, OrderPage, PackageView

# Past these, nobody waits for a scan: the package is where it is.
_SETTLED = {
    TrackingStatus.DELIVERED,
    TrackingStatus.RETURNED_TO_SENDER,
    TrackingStatus.AVAILABLE_FOR_PICKUP,
    TrackingStatus.LABEL_CREATED,
}


def _case_action(package: PackageView, kind: str, label: str) -> tuple[DiagnosisAction, ...]:
    if _open_case(package, kind) is not None:
        return ()
    return (DiagnosisAction.of("open_case", label, case_kind=kind, shipment_id=package.id),)


def _open_case(package: PackageView, kind: str) -> CaseView | None:
    return next((case for case in package.cases if case.kind == kind and case.status == "open"), None)


def _case_sentence(package: PackageView, kind: str) -> str:
    case = _open_case(package, kind)
    if case is None:
        return ""
    return f" We opened {case.kind_label.lower()} {case.reference} on {format_date(case.opened_at.date())}; our care team follows it up with the carrier and writes to you with the answer."


def package_scan_age(package: PackageView, now: dt.datetime) -> ScanAge | None:
    """The package's quiet time, by the shipping rules (the page's sentence asks the same function)."""
    return scan_age(last_scan=package.last_event_at or package.shipped_at, now=now, policy=get_policy())


def tracking_not_updated_diagnose(*, package: PackageView, now: dt.datetime) -> Diagnosis | None:
    """None for packages that are not moving (delivered, back with us, not scanned yet) or already lost."""
    shipping = get_policy().shipping
    scan = package_scan_age(package, now)
    if package.status in _SETTLED or scan is None or scan.lost:
        return None
    age = scan.days
    facts = {
        "last_scan_at": package.last_event_at,
        "days_since_last_scan": age,
        "stale_after_days": shipping.stale_tracking_days,
        "lost_after_days": shipping.lost_after_days,
    }
    if not scan.stale:
        return Diagnosis(
            code="tracking_recent",
            topic="tracking_not_updated",
            title="Tracking is up to date",
            message=(
                f"The last scan was {age} day{'s' if age != 1 else ''} ago. Parcels are often not "
                f"scanned for a few days while they cross the country or a border; we only worry after "
                f"{shipping.stale_tracking_days} days without a scan."
            ),
            severity=Severity.OK,
            facts=facts,
            shipment_id=package.id,
        )
    return Diagnosis(
        code="tracking_stale",
        topic="tracking_not_updated",
        title=f"No tracking update for {age} days",
        message=(
            f"Package {package.position} has not been scanned for {age} days, longer than the "
            f"{shipping.stale_tracking_days} days we expect. It is most likely still moving, but we can ask "
            f"{package.carrier_name} where it is." + _case_sentence(package, "carrier_inquiry")
        ),
        severity=Severity.WARN,
        facts=facts,
        shipment_id=package.id,
        actions=_case_action(package, "carrier_inquiry", f"Ask {package.carrier_name} where it is"),
    )


def _reship_or_refund() -> str:
    options = get_policy().shipping.returned_to_sender.options
    words = {"reship": "send a replacement", "refund": "refund you in full"}
    return " or ".join(words[option] for option in options)


def package_not_received_diagnose(
    *, page: OrderPage, package: PackageView, now: dt.datetime
) -> Diagnosis | None:
    shipping = get_policy().shipping
    if package.status == TrackingStatus.RETURNED_TO_SENDER:
        return None
    if package.status == TrackingStatus.DELIVERED:
        return _delivered_not_received(package, now)
    scan = package_scan_age(package, now)
    window = package.window
    facts: dict[str, object] = {
        "window": window.as_dict() if window else None,
        "days_since_last_scan": scan.days if scan is not None else None,
        "late_grace_days": shipping.late_grace_days,
        "lost_after_days": shipping.lost_after_days,
    }
    if scan is not None and scan.lost and package.status != TrackingStatus.LABEL_CREATED:
        return Diagnosis(
            code="package_lost",
            topic="package_not_received",
            title="Your package seems to be lost",
            message=(
                f"Package {package.position} has not been scanned for {scan.days} days. After "
                f"{shipping.lost_after_days} days we treat a parcel as lost: we open an investigation with "
                f"{package.carrier_name} and, if it does not turn up, we {_reship_or_refund()}, "
                "whichever you prefer." + _case_sentence(package, "investigation")
            ),
            severity=Severity.BAD,
            facts=facts,
            shipment_id=package.id,
            actions=_case_action(package, "investigation", "Open an investigation"),
        )
    if window is None:
        return None
    if is_late(latest=window.latest, today=page.today, policy=get_policy()):
        return Diagnosis(
            code="package_late",
            topic="package_not_received",
            title="Your package is late",
            message=(
                f"Package {package.position} was due by {format_date(window.latest)} and is still on its "
                f"way. We can open an investigation with {package.carrier_name}; if the parcel does not "
                f"arrive, we {_reship_or_refund()}." + _case_sentence(package, "investigation")
            ),
            severity=Severity.WARN,
            facts={**facts, "late_since": late_after(latest=window.latest, policy=get_policy())},
            shipment_id=package.id,
            actions=_case_action(package, "investigation", "Open an investigation"),
        )
    return Diagnosis(
        code="package_not_yet_due",
        topic="package_not_received",
        title="Your package is on time",
        message=(
            f"Package {package.position} is expected between {format_date(window.earliest)} and "
            f"{format_date(window.latest)}. If it has not arrived "
            f"{shipping.late_grace_days} days after that, come back here and we will open an investigation."
        ),
        severity=Severity.OK,
        facts=facts,
        shipment_id=package.id,
    )


def _delivered_not_received(package: PackageView, now: dt.datetime) -> Diagnosis:
    delivered_at = package.delivered_at or package.last_event_at
    wait_hours = get_policy().shipping.delivered_missing_wait_hours
    hours = (now - delivered_at).total_seconds() / 3600 if delivered_at else None
    location = next(
        (e.location for e in package.events if e.status == TrackingStatus.DELIVERED and e.location), ""
    )
    where = f" ({location})" if location else ""
    message = (
        f"{package.carrier_name} marked package {package.position} as delivered{where}"
        f"{' on ' + format_date(package.delivered_on) if package.delivered_on else ''}. If you can't find "
        "it: look around the entrance, mailroom or a safe place, ask your neighbours and building staff, "
        f"and check for a card from the carrier. Parcels marked delivered often turn up within "
        f"{wait_hours} hours."
    )
    can_investigate = delivered_wait_over(delivered_at=delivered_at, now=now, policy=get_policy())
    if can_investigate:
        message += " It is still missing after that, so we can open an investigation."
    else:
        message += " If it is still missing after that, come back here to open an investigation."
    return Diagnosis(
        code="delivered_not_received",
        topic="package_not_received",
        title="Delivered, but not with you?",
        message=message + _case_sentence(package, "investigation"),
        severity=Severity.INFO,
        facts={
            "delivered_at": delivered_at,
            "hours_since_delivery": int(hours) if hours is not None else None,
            "wait_hours": wait_hours,
        },
        shipment_id=package.id,
        actions=_case_action(package, "investigation", "Open an investigation") if can_investigate else (),
    )
