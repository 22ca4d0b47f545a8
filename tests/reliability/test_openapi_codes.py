"""The published schema states what the validators take: shared code lists, patterns, the policy's codes."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from shopdesk.api.api import api
from shopdesk.core.locales import locale_canonical
from shopdesk.core.text import TEXT_PATTERN, TEXT_PATTERN_NOT_BLANK, text_validate
from shopdesk.integration.schemas.common import EMAIL_PATTERN, TIMESTAMP_PATTERN
from shopdesk.integration.schemas.orders import OrderIn
from shopdesk.policy.loader import get_policy
from tests.integration.payloads import order_payload


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return api.get_openapi_schema()


def test_code_lists_are_named_once_and_referred_to(document: dict[str, Any]) -> None:
    text = json.dumps(document)
    assert "x-codes" not in text
    components = document["components"]["schemas"]
    assert "US" in components["CountryCode"]["enum"] and "JPY" in components["CurrencyCode"]["enum"]
    assert all(locale_canonical(code) == code for code in components["LocaleCode"]["enum"])
    address = components["OrderAddressIn"]["properties"]["country"]
    assert address == {"$ref": "#/components/schemas/CountryCode"}
    assert text.count('"CountryCode": {') == 1  # the list of countries is one component


def test_the_policy_codes_and_order_number_are_stated(document: dict[str, Any]) -> None:
    policy = get_policy()
    order = document["components"]["schemas"]["OrderIn"]["properties"]
    methods = sorted({m.code for zone in policy.shipping.zones for m in zone.methods})
    assert order["shipping_method"]["enum"] == methods
    example = policy.format_order_number(12345)
    payment = document["components"]["schemas"]["StandalonePaymentIn"]["properties"]
    assert re.fullmatch(payment["order_number"]["pattern"].strip("^$"), example)
    assert payment["method"]["enum"] == sorted(m.code for m in policy.payments.methods)


@pytest.mark.parametrize(
    ("text", "allowed"),
    [("Ada", True), ("two\nlines\tand tab", True), ("", True), ("nul\x00", False), ("esc\x1b[0m", False)],
)
def test_the_text_pattern_is_the_validators_rule(text: str, allowed: bool) -> None:
    try:
        text_validate(text)
        validated = True
    except ValueError:
        validated = False
    assert validated is allowed
    assert (re.fullmatch(TEXT_PATTERN, text) is not None) is allowed
    assert re.fullmatch(TEXT_PATTERN_NOT_BLANK, "  ") is None and re.fullmatch(TEXT_PATTERN_NOT_BLANK, " a ")


@pytest.mark.parametrize(
    ("placed_at", "stated"),
    [
        ("2026-03-02T10:15:00+00:00", True),
        ("2026-03-02T10:15:00.123456Z", True),
        ("1969-12-31T23:59:59Z", False),
        ("2100-01-01T00:00:00Z", False),
        ("9999-12-31T23:59:59Z", False),
        ("2026-03-02T10:15:00", False),  # no zone
    ],
)
def test_the_timestamp_pattern_agrees_with_the_validator(placed_at: str, stated: bool) -> None:
    assert (re.fullmatch(TIMESTAMP_PATTERN, placed_at) is not None) is stated
    body = {**order_payload(), "placed_at": placed_at}
    accepted = True
    try:
        OrderIn.model_validate(body)
    except ValueError:
        accepted = False
    assert accepted is stated


def test_the_email_pattern_takes_only_what_the_validator_takes() -> None:
    for email, ok in [("ada@example.com", True), ("ada@example", False), ("a b@example.com", False)]:
        assert (re.fullmatch(EMAIL_PATTERN, email) is not None) is ok


def test_rules_between_fields_have_their_own_error_type() -> None:
    body = {**order_payload(total="10.00"), "points_value": "20.00"}
    with pytest.raises(ValueError) as refused:
        OrderIn.model_validate(body)
    assert [error["type"] for error in refused.value.errors()] == ["fields_disagree"]  # type: ignore[attr-defined]
