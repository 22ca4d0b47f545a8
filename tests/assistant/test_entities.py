"""Entity extraction: each kind, the forms customers type, and no overlaps between kinds."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest

from shopdesk.assistant.nlu.entities import (
    Amount,
    Country,
    Date,
    Entity,
    OrderNumber,
    Reference,
    TrackingNumber,
    extract_entities,
)

NOW = datetime.datetime(2025, 6, 11, 15, 0)  # a Wednesday


def of_type(text: str, kind: str, **kwargs: object) -> list[Entity]:
    return [e for e in extract_entities(text, now=NOW, **kwargs) if e.type == kind]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "where is KW10023456",
        "order #10023456 please",
        "kw-10023456 hasn't arrived",
        "my order 10023456",
        "it's KW 1002 3456",
        "kw10023456",
        "order number: 1002-3456",
    ],
)
def test_store_order_numbers_in_every_typed_form(text: str) -> None:
    (order,) = of_type(text, "order_number")
    assert isinstance(order, OrderNumber)
    assert order.value == "KW10023456"
    assert order.valid
    assert text[order.start : order.end] == order.text


def test_order_number_format_comes_from_the_arguments() -> None:
    (order,) = of_type("order AB123456 is late", "order_number", prefix="AB", digits=6)
    assert order.value == "AB123456"


def test_foreign_order_reference_is_kept_but_marked_not_in_store_format() -> None:
    (order,) = of_type("my order id is 8182103718", "order_number")
    assert order.value == "8182103718"
    assert isinstance(order, OrderNumber) and not order.valid


def test_account_ids_and_bare_ids_are_references() -> None:
    (account,) = of_type("my account id is H3HVWJRFJ8", "reference")
    assert isinstance(account, Reference) and account.label == "account" and account.value == "H3HVWJRFJ8"
    (bare,) = of_type("QYCZHYB8MN", "reference")
    assert bare.value == "QYCZHYB8MN"


def test_emails_are_lower_cased() -> None:
    (email,) = of_type("reach me at Jane.Doe+kw@Example.COM, thanks", "email")
    assert email.value == "jane.doe+kw@example.com"
    assert email.text == "Jane.Doe+kw@Example.COM"


def test_tracking_numbers_get_a_carrier_and_a_validity() -> None:
    good, bad = of_type("tracking 1Z999AA10123456784, and tracking 1Z999AA10123456785", "tracking_number")
    assert isinstance(good, TrackingNumber) and isinstance(bad, TrackingNumber)
    assert (good.carrier, good.valid) == ("UPS", True)
    assert (bad.carrier, bad.valid) == ("UPS", False)


def test_an_unrecognised_number_is_flagged_only_when_called_a_tracking_number() -> None:
    (flagged,) = of_type("my tracking number ZZ12345678XX does not work", "tracking_number")
    assert isinstance(flagged, TrackingNumber) and not flagged.valid
    assert of_type("the weather is 12345678XX", "tracking_number") == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("do you ship to Canada?", "CA"),
        ("I live in the UK", "GB"),
        ("shipping to the States", "US"),
        ("nach Deutschland bitte", "DE"),
        ("I'm German", "DE"),
        ("delivery to the Netherlands", "NL"),
        ("can you send it to NZL", "NZ"),
        ("do you deliver to Holland", "NL"),
        ("do you ship to germany", "DE"),  # typed on a phone, no capital
        ("payment methods in japan", "JP"),
    ],
)
def test_countries_by_name_alias_code_and_demonym(text: str, code: str) -> None:
    (country,) = of_type(text, "country")
    assert isinstance(country, Country)
    assert country.value == code


@pytest.mark.parametrize(
    "text", ["I bought a football jersey", "it is in the box", "nail polish", "new Air Jordan shoes"]
)
def test_clothing_words_and_common_words_are_not_countries(text: str) -> None:
    assert of_type(text, "country") == []


def test_promo_codes_near_code_words() -> None:
    codes = [e.value for e in of_type("code SPRING20 fails and the WELCOME10 coupon too", "promo_code")]
    assert codes == ["SPRING20", "WELCOME10"]
    assert [e.value for e in of_type("my coupon spring20 is not working", "promo_code")] == ["SPRING20"]
    assert of_type("SPRING20 is a nice season", "promo_code") == []
    assert of_type("the code expired yesterday", "promo_code") == []


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("I paid $42", "42", "USD"),
        ("it was 42 euros", "42", "EUR"),
        ("shipping cost £9.99", "9.99", "GBP"),
        ("9,99 € extra", "9.99", "EUR"),
        ("USD 1,299.50 total", "1299.50", "USD"),
        ("20 bucks", "20", "USD"),
    ],
)
def test_amounts_with_currency(text: str, amount: str, currency: str) -> None:
    (found,) = of_type(text, "amount")
    assert isinstance(found, Amount)
    assert (found.amount, found.currency) == (Decimal(amount), currency)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I ordered last Tuesday", datetime.date(2025, 6, 10)),
        ("3 weeks ago", datetime.date(2025, 5, 21)),
        ("it came on the 5th", datetime.date(2025, 6, 5)),
        ("since March 3", datetime.date(2025, 3, 3)),
        ("on the 3rd of March", datetime.date(2025, 3, 3)),
        ("yesterday", datetime.date(2025, 6, 10)),
        ("ordered on Friday", datetime.date(2025, 6, 6)),
        ("next Monday", datetime.date(2025, 6, 16)),
        ("a couple of days ago", datetime.date(2025, 6, 9)),
        ("December 24", datetime.date(2024, 12, 24)),  # no year: the most recent one, last year
    ],
)
def test_dates_resolve_against_now(text: str, expected: datetime.date) -> None:
    (found,) = of_type(text, "date")
    assert isinstance(found, Date)
    assert found.date == expected
    assert found.value == expected.isoformat()


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("size M please", "M"),
        ("can I get an XL", "XL"),
        ("size 38", "38"),
        ("in a medium instead", "M"),
        ("EU 40", "EU 40"),
    ],
)
def test_sizes(text: str, size: str) -> None:
    (found,) = of_type(text, "size")
    assert found.value == size


def test_size_words_in_ordinary_sentences_are_not_sizes() -> None:
    assert of_type("it came in a small box with a large dent", "size") == []


@pytest.mark.parametrize(
    ("text", "count"),
    [("I want 2 of them", 2), ("three", 3), ("x2", 2), ("qty 3", 3), ("I ordered 2 blue shirts", 2)],
)
def test_quantities(text: str, count: int) -> None:
    (found,) = of_type(text, "quantity")
    assert found.value == str(count)


def test_entities_do_not_overlap() -> None:
    text = (
        "Order KW10023456 cost $42, code SPRING20, email a@b.co, 3 weeks ago, size XL, 2 of them, to the UK"
    )
    entities = extract_entities(text, now=NOW)
    kinds = {e.type for e in entities}
    assert kinds == {"order_number", "amount", "promo_code", "email", "date", "size", "quantity", "country"}
    spans = sorted((e.start, e.end) for e in entities)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))


def test_an_order_number_is_not_also_an_amount_or_a_quantity() -> None:
    entities = extract_entities("order 10023456 for 2 items", now=NOW)
    assert [(e.type, e.value) for e in entities] == [("order_number", "KW10023456"), ("quantity", "2")]


def test_entities_serialise_to_json_ready_dicts() -> None:
    (amount,) = of_type("£9.99", "amount")
    assert amount.to_dict() == {
        "type": "amount",
        "value": "9.99 GBP",
        "text": "£9.99",
        "start": 0,
        "end": 5,
        "amount": "9.99",
        "currency": "GBP",
    }
