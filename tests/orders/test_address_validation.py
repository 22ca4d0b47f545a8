"""Address checks: countries, postcodes per country, regions, phones, PO boxes, lengths, types."""

from __future__ import annotations

import pytest

from shopdesk.core.errors import InvalidInput
from shopdesk.orders.address_validation import address_clean, country_code, postcode_normalise

US = {
    "name": "Ada Shopper",
    "line1": "12 Orchard Street",
    "city": "New York",
    "region": "NY",
    "postcode": "10002",
    "country": "US",
    "phone": "+1 212 555 0123",
}


def _with(**changes: object) -> dict[str, object]:
    return {**US, **changes}


def _field_errors(data: dict[str, object]) -> dict[str, str]:
    with pytest.raises(InvalidInput) as error:
        address_clean(data=data)
    assert error.value.code == "invalid_address"
    return error.value.details["fields"]


def test_a_good_us_address_is_normalised():
    clean = address_clean(data=_with(region="New York", phone="(212) 555-0123", country="us"))
    assert (clean.region, clean.country, clean.phone) == ("NY", "US", "+12125550123")


@pytest.mark.parametrize(
    ("country", "region", "postcode", "normalised"),
    [
        ("US", "CA", "94103-1234", "94103-1234"),
        ("CA", "ON", "k1a0b1", "K1A 0B1"),
        ("GB", "", "sw1a1aa", "SW1A 1AA"),
        ("NL", "", "1012ab", "1012 AB"),
        ("DE", "", "10115", "10115"),
        ("FR", "", "75001", "75001"),
        ("AU", "NSW", "2000", "2000"),
        ("JP", "", "1000001", "100-0001"),
        ("BR", "", "01310-100", "01310-100"),  # generic rule
    ],
)
def test_postcodes_of_the_main_countries(country, region, postcode, normalised):
    clean = address_clean(data=_with(country=country, region=region, postcode=postcode, phone=""))
    assert clean.postcode == normalised


@pytest.mark.parametrize(
    ("country", "region", "postcode"),
    [
        ("US", "NY", "1000"),
        ("US", "NY", "ABCDE"),
        ("CA", "ON", "123 456"),
        ("GB", "", "12345"),
        ("NL", "", "0123 AB"),
        ("DE", "", "1011"),
        ("FR", "", "7500"),
        ("AU", "NSW", "20000"),
        ("JP", "", "12-34"),
        ("BR", "", "@@@"),
    ],
)
def test_malformed_postcodes_are_refused_with_the_expected_format(country, region, postcode):
    errors = _field_errors(_with(country=country, region=region, postcode=postcode, phone=""))
    assert "postcode" in errors and "valid postcode" in errors["postcode"]


def test_a_postcode_is_required_where_the_post_uses_them_only():
    assert "postcode" in _field_errors(_with(postcode=""))
    assert address_clean(data=_with(country="IE", region="", postcode="", phone="")).postcode == ""


def test_an_unknown_country_is_refused():
    assert _field_errors(_with(country="Atlantis"))["country"].startswith("We don't know this country")
    assert country_code("Netherlands") == "NL"


def test_us_states_are_checked():
    assert "region" in _field_errors(_with(region="Narnia"))
    assert "region" in _field_errors(_with(region=""))


def test_phones_are_checked_for_the_country():
    assert "phone" in _field_errors(_with(phone="12345"))
    assert address_clean(data=_with(phone="")).phone == ""


def test_oversized_fields_are_refused_each_with_its_limit():
    errors = _field_errors(_with(name="x" * 101, line1="y" * 300, city="z" * 61))
    assert errors["name"] == "Please keep this under 100 characters."
    assert set(errors) >= {"name", "line1", "city"}


def test_wrong_types_and_missing_fields_are_refused():
    errors = _field_errors({"name": 12, "line1": ["a"], "city": None, "country": "US"})
    assert errors["name"] == "This must be text." and errors["line1"] == "This must be text."
    assert errors["city"] == "This is required."


def test_control_characters_are_removed():
    assert address_clean(data=_with(line1="12 Orchard\x00 Street\n")).line1 == "12 Orchard Street"


def test_postcode_normalise_keeps_unknown_formats():
    assert postcode_normalise("BR", " 01310-100 ") == "01310-100"
