"""Building blocks of the integration schemas: strict models, money, codes checked against the policy.

Lengths mirror the database columns, so a value too long fails here with its field path instead of
as a database error (PostgreSQL enforces lengths, SQLite would silently keep it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Annotated, Any

import pycountry
from babel.numbers import get_currency_precision
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from shopdesk.core.locales import LOCALE_MAX_LENGTH, locale_validate
from shopdesk.core.money import amount_places_validate
from shopdesk.core.text import CleanText
from shopdesk.policy.loader import get_policy


class Strict(CleanText):
    """Unknown keys are errors: a misspelt field never passes silently.

    No text field takes a control character (a NUL byte cannot be stored in PostgreSQL).
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def fields_disagree(message: str) -> PydanticCustomError:
    """A rule between fields, which JSON Schema cannot state (a SKU twice, points over the total, the
    decimals of the order's currency): refused with its own error type, `fields_disagree`."""
    return PydanticCustomError("fields_disagree", message)


_NO_AMOUNT = frozenset({str, int, bool, type(None), dt.datetime})


def amounts_in_currency(model: BaseModel, currency: str, *, skip: Iterable[str] = ()) -> None:
    """Refuse any amount of `model` (and the models inside it) with more decimals than `currency` allows.

    The error names the field path, e.g. `lines.0.unit_price`. `skip` names fields in another currency.
    """
    skipped = set(skip)

    def walk(value: Any, path: str) -> None:
        if type(value) in _NO_AMOUNT:  # most fields: one look-up instead of three isinstance checks
            return
        if isinstance(value, Decimal):
            try:
                amount_places_validate(value, currency)
            except ValueError as exc:
                raise fields_disagree(f"{path}: {exc}") from None
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                if not path and name in skipped:
                    continue
                walk(getattr(value, name), f"{path}.{name}" if path else name)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{path}.{index}")

    walk(model, "")


def _text(max_length: int) -> object:
    return StringConstraints(strip_whitespace=True, max_length=max_length)


Text20 = Annotated[str, _text(20)]
Text32 = Annotated[str, _text(32)]
Text40 = Annotated[str, _text(40)]
Text100 = Annotated[str, _text(100)]
Text120 = Annotated[str, _text(120)]
Text200 = Annotated[str, _text(200)]
Text500 = Annotated[str, _text(500)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


# Decimal, never float: pydantic turns a JSON number into a Decimal through its shortest text form,
# so 19.9 is Decimal("19.9"); more decimals than the currency has (JPY none, USD two, KWD three) is refused
# per field against the order's currency rather than rounded. The published schema says the same
# (`amount_document`), so a client learns the rule before sending.


def amount_document(
    *, digits: int = 10, places: int | None = 3, maximum: int | None = 9_999_999_999
) -> Callable[[dict[str, Any]], None]:
    """The published rule of an amount field (`json_schema_extra`): a string of up to `digits` digits
    before the point and `places` after it (None: as many as the store's currency has, USD 2, JPY 0, read
    when the schema is built), and a number up to `maximum` in steps of one unit of the last place (left
    as pydantic states it when `maximum` is None)."""

    def document(schema: dict[str, Any]) -> None:
        decimals = get_currency_precision(get_policy().store.currency) if places is None else places
        fraction = rf"(\.[0-9]{{1,{decimals}}})?" if decimals else ""
        for branch in schema.get("anyOf", []):
            if branch.get("type") == "string":
                branch["pattern"] = rf"^[0-9]{{1,{digits}}}{fraction}$"
            elif branch.get("type") == "number" and maximum is not None:
                branch.update(maximum=maximum, multipleOf=10**-decimals if decimals else 1)

    return document


Amount = Annotated[
    Decimal,
    Field(ge=0, max_digits=13, decimal_places=3, allow_inf_nan=False, json_schema_extra=amount_document()),
]
Quantity = Annotated[int, Field(gt=0, le=100_000)]
# Dates a store can mean: a year-9999 date would overflow date arithmetic on the order's pages.
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


def _sane_time(value: dt.datetime) -> dt.datetime:
    if not EARLIEST <= value < LATEST:
        raise ValueError(f"must be between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}")
    # Kept in UTC: the same instant, and PostgreSQL takes no zone offset beyond ±15:59.
    return value.astimezone(dt.UTC)


# A time without a zone is ambiguous across the store's warehouses. The published schema says which
# years are taken, and that the zone is required.
TIMESTAMP_PATTERN = (
    r"^(19[7-9][0-9]|20[0-9][0-9])-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"[Tt ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
Timestamp = Annotated[
    AwareDatetime, Field(json_schema_extra={"pattern": TIMESTAMP_PATTERN}), AfterValidator(_sane_time)
]


def _currency(code: str) -> str:
    code = code.upper()
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"{code!r} is not an ISO 4217 currency code")
    return code


def _country(code: str) -> str:
    code = code.upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"{code!r} is not an ISO 3166 alpha-2 country code")
    return code


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# The same rule in the published schema, without the control characters that no text takes. U+0085 (next
# line) is whitespace to Python's `\s` but not to a JSON Schema (ECMA) one, so it is named.
EMAIL_PATTERN = r"^[^@\s\x00-\x1f\x7f\x85]+@[^@\s\x00-\x1f\x7f\x85]+\.[^@\s.\x00-\x1f\x7f\x85]+$"


def _email(value: str) -> str:
    value = value.strip().lower()
    if not _EMAIL.match(value):
        raise ValueError(f"{value!r} is not an email address")
    return value


def order_number_validate(value: str) -> str:
    """The order number exactly in the store's format (the policy's prefix and digits), upper-cased."""
    policy = get_policy()
    number = value.strip().upper()
    if not policy.is_order_number(number):
        example = policy.format_order_number(12345)
        raise ValueError(f"{value!r} is not an order number of this store (like {example})")
    return number


def _order_number_document(schema: dict[str, Any]) -> None:
    store = get_policy().store
    schema["pattern"] = rf"^{re.escape(store.order_number_prefix)}[0-9]{{{store.order_number_digits}}}$"


def _codes_document(known: Callable[[], Iterable[str]]) -> Callable[[dict[str, Any]], None]:
    """The policy's codes as the published schema's enum, read when the document is built."""

    def document(schema: dict[str, Any]) -> None:
        schema["enum"] = sorted(set(known()))

    return document


def _policy_code(what: str, known: Callable[[], Iterable[str]]) -> Callable[[str], str]:
    """A validator accepting only the codes the store policy defines for `what`, naming them when it refuses."""

    def validate(code: str) -> str:
        code = code.strip().lower()
        codes = sorted(set(known()))
        if code not in codes:
            raise ValueError(f"unknown {what} {code!r} (the store policy has: {', '.join(codes)})")
        return code

    return validate


def _carriers() -> Iterable[str]:
    return (c.code for c in get_policy().shipping.carriers)


def _warehouses() -> Iterable[str]:
    return (w.code for w in get_policy().store.warehouses)


def _payment_methods() -> Iterable[str]:
    return (m.code for m in get_policy().payments.methods)


def _shipping_methods() -> Iterable[str]:
    return (m.code for zone in get_policy().shipping.zones for m in zone.methods)


_carrier = _policy_code("carrier", _carriers)
_warehouse = _policy_code("warehouse", _warehouses)
_payment_method = _policy_code("payment method", _payment_methods)
_shipping_method = _policy_code("shipping method", _shipping_methods)


# Long lists of codes are shared components of the OpenAPI document: `x-codes` names the list, which
# the document refers to once (see shopdesk.api.schema_codes).
CurrencyCode = Annotated[
    str, WithJsonSchema({"type": "string", "x-codes": "CurrencyCode"}), AfterValidator(_currency)
]
CountryCode = Annotated[
    str, WithJsonSchema({"type": "string", "x-codes": "CountryCode"}), AfterValidator(_country)
]
LocaleCode = Annotated[
    str,
    StringConstraints(max_length=LOCALE_MAX_LENGTH),
    WithJsonSchema({"type": "string", "x-codes": "LocaleCode"}),
    AfterValidator(locale_validate),
]
Email = Annotated[
    str,
    StringConstraints(max_length=254),
    Field(json_schema_extra={"pattern": EMAIL_PATTERN}),
    AfterValidator(_email),
]
OrderNumber = Annotated[
    str,
    StringConstraints(max_length=32),
    Field(json_schema_extra=_order_number_document),
    AfterValidator(order_number_validate),
]
CarrierCode = Annotated[str, Field(json_schema_extra=_codes_document(_carriers)), AfterValidator(_carrier)]
WarehouseCode = Annotated[
    str, Field(json_schema_extra=_codes_document(_warehouses)), AfterValidator(_warehouse)
]
PaymentMethodCode = Annotated[
    str, Field(json_schema_extra=_codes_document(_payment_methods)), AfterValidator(_payment_method)
]
ShippingMethodCode = Annotated[
    str, Field(json_schema_extra=_codes_document(_shipping_methods)), AfterValidator(_shipping_method)
]
Sku = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
ExternalId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
