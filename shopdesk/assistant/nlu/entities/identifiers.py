"""Order numbers, emails, tracking numbers and other identifiers a customer pastes into a message."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tracking_numbers import DEFINITIONS

from .types import Email, Entity, OrderNumber, Reference, TrackingNumber

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?![\w-])")
_ORDER_WORDS = r"(?:order|ord|purchase|oder|odrer|ordr|bestellung|commande|pedido)"
_ID_WORDS = r"(?:number|num|nr|no\.?|n°|id|#|code|ref(?:erence)?)s?"
# After "order id is", "order #", "order no." the next token is the customer's reference.
ORDER_CONTEXT = re.compile(
    rf"\b{_ORDER_WORDS}\s*(?:{_ID_WORDS}\s*)?(?:is|was|:|=|-)?\s*#?\s*$", re.IGNORECASE
)
ACCOUNT_CONTEXT = re.compile(
    r"\b(?:account|customer|member(?:ship)?|user)\s*(?:id|number|no\.?|#|code)?\s*(?:is|was|:|=)?\s*#?\s*$",
    re.IGNORECASE,
)
TRACKING_CONTEXT = re.compile(
    r"\b(?:tracking|track|trace|parcel|shipment|waybill|ups|usps|fedex|dhl|royal mail|carrier)\b[^.?!\n]{0,30}$",
    re.IGNORECASE,
)
ID_TOKEN = re.compile(r"(?<![\w@.])#?([A-Za-z0-9](?:[A-Za-z0-9]|(?<=\d)[ -](?=\d{3})){5,34})(?![\w@])")


def find_emails(text: str) -> Iterator[Entity]:
    for match in EMAIL.finditer(text):
        yield Email(value=match.group().lower(), text=match.group(), start=match.start(), end=match.end())


def find_store_order_numbers(text: str, prefix: str, digits: int) -> Iterator[Entity]:
    """The store's own format, however it is typed: KW10023456, kw-10023456, KW 1002 3456, #10023456."""
    body = rf"((?:\d[ -]?){{{digits - 1}}}\d)(?!\d)"
    with_prefix = re.compile(rf"(?<![A-Za-z0-9]){re.escape(prefix)}[\s#:.\-]{{0,3}}{body}", re.IGNORECASE)
    for match in with_prefix.finditer(text):
        yield _order(text, match.start(), match.end(), match.group(1), prefix)
    # Exactly `digits` digits, alone (optionally after '#'): in a store chat that is an order number.
    bare = re.compile(rf"(?<![\w.,$€£/:-])(?<!\d )#?\s?(\d{{{digits}}}|\d{{4}} \d{{4}})(?![\w.,/%]|,\d| \d)")
    for match in bare.finditer(text):
        yield _order(text, match.start(), match.end(), match.group(1), prefix)


def _order(text: str, start: int, end: int, digits_text: str, prefix: str) -> OrderNumber:
    digits_only = re.sub(r"\D", "", digits_text)
    return OrderNumber(
        value=prefix.upper() + digits_only, text=text[start:end], start=start, end=end, valid=True
    )


def find_tracking_numbers(text: str) -> Iterator[Entity]:
    """Numbers with a carrier's shape; those failing the check digit are kept (valid=False) when the
    customer calls them a tracking number, because "my tracking number is invalid" is a question we answer."""
    for match in ID_TOKEN.finditer(text):
        raw = match.group(1)
        compact = re.sub(r"[ -]", "", raw).upper()
        if not (any(c.isdigit() for c in compact) and len(compact) >= 8):
            continue
        carrier, valid = identify_carrier(compact)
        in_context = bool(TRACKING_CONTEXT.search(text[: match.start()]))
        if valid or in_context:
            yield TrackingNumber(
                value=compact, text=raw, start=match.start(1), end=match.end(1), carrier=carrier, valid=valid
            )


def identify_carrier(number: str) -> tuple[str | None, bool]:
    """(carrier name, check digit ok) for a compact number; (None, False) when no carrier's shape fits."""
    shaped: str | None = None
    for definition in DEFINITIONS:
        try:
            result = definition.test(number)
        except (ValueError, TypeError, IndexError, KeyError, ArithmeticError):
            # The library computes check digits with int(): a letter where a digit belongs
            # ("…82O", a letter O for a zero) raises instead of failing the check.
            continue
        if result is None:
            continue
        if result.valid:
            return result.courier.name, True
        shaped = shaped or result.courier.name
    return shaped, False


def find_contextual_references(text: str, prefix: str, digits: int) -> Iterator[Entity]:
    """Ids introduced by "order id", "account number"...; and a message that is nothing but an id."""
    stripped = text.strip().strip(".!?,;:\"'")
    whole_message = bool(re.fullmatch(r"#?[A-Za-z0-9-]{6,24}", stripped)) and _looks_like_id(stripped)
    for match in ID_TOKEN.finditer(text):
        raw = match.group(1)
        if " " in raw or not _looks_like_id(raw):
            continue
        before = text[: match.start()]
        if ORDER_CONTEXT.search(before):
            compact = raw.replace("-", "")
            is_store = bool(re.fullmatch(rf"(?:{re.escape(prefix)})?\d{{{digits}}}", compact, re.IGNORECASE))
            value = prefix.upper() + compact[-digits:] if is_store else raw.upper()
            yield OrderNumber(value=value, text=raw, start=match.start(1), end=match.end(1), valid=is_store)
        elif ACCOUNT_CONTEXT.search(before):
            yield Reference(
                value=raw.upper(), text=raw, start=match.start(1), end=match.end(1), label="account"
            )
        elif whole_message and raw == stripped.lstrip("#"):
            yield Reference(value=raw.upper(), text=raw, start=match.start(1), end=match.end(1))


def _looks_like_id(token: str) -> bool:
    """A digit-bearing or ALL-CAPS token of 6+ characters, not an ordinary word."""
    core = token.lstrip("#").replace("-", "")
    if len(core) < 6:
        return False
    return any(c.isdigit() for c in core) or (core.isupper() and core.isalpha())
