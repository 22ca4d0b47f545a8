"""Money amounts with their currency: "$42", "42 euros", "£9.99", "9,99 €", "USD 120", "20 bucks"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from .types import Amount, Entity

SYMBOLS: dict[str, str | None] = {
    "us$": "USD",
    "a$": "AUD",
    "au$": "AUD",
    "c$": "CAD",
    "ca$": "CAD",
    "nz$": "NZD",
    "hk$": "HKD",
    "s$": "SGD",
    "r$": "BRL",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "zł": "PLN",
    "₺": "TRY",
}
WORDS: dict[str, str | None] = {
    "dollar": "USD",
    "dollars": "USD",
    "bucks": "USD",
    "usd": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "eur": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "quid": "GBP",
    "gbp": "GBP",
    "cad": "CAD",
    "aud": "AUD",
    "chf": "CHF",
    "francs": "CHF",
    "yen": "JPY",
    "jpy": "JPY",
    "sek": "SEK",
    "nok": "NOK",
    "dkk": "DKK",
    "pln": "PLN",
    "zloty": "PLN",
    "kr": None,
    "inr": "INR",
    "rupees": "INR",
    "nzd": "NZD",
    "mxn": "MXN",
    "pesos": "MXN",
    "brl": "BRL",
    "reais": "BRL",
    "sgd": "SGD",
    "hkd": "HKD",
}
_NUMBER = r"(\d{1,3}(?:[,.\s]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
_SYMBOL = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
_WORD = "|".join(sorted(WORDS, key=len, reverse=True))
SYMBOL_FIRST = re.compile(rf"(?<![\w$])({_SYMBOL})\s?{_NUMBER}(?![\d])", re.IGNORECASE)
CODE_FIRST = re.compile(
    rf"\b(usd|eur|gbp|cad|aud|chf|jpy|sek|nok|dkk|pln|inr|nzd)\s?{_NUMBER}(?!\d)", re.IGNORECASE
)
NUMBER_FIRST = re.compile(rf"(?<![\w.,]){_NUMBER}\s?(?:({_SYMBOL})|({_WORD})\b)", re.IGNORECASE)


def find_amounts(text: str) -> Iterator[Entity]:
    for match in SYMBOL_FIRST.finditer(text):
        yield from _amount(text, match, match.group(2), SYMBOLS[match.group(1).lower()])
    for match in CODE_FIRST.finditer(text):
        yield from _amount(text, match, match.group(2), WORDS[match.group(1).lower()])
    for match in NUMBER_FIRST.finditer(text):
        unit = (match.group(2) or match.group(3)).lower()
        yield from _amount(text, match, match.group(1), SYMBOLS.get(unit, WORDS.get(unit)))


def _amount(text: str, match: re.Match[str], number: str, currency: str | None) -> Iterator[Entity]:
    value = parse_number(number)
    if value is None:
        return
    yield Amount(
        value=f"{value} {currency}" if currency else str(value),
        text=match.group(),
        start=match.start(),
        end=match.end(),
        amount=value,
        currency=currency,
    )


def parse_number(number: str) -> Decimal | None:
    """'1,299.50' and '1.299,50' and '9,99' -> Decimal; a separator before exactly 3 digits groups thousands."""
    cleaned = number.replace(" ", "")
    last_sep = max(cleaned.rfind(","), cleaned.rfind("."))
    if last_sep != -1 and len(cleaned) - last_sep - 1 in (1, 2):
        integer, fraction = cleaned[:last_sep], cleaned[last_sep + 1 :]
    else:
        integer, fraction = cleaned, ""
    integer = integer.replace(",", "").replace(".", "")
    try:
        return Decimal(f"{integer}.{fraction}") if fraction else Decimal(integer)
    except InvalidOperation:
        return None
