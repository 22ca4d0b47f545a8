"""Clothing and shoe sizes ("size M", "an XL", "size 38", "UK 10", "medium") and item quantities
("2 of them", "three", "x2", "qty 3")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .types import Entity, Quantity, Size

LETTER_SIZES = {
    "xxs": "XXS",
    "xs": "XS",
    "s": "S",
    "m": "M",
    "l": "L",
    "xl": "XL",
    "xxl": "XXL",
    "xxxl": "XXXL",
    "2xl": "XXL",
    "3xl": "XXXL",
    "4xl": "4XL",
    "5xl": "5XL",
    "extra small": "XS",
    "x-small": "XS",
    "xsmall": "XS",
    "small": "S",
    "medium": "M",
    "large": "L",
    "extra large": "XL",
    "x-large": "XL",
    "xlarge": "XL",
    "extra extra large": "XXL",
    "xx-large": "XXL",
}
_LETTER = "|".join(re.escape(s) for s in sorted(LETTER_SIZES, key=len, reverse=True))
# "size M", "size: 38", "a size 8.5", "size EU 40".
AFTER_SIZE_WORD = re.compile(
    rf"\bsize\s*[:=]?\s*(?:(eu|uk|us|it|fr)\s*)?(\d{{1,2}}(?:[.,]5)?|{_LETTER})(?![\w])", re.IGNORECASE
)
# "an XL", "the medium", "in a large" - the word alone is too common ("a small problem") so it needs
# a size-ish neighbour: an article before it and no noun after it.
ARTICLE_LETTER = re.compile(
    rf"\b(?:in|an?|the|to|for)\s+({_LETTER})(?:\s+size)?\b"
    r"(?!\s+(?!(?:instead|one|please|and|or|but|because|too|then|so|if|is|was|fits?|would|will)\b)[a-z]{3,})",
    re.IGNORECASE,
)
SHOUTED = re.compile(r"(?<![\w-])(XXS|XS|XL|XXL|XXXL|[2-5]XL)(?![\w-])")
REGIONAL = re.compile(r"\b(EU|UK|US|IT|FR)\s?(\d{1,2}(?:[.,]5)?)\b")

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
    "a pair of": 2,
    "a dozen": 12,
    "both": 2,
}
_WORD = "|".join(re.escape(w) for w in sorted(NUMBER_WORDS, key=len, reverse=True))
NOT_ITEMS = (
    "days|weeks|months|years|hours|minutes|times|dollars|euros|pounds|bucks|percent|points|"
    "emails|e-mails|mails|calls|messages|orders|cents|digits|letters|characters|packages|parcels"
)
OF_THEM = re.compile(rf"\b(\d{{1,3}}|{_WORD})\s+(?:of\s+(?:them|these|those|it|the\b|my\b))", re.IGNORECASE)
ITEMS = re.compile(
    rf"\b(\d{{1,3}}|{_WORD})\s+(?:[a-z]+\s+)?(?!(?:{NOT_ITEMS})\b)(?:pairs?|pieces?|pcs|items?|units?|[a-z-]{{2,}}s)\b",
    re.IGNORECASE,
)
MULTIPLIER = re.compile(
    r"(?<![\w$€£])(?:x\s?(\d{1,3})|(\d{1,3})\s?x)(?![\w])|\b(?:qty|quantity)\s*(?:of|:|=)?\s*(\d{1,3})\b",
    re.IGNORECASE,
)
ALONE_WORD = re.compile(
    r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b(?!\s+(?:day|week|month|year|hour|minute|time|dollar|euro|pound|percent|point|o'clock)s?\b)",
    re.IGNORECASE,
)


def find_sizes(text: str) -> Iterator[Entity]:
    for match in AFTER_SIZE_WORD.finditer(text):
        region, size = match.group(1), match.group(2)
        value = LETTER_SIZES.get(size.lower(), size.replace(",", "."))
        yield Size(
            value=f"{region.upper()} {value}" if region else value,
            text=match.group(),
            start=match.start(),
            end=match.end(),
        )
    for match in ARTICLE_LETTER.finditer(text):
        word = match.group(1)
        if len(word) == 1 and not word.isupper():
            continue  # "a s" / "the m" are typos, not sizes
        yield Size(value=LETTER_SIZES[word.lower()], text=word, start=match.start(1), end=match.end(1))
    for match in SHOUTED.finditer(text):
        yield Size(
            value=LETTER_SIZES[match.group(1).lower()],
            text=match.group(),
            start=match.start(),
            end=match.end(),
        )
    for match in REGIONAL.finditer(text):
        yield Size(
            value=f"{match.group(1)} {match.group(2)}",
            text=match.group(),
            start=match.start(),
            end=match.end(),
        )


def find_quantities(text: str) -> Iterator[Entity]:
    for pattern in (MULTIPLIER, OF_THEM, ITEMS):
        for match in pattern.finditer(text):
            number = next(g for g in match.groups() if g)
            count = int(number) if number.isdigit() else NUMBER_WORDS[number.lower()]
            if 0 < count < 1000:
                yield Quantity(
                    value=str(count), text=match.group(), start=match.start(), end=match.end(), count=count
                )
    for match in ALONE_WORD.finditer(text):
        count = NUMBER_WORDS[match.group(1).lower()]
        yield Quantity(
            value=str(count), text=match.group(), start=match.start(), end=match.end(), count=count
        )
