"""Is a tracking number valid? Carrier and check digit (tracking-numbers library), or simply not scanned yet.

Usable on a number the customer types (no order data involved) and on the order's own packages.
"""

from __future__ import annotations

import datetime as dt
import re

from tracking_numbers import DEFINITIONS, get_tracking_number

from shopdesk.orderview.diagnoses.types import Diagnosis, DiagnosisAction, Severity
from shopdesk.policy import get_policy

MAX_LENGTH = 40
_NOISE = re.compile(r"[\s\-.]+")
# The library's courier codes where they differ from the policy's carrier codes.
_LIBRARY_TO_POLICY = {"ups": "ups", "fedex": "fedex", "usps": "usps", "dhl": "dhl"}


def _hours_ago(hours: float) -> str:
    """'less than an hour ago', '1 hour ago', '5 hours ago' (never '0 hours ago')."""
    whole = int(hours)
    if whole < 1:
        return "less than an hour ago"
    return f"{whole} hour{'s' if whole != 1 else ''} ago"


def tracking_number_normalise(text: str) -> str:
    return _NOISE.sub("", (text or "")[: MAX_LENGTH * 2]).upper()


def _carrier_name(code: str) -> str:
    carrier = get_policy().carrier(code)
    return carrier.name if carrier else code.upper()


def tracking_number_diagnose(
    *,
    number: str,
    expected_carrier: str | None = None,
    label_created_at: dt.datetime | None = None,
    scanned: bool = False,
    shipment_id: int | None = None,
    now: dt.datetime | None = None,
) -> Diagnosis:
    normalised = tracking_number_normalise(number)
    facts: dict[str, object] = {"number": normalised, "expected_carrier": expected_carrier}

    def result(code: str, title: str, message: str, severity: str, **more: object) -> Diagnosis:
        actions = more.pop("actions", ())
        return Diagnosis(
            code=code,
            topic="tracking_invalid",
            title=title,
            message=message,
            severity=severity,
            facts={**facts, **more},
            shipment_id=shipment_id,
            actions=actions,  # type: ignore[arg-type]
        )

    if not normalised or len(normalised) > MAX_LENGTH or not normalised.isalnum():
        return result(
            "tracking_malformed",
            "That is not a tracking number",
            "A tracking number has only letters and digits (10 to 34 of them). Copy it from your "
            "shipping email and try again.",
            Severity.WARN,
        )
    found = get_tracking_number(normalised)
    if found is None:
        near = [d for d in DEFINITIONS if (t := d.test(normalised)) is not None and not t.valid]
        if near:
            carrier = near[0].courier.code
            return result(
                "tracking_typo",
                "One character looks wrong",
                f"This looks like a {near[0].courier.name} number, but its check digit does not match: "
                "one character is probably mistyped. Compare it with the number in your shipping email.",
                Severity.WARN,
                detected_carrier=carrier,
                check_digit_valid=False,
            )
        if not scanned:
            return result(
                "tracking_unrecognised",
                "We don't recognise this number",
                "This number does not match any carrier's format (it may be too short or too long). "
                "Check it against your shipping email, or open your order page: every package there "
                "links to its carrier.",
                Severity.WARN,
                detected_carrier=None,
            )
        detected = None
    else:
        detected = _LIBRARY_TO_POLICY.get(found.courier.code, found.courier.code)
        facts["detected_carrier"] = detected
        facts["check_digit_valid"] = True
        if expected_carrier and detected != expected_carrier:
            return result(
                "tracking_other_carrier",
                "This number belongs to another carrier",
                f"This is a {found.courier.name} number, so track it on {found.courier.name}'s site "
                f"rather than {_carrier_name(expected_carrier)}'s.",
                Severity.INFO,
            )
    if scanned:
        return result(
            "tracking_valid",
            "The number is valid",
            "The number is valid and the carrier has scanned the package.",
            Severity.OK,
            detected_carrier=detected,
        )
    if label_created_at is None:
        name = found.courier.name if found else "the carrier"
        return result(
            "tracking_valid_format",
            "The number is valid",
            f"This is a valid {name} number. Carriers show it as 'not found' until they scan the "
            f"package, usually within {get_policy().shipping.label_activation_hours} hours of the "
            "label being printed.",
            Severity.OK,
        )
    hours = get_policy().shipping.label_activation_hours
    age_hours = ((now or dt.datetime.now(dt.UTC)) - label_created_at).total_seconds() / 3600
    if age_hours <= hours:
        return result(
            "tracking_not_active_yet",
            "Not scanned yet",
            f"Your label was created {_hours_ago(age_hours)}; the carrier shows the number as "
            f"unknown until it scans the package at pickup, which takes up to {hours} hours. "
            "Nothing is wrong.",
            Severity.OK,
            label_age_hours=round(age_hours, 1),
        )
    return result(
        "tracking_not_activated",
        "The carrier has not scanned your package",
        f"The label was created {int(age_hours // 24)} days ago and the carrier has not scanned the "
        "package yet. We can ask the carrier and the warehouse to check.",
        Severity.WARN,
        label_age_hours=round(age_hours, 1),
        actions=(
            DiagnosisAction.of(
                "open_case", "Ask the carrier to check", case_kind="carrier_inquiry", shipment_id=shipment_id
            ),
        ),
    )
