"""Is a number a customer typed a real tracking number? The carrier and check digit (tracking-numbers library).

The same rules as the order page's tracking diagnosis (malformed, one character mistyped, no carrier's
format, another carrier than the one named), for numbers the store records: a return sent with the
customer's own carrier, or the number of a prepaid return label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from tracking_numbers import DEFINITIONS, get_tracking_number

from shopdesk.policy import get_policy

MAX_LENGTH = 40
_NOISE = re.compile(r"[\s\-.]+")


@dataclass(frozen=True, slots=True)
class TrackingNumberCheck:
    number: str  # normalised: no spaces, dashes or dots; upper case
    valid: bool
    code: str  # tracking_valid, tracking_malformed, tracking_typo, tracking_unrecognised, tracking_other_carrier
    message: str
    carrier: str = ""  # the policy's carrier code when the policy knows the carrier, else the library's
    carrier_name: str = ""


def tracking_number_clean(text: str) -> str:
    return _NOISE.sub("", (text or "")[: MAX_LENGTH * 2]).upper()


def tracking_number_check(*, number: str, carrier: str | None = None) -> TrackingNumberCheck:
    """A valid number names its carrier; an invalid one says what looks wrong, in a customer's words."""
    cleaned = tracking_number_clean(number)

    def refused(code: str, message: str) -> TrackingNumberCheck:
        return TrackingNumberCheck(cleaned, False, code, message)

    if not cleaned or len(cleaned) > MAX_LENGTH or not cleaned.isalnum():
        return refused(
            "tracking_malformed",
            "A tracking number has only letters and digits (10 to 34 of them). Copy it from the carrier's "
            "receipt and try again.",
        )
    found = get_tracking_number(cleaned)
    if found is None:
        near = [d for d in DEFINITIONS if (t := d.test(cleaned)) is not None and not t.valid]
        if near:
            return refused(
                "tracking_typo",
                f"This looks like a {near[0].courier.name} number, but its check digit does not match: one "
                "character is probably mistyped. Compare it with the carrier's receipt.",
            )
        return refused(
            "tracking_unrecognised",
            "This number does not match any carrier's format (it may be too short or too long). Check it "
            "against the carrier's receipt.",
        )
    code = found.courier.code
    known = get_policy().carrier(code)
    name = known.name if known else found.courier.name
    wanted = (carrier or "").strip().lower()
    if wanted and wanted != code:
        named = get_policy().carrier(wanted)
        return refused(
            "tracking_other_carrier",
            f"This is a {name} number, not a {named.name if named else wanted.upper()} one: choose {name} "
            "or check the number.",
        )
    return TrackingNumberCheck(cleaned, True, "tracking_valid", f"A valid {name} number.", code, name)


def tracking_url(*, carrier: str, number: str) -> str:
    """The carrier's tracking page for the number, when the policy knows the carrier ('' otherwise)."""
    known = get_policy().carrier(carrier)
    return known.tracking_url.format(number=quote(number)) if known and number else ""
