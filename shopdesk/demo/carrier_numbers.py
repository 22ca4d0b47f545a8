"""Real-format tracking numbers with correct check digits, one generator per carrier of the policy.

The algorithms follow the public tracking-number definitions (the `tracking-numbers` package ships
them): the assistant and the tracking diagnosis treat a number as valid only when its check digit is
right, so demo numbers must pass the same checks as a real carrier's.
"""

from __future__ import annotations

import random
from collections.abc import Callable

# A fictitious UPS shipper account for KWOKING (six letters and digits, like a real one).
UPS_SHIPPER_ID = "K7W42E"
# UPS service codes: 03 Ground, 02 2nd Day Air, 01 Next Day Air.
UPS_SERVICE_CODES = ("03", "02", "01")
# USPS IMpb: application identifier 94 (domestic parcel), service code 001, mailer id of nine digits.
USPS_PREFIX = "94001"
USPS_MAILER_ID = "118956"


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(count))


def ups_check_digit(body: str) -> int:
    """Mod 10 over the 15 characters after `1Z`: letters count as (ord - 3) mod 10, odd positions doubled."""
    total = 0
    for index, char in enumerate(body):
        value = int(char) if char.isdigit() else (ord(char) - 3) % 10
        total += value * 2 if index % 2 else value
    return (10 - total % 10) % 10


def fedex_check_digit(serial: str) -> int:
    """FedEx Express (12): weights 3, 1, 7 repeating over 11 digits, then mod 11, then mod 10."""
    weights = (3, 1, 7)
    total = sum(int(digit) * weights[index % 3] for index, digit in enumerate(serial))
    return total % 11 % 10


def usps_check_digit(serial: str) -> int:
    """USPS IMpb mod 10: digits at even positions (from the left, 0-based) weigh 3, the others 1."""
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(serial))
    return (10 - total % 10) % 10


def dhl_check_digit(serial: str) -> int:
    """DHL Express waybill: the nine-digit serial modulo 7."""
    return int(serial) % 7


def ups_number(rng: random.Random) -> str:
    body = UPS_SHIPPER_ID + rng.choice(UPS_SERVICE_CODES) + _digits(rng, 7)
    return f"1Z{body}{ups_check_digit(body)}"


def fedex_number(rng: random.Random) -> str:
    serial = str(rng.randrange(1, 10)) + _digits(rng, 10)
    return f"{serial}{fedex_check_digit(serial)}"


def usps_number(rng: random.Random) -> str:
    serial = USPS_PREFIX + USPS_MAILER_ID + _digits(rng, 21 - len(USPS_PREFIX) - len(USPS_MAILER_ID))
    return f"{serial}{usps_check_digit(serial)}"


def dhl_number(rng: random.Random) -> str:
    serial = str(rng.randrange(1, 10)) + _digits(rng, 8)
    return f"{serial}{dhl_check_digit(serial)}"


GENERATORS: dict[str, Callable[[random.Random], str]] = {
    "ups": ups_number,
    "fedex": fedex_number,
    "usps": usps_number,
    "dhl": dhl_number,
}


def tracking_number(carrier: str, rng: random.Random) -> str:
    """A valid number for a carrier code of the policy; an unknown carrier gets a plain reference."""
    generator = GENERATORS.get(carrier)
    if generator is None:
        return f"{carrier.upper()[:3]}{_digits(rng, 12)}"
    return generator(rng)
