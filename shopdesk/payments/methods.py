"""Which payment methods a shopper in a country can use, their limits and refund times: all from the policy.

payment_countries(first=...)        every country of every shipping zone, the shopper's own first
payment_methods_in(country=...)     the methods of one country, as the help page and the API show them
country_from_accept_language(header) the country a browser's languages name ("en-GB" → "GB"), if any
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pycountry

from shopdesk.core.money import format_money
from shopdesk.policy import get_policy
from shopdesk.policy.schema import PaymentMethod, Policy


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name: str
    zone: str  # the shipping zone's name


@dataclass(frozen=True, slots=True)
class MethodLimit:
    minimum: Decimal | None
    maximum: Decimal | None
    sentence: str  # "" when the method has no limit


@dataclass(frozen=True, slots=True)
class MethodInCountry:
    code: str
    name: str
    note: str
    limits: MethodLimit
    refund_days_min: int
    refund_days_max: int
    refund_sentence: str


@dataclass(frozen=True, slots=True)
class CountryMethods:
    country: Country
    currency: str
    methods: list[MethodInCountry]


def country_name(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code.upper())
    if found is None:
        return code.upper()
    return str(getattr(found, "common_name", None) or found.name)


def country_known(code: str) -> bool:
    """An ISO 3166 alpha-2 code that some shipping zone of the store covers."""
    code = (code or "").strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        return False
    return get_policy().zone_for_country(code) is not None


def payment_countries(*, first: str | None = None) -> list[Country]:
    """Every country the store ships to, by name; `first` (the shopper's own) leads the list.

    A zone of `*` covers every other country, so the list is then the whole ISO list."""
    policy = get_policy()
    codes: set[str] = set()
    for zone in policy.shipping.zones:
        if "*" in zone.countries:
            codes |= {c.alpha_2 for c in pycountry.countries}
        else:
            codes |= set(zone.countries)
    countries = []
    for code in codes:
        found = policy.zone_for_country(code)
        if found is not None:
            countries.append(Country(code=code, name=country_name(code), zone=found.name))
    countries.sort(key=lambda c: c.name)
    if first:
        first = first.upper()
        countries.sort(key=lambda c: c.code != first)  # stable: the rest stays alphabetical
    return countries


def _limit(method: PaymentMethod, currency: str, locale: str) -> MethodLimit:
    low, high = method.min_order, method.max_order
    if low is not None and high is not None:
        sentence = f"For orders from {format_money(low, currency, locale)} to {format_money(high, currency, locale)}."
    elif low is not None:
        sentence = f"For orders of {format_money(low, currency, locale)} or more."
    elif high is not None:
        sentence = f"For orders up to {format_money(high, currency, locale)}."
    else:
        sentence = ""
    return MethodLimit(minimum=low, maximum=high, sentence=sentence)


def refund_time_sentence(method: PaymentMethod) -> str:
    low, high = method.refund_days_min, method.refund_days_max
    if high == 0:
        return "Refunds arrive straight away."
    if low == high:
        return f"Refunds arrive within {high} business day{'s' if high != 1 else ''}."
    return f"Refunds arrive within {low}–{high} business days."


def payment_methods_in(*, country: str, policy: Policy | None = None) -> CountryMethods:
    """The methods a shopper in `country` can use (the caller checked `country_known`)."""
    policy = policy or get_policy()
    code = country.strip().upper()
    zone = policy.zone_for_country(code)
    currency, locale = policy.store.currency, policy.store.locale
    methods = [
        MethodInCountry(
            code=method.code,
            name=method.name,
            note=method.note,
            limits=_limit(method, currency, locale),
            refund_days_min=method.refund_days_min,
            refund_days_max=method.refund_days_max,
            refund_sentence=refund_time_sentence(method),
        )
        for method in policy.payment_methods_for(code)
    ]
    return CountryMethods(
        country=Country(code=code, name=country_name(code), zone=zone.name if zone else ""),
        currency=currency,
        methods=methods,
    )


def country_from_accept_language(header: str) -> str | None:
    """The first region named in an Accept-Language header ("fr-BE,fr;q=0.8" → "BE"), if the store ships there."""
    for part in (header or "").split(",")[:10]:
        tag = part.split(";")[0].strip().replace("_", "-")
        pieces = tag.split("-")
        if len(pieces) >= 2 and len(pieces[-1]) == 2 and country_known(pieces[-1]):
            return pieces[-1].upper()
    return None
