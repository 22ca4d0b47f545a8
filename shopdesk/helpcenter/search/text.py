"""Text analysis for search: normalise, split into words, drop filler words, stem lightly, and
expand shoppers' words to the store's vocabulary ("parcel" → "package", "voucher" → "coupon")."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pycountry

_WORD = re.compile(r"[a-z0-9]+")
_APOSTROPHES = str.maketrans({"’": "", "'": "", "‘": "", "`": ""})

# Only words that carry no meaning in a help question. Question words (where, why, how, when) stay:
# "Where is my order?" and "Why was my order split?" differ by them.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "but",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "i",
        "me",
        "my",
        "mine",
        "we",
        "us",
        "our",
        "you",
        "your",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "do",
        "does",
        "did",
        "doing",
        "have",
        "has",
        "had",
        "having",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "please",
        "hi",
        "hello",
        "thanks",
        "thank",
        "so",
        "just",
        "any",
        "some",
        "get",
        "got",
        "what",
        "which",
        "much",
        "yet",
        "something",
        "anything",
        "want",
        "like",
        "need",
        "also",
        "dont",
        "im",
        "ive",
    ]
)

# Shoppers' words → the words the articles use. Applied after stemming, so keys are stems.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "parcel": ("packag",),
    "packag": ("parcel",),
    "shipment": ("packag", "ship"),
    "deliver": ("ship",),
    "arriv": ("deliver",),
    "voucher": ("coupon", "code"),
    "coupon": ("code", "promot"),
    "promo": ("promot", "code"),
    "discount": ("coupon", "code"),
    "money": ("refund",),
    "reimburs": ("refund",),
    "cashback": ("refund",),
    "tax": ("duti", "custom"),
    "duti": ("custom",),
    "vat": ("duti", "tax"),
    "custom": ("duti",),
    "mail": ("email",),
    "e": (),
    "bulk": ("wholesal",),
    "reseller": ("wholesal",),
    "reward": ("point",),
    "loyalt": ("point",),
    "stolen": ("lost",),
    "missing": ("lost", "receiv"),
    "nonreturn": ("return",),
    "exchang": ("return",),
    "send": ("return",),
    "cancell": ("cancel",),
    "cancel": ("cancel",),
    "modif": ("chang",),
    "edit": ("chang",),
    "updat": ("chang",),
    "alter": ("chang",),
    "adress": ("address",),
    "addres": ("address",),
    "pay": ("payment",),
    "card": ("payment",),
    "fail": ("declin",),
    "reject": ("declin",),
    "refus": ("declin",),
    "confirm": ("verif",),
    "warehous": ("ship", "sent"),
    "countr": ("region",),
    "region": ("countr",),
    "new": ("latest",),
    "latest": ("new",),
    "arrival": ("new",),
    "legal": ("term",),
    "gdpr": ("privac", "data"),
    "personal": ("data", "privac"),
    "human": ("contact",),
    "agent": ("contact",),
    "phone": ("contact",),
    "split": ("divid",),
    "separ": ("divid",),
    "multipl": ("divid", "more"),
}


def normalise(text: str) -> str:
    """Lower case, accents off, curly and straight apostrophes removed ("didn’t" → "didnt")."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_APOSTROPHES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stem(word: str) -> str:
    """A light English stemmer: plural, -ing, -ed, -ly, final -e and -y, so inflections meet."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if any(v in base for v in "aeiouy"):
                word = base
                # Undouble a final consonant: "shipped" → "shipp" → "ship".
                if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeioulsz":
                    word = word[:-1]
                break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 4 and word.endswith("y") and word[-2] not in "aeiou":
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def terms(text: str, *, keep_stop_words: bool = False) -> list[str]:
    """The stemmed terms of a text, as indexed and as queried."""
    return [stem(w) for w in words(text) if keep_stop_words or w not in STOP_WORDS]


@lru_cache(maxsize=1)
def country_terms() -> frozenset[str]:
    """Stems of one-word country names ("brazil", "german"): a country in a query means "country"."""
    names: set[str] = set()
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", "")):
            parts = words(name)
            if len(parts) == 1:
                names.add(stem(parts[0]))
    return frozenset(names)


def expansions(term: str) -> tuple[str, ...]:
    found = SYNONYMS.get(term, ())
    if term in country_terms():
        found = (*found, "countr")
    return found
