"""Demo shoppers: made on demand per destination country, some coming back for more orders."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from shopdesk.demo.places import COUNTRIES, EMAIL_DOMAINS, City, Country
from shopdesk.demo.rows import KeyAllocator, RowBuffer
from shopdesk.orders.models import Address, Customer

RETURNING_SHARE = 0.4  # share of orders placed by someone who already ordered


@dataclass(slots=True)
class Shopper:
    id: int
    email: str
    name: str
    locale: str
    country: str
    city: City
    line1: str
    postcode: str
    phone: str
    orders: int = 0
    # Customers who used a first-order-only code never order again in the demo, so that code's
    # order stays their first whatever the dates of their other orders would have been.
    single_order: bool = False


def _ascii(text: str) -> str:
    flat = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in flat.lower() if ch.isalnum())


def _postcode(pattern: str, rng: random.Random) -> str:
    return "".join(
        str(rng.randrange(10)) if ch == "#" else chr(65 + rng.randrange(26)) if ch == "@" else ch
        for ch in pattern
    )


class ShopperPool:
    def __init__(self, *, rng: random.Random, keys: KeyAllocator, buffer: RowBuffer) -> None:
        self._rng = rng
        self._keys = keys
        self._buffer = buffer
        self._by_country: dict[str, list[Shopper]] = {}
        self.created = 0

    def pick(self, country_code: str, *, new_only: bool = False) -> Shopper:
        regulars = [s for s in self._by_country.get(country_code, []) if not s.single_order]
        if regulars and not new_only and self._rng.random() < RETURNING_SHARE:
            shopper = self._rng.choice(regulars)
        else:
            shopper = self._new(COUNTRIES[country_code])
        shopper.orders += 1
        return shopper

    def _new(self, country: Country) -> Shopper:
        rng = self._rng
        first, last = rng.choice(country.first_names), rng.choice(country.last_names)
        self.created += 1
        email = f"{_ascii(first)}.{_ascii(last)}{self.created}@{rng.choice(EMAIL_DOMAINS)}"
        city = rng.choice(country.cities)
        street, number = rng.choice(country.streets), rng.randrange(1, 180)
        line1 = f"{number} {street}" if country.number_first else f"{street} {number}"
        if country.code == "JP":  # Japanese addresses carry the block numbers in the street part
            line1 = street
        phone = f"+1 212 555 {rng.randrange(100, 200):04d}" if country.code == "US" else ""
        shopper = Shopper(
            id=self._keys(Customer),
            email=email,
            name=f"{first} {last}",
            locale=rng.choice(country.locales),
            country=country.code,
            city=city,
            line1=line1,
            postcode=_postcode(city.postcode, rng),
            phone=phone,
        )
        self._buffer.add(
            Customer(
                id=shopper.id,
                email=email,
                name=shopper.name,
                locale=shopper.locale,
                country=country.code,
                phone=phone,
                external_id=f"demo-customer-{self.created:06d}",
            )
        )
        self._by_country.setdefault(country.code, []).append(shopper)
        return shopper

    def address(self, shopper: Shopper) -> Address:
        """A fresh copy of the shopper's address for one order (orders own their addresses)."""
        address = Address(
            id=self._keys(Address),
            name=shopper.name,
            line1=shopper.line1,
            city=shopper.city.name,
            region=shopper.city.region,
            postcode=shopper.postcode,
            country=shopper.country,
            phone=shopper.phone,
        )
        self._buffer.add(address)
        return address
