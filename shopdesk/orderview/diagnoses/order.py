"""Which diagnoses apply to an order: the panels of the order page, and any one topic on request.

order_diagnoses(page=, now=)          the relevant ones, most pressing first
diagnosis_for_topic(topic=, page=, now=)   one question asked in chat or the API
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from shopdesk.core.errors import InvalidInput
from shopdesk.orderview.diagnoses.address import delivery_attempted_diagnose, not_at_address_diagnose
from shopdesk.orderview.diagnoses.coupons import coupons_diagnose
from shopdesk.orderview.diagnoses.customs import crosses_border, customs_diagnose
from shopdesk.orderview.diagnoses.delivery import package_not_received_diagnose, tracking_not_updated_diagnose
from shopdesk.orderview.diagnoses.emails import emails_diagnose
from shopdesk.orderview.diagnoses.fees import shipping_fees_diagnose, ships_from_diagnose
from shopdesk.orderview.diagnoses.item_rules import item_rules_diagnose
from shopdesk.orderview.diagnoses.price_drop import price_drop_diagnose
from shopdesk.orderview.diagnoses.return_window import return_window_diagnose
from shopdesk.orderview.diagnoses.returned import returned_to_sender_diagnose
from shopdesk.orderview.diagnoses.split import split_shipment_diagnose
from shopdesk.orderview.diagnoses.tracking_number import tracking_number_diagnose
from shopdesk.orderview.diagnoses.types import Diagnosis, Severity
from shopdesk.shipping.enums import TrackingStatus

if TYPE_CHECKING:
    from shopdesk.orderview.types import OrderPage, PackageView

_ORDER = {Severity.BAD: 0, Severity.WARN: 1, Severity.INFO: 2, Severity.OK: 3}
# Packages whose situation has its own panel (customs, missed delivery) or the page sentence.
_SAID_ELSEWHERE = {
    TrackingStatus.HELD_AT_CUSTOMS,
    TrackingStatus.DELIVERY_ATTEMPTED,
    TrackingStatus.AVAILABLE_FOR_PICKUP,
}
TOPICS = (
    "split_shipment",
    "tracking_not_updated",
    "package_not_received",
    "package_returned",
    "tracking_invalid",
    "not_at_address",
    "customs_duties",
    "shipping_fees",
    "ships_from",
    "confirmation_email_missing",
    "delivery_email_missing",
)


def _tracking_number(package: PackageView, now: dt.datetime) -> Diagnosis:
    scanned = package.status != TrackingStatus.LABEL_CREATED or bool(
        [e for e in package.events if e.status != TrackingStatus.LABEL_CREATED]
    )
    return tracking_number_diagnose(
        number=package.tracking_number,
        expected_carrier=package.carrier,
        label_created_at=package.shipped_at or package.created_at,
        scanned=scanned,
        shipment_id=package.id,
        now=now,
    )


def _package_diagnoses(page: OrderPage, package: PackageView, now: dt.datetime) -> list[Diagnosis]:
    found: list[Diagnosis | None] = [
        returned_to_sender_diagnose(page=page, package=package),
        delivery_attempted_diagnose(page=page, package=package),
    ]
    if package.status == TrackingStatus.LABEL_CREATED:
        found.append(_tracking_number(package, now))
    else:
        not_received = package_not_received_diagnose(page=page, package=package, now=now)
        stale = tracking_not_updated_diagnose(package=package, now=now)
        if stale is not None and stale.code == "tracking_stale":
            found.append(stale)
        # "On time" is only worth a panel when nothing else is said about the package.
        if not_received is not None and not (
            (not_received.code == "package_not_yet_due" and any(d is not None for d in found))
            or package.status in _SAID_ELSEWHERE
        ):
            found.append(not_received)
    return [diagnosis for diagnosis in found if diagnosis is not None]


def order_diagnoses(*, page: OrderPage, now: dt.datetime) -> list[Diagnosis]:
    """The panels worth showing for this order. Everything comes from the page, except the prices in
    effect now (price drops) and, for an order with final-sale or other non-returnable items, the returns
    rules' answer."""
    if page.is_cancelled:
        return []
    found: list[Diagnosis] = []
    for package in page.packages:
        found.extend(_package_diagnoses(page, package, now))
    split = split_shipment_diagnose(page=page)
    if split is not None:
        found.append(split)
    if crosses_border(page):
        found.append(customs_diagnose(page=page))
    window = return_window_diagnose(page=page, now=now)
    if window is not None:
        found.append(window)
    found.extend(item_rules_diagnose(page=page, now=now))
    for diagnosis in (price_drop_diagnose(page=page, now=now), coupons_diagnose(page=page)):
        if diagnosis is not None:
            found.append(diagnosis)
    return sorted(found, key=lambda d: _ORDER.get(d.severity, 9))


def diagnosis_for_topic(*, topic: str, page: OrderPage, now: dt.datetime) -> list[Diagnosis]:
    """One customer question about this order; several answers when it has several packages."""
    if topic not in TOPICS:
        raise InvalidInput(f"Unknown topic. Ask one of: {', '.join(TOPICS)}.", code="topic_unknown")
    if topic in ("confirmation_email_missing", "delivery_email_missing"):
        return [emails_diagnose(order=page.order, topic=topic)]
    single = {
        "split_shipment": split_shipment_diagnose,
        "not_at_address": not_at_address_diagnose,
        "customs_duties": customs_diagnose,
        "shipping_fees": shipping_fees_diagnose,
        "ships_from": ships_from_diagnose,
    }
    if topic in single:
        result = single[topic](page=page)
        return (
            [result]
            if result is not None
            else [
                Diagnosis(
                    code="single_package",
                    topic=topic,
                    title="One package",
                    message="Your order travels in one package.",
                    severity=Severity.OK,
                )
            ]
        )
    results: list[Diagnosis | None] = []
    for package in page.packages:
        if topic == "tracking_not_updated":
            results.append(
                tracking_not_updated_diagnose(package=package, now=now)
                or package_not_received_diagnose(page=page, package=package, now=now)
            )
        elif topic == "package_not_received":
            results.append(package_not_received_diagnose(page=page, package=package, now=now))
        elif topic == "package_returned":
            results.append(returned_to_sender_diagnose(page=page, package=package))
        elif topic == "tracking_invalid" and package.tracking_number:
            results.append(_tracking_number(package, now))
    answers = [r for r in results if r is not None]
    if not answers:
        message = (
            "Nothing has shipped yet, so there is no tracking to check."
            if not page.packages
            else "None of your packages is in that situation."
        )
        answers.append(
            Diagnosis(
                code="not_applicable",
                topic=topic,
                title="Nothing to report",
                message=message,
                severity=Severity.OK,
            )
        )
    return answers
