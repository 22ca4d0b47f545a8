"""The facts and words of each diagnosis, and the case service behind 'open an investigation'."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.errors import NotEligible
from shopdesk.orders.models import Order
from shopdesk.orderview.builder import order_page
from shopdesk.orderview.diagnoses.emails import emails_diagnose
from shopdesk.orderview.diagnoses.order import diagnosis_for_topic
from shopdesk.orderview.diagnoses.tracking_number import tracking_number_diagnose
from shopdesk.selfservice.cases import REFERENCE_ALPHABET, case_open
from shopdesk.shipping.models import Case
from tests.situations import VALID_UPS_NUMBER


def _one(order: Order, code: str):  # type: ignore[no-untyped-def]
    return next(d for d in order_page(order=order).diagnoses if d.code == code)


def test_split_shipment_lists_each_package(order_with_split_shipment: Order) -> None:
    diagnosis = _one(order_with_split_shipment, "split_warehouses")
    assert diagnosis.facts["warehouses"] == ["Edison, New Jersey (USA)", "Venlo (Netherlands)"]
    assert [len(p["items"]) for p in diagnosis.facts["packages"]] == [1, 1]


def test_partly_shipped_order_says_what_still_waits(order_partially_shipped: Order) -> None:
    page = order_page(order=order_partially_shipped)
    assert page.summary.startswith("2 of 3 items are on their way")
    assert "the Canvas tote leaves our warehouse in Edison" in page.summary
    assert "Still to ship" in _one(order_partially_shipped, "split_ready_times").message


def test_returned_to_sender_gives_the_reason_and_the_policy_options(order_returned_to_sender: Order) -> None:
    diagnosis = _one(order_returned_to_sender, "returned_to_sender")
    assert diagnosis.facts["reason"] == "Returned to shipper: address incomplete"
    assert diagnosis.facts["options"] == ["reship", "refund"]
    # $49 item − $12.00 return shipping; the original $5.95 shipping is kept, not taken off the items too
    assert diagnosis.facts["refund_estimate"] == Decimal("37.00")
    assert "$9.95" in diagnosis.message and "$37.00" in diagnosis.message
    assert "the original shipping ($5.95) is not refunded" in diagnosis.message


def test_customs_on_delivery_estimates_the_duties(order_held_at_customs: Order) -> None:
    diagnosis = _one(order_held_at_customs, "held_at_customs")
    assert diagnosis.facts["estimate"] == Decimal("40.00")  # 20% of $200
    assert "duties you paid are not refunded" in diagnosis.message


def test_stale_then_lost_thresholds(order_with_stale_tracking: Order, order_lost: Order) -> None:
    stale = _one(order_with_stale_tracking, "tracking_stale")
    assert stale.facts["days_since_last_scan"] == 5 and stale.actions[0].case_kind == "carrier_inquiry"
    lost = _one(order_lost, "package_lost")
    assert lost.actions[0].case_kind == "investigation"
    assert "send a replacement or refund you in full" in lost.message


def test_delivered_not_received_waits_48_hours(order_delivered: Order) -> None:
    diagnosis = _one(order_delivered, "delivered_not_received")
    assert diagnosis.actions  # delivered 3 days ago: past the 48 hours
    shipment = order_delivered.shipments.get()
    shipment.delivered_at = timezone.now() - dt.timedelta(hours=5)
    shipment.save()
    assert not _one(Order.objects.get(pk=order_delivered.pk), "delivered_not_received").actions


def test_not_at_address_before_and_after_dispatch(order_unfulfilled: Order, order_in_transit: Order) -> None:
    now = timezone.now()
    before = diagnosis_for_topic(topic="not_at_address", page=order_page(order=order_unfulfilled), now=now)[0]
    assert before.code == "address_changeable"
    assert before.actions[0].action == "shipping_address" and not before.actions[0].url
    after = diagnosis_for_topic(topic="not_at_address", page=order_page(order=order_in_transit), now=now)[0]
    assert after.code == "carrier_options" and "UPS Access Point" in after.message


@pytest.mark.parametrize(
    ("number", "expected_carrier", "code"),
    [
        (VALID_UPS_NUMBER.lower(), None, "tracking_valid_format"),
        ("1Z999AA10123456785", None, "tracking_typo"),
        ("3318810025", "ups", "tracking_other_carrier"),
        ("1234", None, "tracking_unrecognised"),
        ("", None, "tracking_malformed"),
    ],
)
def test_tracking_number_diagnosis(number: str, expected_carrier: str | None, code: str) -> None:
    assert tracking_number_diagnose(number=number, expected_carrier=expected_carrier).code == code


def test_label_not_scanned_after_the_activation_window() -> None:
    created = timezone.now() - dt.timedelta(hours=60)
    diagnosis = tracking_number_diagnose(number=VALID_UPS_NUMBER, label_created_at=created, shipment_id=7)
    assert diagnosis.code == "tracking_not_activated"
    assert diagnosis.actions[0].case_kind == "carrier_inquiry"


def test_emails_diagnosis_lists_what_was_sent(order_in_transit: Order) -> None:
    from shopdesk.notifications.services import email_record_sent

    email_record_sent(
        order=order_in_transit,
        template="confirmation",
        to=order_in_transit.email,
        at=order_in_transit.placed_at,
    )
    diagnosis = emails_diagnose(order=order_in_transit)
    assert diagnosis.code == "emails_sent"
    assert order_in_transit.email in diagnosis.message and "spam" in diagnosis.message
    assert {a.action for a in diagnosis.actions} == {"resend_confirmation", "change_email"}


def test_case_open_is_idempotent_with_a_readable_reference(order_lost: Order) -> None:
    shipment = order_lost.shipments.get()
    first = case_open(
        order=order_lost,
        shipment_id=shipment.pk,
        kind="investigation",
        actor=Actor.customer(order_lost.email),
    )
    again = case_open(
        order=order_lost,
        shipment_id=shipment.pk,
        kind="investigation",
        actor=Actor.customer(order_lost.email),
    )
    assert first.created and not again.created and first.case.pk == again.case.pk
    reference = first.case.reference
    assert reference.startswith("CS-") and all(c in REFERENCE_ALPHABET for c in reference[3:])
    assert Case.objects.count() == 1


def test_case_is_refused_without_a_reason(order_in_transit: Order) -> None:
    with pytest.raises(NotEligible) as refused:
        case_open(
            order=order_in_transit,
            shipment_id=order_in_transit.shipments.get().pk,
            kind="carrier_inquiry",
            actor=Actor.customer(order_in_transit.email),
        )
    assert refused.value.code == "case_not_needed"
