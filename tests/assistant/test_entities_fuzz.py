"""Entity extraction never raises: hostile text drives every finder and the libraries behind them
(tracking-numbers' check digits, pycountry, calendar arithmetic), and one bad message costs at most
its own entities of one kind, never the reply or the rest of a batch."""

from __future__ import annotations

import datetime
import itertools
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopdesk.assistant.nlu.entities import extract as extract_module
from shopdesk.assistant.nlu.entities import extract_entities
from shopdesk.assistant.nlu.entities.amounts import find_amounts
from shopdesk.assistant.nlu.entities.countries import find_countries
from shopdesk.assistant.nlu.entities.dates import find_dates
from shopdesk.assistant.nlu.entities.identifiers import (
    find_contextual_references,
    find_emails,
    find_store_order_numbers,
    find_tracking_numbers,
    identify_carrier,
)
from shopdesk.assistant.nlu.entities.promo_codes import find_promo_codes
from shopdesk.assistant.nlu.entities.sizes import find_quantities, find_sizes

NOW = datetime.datetime(2025, 6, 11, 15, 0)

# Pieces that look like what the finders and their libraries parse, so the fuzzer reaches them.
FRAGMENTS = [
    "1Z3DRCJV132819482O",
    "1Z999AA10123456784",
    "tracking number ",
    "order ",
    "KW",
    "#",
    "$",
    "€",
    "9,99",
    "99999999999 years ago",
    "in 99999999 months",
    "last ",
    "next ",
    "Tuesday",
    "on the 31st",
    "February 30",
    "0000-00-00",
    "9999-12-31",
    "code ",
    "size ",
    "EU ",
    "UK",
    "x",
    "qty ",
    "@",
    ".com",
    "Deutschland",
    "the States",
    " ",
    "\n",
    "-",
]
HOSTILE = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS), st.text(max_size=12), st.from_regex(r"[A-Z0-9]{6,30}", fullmatch=True)
    ),
    max_size=12,
).map("".join)
FINDERS = [
    find_emails,
    lambda t: find_store_order_numbers(t, "KW", 8),
    lambda t: find_contextual_references(t, "KW", 8),
    find_tracking_numbers,
    find_promo_codes,
    find_amounts,
    lambda t: find_dates(t, NOW),
    find_sizes,
    find_countries,
    find_quantities,
]


def test_a_letter_where_a_check_digit_belongs_is_no_crash() -> None:
    # The tracking-numbers library raises ValueError from int() on this UPS-shaped number.
    text = "1Z3DRCJV132819482O ends with a letter O"
    _, valid = identify_carrier("1Z3DRCJV132819482O")
    assert valid is False
    assert extract_entities(text, now=NOW) == []  # not a valid number, and not called a tracking number
    called = extract_entities("my tracking number 1Z3DRCJV132819482O is invalid", now=NOW)
    assert [(e.type, e.value, e.valid) for e in called] == [("tracking_number", "1Z3DRCJV132819482O", False)]  # type: ignore[attr-defined]


def test_calendar_overflow_gives_no_date() -> None:
    assert [e for e in extract_entities("I ordered 99999999 years ago", now=NOW) if e.type == "date"] == []
    assert [e for e in extract_entities("in 9999999999 weeks", now=NOW) if e.type == "date"] == []


def test_a_failing_finder_costs_only_its_own_entities(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(text: str) -> list[object]:
        raise RuntimeError("library bug")

    monkeypatch.setattr(extract_module, "find_countries", broken)
    with caplog.at_level(logging.WARNING):
        entities = extract_entities("ship to Canada, order KW10023456, secret@example.com", now=NOW)
    assert [e.type for e in entities] == ["order_number", "email"]
    assert "country" in caplog.text and "secret@example.com" not in caplog.text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE)
def test_every_finder_survives_hostile_text(text: str) -> None:
    for finder in FINDERS:
        for entity in finder(text):
            assert 0 <= entity.start <= entity.end <= len(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE, st.datetimes(min_value=datetime.datetime(1, 1, 8), max_value=datetime.datetime(9999, 12, 24)))
def test_extraction_survives_hostile_text_at_any_date(text: str, now: datetime.datetime) -> None:
    entities = extract_entities(text, now=now)
    spans = sorted((e.start, e.end) for e in entities)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))
