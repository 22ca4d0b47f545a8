"""Demo tracking numbers are real-format and pass the carriers' check digits (per `tracking-numbers`)."""

from __future__ import annotations

import random

import pytest
from tracking_numbers import get_tracking_number

from shopdesk.demo.carrier_numbers import tracking_number
from shopdesk.policy import get_policy

FORMATS = {"ups": (18, "1Z"), "fedex": (12, ""), "usps": (22, "94"), "dhl": (10, "")}


@pytest.mark.parametrize("carrier", sorted(FORMATS))
def test_numbers_are_valid_for_their_carrier(carrier: str) -> None:
    rng = random.Random(carrier)
    length, prefix = FORMATS[carrier]
    for _ in range(300):
        number = tracking_number(carrier, rng)
        parsed = get_tracking_number(number)
        assert len(number) == length and number.startswith(prefix), number
        assert parsed is not None and parsed.valid, number
        assert parsed.courier.code == carrier, (number, parsed.courier)


@pytest.mark.parametrize("carrier", sorted(FORMATS))
def test_a_wrong_check_digit_is_caught(carrier: str) -> None:
    number = tracking_number(carrier, random.Random(1))
    last = int(number[-1])
    broken = number[:-1] + str((last + 1) % 10)
    parsed = get_tracking_number(broken)
    assert parsed is None or parsed.courier.code != carrier or not parsed.valid


def test_every_carrier_of_the_policy_has_a_generator() -> None:
    assert {carrier.code for carrier in get_policy().shipping.carriers} <= set(FORMATS)
