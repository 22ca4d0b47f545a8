"""Check an address a customer typed: country, postcode per country, region, phone, PO boxes, lengths.

address_clean(data=..., require_phone=False)        -> CleanAddress (or InvalidInput naming each field)
shipping_destination_eligibility(order=..., country=...)  may the order go to this country self-service?
po_box_check(order=..., address=...)                 PO boxes only where the policy allows them
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

import phonenumbers
import pycountry

from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import InvalidInput
from shopdesk.orders.models import Order
from shopdesk.policy import get_policy

MAX_LENGTHS = {
    "name": 100,
    "company": 100,
    "line1": 100,
    "line2": 100,
    "city": 60,
    "region": 60,
    "postcode": 12,
    "country": 60,
    "phone": 32,
}
REQUIRED = ("name", "line1", "city", "country")

# Postcode formats of the countries we ship to most; the pattern matches the normalised (upper-case) text.
POSTCODE_FORMATS: dict[str, tuple[str, str]] = {
    "US": (r"\d{5}(-\d{4})?", "a 5-digit ZIP code, like 10002 or 10002-1234"),
    "PR": (r"00[679]\d{2}(-\d{4})?", "a 5-digit ZIP code starting with 006, 007 or 009"),
    "CA": (r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d", "like K1A 0B1"),
    "GB": (r"(GIR 0AA|[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2})", "like SW1A 1AA"),
    "NL": (r"[1-9]\d{3} [A-Z]{2}", "4 digits and 2 letters, like 1012 AB"),
    "DE": (r"\d{5}", "5 digits, like 10115"),
    "FR": (r"\d{5}", "5 digits, like 75001"),
    "IT": (r"\d{5}", "5 digits, like 00184"),
    "ES": (r"\d{5}", "5 digits, like 28013"),
    "BE": (r"\d{4}", "4 digits, like 1000"),
    "AT": (r"\d{4}", "4 digits, like 1010"),
    "DK": (r"\d{4}", "4 digits, like 1050"),
    "SE": (r"\d{3} \d{2}", "5 digits, like 114 55"),
    "PL": (r"\d{2}-\d{3}", "like 00-950"),
    "PT": (r"\d{4}-\d{3}", "like 1000-001"),
    "AU": (r"\d{4}", "4 digits, like 2000"),
    "NZ": (r"\d{4}", "4 digits, like 6011"),
    "JP": (r"\d{3}-\d{4}", "7 digits, like 100-0001"),
    "CH": (r"\d{4}", "4 digits, like 8001"),
}
# Countries whose post has no postcodes: a blank one is fine there (and is optional for the unlisted rest).
NO_POSTCODE = frozenset({"AE", "AG", "AO", "BS", "BZ", "HK", "IE", "QA", "JM", "FJ", "GH", "ZW"})
GENERIC_POSTCODE = re.compile(r"[A-Z0-9][A-Z0-9 \-]{1,10}")
REGION_REQUIRED = frozenset({"US", "CA", "AU"})

PO_BOX = re.compile(
    r"\b(p\.?\s*o\.?\s*box|post\s*office\s*box|postbus|postfach|bo[iî]te\s+postale|apartado(\s+de\s+correos)?"
    r"|private\s+bag|locked\s+bag|gpo\s+box)\b"
    # France: "BP 1234" (boîte postale), "CS 30000" (correspondance spéciale), "TSA 10001" (tri service arrivée)
    r"|\b(b\.?\s?p|cs|tsa)\.?\s*\d{1,6}\b",
    re.IGNORECASE,
)
# The first three digits of a US ZIP code, by state (USPS prefixes). A ZIP of another state is refused;
# a prefix not listed (military and a few special ones) is left alone.
_ZIP_PREFIXES: dict[str, tuple[tuple[int, int], ...]] = {
    "AL": ((350, 369),), "AK": ((995, 999),), "AZ": ((850, 865),), "AR": ((716, 729),),
    "CA": ((900, 961),), "CO": ((800, 816),), "CT": ((60, 69),), "DE": ((197, 199),),
    "DC": ((200, 200), (202, 205), (569, 569)), "FL": ((320, 339), (341, 349)),
    "GA": ((300, 319), (398, 399)), "HI": ((967, 968),), "ID": ((832, 838),), "IL": ((600, 629),),
    "IN": ((460, 479),), "IA": ((500, 528),), "KS": ((660, 679),), "KY": ((400, 427),),
    "LA": ((700, 714),), "ME": ((39, 49),), "MD": ((206, 219),), "MA": ((10, 27), (55, 55)),
    "MI": ((480, 499),), "MN": ((550, 567),), "MS": ((386, 397),), "MO": ((630, 658),),
    "MT": ((590, 599),), "NE": ((680, 693),), "NV": ((889, 898),), "NH": ((30, 38),),
    "NJ": ((70, 89),), "NM": ((870, 884),), "NY": ((5, 5), (100, 149)), "NC": ((270, 289),),
    "ND": ((580, 588),), "OH": ((430, 459),), "OK": ((730, 731), (734, 749)), "OR": ((970, 979),),
    "PA": ((150, 196),), "RI": ((28, 29),), "SC": ((290, 299),), "SD": ((570, 577),),
    "TN": ((370, 385),), "TX": ((733, 733), (750, 799), (885, 885)), "UT": ((840, 847),),
    "VT": ((50, 54), (56, 59)), "VA": ((201, 201), (220, 246)), "WA": ((980, 994),),
    "WV": ((247, 268),), "WI": ((530, 549),), "WY": ((820, 831),), "PR": ((6, 7), (9, 9)),
    "VI": ((8, 8),), "GU": ((969, 969),),
}  # fmt: skip


def zip_state(postcode: str) -> str | None:
    """The state a US ZIP code belongs to, from its first three digits; None when the prefix is not listed."""
    if len(postcode) < 5 or not postcode[:3].isdigit():
        return None
    prefix = int(postcode[:3])
    return next(
        (state for state, ranges in _ZIP_PREFIXES.items() if any(lo <= prefix <= hi for lo, hi in ranges)),
        None,
    )


@dataclass(frozen=True, slots=True)
class CleanAddress:
    name: str
    company: str
    line1: str
    line2: str
    city: str
    region: str
    postcode: str
    country: str
    phone: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError
    # Control characters (and NUL, which PostgreSQL refuses) never belong in an address.
    cleaned = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C")
    return " ".join(cleaned.split())


def country_code(text: str) -> str | None:
    """'nl', 'NL', 'Netherlands' -> 'NL'; None when it is no country."""
    if not text:
        return None
    try:
        country = pycountry.countries.lookup(text.strip())
    except LookupError:
        return None
    return str(country.alpha_2)


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code.upper())
    return str(getattr(country, "common_name", None) or country.name) if country else code


def postcode_normalise(country: str, postcode: str) -> str:
    text = re.sub(r"\s+", "", postcode.upper())
    if country in {"CA", "GB"} and len(text) > 3:
        return f"{text[:-3]} {text[-3:]}"
    if country == "NL" and len(text) == 6:
        return f"{text[:4]} {text[4:]}"
    if country == "SE" and len(text) == 5:
        return f"{text[:3]} {text[3:]}"
    if country == "JP" and len(text) == 7 and text.isdigit():
        return f"{text[:3]}-{text[3:]}"
    return " ".join(postcode.upper().split())


def _region(country: str, region: str) -> str | None:
    """The subdivision code ('NY') for a code or a name; None when it is not one of the country's."""
    if not region:
        return None
    wanted = region.strip().upper()
    for subdivision in pycountry.subdivisions.get(country_code=country) or []:
        short = subdivision.code.split("-", 1)[1]
        if wanted in (short, subdivision.code.upper(), subdivision.name.upper()):
            return short
    return None


def _phone(country: str, phone: str) -> str | None:
    try:
        parsed = phonenumbers.parse(phone, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def address_clean(*, data: dict[str, Any], require_phone: bool = False) -> CleanAddress:
    """Validate and normalise; InvalidInput lists every bad field at once (details['fields'])."""
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for field, limit in MAX_LENGTHS.items():
        try:
            value = _text(data.get(field))
        except TypeError:
            errors[field] = "This must be text."
            continue
        if len(value) > limit:
            errors[field] = f"Please keep this under {limit} characters."
        elif not value and field in REQUIRED:
            errors[field] = "This is required."
        values[field] = value
    country = country_code(values.get("country", "")) if "country" not in errors else None
    if country is None and "country" not in errors:
        errors["country"] = "We don't know this country; choose it from the list."
    if country:
        postcode = values.get("postcode", "")
        fmt = POSTCODE_FORMATS.get(country)
        if postcode and "postcode" not in errors:
            postcode = postcode_normalise(country, postcode)
            pattern = re.compile(fmt[0]) if fmt else GENERIC_POSTCODE
            if not pattern.fullmatch(postcode):
                hint = f" It should be {fmt[1]}." if fmt else ""
                errors["postcode"] = f"This isn't a valid postcode for {country_name(country)}.{hint}"
        elif fmt and "postcode" not in errors:
            errors["postcode"] = f"A postcode is required for {country_name(country)}."
        values["postcode"] = postcode
        if country in REGION_REQUIRED and "region" not in errors:
            region = _region(country, values.get("region", ""))
            if region is None:
                label = "state" if country in {"US", "AU"} else "province"
                errors["region"] = f"Choose a {label} of {country_name(country)}."
            else:
                values["region"] = region
                owner = zip_state(postcode) if country == "US" and "postcode" not in errors else None
                if owner is not None and owner != region:
                    errors["postcode"] = (
                        f"The ZIP code {postcode} is in {owner}, not {region}: please check both."
                    )
        phone = values.get("phone", "")
        if phone and "phone" not in errors:
            formatted = _phone(country, phone)
            if formatted is None:
                errors["phone"] = f"This isn't a valid phone number for {country_name(country)}."
            else:
                values["phone"] = formatted
        elif require_phone and "phone" not in errors:
            errors["phone"] = "A phone number is required so the carrier can reach you."
        values["country"] = country
    if errors:
        first = next(iter(errors.values()))
        raise InvalidInput(
            f"Please check the address: {first}", code="invalid_address", details={"fields": errors}
        )
    return CleanAddress(**{field: values.get(field, "") for field in MAX_LENGTHS})


def shipping_destination_eligibility(*, order: Order, country: str) -> Eligibility:
    """Self-service keeps the order in its shipping set-up: same zone, or one with the same warehouse,
    method, fee and duties. Otherwise the price or the origin changes, and an agent decides."""
    policy = get_policy()
    current = policy.zone_for_country(order.shipping_address.country)
    target = policy.zone_for_country(country)
    if target is None:
        return Eligibility.no("country_not_served", f"We don't ship to {country_name(country)}.")
    if current is None or current.code == target.code:
        return Eligibility.yes()
    current_method = current.method(order.shipping_method)
    target_method = target.method(order.shipping_method)
    same_setup = (
        set(current.warehouses) & set(target.warehouses)
        and current_method is not None
        and target_method is not None
        and current_method.fee == target_method.fee
        and current.duties == target.duties
    )
    if same_setup:
        return Eligibility.yes()
    return Eligibility.no(
        "other_shipping_zone",
        f"This order was priced for delivery in {current.name}, and {country_name(country)} is in our "
        f"{target.name} zone, with different shipping costs, duties or warehouse. We can't move it there online; "
        "an agent can help, or you can cancel it and order again with the new address.",
    )


def po_box_check(*, order: Order, address: CleanAddress) -> None:
    policy = get_policy().shipping
    if not PO_BOX.search(f"{address.line1} {address.line2}"):
        return
    if address.country not in policy.po_boxes_allowed:
        raise InvalidInput(
            f"We can't deliver to PO boxes in {country_name(address.country)}; please give a street address.",
            code="po_box_not_allowed",
            details={"fields": {"line1": "PO boxes aren't accepted for this country."}},
        )
    if order.shipping_method not in policy.po_boxes_methods:
        raise InvalidInput(
            "The carrier of this order's shipping method can't deliver to PO boxes; please give a street address.",
            code="po_box_not_allowed",
            details={"fields": {"line1": "PO boxes aren't accepted for this method."}},
        )
