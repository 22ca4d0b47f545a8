"""API router: GET /api/v1/help/payment-methods?country=XX, the methods of one country. Public, read-only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pycountry
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field, field_validator

from shopdesk.core.money import format_money
from shopdesk.payments.methods import country_known, payment_methods_in
from shopdesk.policy import get_policy

router = Router(tags=["help"])


def _countries_document(schema: dict[str, Any]) -> None:
    """The countries the store ships to, read from the policy when the document is built."""
    schema["enum"] = sorted(c.alpha_2 for c in pycountry.countries if country_known(c.alpha_2))


class CountryParams(Schema):
    country: str = Field(
        min_length=2,
        max_length=2,
        description="ISO 3166 alpha-2 code, e.g. NL.",
        json_schema_extra=_countries_document,
    )

    @field_validator("country")
    @classmethod
    def _known(cls, value: str) -> str:
        if not country_known(value):
            raise ValueError("not a country code the store ships to (ISO 3166 alpha-2, e.g. NL)")
        return value.upper()


class MoneyOut(Schema):
    amount: str
    currency: str
    display: str


class LimitsOut(Schema):
    minimum: MoneyOut | None
    maximum: MoneyOut | None
    message: str


class RefundTimeOut(Schema):
    business_days_min: int
    business_days_max: int
    message: str


class MethodOut(Schema):
    code: str
    name: str
    note: str
    limits: LimitsOut
    refund_time: RefundTimeOut


class CountryOut(Schema):
    code: str
    name: str
    zone: str


class PaymentMethodsOut(Schema):
    country: CountryOut
    methods: list[MethodOut]


def _money(amount: Decimal | None, currency: str) -> MoneyOut | None:
    if amount is None:
        return None
    locale = get_policy().store.locale
    return MoneyOut(amount=str(amount), currency=currency, display=format_money(amount, currency, locale))


@router.get(
    "/payment-methods", response=PaymentMethodsOut, summary="Payment methods of a country, with limits"
)
def payment_methods(request: HttpRequest, params: Query[CountryParams]) -> PaymentMethodsOut:
    found = payment_methods_in(country=params.country)
    return PaymentMethodsOut(
        country=CountryOut(code=found.country.code, name=found.country.name, zone=found.country.zone),
        methods=[
            MethodOut(
                code=m.code,
                name=m.name,
                note=m.note,
                limits=LimitsOut(
                    minimum=_money(m.limits.minimum, found.currency),
                    maximum=_money(m.limits.maximum, found.currency),
                    message=m.limits.sentence,
                ),
                refund_time=RefundTimeOut(
                    business_days_min=m.refund_days_min,
                    business_days_max=m.refund_days_max,
                    message=m.refund_sentence,
                ),
            )
            for m in found.methods
        ],
    )
