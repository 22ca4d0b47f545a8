"""One builder publishes every amount's rule in the OpenAPI schema: the integration amounts, the catalogue's
prices in the store's currency and the points quote's cart total say what their validators accept."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from pydantic import TypeAdapter, ValidationError

from shopdesk.api.customer_points import QuoteQuery
from shopdesk.integration.schemas.catalog import VariantIn
from shopdesk.integration.schemas.common import Amount, amount_document
from shopdesk.policy import get_policy


def _string_pattern(schema: dict) -> str:
    return next(branch["pattern"] for branch in schema["anyOf"] if branch.get("type") == "string")


def test_an_amount_is_up_to_ten_digits_and_three_decimals_as_text_or_number():
    schema = TypeAdapter(Amount).json_schema()
    pattern = _string_pattern(schema)
    number = next(branch for branch in schema["anyOf"] if branch.get("type") == "number")
    assert (number["maximum"], number["multipleOf"]) == (9_999_999_999, 0.001)
    for text in ("0", "49.9", "9999999999.999"):
        assert re.fullmatch(pattern, text)
        TypeAdapter(Amount).validate_python(text)
    for text in ("12345678901", "1.2345", "-1", "1e3"):
        assert not re.fullmatch(pattern, text)


def test_a_catalogue_price_takes_the_decimals_of_the_store_currency():
    price = VariantIn.model_json_schema()["properties"]["price"]
    assert get_policy().store.currency == "USD"
    assert _string_pattern(price) == r"^[0-9]{1,10}(\.[0-9]{1,2})?$"
    number = next(branch for branch in price["anyOf"] if branch.get("type") == "number")
    assert number["multipleOf"] == 0.01


def test_the_points_quote_total_publishes_what_it_accepts():
    total = QuoteQuery.model_json_schema()["properties"]["total"]
    pattern = _string_pattern(total)
    assert pattern == r"^[0-9]{1,6}(\.[0-9]{1,2})?$"
    assert QuoteQuery.model_validate({"total": "999999.99"}).total == Decimal("999999.99")
    assert re.fullmatch(pattern, "999999.99") and not re.fullmatch(pattern, "1000000")
    with pytest.raises(ValidationError):
        QuoteQuery.model_validate({"total": "1000000"})


def test_a_currency_without_decimals_publishes_whole_numbers(monkeypatch):
    from shopdesk.integration.schemas import common

    policy = get_policy()
    yen = policy.model_copy(update={"store": policy.store.model_copy(update={"currency": "JPY"})})
    monkeypatch.setattr(common, "get_policy", lambda: yen)
    schema = {"anyOf": [{"type": "number"}, {"type": "string"}]}
    amount_document(places=None)(schema)
    assert schema["anyOf"] == [
        {"type": "number", "maximum": 9_999_999_999, "multipleOf": 1},
        {"type": "string", "pattern": r"^[0-9]{1,10}$"},
    ]
