"""Promotion codes: upper-case letter/digit tokens written near "code", "coupon", "promo" or "voucher"."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .types import Entity, PromoCode

CODE_WORDS = re.compile(
    r"\b(?:codes?|coupons?|promos?|promotions?|vouchers?|discounts?|gift ?cards?)\b", re.IGNORECASE
)
# "code SPRING20", "coupon: spring20", 'promo code "summer-15"'.
INTRODUCED = re.compile(
    r"\b(?:codes?|coupons?|promo(?:tion)?s?|vouchers?)\s*(?:code)?\s*(?:is|was|:|=|called|named|of)?\s*[\"'“‘]?"
    r"([A-Za-z0-9][A-Za-z0-9_-]{2,19})[\"'”’]?",
    re.IGNORECASE,
)
TOKEN = re.compile(r"(?<![\w@#$€£.-])([A-Z][A-Z0-9_-]{3,19}|[0-9]{1,3}[A-Z][A-Z0-9]{2,17})(?![\w@-])")
# Capitalised words that are not codes even next to "coupon".
NOT_CODES = {
    "THE",
    "THIS",
    "THAT",
    "CODE",
    "COUPON",
    "PROMO",
    "VOUCHER",
    "WORK",
    "WORKING",
    "HELP",
    "PLEASE",
    "URGENT",
    "WHY",
    "WHAT",
    "STILL",
    "DOES",
    "DOESNT",
    "DOESN",
    "NOT",
    "AND",
    "BUT",
    "YOUR",
    "KWOKING",
    "EXPIRED",
    "INVALID",
    "ERROR",
    "THANKS",
    "HELLO",
    "NEVER",
    "AGAIN",
    "WHEN",
    "WITH",
    "FROM",
    "HAVE",
    "JUST",
    "SAYS",
    "SAID",
    "USED",
    "USE",
    "APPLY",
    "APPLIED",
    "VALID",
    "ORDER",
    "CART",
    "TODAY",
    "FREE",
    "SHIPPING",
    "SALE",
    "DISCOUNT",
    "STORE",
    "EMAIL",
    "NOW",
    "ANY",
    "MORE",
    "THAN",
    "ONE",
    "TWO",
    "BOTH",
    "TOGETHER",
    "WONT",
    "CANT",
    "SIZE",
    "XXL",
    "XXXL",
    "XXS",
    "USD",
    "EUR",
    "GBP",
    "CAD",
    "AUD",
    "CHF",
}
LOWER_STOPWORDS = {
    "is",
    "was",
    "for",
    "that",
    "this",
    "the",
    "and",
    "but",
    "not",
    "doesnt",
    "isnt",
    "wont",
    "didnt",
    "does",
    "did",
    "code",
    "codes",
    "at",
    "on",
    "in",
    "it",
    "you",
    "your",
    "my",
    "i",
    "which",
    "from",
    "when",
    "if",
    "to",
    "with",
    "any",
    "anymore",
    "expired",
    "says",
    "said",
    "field",
    "box",
    "page",
    "work",
    "works",
    "worked",
    "working",
    "please",
    "again",
    "applied",
    "apply",
    "valid",
    "invalid",
    "a",
    "an",
    "there",
    "still",
    "won't",
    "doesn't",
    "isn't",
    "just",
}


def find_promo_codes(text: str) -> Iterator[Entity]:
    if not CODE_WORDS.search(text):
        return
    seen: set[int] = set()
    for match in INTRODUCED.finditer(text):
        token = match.group(1)
        if token.lower() in LOWER_STOPWORDS or token.upper() in NOT_CODES or not _codelike(token):
            continue
        seen.add(match.start(1))
        yield PromoCode(value=token.upper(), text=token, start=match.start(1), end=match.end(1))
    for match in TOKEN.finditer(text):
        token = match.group(1)
        if match.start(1) in seen or token in NOT_CODES:
            continue
        yield PromoCode(value=token.upper(), text=token, start=match.start(1), end=match.end(1))


def _codelike(token: str) -> bool:
    """Codes carry digits or are typed in capitals; 'code expired' must not make 'expired' a code."""
    return any(c.isdigit() for c in token) or token.isupper()
